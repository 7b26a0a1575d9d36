import { type Coefficient, undefinedCoefficient } from './coefficient.js';
import { cohenKappa, type PairTable, scottPi } from './cohen.js';
import { krippendorffAlpha, LEVELS, type Level } from './krippendorff.js';
import {
  brennanPrediger,
  type CategoryKappa,
  fleissKappa,
  fleissPerCategory,
  gwetAc,
  observedAgreement,
  percentAgreement,
} from './multirater.js';
import type { Profiles } from './profiles.js';
import { agreementWeights } from './weights.js';

export type Category = string | number;

/** Ratings or a contingency table, validated and reduced to profiles (and the pair table for two coders). */
export interface CategoricalData {
  kind: 'ratings' | 'table';
  level: Level;
  categories: readonly Category[];
  /** Numeric category values, or null when any category is a string. */
  values: readonly number[] | null;
  nUnits: number;
  nCoders: number;
  profiles: Profiles;
  /** Units rated by both coders, when there are exactly two. */
  pair: PairTable | null;
}

export interface FleissCoefficient extends Coefficient {
  per_category: CategoryKappa[];
}

export interface RatingsReport {
  kind: 'ratings' | 'table';
  level: Level;
  n_units: number;
  n_coders: number;
  categories: Category[];
  percent_agreement: Coefficient;
  cohen_kappa: Coefficient;
  weighted_kappa_linear: Coefficient;
  weighted_kappa_quadratic: Coefficient;
  scott_pi: Coefficient;
  fleiss_kappa: FleissCoefficient;
  brennan_prediger: Coefficient;
  gwet_ac1: Coefficient;
  gwet_ac2_linear: Coefficient;
  gwet_ac2_quadratic: Coefficient;
  krippendorff_alpha: Record<Level, Coefficient>;
}

const TWO_CODERS_ONLY = 'defined for exactly two coders; with more, see fleiss_kappa and krippendorff_alpha';
const NEEDS_ORDER = 'weights need at least two ordered categories';

function pairCoefficient(data: CategoricalData, compute: (table: PairTable) => Coefficient): Coefficient {
  return data.pair === null ? undefinedCoefficient(TWO_CODERS_ONLY) : compute(data.pair);
}

export function ratingsReport(data: CategoricalData): RatingsReport {
  const { profiles } = data;
  const q = data.categories.length;
  const identity = agreementWeights('identity', q);
  const linear = q >= 2 ? agreementWeights('linear', q) : null;
  const quadratic = q >= 2 ? agreementWeights('quadratic', q) : null;
  const observed = observedAgreement(profiles, identity);
  const weighted = (weights: Float64Array | null) =>
    weights === null ? undefinedCoefficient(NEEDS_ORDER) : pairCoefficient(data, (table) => cohenKappa(table, weights));
  const ac2 = (weights: Float64Array | null) =>
    weights === null
      ? undefinedCoefficient(NEEDS_ORDER)
      : gwetAc(profiles, weights, observedAgreement(profiles, weights));
  const alpha = {} as Record<Level, Coefficient>;
  for (const level of LEVELS) alpha[level] = krippendorffAlpha(profiles, level, data.values);
  return {
    kind: data.kind,
    level: data.level,
    n_units: data.nUnits,
    n_coders: data.nCoders,
    categories: [...data.categories],
    percent_agreement: percentAgreement(observed),
    cohen_kappa: pairCoefficient(data, (table) => cohenKappa(table, identity)),
    weighted_kappa_linear: weighted(linear),
    weighted_kappa_quadratic: weighted(quadratic),
    scott_pi: pairCoefficient(data, scottPi),
    fleiss_kappa: {
      ...fleissKappa(profiles, identity, observed),
      per_category: fleissPerCategory(profiles, data.categories),
    },
    brennan_prediger: brennanPrediger(profiles, identity, observed),
    gwet_ac1: gwetAc(profiles, identity, observed),
    gwet_ac2_linear: ac2(linear),
    gwet_ac2_quadratic: ac2(quadratic),
    krippendorff_alpha: alpha,
  };
}
