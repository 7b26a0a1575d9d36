/**
 * Offsets and lengths in characters (or segments). An Int32Array whenever every document is shorter than 2^30
 * characters, which any real transcript is, so that the engine's loops read small integers (code that V8 has not
 * optimised yet boxes every double it reads); a Float64Array beyond, for declared lengths up to 2^53.
 */
export type Positions = Int32Array | Float64Array;

/** Below this, twice a position plus one (a coverage event) still fits an Int32Array. */
const INT32_LIMIT = 2 ** 30;

export function newPositions(size: number, longest: number): Positions {
  return longest < INT32_LIMIT ? new Int32Array(size) : new Float64Array(size);
}

/** Positions of the same kind as `like`. */
export function positionsLike(like: Positions, size: number): Positions {
  return like instanceof Int32Array ? new Int32Array(size) : new Float64Array(size);
}

/**
 * Half-open intervals kept as parallel typed arrays. A "run list" is sorted, non-overlapping and non-touching:
 * the union of one coder's codings of one code in one document.
 */
export interface RunList {
  starts: Positions;
  ends: Positions;
}

/** Length of the intersection of two run lists stored in the same arrays, by one merge pass. */
export function intersectionLength(
  starts: Positions,
  ends: Positions,
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
export function unionInPlace(starts: Positions, ends: Positions, from: number, to: number, outAt: number): number {
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
