import type { Interval } from './lanes.js';

/** A run of text covered by exactly the same set of codings. */
export interface Segment {
  start: number;
  end: number;
  /** Ids of the codings covering the whole segment, in the order the codings were given. */
  covering: string[];
}

/**
 * Cuts `[from, to)` at every coding boundary inside it, so that each segment can be drawn with the highlight of
 * the codings covering it. Text not covered by any coding is a segment with no codings. Uncoded text keeps one
 * segment, so an unannotated block is a single text node.
 */
export function segment(from: number, to: number, codings: readonly Interval[]): Segment[] {
  const cuts = new Set<number>([from, to]);
  const inside = codings.filter((coding) => coding.end > from && coding.start < to);
  for (const coding of inside) {
    if (coding.start > from) cuts.add(coding.start);
    if (coding.end < to) cuts.add(coding.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    const covering = inside.filter((coding) => coding.start <= start && coding.end >= end).map((coding) => coding.id);
    segments.push({ start, end, covering });
  }
  return segments;
}

/**
 * The codings that intersect `[from, to)`, from a list sorted by start. Finds the first candidate by binary search
 * over starts; `maxLength` (the longest coding) bounds how far back a coding can start and still reach `from`.
 */
export function codingsBetween<T extends Interval>(
  sorted: readonly T[],
  from: number,
  to: number,
  maxLength: number,
): T[] {
  let low = 0;
  let high = sorted.length;
  const earliest = from - maxLength;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]!.start < earliest) low = mid + 1;
    else high = mid;
  }
  const found: T[] = [];
  for (let i = low; i < sorted.length && sorted[i]!.start < to; i++) {
    if (sorted[i]!.end > from) found.push(sorted[i]!);
  }
  return found;
}
