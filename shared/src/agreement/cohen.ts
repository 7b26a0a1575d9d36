import { type Coefficient, chanceCorrected, defined, undefinedCoefficient } from './coefficient.js';

/** A q x q contingency table of counts, rows = coder A, columns = coder B, row-major. */
export interface PairTable {
  q: number;
  counts: Float64Array;
}

const Z95 = 1.96;
const NO_UNITS = 'no unit was rated by both coders';
const ONE_CATEGORY =
  'both coders put every unit in one and the same category, so chance agreement is 1 and kappa is 0/0';

export function tableTotal(table: PairTable): number {
  let n = 0;
  for (const c of table.counts) n += c;
  return n;
}

function marginals(table: PairTable, n: number): { rows: Float64Array; cols: Float64Array } {
  const { q, counts } = table;
  const rows = new Float64Array(q);
  const cols = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const p = counts[i * q + j]! / n;
      rows[i]! += p;
      cols[j]! += p;
    }
  }
  return { rows, cols };
}

/** Share of units on the diagonal (both coders chose the same category). */
export function observedAgreement(table: PairTable): number | null {
  const n = tableTotal(table);
  if (n === 0) return null;
  let diagonal = 0;
  for (let i = 0; i < table.q; i++) diagonal += table.counts[i * table.q + i]!;
  return diagonal / n;
}

/**
 * Cohen's (weighted) kappa with the large-sample standard errors of Fleiss, Cohen & Everitt (1969):
 * `se` without assuming kappa = 0 (SAS "ASE"), `se0` under kappa = 0, `z = kappa / se0`.
 * `weights` are agreement weights w[i*q+j] (identity for unweighted kappa).
 */
export function cohenKappa(table: PairTable, weights: Float64Array): Coefficient {
  const { q, counts } = table;
  const n = tableTotal(table);
  if (n === 0) return undefinedCoefficient(NO_UNITS);
  const { rows, cols } = marginals(table, n);
  let po = 0;
  let pe = 0;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const w = weights[i * q + j]!;
      po += (w * counts[i * q + j]!) / n;
      pe += w * rows[i]! * cols[j]!;
    }
  }
  if (!(pe < 1)) return undefinedCoefficient(ONE_CATEGORY);
  const kappa = (po - pe) / (1 - pe);
  const rowMeanWeight = new Float64Array(q);
  const colMeanWeight = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      rowMeanWeight[i]! += cols[j]! * weights[i * q + j]!;
      colMeanWeight[j]! += rows[i]! * weights[i * q + j]!;
    }
  }
  let spread = 0;
  let spread0 = 0;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const w = weights[i * q + j]!;
      const meanWeight = rowMeanWeight[i]! + colMeanWeight[j]!;
      const d = w - meanWeight * (1 - kappa);
      spread += (counts[i * q + j]! / n) * d * d;
      const d0 = w - meanWeight;
      spread0 += rows[i]! * cols[j]! * d0 * d0;
    }
  }
  const scale = n * (1 - pe) * (1 - pe);
  const bias = kappa - pe * (1 - kappa);
  const se = Math.sqrt(Math.max(0, spread - bias * bias) / scale);
  const se0 = Math.sqrt(Math.max(0, spread0 - pe * pe) / scale);
  const result = defined(kappa, 'kappa');
  result.se = se;
  result.ci95 = [kappa - Z95 * se, kappa + Z95 * se];
  result.se0 = se0;
  if (se0 > 0) result.z = kappa / se0;
  return result;
}

/** Scott's pi: chance from the pooled category shares of both coders. */
export function scottPi(table: PairTable): Coefficient {
  const n = tableTotal(table);
  if (n === 0) return undefinedCoefficient(NO_UNITS);
  const { rows, cols } = marginals(table, n);
  let pe = 0;
  for (let k = 0; k < table.q; k++) {
    const share = (rows[k]! + cols[k]!) / 2;
    pe += share * share;
  }
  return chanceCorrected(observedAgreement(table)!, pe, 'kappa', ONE_CATEGORY);
}
