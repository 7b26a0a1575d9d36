import { type FoldedText, foldQuery, foldText, originalRange } from '../text/fold.js';
import { detectLanguage } from '../text/language.js';
import { segmenterFor } from '../text/segmentation.js';
import { turnsOverlapping } from './frequency.js';
import type { SpeakerSpan } from './types.js';

/**
 * Text search across transcripts, with each hit in its context. The query is a phrase, not a pattern: its
 * characters match literally, except that any run of whitespace matches any run of whitespace (a phrase may cross
 * a line break). Text and query are compared folded by Unicode's rules (shared/src/text/fold.ts): normalised
 * (full-width `ＡＢＣ` is `ABC`, a precomposed `é` is a decomposed one) and, unless case matters, case-folded
 * (`STRASSE` finds `Straße`, `istanbul` finds `İstanbul`). Every hit maps back to exact UTF-16 offsets of the
 * original text, which is never changed, and never cuts a character in two.
 */
export interface SearchOptions {
  caseSensitive?: boolean;
  /**
   * Only matches that are whole words: not preceded or followed by a letter, mark, digit or underscore, or, inside
   * a run of Chinese, Japanese, Thai, Lao, Khmer or Burmese, starting and ending on a word boundary of the
   * platform's word segmentation (`Intl.Segmenter`, dictionary-based for these scripts).
   */
  wholeWord?: boolean;
  /** Ignore diacritics: combining marks (accents, Arabic harakat, Hebrew niqqud) and the Arabic tatweel. */
  ignoreDiacritics?: boolean;
  /** Characters of context on each side (default 80), cut back to whole words. */
  context?: number;
  /** At most this many hits over all transcripts (default 1000). */
  limit?: number;
}

export interface SearchDocument {
  id: string;
  text: string;
  /** Turns sorted by start, to name the speaker of each hit. */
  turns?: readonly SpeakerSpan[];
  /** BCP 47 tag for word boundaries in whole-word search; guessed from the text around a match when absent. */
  language?: string;
}

export interface SearchHit {
  transcript: string;
  start: number;
  end: number;
  before: string;
  match: string;
  after: string;
  /** The speaker whose turn the hit starts in, if the transcript has turns. */
  speaker: string | null;
}

export interface SearchResult {
  hits: SearchHit[];
  /** The limit was reached: there are more hits than listed. */
  truncated: boolean;
}

/**
 * The pattern a query becomes, to run on text folded with the same options (`foldText`): the folded query's words,
 * literally, joined by "any whitespace". Null for a query with no words.
 */
export function searchPattern(
  query: string,
  options: Pick<SearchOptions, 'caseSensitive' | 'ignoreDiacritics'> = {},
): RegExp | null {
  const words = foldQuery(query, options).trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return null;
  return new RegExp(words.map((word) => word.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('\\s+'), 'gu');
}

const WORD_CHARACTER = /[\p{L}\p{M}\p{N}_]/u;
/** Scripts written without spaces between words: their word boundaries come from the platform's segmenter. */
const UNSPACED = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
/** How far either side of a position the unspaced run around it is segmented. */
const RUN_LIMIT = 200;

const characterBefore = (text: string, at: number) =>
  at === 0
    ? undefined
    : String.fromCodePoint(text.codePointAt(at >= 2 && isLowSurrogate(text, at - 1) ? at - 2 : at - 1)!);
const characterAt = (text: string, at: number) =>
  at >= text.length ? undefined : String.fromCodePoint(text.codePointAt(at)!);
const isLowSurrogate = (text: string, at: number) => {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff;
};
const unspacedWord = (character: string | undefined) =>
  character !== undefined && WORD_CHARACTER.test(character) && UNSPACED.test(character);

/** A word boundary inside a run of unspaced script, by the word segmenter run over that run alone. */
function segmenterBoundary(text: string, at: number, language: string | undefined): boolean {
  let start = at;
  while (start > Math.max(0, at - RUN_LIMIT) && unspacedWord(characterBefore(text, start))) start--;
  let end = at;
  while (end < Math.min(text.length, at + RUN_LIMIT) && unspacedWord(characterAt(text, end))) end++;
  const run = text.slice(start, end);
  for (const piece of segmenterFor(language ?? detectLanguage(run), 'word').segment(run)) {
    if (start + piece.index === at) return true;
    if (start + piece.index > at) break;
  }
  return false;
}

/** Whether a match may start (`side` "start") or end at `at` and still be a whole word. */
function wordEdge(text: string, at: number, side: 'start' | 'end', language: string | undefined): boolean {
  const outside = side === 'start' ? characterBefore(text, at) : characterAt(text, at);
  if (outside === undefined || !WORD_CHARACTER.test(outside)) return true;
  const inside = side === 'start' ? characterAt(text, at) : characterBefore(text, at);
  return unspacedWord(outside) && unspacedWord(inside) && segmenterBoundary(text, at, language);
}

export function searchText(
  documents: readonly SearchDocument[],
  query: string,
  options: SearchOptions = {},
): SearchResult {
  const pattern = searchPattern(query, options);
  const hits: SearchHit[] = [];
  if (pattern === null) return { hits, truncated: false };
  const context = options.context ?? 80;
  const limit = options.limit ?? 1000;
  for (const document of documents) {
    const folded: FoldedText = foldText(document.text, options);
    pattern.lastIndex = 0;
    for (let found = pattern.exec(folded.text); found !== null; found = pattern.exec(folded.text)) {
      const range = originalRange(folded, found.index, found.index + found[0].length);
      if (
        range === null ||
        (options.wholeWord &&
          !(
            wordEdge(document.text, range[0], 'start', document.language) &&
            wordEdge(document.text, range[1], 'end', document.language)
          ))
      ) {
        // Not a hit here: try again from the next character (a hit may overlap this one).
        pattern.lastIndex = found.index + (isLowSurrogate(folded.text, found.index + 1) ? 2 : 1);
        continue;
      }
      if (hits.length === limit) return { hits, truncated: true };
      const [start, end] = range;
      const turn = turnsOverlapping(document.turns ?? [], start, start + 1)[0];
      hits.push({
        transcript: document.id,
        start,
        end,
        before: contextBefore(document.text, start, context),
        match: document.text.slice(start, end),
        after: contextAfter(document.text, end, context),
        speaker: turn?.speaker ?? null,
      });
    }
  }
  return { hits, truncated: false };
}

/** Up to `length` characters before `at`, without a word cut in half at the far end. */
export function contextBefore(text: string, at: number, length: number): string {
  const from = Math.max(0, at - length);
  const slice = text.slice(from, at);
  if (from === 0 || /\s/u.test(text[from - 1]!)) return slice;
  const firstBreak = slice.search(/\s/u);
  return firstBreak < 0 ? slice : slice.slice(firstBreak + 1);
}

/** Up to `length` characters after `at`, without a word cut in half at the far end. */
export function contextAfter(text: string, at: number, length: number): string {
  const to = Math.min(text.length, at + length);
  const slice = text.slice(at, to);
  if (to === text.length || /\s/u.test(text[to]!)) return slice;
  const lastBreak = Math.max(slice.lastIndexOf(' '), slice.lastIndexOf('\n'), slice.lastIndexOf('\t'));
  return lastBreak < 0 ? slice : slice.slice(0, lastBreak);
}
