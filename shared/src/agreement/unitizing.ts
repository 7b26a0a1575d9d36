import { type Coefficient, defined, undefinedCoefficient } from './coefficient.js';
import type { RunList } from './intervals.js';

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

/**
 * Sum of distances between two raters' partitions: overlapping units, and units lying inside the other's gap.
 * `aOverlapped` and `bOverlapped` are scratch flags, cleared here.
 */
function pairDisagreement(a: RunList, b: RunList, aOverlapped: Uint8Array, bOverlapped: Uint8Array): number {
  let total = 0;
  aOverlapped.fill(0, 0, a.starts.length);
  bOverlapped.fill(0, 0, b.starts.length);
  let j0 = 0;
  for (let i = 0; i < a.starts.length; i++) {
    const s = a.starts[i]!;
    const e = a.ends[i]!;
    while (j0 < b.starts.length && b.ends[j0]! <= s) j0++;
    for (let j = j0; j < b.starts.length && b.starts[j]! < e; j++) {
      const ds = s - b.starts[j]!;
      const de = e - b.ends[j]!;
      total += ds * ds + de * de;
      aOverlapped[i] = 1;
      bOverlapped[j] = 1;
    }
  }
  return total + lonelySquares(a, aOverlapped) + lonelySquares(b, bOverlapped);
}

function lonelySquares(units: RunList, overlapped: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < units.starts.length; i++) {
    if (overlapped[i]) continue;
    const length = units.ends[i]! - units.starts[i]!;
    total += length * length;
  }
  return total;
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
  let mostUnits = 0;
  for (const units of raters) {
    unitCount += units.starts.length;
    mostUnits = Math.max(mostUnits, units.starts.length);
  }
  const aOverlapped = new Uint8Array(mostUnits);
  const bOverlapped = new Uint8Array(mostUnits);
  let observed = 0;
  for (let a = 0; a < r; a++) {
    for (let b = a + 1; b < r; b++) observed += pairDisagreement(raters[a]!, raters[b]!, aOverlapped, bOverlapped);
  }
  observed = (2 * observed) / (r * (r - 1) * length * length);

  const gapBuffer = new Float64Array(unitCount + r * boundaries.length);
  let gapCount = 0;
  let selfPairs = 0;
  for (const units of raters) {
    gapCount = gapLengths(units, boundaries, gapBuffer, gapCount);
    for (let i = 0; i < units.starts.length; i++) {
      const l = units.ends[i]! - units.starts[i]!;
      selfPairs += l * (l - 1);
    }
  }
  const gaps = gapBuffer.subarray(0, gapCount).sort();
  // suffix sums so that the sum over gaps g >= l of (g - l + 1) costs one binary search per unit
  const suffix = new Float64Array(gaps.length + 1);
  for (let i = gaps.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + gaps[i]!;
  let expected = 0;
  for (const units of raters) {
    for (let i = 0; i < units.starts.length; i++) {
      const l = units.ends[i]! - units.starts[i]!;
      const first = lowerBound(gaps, l);
      const fitting = gaps.length - first;
      const placements = suffix[first]! - (l - 1) * fitting;
      expected += ((unitCount - 1) * (2 * l * l * l - 3 * l * l + l)) / 3 + l * l * placements;
    }
  }
  expected = (expected * 2) / length / (r * length * (r * length - 1) - selfPairs);
  return { observed, expected };
}

function lowerBound(sorted: Float64Array, value: number): number {
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

function overlapOf(a: RunList, b: RunList): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.starts.length && j < b.starts.length) {
    const overlap = Math.min(a.ends[i]!, b.ends[j]!) - Math.max(a.starts[i]!, b.starts[j]!);
    if (overlap > 0) total += overlap;
    if (a.ends[i]! < b.ends[j]!) i++;
    else j++;
  }
  return total;
}

/**
 * Krippendorff's (2019) binary |u-alpha for one value, straight from coverage and overlaps: the same number as
 * `uAlphaFamily(observers, length, 1).binary_u_alpha` without building partitions (the span engine's hot path).
 */
export function binaryUAlpha(raters: readonly RunList[], length: number): Coefficient {
  const m = raters.length;
  const covered = new Float64Array(m);
  let selfPairing = 0;
  raters.forEach((r, i) => {
    for (let u = 0; u < r.starts.length; u++) {
      const l = r.ends[u]! - r.starts[u]!;
      covered[i]! += l;
      selfPairing += l * l;
    }
    selfPairing += length - covered[i]!;
  });
  let codedGap = 0;
  let codedCoded = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const both = overlapOf(raters[a]!, raters[b]!);
      codedCoded += 2 * both;
      codedGap += covered[a]! + covered[b]! - 2 * both;
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
