import type { PairTable } from './cohen.js';

/**
 * Rating profiles: for each kind of unit, how many coders put it in each category, and how many such units there
 * are (a weight, so a million characters with the same profile cost one row). counts is row-major n x q.
 */
export interface Profiles {
  q: number;
  n: number;
  counts: Float64Array;
  weights: Float64Array;
}

/** Two coders' table as profiles: a unit in cell (i, j) has one rating in category i and one in j. */
export function profilesFromTable(table: PairTable): Profiles {
  const { q } = table;
  const counts = new Float64Array(q * q * q);
  const weights = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const row = i * q + j;
      counts[row * q + i]! += 1;
      counts[row * q + j]! += 1;
      weights[row] = table.counts[row]!;
    }
  }
  return { q, n: q * q, counts, weights };
}

/** Binary (not coded / coded) profiles from a histogram hist[m * (maxCoders + 1) + k] of units with m coders, k coding. */
export function profilesFromCoverage(histogram: Float64Array, maxCoders: number): Profiles {
  const width = maxCoders + 1;
  let n = 0;
  for (const w of histogram) if (w > 0) n++;
  const counts = new Float64Array(n * 2);
  const weights = new Float64Array(n);
  let row = 0;
  for (let m = 0; m < width; m++) {
    for (let k = 0; k <= m; k++) {
      const w = histogram[m * width + k]!;
      if (w <= 0) continue;
      counts[row * 2] = m - k;
      counts[row * 2 + 1] = k;
      weights[row] = w;
      row++;
    }
  }
  return { q: 2, n, counts, weights };
}

export function ratingsOf(profiles: Profiles, row: number): number {
  let total = 0;
  const base = row * profiles.q;
  for (let k = 0; k < profiles.q; k++) total += profiles.counts[base + k]!;
  return total;
}

/** Collapse to "category k" versus "any other category", for per-category coefficients. */
export function oneVersusRest(profiles: Profiles, category: number): Profiles {
  const counts = new Float64Array(profiles.n * 2);
  for (let row = 0; row < profiles.n; row++) {
    const inCategory = profiles.counts[row * profiles.q + category]!;
    counts[row * 2] = ratingsOf(profiles, row) - inCategory;
    counts[row * 2 + 1] = inCategory;
  }
  return { q: 2, n: profiles.n, counts, weights: profiles.weights };
}
