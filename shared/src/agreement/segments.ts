/**
 * Helpers that cut a transcript's text into units of analysis: half-open [start, end) in UTF-16 code units.
 * These are segmentation version 1, kept exactly as they were so that old reports reproduce; version 2 (Unicode's
 * rules, by language) and the choice between versions are in shared/src/text/segmentation.ts.
 */
export type Segment = [number, number];

export interface SpeakerTurn {
  start: number;
  end: number;
  speaker: string | null;
}

const WHITESPACE = /\s/;

/** Shrink [start, end) so it neither begins nor ends with whitespace; null if nothing is left. */
function trimmed(text: string, start: number, end: number): Segment | null {
  let s = start;
  let e = end;
  while (s < e && WHITESPACE.test(text[s]!)) s++;
  while (e > s && WHITESPACE.test(text[e - 1]!)) e--;
  return e > s ? [s, e] : null;
}

/** Lines (LF, CRLF or CR) with text, each one paragraph, as MAXQDA, NVivo and Word exports number them. */
export function paragraphSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  const lineBreak = /\r\n|\r|\n/g;
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

/**
 * Sentences: a sentence ends after ".", "!", "?" or "…" (with any closing quotes or brackets) followed by
 * whitespace, or at a line break. Abbreviations such as "Dr." split too: say so to users, it is a rule, not NLP.
 */
export function sentenceSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  for (const [pStart, pEnd] of paragraphSegments(text)) {
    const boundary = /[.!?…]+["'”’)\]]*(?=\s)/g;
    boundary.lastIndex = pStart;
    let start = pStart;
    for (let match = boundary.exec(text); match !== null && match.index < pEnd; match = boundary.exec(text)) {
      const end = match.index + match[0].length;
      const segment = trimmed(text, start, end);
      if (segment) segments.push(segment);
      start = end;
    }
    const rest = trimmed(text, start, pEnd);
    if (rest) segments.push(rest);
  }
  return segments;
}

const DEFAULT_SPEAKER = /^[ \t]*(?:\d+[ \t]+)?(?:\[([^\]\r\n]{1,40})\]|([\p{L}][\p{L}\p{N} .'’-]{0,39}):)[ \t]/gmu;

/**
 * Speaker turns: a turn starts at a line that opens with a speaker label ("Dan: ", "Participant 3: ", "[id1] ",
 * optionally after a paragraph number) and runs to the next label. Text before the first label is a turn with
 * speaker null. Pass your own `label` (multiline; the first capture group that matched is the speaker).
 */
export function speakerTurnSegments(text: string, label: RegExp = DEFAULT_SPEAKER): SpeakerTurn[] {
  const pattern = new RegExp(label.source, label.flags.includes('g') ? label.flags : `${label.flags}g`);
  const starts: { at: number; speaker: string | null }[] = [];
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    starts.push({ at: match.index, speaker: (match.slice(1).find((group) => group !== undefined) ?? match[0]).trim() });
    if (match[0].length === 0) pattern.lastIndex++;
  }
  const turns: SpeakerTurn[] = [];
  const first = starts[0]?.at ?? text.length;
  const lead = trimmed(text, 0, first);
  if (lead) turns.push({ start: lead[0], end: lead[1], speaker: null });
  starts.forEach((turn, i) => {
    const segment = trimmed(text, turn.at, starts[i + 1]?.at ?? text.length);
    if (segment) turns.push({ start: segment[0], end: segment[1], speaker: turn.speaker });
  });
  return turns;
}

/** The whole transcript as one unit: agreement on whether a code was used in it at all. */
export function wholeTranscriptSegments(text: string): Segment[] {
  const segment = trimmed(text, 0, text.length);
  return segment ? [segment] : [];
}
