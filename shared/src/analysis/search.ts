import { turnsOverlapping } from './frequency.js';
import type { SpeakerSpan } from './types.js';

/**
 * Text search across transcripts, with each hit in its context. The query is a phrase, not a pattern: its
 * characters match literally, except that any run of whitespace matches any run of whitespace (a phrase may cross
 * a line break). Matching runs on the original text, so offsets are exact UTF-16 offsets.
 */
export interface SearchOptions {
  caseSensitive?: boolean;
  /** Only matches not preceded or followed by a letter, digit or underscore. */
  wholeWord?: boolean;
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

const WORD_CHARACTER = '[\\p{L}\\p{N}_]';

export function searchPattern(query: string, options: Pick<SearchOptions, 'caseSensitive' | 'wholeWord'> = {}) {
  const words = query.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return null;
  const phrase = words.map((word) => word.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('\\s+');
  const source = options.wholeWord ? `(?<!${WORD_CHARACTER})${phrase}(?!${WORD_CHARACTER})` : phrase;
  return new RegExp(source, options.caseSensitive ? 'gu' : 'giu');
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
    pattern.lastIndex = 0;
    for (const found of document.text.matchAll(pattern)) {
      if (hits.length === limit) return { hits, truncated: true };
      const start = found.index;
      const end = start + found[0].length;
      const turn = turnsOverlapping(document.turns ?? [], start, start + 1)[0];
      hits.push({
        transcript: document.id,
        start,
        end,
        before: contextBefore(document.text, start, context),
        match: found[0],
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
