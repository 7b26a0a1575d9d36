/**
 * Half-open intervals kept as parallel typed arrays. A "run list" is sorted, non-overlapping and non-touching:
 * the union of one coder's codings of one code in one document.
 */
export interface RunList {
  starts: Float64Array;
  ends: Float64Array;
}

/** Total length of runs [from, to). */
export function runsLength(starts: Float64Array, ends: Float64Array, from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += ends[i]! - starts[i]!;
  return total;
}

/** Length of the intersection of two run lists stored in the same arrays, by one merge pass. */
export function intersectionLength(
  starts: Float64Array,
  ends: Float64Array,
  aFrom: number,
  aTo: number,
  bFrom: number,
  bTo: number,
): number {
  let total = 0;
  let a = aFrom;
  let b = bFrom;
  while (a < aTo && b < bTo) {
    const lo = Math.max(starts[a]!, starts[b]!);
    const aEnd = ends[a]!;
    const bEnd = ends[b]!;
    const hi = Math.min(aEnd, bEnd);
    if (hi > lo) total += hi - lo;
    if (aEnd < bEnd) a++;
    else b++;
  }
  return total;
}

/**
 * Union of the intervals [from, to) of parallel start/end arrays, sorted by start, written back as runs from outAt
 * (at most from): each run is written after the intervals it fuses were read, so the output never overtakes the input.
 * Empty intervals vanish, overlapping or touching ones fuse, so the result does not depend on how codings were split.
 */
export function unionInPlace(
  starts: Float64Array,
  ends: Float64Array,
  from: number,
  to: number,
  outAt: number,
): number {
  let out = outAt;
  let runStart = 0;
  let runEnd = -1;
  for (let i = from; i < to; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    if (e <= s) continue;
    if (runEnd >= s) {
      if (e > runEnd) runEnd = e;
      continue;
    }
    if (runEnd > runStart) {
      starts[out] = runStart;
      ends[out] = runEnd;
      out++;
    }
    runStart = s;
    runEnd = e;
  }
  if (runEnd > runStart) {
    starts[out] = runStart;
    ends[out] = runEnd;
    out++;
  }
  return out;
}
