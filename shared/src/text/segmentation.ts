import {
  paragraphSegments,
  type Segment,
  type SpeakerTurn,
  sentenceSegments,
  speakerTurnSegments,
  wholeTranscriptSegments,
} from '../agreement/segments.js';

/**
 * Units of analysis cut from a transcript's text, by a numbered method. A round records the version it was
 * created with, so its figures are always computed with the units its coders were measured on; a new method gets a
 * new number and the old ones stay available (`accord agreement --segmentation 1` reproduces an old report).
 *
 * - Version 1 (Accord until 2025): a sentence ends after `.`, `!`, `?` or `…` (with closing quotes or brackets)
 *   followed by whitespace, or at a line break; paragraphs are LF/CR lines; speaker labels are `Name: `, `[id] `.
 * - Version 2: sentences by Unicode's rules (UAX #29, through the platform's `Intl.Segmenter` with the
 *   transcript's language), which know `。！？`, Arabic `؟`, Devanagari `।` and the like; paragraphs also end at
 *   Unicode's line and paragraph separators (U+2028, U+2029, U+0085); speaker labels may be in any script (with
 *   combining marks, as Devanagari and Thai write), end in a full-width colon `：` (no space needed after it) or be
 *   in `【】` brackets. Abbreviations ("Dr. Smith") split a sentence exactly as the platform splits them.
 *
 * Every function is pure: the same text, language and version give the same units on the same platform. All
 * offsets are half-open [start, end) in UTF-16 code units, with no leading or trailing whitespace.
 */
export type SegmentationVersion = 1 | 2;
export const SEGMENTATION_VERSIONS: readonly SegmentationVersion[] = [1, 2];
export const LATEST_SEGMENTATION: SegmentationVersion = 2;

/** Rounds and inputs that predate versioning were computed with version 1. */
export const LEGACY_SEGMENTATION: SegmentationVersion = 1;

export function isSegmentationVersion(value: unknown): value is SegmentationVersion {
  return (SEGMENTATION_VERSIONS as readonly unknown[]).includes(value);
}

/** What each version does, in a sentence a report can print. */
export const SEGMENTATION_METHODS: Record<SegmentationVersion, string> = {
  1: 'Accord segmentation version 1: a sentence ends after ".", "!", "?" or "…" followed by whitespace, or at a line break; paragraphs are lines; speaker turns start at "Name:" labels',
  2: "Accord segmentation version 2: sentences by the Unicode text segmentation rules (UAX #29, via Intl.Segmenter with each transcript's language); paragraphs are lines, also ended by Unicode line and paragraph separators; speaker turns start at labels in any script, with a colon or full-width colon",
};

export interface SegmentationOptions {
  version: SegmentationVersion;
  /** BCP 47 tag; undefined: the platform's root rules (what every language without tailoring gets). */
  language?: string | undefined;
}

const WHITESPACE = /[\s\p{White_Space}]/u;

function trimmed(text: string, start: number, end: number): Segment | null {
  let s = start;
  let e = end;
  while (s < e && WHITESPACE.test(text[s]!)) s++;
  while (e > s && WHITESPACE.test(text[e - 1]!)) e--;
  return e > s ? [s, e] : null;
}

const segmenters = new Map<string, Intl.Segmenter>();

/**
 * One segmenter per language and granularity. An unknown or malformed tag falls back to the root rules (`und`),
 * never to the host's default locale, so the server and every browser cut the same text the same way.
 */
export function segmenterFor(language: string | undefined, granularity: 'sentence' | 'word'): Intl.Segmenter {
  const key = `${granularity}\u0000${language ?? ''}`;
  let segmenter = segmenters.get(key);
  if (segmenter === undefined) {
    try {
      segmenter = new Intl.Segmenter(language ?? 'und', { granularity });
    } catch {
      segmenter = new Intl.Segmenter('und', { granularity });
    }
    segmenters.set(key, segmenter);
  }
  return segmenter;
}

const LINE_BREAK_V2 = /\r\n|[\n\r\u0085\u2028\u2029]/g;

/** Version 2 paragraphs: lines ended by LF, CR, CRLF, NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR. */
function paragraphsV2(text: string): Segment[] {
  const segments: Segment[] = [];
  const lineBreak = new RegExp(LINE_BREAK_V2.source, 'g');
  let start = 0;
  for (let match = lineBreak.exec(text); match !== null; match = lineBreak.exec(text)) {
    const segment = trimmed(text, start, match.index);
    if (segment) segments.push(segment);
    start = match.index + match[0].length;
  }
  const last = trimmed(text, start, text.length);
  if (last) segments.push(last);
  return segments;
}

/** Version 2 sentences: `Intl.Segmenter`'s sentence boundaries within each paragraph, each trimmed. */
function sentencesV2(text: string, language: string | undefined): Segment[] {
  const segmenter = segmenterFor(language, 'sentence');
  const segments: Segment[] = [];
  for (const [pStart, pEnd] of paragraphsV2(text)) {
    for (const piece of segmenter.segment(text.slice(pStart, pEnd))) {
      const start = pStart + piece.index;
      const segment = trimmed(text, start, start + piece.segment.length);
      if (segment) segments.push(segment);
    }
  }
  return segments;
}

/**
 * Version 2 speaker labels: a name in any script's letters and marks then `:` (followed by a space or the end of the
 * line) or a full-width `：`/`﹕` (followed by anything: CJK text puts no space after it), or `[id]` / `【id】`.
 */
const SPEAKER_V2 =
  /^[ \t\u3000]*(?:\d+[ \t\u3000]+)?(?:\[([^\]\r\n]{1,40})\][ \t\u3000]|【([^】\r\n]{1,40})】|([\p{L}][\p{L}\p{M}\p{N} .'’_-]{0,39}?)(?:[:：﹕](?:[ \t\u3000]|$)|[：﹕]))/gmu;

export function paragraphs(text: string, options: Pick<SegmentationOptions, 'version'>): Segment[] {
  return options.version === 1 ? paragraphSegments(text) : paragraphsV2(text);
}

export function sentences(text: string, options: SegmentationOptions): Segment[] {
  return options.version === 1 ? sentenceSegments(text) : sentencesV2(text, options.language);
}

/** Speaker turns found from labels in the text (stored turns, when a transcript has them, come first). */
export function speakerTurns(text: string, options: Pick<SegmentationOptions, 'version'>): SpeakerTurn[] {
  return options.version === 1 ? speakerTurnSegments(text) : speakerTurnSegments(text, SPEAKER_V2);
}

export function wholeTranscript(text: string): Segment[] {
  return wholeTranscriptSegments(text);
}

/**
 * Words by `Intl.Segmenter` (dictionary-based for Thai, Lao, Khmer, Chinese and Japanese): the word-like segments
 * only, without spaces and punctuation. No unit of agreement uses words yet; whole-word search does.
 */
export function words(text: string, language?: string): Segment[] {
  const segments: Segment[] = [];
  for (const piece of segmenterFor(language, 'word').segment(text)) {
    if (piece.isWordLike) segments.push([piece.index, piece.index + piece.segment.length]);
  }
  return segments;
}
