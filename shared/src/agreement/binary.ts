import { type Coefficient, defined, undefinedCoefficient } from './coefficient.js';

/** The base table for one code and one coder pair: units coded by both, by A only, by B only, by neither. */
export interface BinaryTable {
  both: number;
  a_only: number;
  b_only: number;
  neither: number;
}

/** Slots of `binaryValues`' output; NaN marks an undefined value (never output as such, see `binaryCoefficients`). */
export const PERCENT = 0;
export const COHEN = 1;
export const SCOTT = 2;
export const PABAK = 3;
export const AC1 = 4;
export const ALPHA = 5;
export const BINARY_SLOTS = 6;
export const BINARY_KEYS = [
  'percent_agreement',
  'cohen_kappa',
  'scott_pi',
  'pabak',
  'gwet_ac1',
  'krippendorff_alpha',
] as const;
export type BinaryKey = (typeof BINARY_KEYS)[number];
const SCALES = ['none', 'kappa', 'kappa', 'kappa', 'kappa', 'alpha'] as const;

/**
 * All two-coder coefficients of a coded / not-coded table, without allocating: the hot path of the span engine.
 * Same definitions as the general q x q code (cohen.ts, multirater.ts, krippendorff.ts), specialised to q = 2.
 */
export function binaryValues(
  both: number,
  aOnly: number,
  bOnly: number,
  neither: number,
  out: Float64Array,
  at = 0,
): void {
  const n = both + aOnly + bOnly + neither;
  if (n === 0) {
    out.fill(Number.NaN, at, at + BINARY_SLOTS);
    return;
  }
  const po = (both + neither) / n;
  const rowCoded = (both + aOnly) / n;
  const colCoded = (both + bOnly) / n;
  const cohenChance = rowCoded * colCoded + (1 - rowCoded) * (1 - colCoded);
  const shared = (rowCoded + colCoded) / 2;
  const scottChance = shared * shared + (1 - shared) * (1 - shared);
  const gwetChance = 2 * shared * (1 - shared);
  const pairable = 2 * n;
  const codedValues = 2 * both + aOnly + bOnly;
  const uncodedValues = 2 * neither + aOnly + bOnly;
  out[at + PERCENT] = po;
  out[at + COHEN] = cohenChance < 1 ? (po - cohenChance) / (1 - cohenChance) : Number.NaN;
  out[at + SCOTT] = scottChance < 1 ? (po - scottChance) / (1 - scottChance) : Number.NaN;
  out[at + PABAK] = 2 * po - 1;
  out[at + AC1] = (po - gwetChance) / (1 - gwetChance);
  out[at + ALPHA] =
    codedValues > 0 && uncodedValues > 0
      ? 1 - ((pairable - 1) * (aOnly + bOnly)) / (codedValues * uncodedValues)
      : Number.NaN;
}

const REASONS: Record<BinaryKey, string> = {
  percent_agreement: 'no units',
  cohen_kappa: 'both coders coded all units or none, so chance agreement is 1 and kappa is 0/0',
  scott_pi: 'both coders coded all units or none, so chance agreement is 1 and pi is 0/0',
  pabak: 'no units',
  gwet_ac1: 'no units',
  krippendorff_alpha: 'every unit has the same value (all coded or all uncoded), so alpha is 0/0',
};

export function reasonFor(key: BinaryKey, n: number): string {
  return n === 0 ? 'no units for this pair (neither coder was assigned a document here, or it is empty)' : REASONS[key];
}

export function toCoefficient(value: number, key: BinaryKey, n: number): Coefficient {
  return Number.isNaN(value)
    ? undefinedCoefficient(reasonFor(key, n))
    : defined(value, SCALES[BINARY_KEYS.indexOf(key)]!);
}

export type BinaryCoefficients = { table: BinaryTable } & Record<BinaryKey, Coefficient>;

const scratch = new Float64Array(BINARY_SLOTS);
const Z95 = 1.96;

/** The reported coefficients for one table, Cohen's kappa with its Fleiss-Cohen-Everitt standard errors. */
export function binaryCoefficients(table: BinaryTable): BinaryCoefficients {
  const { both, a_only, b_only, neither } = table;
  const n = both + a_only + b_only + neither;
  binaryValues(both, a_only, b_only, neither, scratch);
  const result = { table: { both, a_only, b_only, neither } } as BinaryCoefficients;
  BINARY_KEYS.forEach((key, slot) => {
    result[key] = toCoefficient(scratch[slot]!, key, n);
  });
  const kappa = result.cohen_kappa;
  if (kappa.value !== null) addKappaErrors(kappa, table, n);
  return result;
}

function addKappaErrors(kappa: Coefficient, table: BinaryTable, n: number): void {
  const k = kappa.value!;
  // cells p[i][j], i = coder A coded (1) or not (0), j = coder B
  const p11 = table.both / n;
  const p10 = table.a_only / n;
  const p01 = table.b_only / n;
  const p00 = table.neither / n;
  const r1 = p11 + p10;
  const r0 = 1 - r1;
  const c1 = p11 + p01;
  const c0 = 1 - c1;
  const pe = r1 * c1 + r0 * c0;
  const q = 1 - k;
  const d11 = 1 - (r1 + c1) * q;
  const d00 = 1 - (r0 + c0) * q;
  const d10 = (c1 + r0) * q;
  const d01 = (c0 + r1) * q;
  const bias = k - pe * q;
  const scale = n * (1 - pe) * (1 - pe);
  const variance = (p11 * d11 * d11 + p00 * d00 * d00 + p10 * d10 * d10 + p01 * d01 * d01 - bias * bias) / scale;
  const e11 = 1 - (c1 + r1);
  const e00 = 1 - (c0 + r0);
  const e10 = c1 + r0;
  const e01 = c0 + r1;
  const variance0 =
    (r1 * c1 * e11 * e11 + r0 * c0 * e00 * e00 + r1 * c0 * e10 * e10 + r0 * c1 * e01 * e01 - pe * pe) / scale;
  const se = Math.sqrt(Math.max(0, variance));
  const se0 = Math.sqrt(Math.max(0, variance0));
  kappa.se = se;
  kappa.ci95 = [k - Z95 * se, k + Z95 * se];
  kappa.se0 = se0;
  if (se0 > 0) kappa.z = k / se0;
}
