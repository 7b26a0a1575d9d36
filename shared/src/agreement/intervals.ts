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
 * Union of intervals given in start order (order[from..to) indexes starts/ends), written as runs at outAt.
 * Empty intervals vanish, overlapping or touching ones fuse, so the result does not depend on how codings were split.
 */
export function unionInto(
  order: Int32Array,
  from: number,
  to: number,
  starts: Float64Array,
  ends: Float64Array,
  outStarts: Float64Array,
  outEnds: Float64Array,
  outAt: number,
): number {
  let out = outAt;
  let runStart = 0;
  let runEnd = -1;
  for (let i = from; i < to; i++) {
    const index = order[i]!;
    const s = starts[index]!;
    const e = ends[index]!;
    if (e <= s) continue;
    if (runEnd >= s) {
      if (e > runEnd) runEnd = e;
      continue;
    }
    if (runEnd > runStart) {
      outStarts[out] = runStart;
      outEnds[out] = runEnd;
      out++;
    }
    runStart = s;
    runEnd = e;
  }
  if (runEnd > runStart) {
    outStarts[out] = runStart;
    outEnds[out] = runEnd;
    out++;
  }
  return out;
}
