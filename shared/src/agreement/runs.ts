import type { SegmentUnits, SpansData } from './input.js';
import { type Positions, positionsLike, unionInPlace } from './intervals.js';

/**
 * Every coder's union of codings per (code, document), as runs in one pair of arrays.
 * Group g = (code * documents + document) * coders + coder owns runs [offsets[g], offsets[g + 1]).
 * `lengths` is the number of units per document (characters, or segments when segments are the unit).
 */
export interface CodedRuns {
  offsets: Int32Array;
  starts: Positions;
  ends: Positions;
  covered: Positions;
  lengths: Positions;
}

export function groupOf(code: number, document: number, coder: number, documents: number, coders: number): number {
  return (code * documents + document) * coders + coder;
}

/**
 * Bucket codings by group (counting sort) straight into start/end arrays, order each small bucket by start, and fuse
 * each group into runs in place: a group's runs never outnumber its codings, so the output never overtakes the input.
 */
export function buildRuns(data: SpansData): CodedRuns {
  const groups = data.codes.length * data.documents.length * data.coders.length;
  const offsets = groupOffsets(data, groups);
  const starts = positionsLike(data.lengths, data.codingCount);
  const ends = positionsLike(data.lengths, data.codingCount);
  placeCodings(data, offsets, starts, ends);
  const covered = positionsLike(data.lengths, groups);
  const runCount = fuseGroups(offsets, starts, ends, covered);
  return {
    offsets,
    starts: starts.subarray(0, runCount),
    ends: ends.subarray(0, runCount),
    covered,
    lengths: data.lengths,
  };
}

/** Where each group's codings start once bucketed: offsets[g] to offsets[g + 1]. */
function groupOffsets(data: SpansData, groups: number): Int32Array {
  const documents = data.documents.length;
  const coders = data.coders.length;
  const offsets = new Int32Array(groups + 1);
  for (let i = 0; i < data.codingCount; i++) {
    offsets[groupOf(data.codingCode[i]!, data.codingDocument[i]!, data.codingCoder[i]!, documents, coders) + 1]! += 1;
  }
  for (let g = 0; g < groups; g++) offsets[g + 1]! += offsets[g]!;
  return offsets;
}

function placeCodings(data: SpansData, offsets: Int32Array, starts: Positions, ends: Positions): void {
  const documents = data.documents.length;
  const coders = data.coders.length;
  const cursor = offsets.slice(0, offsets.length - 1);
  for (let i = 0; i < data.codingCount; i++) {
    const at = cursor[
      groupOf(data.codingCode[i]!, data.codingDocument[i]!, data.codingCoder[i]!, documents, coders)
    ]!++;
    starts[at] = data.codingStart[i]!;
    ends[at] = data.codingEnd[i]!;
  }
}

/** Each group's codings into runs, in place; offsets and covered lengths are rewritten for the runs. */
function fuseGroups(offsets: Int32Array, starts: Positions, ends: Positions, covered: Positions): number {
  let from = 0;
  let out = 0;
  for (let g = 0; g < covered.length; g++) {
    const to = offsets[g + 1]!;
    sortIntervalsByStart(starts, ends, from, to);
    offsets[g] = out;
    const next = unionInPlace(starts, ends, from, to, out);
    let length = 0;
    for (let r = out; r < next; r++) length += ends[r]! - starts[r]!;
    covered[g] = length;
    out = next;
    from = to;
  }
  offsets[covered.length] = out;
  return out;
}

/**
 * Order the intervals [from, to) of parallel start/end arrays by start: insertion sort for the usual handful, an
 * index sort beyond. Ties may land in any order: the union of intervals does not depend on it.
 */
function sortIntervalsByStart(starts: Positions, ends: Positions, from: number, to: number): void {
  if (to - from > SMALL) {
    const order = Int32Array.from({ length: to - from }, (_, i) => from + i);
    sortByStart(order, 0, order.length, starts);
    const sortedStarts = Array.from(order, (i) => starts[i]!);
    const sortedEnds = Array.from(order, (i) => ends[i]!);
    starts.set(sortedStarts, from);
    ends.set(sortedEnds, from);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const start = starts[i]!;
    const end = ends[i]!;
    let j = i - 1;
    while (j >= from && starts[j]! > start) {
      starts[j + 1] = starts[j]!;
      ends[j + 1] = ends[j]!;
      j--;
    }
    starts[j + 1] = start;
    ends[j + 1] = end;
  }
}

/** Below this many elements insertion sort beats the built-in sort's call overhead. */
const SMALL = 24;

/** Order indices [from, to) by start: insertion sort for the usual handful, the built-in sort beyond. */
export function sortByStart(order: Int32Array, from: number, to: number, starts: Positions): void {
  if (to - from > SMALL) {
    order.subarray(from, to).sort((a, b) => starts[a]! - starts[b]!);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const index = order[i]!;
    const key = starts[index]!;
    let j = i - 1;
    while (j >= from && starts[order[j]!]! > key) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = index;
  }
}

function firstSegmentEndingAfter(ends: Float64Array, position: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid]! <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Re-express runs over segment indices: a segment is coded when its covered share reaches minCoverage
 * (any overlap when minCoverage is 0). Only segments that meet a run are visited. Segment indices and counts come
 * from the JSON input, so they always fit an Int32Array.
 */
export function toSegmentRuns(runs: CodedRuns, segments: SegmentUnits, documents: number, coders: number): CodedRuns {
  const groups = runs.covered.length;
  const lengths = Int32Array.from(segments.starts, (s) => s.length);
  const capacity = runs.starts.length + groups;
  let starts: Int32Array = new Int32Array(capacity);
  let ends: Int32Array = new Int32Array(capacity);
  const offsets = new Int32Array(groups + 1);
  const covered = new Int32Array(groups);
  let out = 0;
  let currentGroup = 0;
  const push = (index: number) => {
    if (out > 0 && ends[out - 1] === index && offsets[currentGroup]! < out) {
      ends[out - 1] = index + 1;
    } else {
      if (out === starts.length) {
        starts = grow(starts);
        ends = grow(ends);
      }
      starts[out] = index;
      ends[out] = index + 1;
      out++;
    }
    covered[currentGroup]! += 1;
  };
  for (let g = 0; g < groups; g++) {
    currentGroup = g;
    offsets[g] = out;
    const document = Math.floor(g / coders) % documents;
    const segStarts = segments.starts[document]!;
    const segEnds = segments.ends[document]!;
    let pending = -1;
    let pendingCovered = 0;
    const settle = () => {
      if (pending < 0) return;
      const size = segEnds[pending]! - segStarts[pending]!;
      const coded = segments.minCoverage === 0 ? pendingCovered > 0 : pendingCovered >= segments.minCoverage * size;
      if (coded) push(pending);
    };
    for (let r = runs.offsets[g]!; r < runs.offsets[g + 1]!; r++) {
      const s = runs.starts[r]!;
      const e = runs.ends[r]!;
      for (let i = firstSegmentEndingAfter(segEnds, s); i < segStarts.length && segStarts[i]! < e; i++) {
        const overlap = Math.min(e, segEnds[i]!) - Math.max(s, segStarts[i]!);
        if (i !== pending) {
          settle();
          pending = i;
          pendingCovered = 0;
        }
        pendingCovered += overlap;
      }
    }
    settle();
  }
  offsets[groups] = out;
  return { offsets, starts: starts.subarray(0, out), ends: ends.subarray(0, out), covered, lengths };
}

function grow(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2 + 16);
  bigger.set(array);
  return bigger;
}
