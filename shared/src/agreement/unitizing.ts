import { type Coefficient, defined, undefinedCoefficient } from './coefficient.js';
import type { Positions, RunList } from './intervals.js';

/**
 * Krippendorff's (1995, 2004) u-alpha for one category, as dkpro-statistics implements it.
 * Each rater's units are sorted and non-overlapping (they may touch). `boundaries` cut the continuum
 * [boundaries[0], boundaries[last]) into stretches (documents) so that gaps never run across a document end.
 */
export interface UAlphaParts {
  observed: number;
  expected: number;
}

/** dkpro's distance between one rater's segment and another's; `null` marks a gap. */
export function unitDistance(
  begin1: number,
  length1: number,
  valued1: boolean,
  begin2: number,
  length2: number,
  valued2: boolean,
): number {
  const beginDiff = begin1 - begin2;
  const endDiff = begin1 + length1 - (begin2 + length2);
  if (valued1 && valued2 && -length1 < beginDiff && beginDiff < length2)
    return beginDiff * beginDiff + endDiff * endDiff;
  if (valued1 && !valued2 && beginDiff >= 0 && endDiff <= 0) return length1 * length1;
  if (!valued1 && valued2 && beginDiff <= 0 && endDiff >= 0) return length2 * length2;
  return 0;
}

/** Slots of one rater pair's running sums in `comparePair`. */
export const PAIR_OVERLAP = 0;
/** dkpro's squared begin and end differences of overlapping units. */
export const PAIR_SQUARES = 1;
/** Squared lengths of the first rater's units lying in the second's gaps, and the other way round. */
export const PAIR_A_ALONE = 2;
export const PAIR_B_ALONE = 3;
export const PAIR_SLOTS = 4;

/**
 * One merge pass over two raters' sorted units, A [aFrom, aTo) and B [bFrom, bTo): returns the length both cover and
 * adds it and dkpro's distance terms to sums[at + PAIR_*]. Overlapping pairs come in (A unit, B unit) order, so calling
 * it stretch by stretch adds the same terms in the same order as one call over the whole continuum.
 */
export function comparePair(
  aStarts: Positions,
  aEnds: Positions,
  aFrom: number,
  aTo: number,
  bStarts: Positions,
  bEnds: Positions,
  bFrom: number,
  bTo: number,
  sums: Float64Array,
  at: number,
): number {
  let both = 0;
  let overlapSum = sums[at + PAIR_OVERLAP]!;
  let squares = sums[at + PAIR_SQUARES]!;
  let aAlone = sums[at + PAIR_A_ALONE]!;
  let bAlone = sums[at + PAIR_B_ALONE]!;
  let a = aFrom;
  let b = bFrom;
  let aMet = false;
  let bMet = false;
  while (a < aTo && b < bTo) {
    const aStart = aStarts[a]!;
    const aEnd = aEnds[a]!;
    const bStart = bStarts[b]!;
    const bEnd = bEnds[b]!;
    const overlap = Math.min(aEnd, bEnd) - Math.max(aStart, bStart);
    if (overlap > 0) {
      both += overlap;
      overlapSum += overlap;
      const ds = aStart - bStart;
      const de = aEnd - bEnd;
      squares += ds * ds + de * de;
      aMet = true;
      bMet = true;
    }
    if (aEnd < bEnd) {
      if (!aMet) aAlone += (aEnd - aStart) * (aEnd - aStart);
      aMet = false;
      a++;
    } else {
      if (!bMet) bAlone += (bEnd - bStart) * (bEnd - bStart);
      bMet = false;
      b++;
    }
  }
  for (; a < aTo; a++, aMet = false) if (!aMet) aAlone += (aEnds[a]! - aStarts[a]!) * (aEnds[a]! - aStarts[a]!);
  for (; b < bTo; b++, bMet = false) if (!bMet) bAlone += (bEnds[b]! - bStarts[b]!) * (bEnds[b]! - bStarts[b]!);
  sums[at + PAIR_OVERLAP] = overlapSum;
  sums[at + PAIR_SQUARES] = squares;
  sums[at + PAIR_A_ALONE] = aAlone;
  sums[at + PAIR_B_ALONE] = bAlone;
  return both;
}

/** Each pair (a < b, in order) of raters compared over their whole unit lists, at PAIR_SLOTS per pair. */
function comparePairs(raters: readonly RunList[]): Float64Array {
  const r = raters.length;
  const sums = new Float64Array(((r * (r - 1)) / 2) * PAIR_SLOTS);
  let at = 0;
  for (let a = 0; a < r; a++) {
    for (let b = a + 1; b < r; b++) {
      const x = raters[a]!;
      const y = raters[b]!;
      comparePair(x.starts, x.ends, 0, x.starts.length, y.starts, y.ends, 0, y.starts.length, sums, at);
      at += PAIR_SLOTS;
    }
  }
  return sums;
}

