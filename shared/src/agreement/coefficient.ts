import { interpret, type Scale } from './interpretation.js';

/** One reported coefficient. `value: null` always comes with a `reason`, never NaN or an accidental 0 or 1. */
export interface Coefficient {
  value: number | null;
  reason?: string;
  se?: number;
  ci95?: [number, number];
  se0?: number;
  z?: number;
  interpretation?: string;
  bootstrap_ci95?: [number, number];
  bootstrap_samples?: number;
}

export function defined(value: number, scale: Scale): Coefficient {
  const label = interpret(value, scale);
  return label === undefined ? { value } : { value, interpretation: label };
}

export function undefinedCoefficient(reason: string): Coefficient {
  return { value: null, reason };
}

/** Chance-corrected ratio (p_o - p_e) / (1 - p_e), undefined when chance agreement is total. */
export function chanceCorrected(observed: number, chance: number, scale: Scale, reasonWhenDegenerate: string) {
  if (!(chance < 1)) return undefinedCoefficient(reasonWhenDegenerate);
  return defined((observed - chance) / (1 - chance), scale);
}
