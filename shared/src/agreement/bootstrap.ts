/** Mulberry32: a tiny seeded PRNG, so a bootstrap with the same seed gives the same interval everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Resampling plan over documents: multiplicity[b * documents + d] is how often document d is drawn in sample b.
 * Drawn once and shared by every code and pair, so all intervals come from the same resamples.
 */
export function resamplePlan(documents: number, samples: number, seed: number): Uint32Array {
  const random = seededRandom(seed);
  const multiplicity = new Uint32Array(samples * documents);
  for (let b = 0; b < samples; b++) {
    for (let i = 0; i < documents; i++) multiplicity[b * documents + Math.floor(random() * documents)]! += 1;
  }
  return multiplicity;
}

/** Percentile interval (linear interpolation, R type 7) of the defined values; NaN marks an undefined resample. */
export function percentileInterval(values: Float64Array): { ci95: [number, number]; defined: number } | null {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort();
  if (sorted.length < 2) return null;
  return { ci95: [quantile(sorted, 0.025), quantile(sorted, 0.975)], defined: sorted.length };
}

function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The one interval Accord shows, on the dashboard and in every report: a percentile bootstrap over transcripts.
 *
 * Why transcripts: the units of analysis (characters, sentences, turns) of one transcript are not independent (a
 * coder who reads a passage one way codes every character of it alike), so an asymptotic interval that counts them
 * as independent is far too narrow; transcripts are the units sampled independently. Why a minimum: with m
 * transcripts a bootstrap has at most C(2m-1, m) distinct resamples (3 for 2 transcripts, 10 for 3, 35 for 4, 126
 * for 5), and when a code occurs in one transcript nearly every resample repeats the same table, so the interval
 * collapses to a point ([0.623, 0.623] for a two-transcript round). Below `MIN_INTERVAL_TRANSCRIPTS` no interval is
 * given, with a warning saying why; from 5 to 9 transcripts the interval is given but flagged as approximate.
 */
export const ROUND_BOOTSTRAP = { samples: 1000, seed: 1 } as const;
export const MIN_INTERVAL_TRANSCRIPTS = 5;
export const FEW_INTERVAL_TRANSCRIPTS = 10;
export const INTERVAL_METHOD = 'percentile bootstrap over transcripts';

export interface IntervalReading {
  /** The 95% interval, or null (too few transcripts, undefined coefficient, or too few defined resamples). */
  ci95: [number, number] | null;
  method: typeof INTERVAL_METHOD;
  /** Transcripts the coefficient rests on (coded by both coders of the pair, or by two or more coders). */
  transcripts: number;
  /** Resamples in which the coefficient was defined. */
  samples: number | null;
  warning: string | null;
}

/** The interval to show for a coefficient computed with `ROUND_BOOTSTRAP` over `transcripts` transcripts. */
export function intervalReading(
  coefficient: { value: number | null; bootstrap_ci95?: [number, number]; bootstrap_samples?: number },
  transcripts: number,
): IntervalReading {
  const base = { method: INTERVAL_METHOD, transcripts } as const;
  if (transcripts < MIN_INTERVAL_TRANSCRIPTS) {
    return {
      ...base,
      ci95: null,
      samples: null,
      warning: `${transcripts} transcript${transcripts === 1 ? '' : 's'} coded by both coders; an interval needs at least ${MIN_INTERVAL_TRANSCRIPTS} (bootstrap over transcripts)`,
    };
  }
  if (coefficient.value === null) return { ...base, ci95: null, samples: null, warning: null };
  const samples = coefficient.bootstrap_samples ?? 0;
  if (coefficient.bootstrap_ci95 === undefined || samples < ROUND_BOOTSTRAP.samples * 0.9) {
    return {
      ...base,
      ci95: null,
      samples,
      warning: `the coefficient is undefined in ${ROUND_BOOTSTRAP.samples - samples} of ${ROUND_BOOTSTRAP.samples} resamples of the transcripts`,
    };
  }
  return {
    ...base,
    ci95: coefficient.bootstrap_ci95,
    samples,
    warning:
      transcripts < FEW_INTERVAL_TRANSCRIPTS
        ? `approximate: only ${transcripts} transcripts (a bootstrap over few transcripts tends to be too narrow)`
        : null,
  };
}