/** dkpro's observed disagreement from the pairs' sums (`comparePair`) of r raters on a continuum of `length`. */
export function observedDisagreement(pairSums: Float64Array, r: number, length: number): number {
  let observed = 0;
  for (let at = 0; at < pairSums.length; at += PAIR_SLOTS) {
    observed += pairSums[at + PAIR_SQUARES]! + pairSums[at + PAIR_A_ALONE]! + pairSums[at + PAIR_B_ALONE]!;
  }
  return (2 * observed) / (r * (r - 1) * length * length);
}

/**
 * dkpro's expected disagreement: every unit (lengths [0, unitCount), rater by rater) placed at random in every gap
 * (gaps [0, gapCount), any order; reordered here in place) and against every other unit.
 */
export function expectedDisagreement(
  unitLengths: Positions,
  unitCount: number,
  gapLengths: Positions,
  gapCount: number,
  r: number,
  length: number,
): number {
  let selfPairs = 0;
  let longestUnit = 0;
  for (let i = 0; i < unitCount; i++) {
    const l = unitLengths[i]!;
    selfPairs += l * (l - 1);
    if (l > longestUnit) longestUnit = l;
  }
  // Every unit fits every gap at least as long as the longest unit, so only the shorter gaps need sorting.
  // Lengths are integers, so these sums are exact in any order.
  let longGaps = 0;
  let longGapSum = 0;
  let shortGaps = 0;
  for (let i = 0; i < gapCount; i++) {
    const g = gapLengths[i]!;
    if (g >= longestUnit) {
      longGaps++;
      longGapSum += g;
    } else gapLengths[shortGaps++] = g;
  }
  const gaps = gapLengths.subarray(0, shortGaps).sort();
  // suffix sums so that the sum over gaps g >= l of (g - l + 1) costs one binary search per unit
  const suffix = new Float64Array(shortGaps + 1);
  suffix[shortGaps] = longGapSum;
  for (let i = shortGaps - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + gaps[i]!;
  let expected = 0;
  for (let i = 0; i < unitCount; i++) {
    const l = unitLengths[i]!;
    const first = lowerBound(gaps, l);
    const fitting = longGaps + shortGaps - first;
    const placements = suffix[first]! - (l - 1) * fitting;
    expected += ((unitCount - 1) * (2 * l * l * l - 3 * l * l + l)) / 3 + l * l * placements;
  }
  return (expected * 2) / length / (r * length * (r * length - 1) - selfPairs);
}

/** Appends the rater's gaps (split at stretch boundaries) to `into` from index `at`; returns the new end. */
function gapLengths(units: RunList, boundaries: Float64Array, into: Float64Array, at: number): number {
  let out = at;
  let u = 0;
  for (let k = 0; k + 1 < boundaries.length; k++) {
    const stretchEnd = boundaries[k + 1]!;
    let position = boundaries[k]!;
    while (u < units.starts.length && units.starts[u]! < stretchEnd) {
      if (units.starts[u]! > position) into[out++] = units.starts[u]! - position;
      position = units.ends[u]!;
      u++;
    }
    if (stretchEnd > position) into[out++] = stretchEnd - position;
  }
  return out;
}

export function uAlphaParts(raters: readonly RunList[], boundaries: Float64Array): UAlphaParts {
  const r = raters.length;
  const length = boundaries[boundaries.length - 1]! - boundaries[0]!;
  let unitCount = 0;
  for (const units of raters) unitCount += units.starts.length;
  const unitLengths = new Float64Array(unitCount);
  const gaps = new Float64Array(unitCount + r * boundaries.length);
  let at = 0;
  let gapCount = 0;
  for (const units of raters) {
    gapCount = gapLengths(units, boundaries, gaps, gapCount);
    for (let i = 0; i < units.starts.length; i++) unitLengths[at++] = units.ends[i]! - units.starts[i]!;
  }
  return {
    observed: observedDisagreement(comparePairs(raters), r, length),
    expected: expectedDisagreement(unitLengths, unitCount, gaps, gapCount, r, length),
  };
}

function lowerBound(sorted: Positions, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function uAlpha(parts: UAlphaParts): Coefficient {
  if (!(parts.expected > 0)) return undefinedCoefficient('no coder marked any unit, so expected disagreement is 0');
  return defined(1 - parts.observed / parts.expected, 'alpha');
}

/**
 * Krippendorff's (2019) binary |u-alpha for one value, straight from coverage and overlaps: the same number as
 * `uAlphaFamily(observers, length, 1).binary_u_alpha` without building partitions.
 */
export function binaryUAlpha(raters: readonly RunList[], length: number): Coefficient {
  const covered = new Float64Array(raters.length);
  let selfPairing = 0;
  raters.forEach((r, i) => {
    for (let u = 0; u < r.starts.length; u++) {
      const l = r.ends[u]! - r.starts[u]!;
      covered[i]! += l;
      selfPairing += l * l;
    }
    selfPairing += length - covered[i]!;
  });
  return binaryUAlphaOf(covered, selfPairing, comparePairs(raters), length);
}

/**
 * |u-alpha from each rater's covered length, the self-pairing sum (per rater: the squared unit lengths plus the
 * uncovered length) and the pairs' sums (`comparePair`), so the span engine can reuse its own merges.
 */
export function binaryUAlphaOf(
  covered: Float64Array,
  selfPairing: number,
  pairSums: Float64Array,
  length: number,
): Coefficient {
  const m = covered.length;
  let codedGap = 0;
  let codedCoded = 0;
  let at = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const both = pairSums[at + PAIR_OVERLAP]!;
      codedCoded += 2 * both;
      codedGap += covered[a]! + covered[b]! - 2 * both;
      at += PAIR_SLOTS;
    }
  }
  codedGap /= m - 1;
  codedCoded /= m - 1;
  const total = m * length;
  const codedRow = codedCoded + codedGap;
  const gapRow = total - codedRow;
  const expectedGapCoded = (2 * gapRow * codedRow) / (total - selfPairing / total);
  return alphaOf(2 * codedGap, expectedGapCoded, 'no coder coded anything, or everyone coded everything');
}

