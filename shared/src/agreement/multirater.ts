import { type Coefficient, chanceCorrected, defined, undefinedCoefficient } from './coefficient.js';
import { oneVersusRest, type Profiles, ratingsOf } from './profiles.js';
import { weightSum } from './weights.js';

const NO_PAIRS = 'no unit has ratings from two or more coders';

export interface ObservedAgreement {
  /** Fleiss' P-bar: per unit the (weighted) share of agreeing coder pairs, averaged over units with 2+ ratings. */
  pa: number;
  /** Weight of units with two or more ratings. */
  pairable: number;
  /** Share of ratings in each category, averaged over units with at least one rating (Gwet 2014). */
  prevalence: Float64Array;
}

export function observedAgreement(profiles: Profiles, weights: Float64Array): ObservedAgreement {
  const { q, n, counts } = profiles;
  const prevalence = new Float64Array(q);
  let rated = 0;
  let pairable = 0;
  let agreement = 0;
  for (let row = 0; row < n; row++) {
    const w = profiles.weights[row]!;
    if (w === 0) continue;
    const r = ratingsOf(profiles, row);
    if (r === 0) continue;
    const base = row * q;
    rated += w;
    for (let k = 0; k < q; k++) prevalence[k]! += (w * counts[base + k]!) / r;
    if (r < 2) continue;
    let agreeingPairs = 0;
    for (let k = 0; k < q; k++) {
      let weighted = 0;
      for (let l = 0; l < q; l++) weighted += weights[k * q + l]! * counts[base + l]!;
      agreeingPairs += counts[base + k]! * (weighted - 1);
    }
    agreement += (w * agreeingPairs) / (r * (r - 1));
    pairable += w;
  }
  if (rated > 0) for (let k = 0; k < q; k++) prevalence[k]! /= rated;
  return { pa: pairable > 0 ? agreement / pairable : Number.NaN, pairable, prevalence };
}

export function percentAgreement(observed: ObservedAgreement): Coefficient {
  if (observed.pairable === 0) return undefinedCoefficient(NO_PAIRS);
  return defined(observed.pa, 'none');
}

/** Fleiss' kappa (1971), generalised to missing ratings as in Gwet (2014) / irrCAC. */
export function fleissKappa(profiles: Profiles, weights: Float64Array, observed: ObservedAgreement): Coefficient {
  if (observed.pairable === 0) return undefinedCoefficient(NO_PAIRS);
  const { q } = profiles;
  const { prevalence } = observed;
  let pe = 0;
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) pe += weights[k * q + l]! * prevalence[k]! * prevalence[l]!;
  const result = chanceCorrected(
    observed.pa,
    pe,
    'kappa',
    'every rating is in one category, so chance agreement is 1 and kappa is 0/0',
  );
  if (result.value !== null) addNullTest(result, profiles, prevalence);
  return result;
}

/**
 * Standard error under kappa = 0 (Fleiss, Nee & Landis 1979), as R irr's kappam.fleiss reports it.
 * Only defined when every unit has the same number of ratings; otherwise left out.
 */
function addNullTest(result: Coefficient, profiles: Profiles, prevalence: Float64Array): void {
  let raters = -1;
  let units = 0;
  for (let row = 0; row < profiles.n; row++) {
    if (profiles.weights[row] === 0) continue;
    const r = ratingsOf(profiles, row);
    if (r === 0) continue;
    if (raters === -1) raters = r;
    else if (r !== raters) return;
    units += profiles.weights[row]!;
  }
  let sumPQ = 0;
  let sumSkew = 0;
  for (const p of prevalence) {
    sumPQ += p * (1 - p);
    sumSkew += p * (1 - p) * (1 - 2 * p);
  }
  const variance = sumPQ * sumPQ - sumSkew;
  if (raters < 2 || sumPQ === 0 || variance <= 0) return;
  const se0 = (Math.SQRT2 / (sumPQ * Math.sqrt(units * raters * (raters - 1)))) * Math.sqrt(variance);
  result.se0 = se0;
  result.z = result.value! / se0;
}

export interface CategoryKappa {
  category: string | number;
  value: number | null;
  reason?: string;
}

/** Fleiss' per-category kappa: Fleiss' kappa on "this category" versus "any other". */
export function fleissPerCategory(profiles: Profiles, labels: readonly (string | number)[]): CategoryKappa[] {
  const identity = new Float64Array([1, 0, 0, 1]);
  return labels.map((category, k) => {
    const binary = oneVersusRest(profiles, k);
    const { value, reason } = fleissKappa(binary, identity, observedAgreement(binary, identity));
    return reason === undefined ? { category, value } : { category, value, reason };
  });
}

/** Gwet's AC1 (identity weights) or AC2 (other weights), Gwet (2014) as irrCAC computes it. */
export function gwetAc(profiles: Profiles, weights: Float64Array, observed: ObservedAgreement): Coefficient {
  if (observed.pairable === 0) return undefinedCoefficient(NO_PAIRS);
  const { q } = profiles;
  if (q < 2) return undefinedCoefficient('Gwet’s chance agreement needs at least two categories');
  let spread = 0;
  for (const p of observed.prevalence) spread += p * (1 - p);
  const pe = (weightSum(weights) * spread) / (q * (q - 1));
  return chanceCorrected(observed.pa, pe, 'kappa', 'chance agreement is 1');
}

/** Brennan & Prediger (1981) free-marginal kappa; with two categories it is PABAK. */
export function brennanPrediger(profiles: Profiles, weights: Float64Array, observed: ObservedAgreement): Coefficient {
  if (observed.pairable === 0) return undefinedCoefficient(NO_PAIRS);
  const { q } = profiles;
  if (q < 2)
    return undefinedCoefficient('with a single category, chance agreement 1/q is 1 and the coefficient is 0/0');
  return chanceCorrected(observed.pa, weightSum(weights) / (q * q), 'kappa', 'chance agreement is 1');
}
