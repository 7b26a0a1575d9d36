import { href } from '../routes.js';

/**
 * Jump to a passage: a transcript URL may carry `?at=<start>-<end>` (UTF-16 offsets into the transcript text, as
 * everywhere in Accord). The transcript page opens scrolled to the turn that contains `start` and briefly
 * highlights the range. Links from the disagreement review and the analysis results are built here.
 */
export interface Passage {
  start: number;
  end: number;
}

const AT = /^(\d{1,10})(?:-(\d{1,10}))?$/;

/** The passage in a query string (`?at=120-180`, or `?at=120` for a point); null when absent or malformed. */
export function parseAt(search: string): Passage | null {
  const value = new URLSearchParams(search).get('at');
  if (value === null) return null;
  const match = AT.exec(value.trim());
  if (!match) return null;
  const a = Number(match[1]);
  const b = match[2] === undefined ? a : Number(match[2]);
  return { start: Math.min(a, b), end: Math.max(a, b) };
}

/** The transcript page's URL, scrolled to a passage when one is given. */
export function passageHref(project: string, transcript: string, passage?: Passage | null): string {
  return href.transcript(project, transcript, passage);
}

/**
 * The index of the block (turn or paragraph) that contains `offset`; blocks tile the text in order. An offset
 * past the end gives the last block, before the start the first; -1 only when there are no blocks.
 */
export function blockIndexAt(blocks: readonly Passage[], offset: number): number {
  if (blocks.length === 0) return -1;
  let low = 0;
  let high = blocks.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (blocks[middle]!.start <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The passage clamped to a text of `length` characters; null when nothing of it is left to show. */
export function clampPassage(passage: Passage, length: number): Passage | null {
  if (length <= 0) return null;
  const start = Math.min(Math.max(0, passage.start), length - 1);
  const end = Math.min(Math.max(start, passage.end), length);
  return { start, end: end === start ? Math.min(length, start + 1) : end };
}