/** A unitization carrying values: sorted, non-overlapping segments, each with a value index 1..V (0 is the gap). */
export interface ValuedUnitization {
  starts: Float64Array;
  ends: Float64Array;
  values: Int32Array;
}

export interface UAlphaFamily {
  u_alpha: Coefficient;
  binary_u_alpha: Coefficient;
  cu_alpha: Coefficient;
  /** (k)u-alpha for each value 1..V, at index k - 1. */
  per_value: Coefficient[];
  /** Share of each value's matter that meets another coder's coded matter (Krippendorff's coverage). */
  coverage: number[];
}

interface Partition {
  starts: number[];
  ends: number[];
  values: number[];
}

function partitionOf(unitization: ValuedUnitization, length: number): Partition {
  const starts: number[] = [];
  const ends: number[] = [];
  const values: number[] = [];
  let position = 0;
  for (let i = 0; i < unitization.starts.length; i++) {
    const s = unitization.starts[i]!;
    if (s > position) {
      starts.push(position);
      ends.push(s);
      values.push(0);
    }
    starts.push(s);
    ends.push(unitization.ends[i]!);
    values.push(unitization.values[i]!);
    position = unitization.ends[i]!;
  }
  if (length > position) {
    starts.push(position);
    ends.push(length);
    values.push(0);
  }
  return { starts, ends, values };
}

function addIntersections(a: Partition, b: Partition, matrix: Float64Array, width: number): void {
  let i = 0;
  let j = 0;
  while (i < a.starts.length && j < b.starts.length) {
    const overlap = Math.min(a.ends[i]!, b.ends[j]!) - Math.max(a.starts[i]!, b.starts[j]!);
    if (overlap > 0) {
      matrix[a.values[i]! * width + b.values[j]!]! += overlap;
      matrix[b.values[j]! * width + a.values[i]!]! += overlap;
    }
    if (a.ends[i]! < b.ends[j]!) i++;
    else j++;
  }
}

/** Expected coincidences (eq. 33 and 36): marginal products, less each segment's pairing with itself. */
function expectedCoincidences(observed: Float64Array, width: number, selfPairing: Float64Array, from: number) {
  const rows = new Float64Array(width);
  let total = 0;
  let selfTotal = 0;
  for (let c = from; c < width; c++) {
    for (let k = from; k < width; k++) rows[c]! += observed[c * width + k]!;
    total += rows[c]!;
    selfTotal += selfPairing[c]!;
  }
  const expected = new Float64Array(width * width);
  const denominator = total - selfTotal / total;
  for (let c = from; c < width; c++) {
    for (let k = from; k < width; k++) {
      expected[c * width + k] = (rows[c]! * rows[k]! - (c === k ? selfPairing[c]! : 0)) / denominator;
    }
  }
  return { expected, rows, total };
}

function offDiagonal(matrix: Float64Array, width: number, from: number): number {
  let total = 0;
  for (let c = from; c < width; c++) for (let k = from; k < width; k++) if (c !== k) total += matrix[c * width + k]!;
  return total;
}

