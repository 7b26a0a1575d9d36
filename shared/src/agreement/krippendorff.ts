import { type Coefficient, defined, undefinedCoefficient } from './coefficient.js';
import { type Profiles, ratingsOf } from './profiles.js';

export type Level = 'nominal' | 'ordinal' | 'interval' | 'ratio';
export const LEVELS: readonly Level[] = ['nominal', 'ordinal', 'interval', 'ratio'];

/** Krippendorff's coincidence matrix: each unit with m >= 2 values contributes its m(m-1) ordered pairs / (m-1). */
export function coincidences(profiles: Profiles): Float64Array {
  const { q, n, counts } = profiles;
  const matrix = new Float64Array(q * q);
  for (let row = 0; row < n; row++) {
    const w = profiles.weights[row]!;
    if (w === 0) continue;
    const m = ratingsOf(profiles, row);
    if (m < 2) continue;
    const base = row * q;
    const scale = w / (m - 1);
    for (let c = 0; c < q; c++) {
      const nc = counts[base + c]!;
      if (nc === 0) continue;
      for (let k = 0; k < q; k++) {
        const nk = counts[base + k]! - (c === k ? 1 : 0);
        if (nk > 0) matrix[c * q + k]! += scale * nc * nk;
      }
    }
  }
  return matrix;
}

/**
 * Squared distances delta^2 between category c and k for a level of measurement (Krippendorff 2011).
 * Ordinal distances use the category order and the coincidence marginals; interval and ratio need numeric values.
 */
export function levelDistances(
  level: Level,
  q: number,
  marginals: Float64Array,
  values: readonly number[] | null,
): Float64Array | string {
  const distances = new Float64Array(q * q);
  if ((level === 'interval' || level === 'ratio') && values === null) {
    return `${level} alpha needs numeric categories`;
  }
  for (let c = 0; c < q; c++) {
    let between = 0;
    for (let k = c; k < q; k++) {
      between += marginals[k]!;
      let d = 0;
      if (c !== k) {
        if (level === 'nominal') d = 1;
        else if (level === 'ordinal') {
          const rank = between - (marginals[c]! + marginals[k]!) / 2;
          d = rank * rank;
        } else {
          const a = values![c]!;
          const b = values![k]!;
          const diff = level === 'interval' ? a - b : a + b === 0 ? 0 : (a - b) / (a + b);
          d = diff * diff;
        }
      }
      distances[c * q + k] = d;
      distances[k * q + c] = d;
    }
  }
  return distances;
}

export interface AlphaParts {
  observed: number;
  expected: number;
}

/** Observed and expected disagreement D_o and D_e from a coincidence matrix and squared distances. */
export function disagreements(matrix: Float64Array, q: number, distances: Float64Array): AlphaParts | string {
  const marginals = marginalsOf(matrix, q);
  let total = 0;
  for (const m of marginals) total += m;
  if (total <= 1) return 'fewer than two pairable values';
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      const d = distances[c * q + k]!;
      if (d === 0) continue;
      observed += matrix[c * q + k]! * d;
      expected += marginals[c]! * marginals[k]! * d;
    }
  }
  return { observed: observed / total, expected: expected / (total * (total - 1)) };
}

export function marginalsOf(matrix: Float64Array, q: number): Float64Array {
  const marginals = new Float64Array(q);
  for (let c = 0; c < q; c++) for (let k = 0; k < q; k++) marginals[c]! += matrix[c * q + k]!;
  return marginals;
}

export function alphaFromCoincidences(matrix: Float64Array, q: number, distances: Float64Array): Coefficient {
  const parts = disagreements(matrix, q, distances);
  if (typeof parts === 'string') return undefinedCoefficient(parts);
  if (parts.expected === 0) {
    return undefinedCoefficient('all pairable values are alike, so expected disagreement is 0 and alpha is 0/0');
  }
  return defined(1 - parts.observed / parts.expected, 'alpha');
}

export function krippendorffAlpha(profiles: Profiles, level: Level, values: readonly number[] | null): Coefficient {
  const { q } = profiles;
  const matrix = coincidences(profiles);
  const distances = levelDistances(level, q, marginalsOf(matrix, q), values);
  if (typeof distances === 'string') return undefinedCoefficient(distances);
  return alphaFromCoincidences(matrix, q, distances);
}