function alphaOf(observed: number, expected: number, reason: string): Coefficient {
  if (!(expected > 0)) return undefinedCoefficient(reason);
  return defined(1 - observed / expected, 'alpha');
}

/** Union of every other observer's coded segments, as sorted runs. */
function othersCoded(observers: readonly ValuedUnitization[], except: number): { starts: number[]; ends: number[] } {
  const intervals: [number, number][] = [];
  observers.forEach((observer, index) => {
    if (index === except) return;
    for (let i = 0; i < observer.starts.length; i++) intervals.push([observer.starts[i]!, observer.ends[i]!]);
  });
  intervals.sort((x, y) => x[0] - y[0]);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [s, e] of intervals) {
    const last = ends.length - 1;
    if (last >= 0 && ends[last]! >= s) ends[last] = Math.max(ends[last]!, e);
    else {
      starts.push(s);
      ends.push(e);
    }
  }
  return { starts, ends };
}

/**
 * Krippendorff's (2019, sec. 12.6) unitizing alpha family on one continuum [0, length) with values 1..nValues:
 * u-alpha (eq. 34), binary |u-alpha (eq. 35), cu-alpha (eqs. 36-37) and per-value (k)u-alpha (eq. 38),
 * following the quallmer implementation that reproduces the book's Figure 12.11 example.
 */
export function uAlphaFamily(observers: readonly ValuedUnitization[], length: number, nValues: number): UAlphaFamily {
  const m = observers.length;
  const width = nValues + 1;
  const partitions = observers.map((observer) => partitionOf(observer, length));
  const observed = new Float64Array(width * width);
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) addIntersections(partitions[a]!, partitions[b]!, observed, width);
  for (let i = 0; i < observed.length; i++) observed[i]! /= m - 1;

  const selfPairing = new Float64Array(width);
  for (const partition of partitions) {
    for (let g = 0; g < partition.starts.length; g++) {
      const l = partition.ends[g]! - partition.starts[g]!;
      const value = partition.values[g]!;
      selfPairing[value]! += value === 0 ? l : l * l;
    }
  }
  const full = expectedCoincidences(observed, width, selfPairing, 0);
  const noMatter = 'the continuum is empty';
  const u_alpha = alphaOf(offDiagonal(observed, width, 0), offDiagonal(full.expected, width, 0), noMatter);

  let observedGapCoded = 0;
  let expectedGapCoded = 0;
  for (let k = 1; k < width; k++) {
    observedGapCoded += observed[k]! + observed[k * width]!;
    expectedGapCoded += full.expected[k]! + full.expected[k * width]!;
  }
  const binary_u_alpha = alphaOf(
    observedGapCoded,
    expectedGapCoded,
    'no coder coded anything, or everyone coded everything',
  );

  const pairable = new Float64Array(width);
  observers.forEach((observer, index) => {
    const others = othersCoded(observers, index);
    let j = 0;
    for (let g = 0; g < observer.starts.length; g++) {
      const s = observer.starts[g]!;
      const e = observer.ends[g]!;
      while (j < others.starts.length && others.ends[j]! <= s) j++;
      let covered = 0;
      for (let h = j; h < others.starts.length && others.starts[h]! < e; h++) {
        covered += Math.min(e, others.ends[h]!) - Math.max(s, others.starts[h]!);
      }
      pairable[observer.values[g]!]! += covered * covered;
    }
  });
  const coded = expectedCoincidences(observed, width, pairable, 1);
  const noCodedPairs = 'no stretch was coded by two coders, so there is nothing to compare values on';
  const cu_alpha =
    coded.total > 0
      ? alphaOf(offDiagonal(observed, width, 1), offDiagonal(coded.expected, width, 1), 'coders used a single value')
      : undefinedCoefficient(noCodedPairs);

  const per_value: Coefficient[] = [];
  const coverage: number[] = [];
  for (let k = 1; k < width; k++) {
    const matter = full.rows[k]!;
    const pairedMatter = coded.rows[k]!;
    coverage.push(matter > 0 ? pairedMatter / matter : 0);
    if (!(pairedMatter > 0)) {
      per_value.push(undefinedCoefficient('no stretch with this value meets another coder’s coded matter'));
      continue;
    }
    let expectedColumn = 0;
    for (let c = 1; c < width; c++) expectedColumn += coded.expected[c * width + k]!;
    const observedOff = pairedMatter - observed[k * width + k]!;
    const expectedOff = expectedColumn - coded.expected[k * width + k]!;
    per_value.push(
      expectedOff > 0
        ? defined(1 - ((expectedColumn / pairedMatter) * observedOff) / expectedOff, 'alpha')
        : undefinedCoefficient('expected disagreement on this value is 0'),
    );
  }
  return { u_alpha, binary_u_alpha, cu_alpha, per_value, coverage };
}
