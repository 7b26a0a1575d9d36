/** How a value should be read: kappa-type (Landis & Koch 1977), alpha (Krippendorff 2004), or no label. */
export type Scale = 'kappa' | 'alpha' | 'none';

export const LANDIS_KOCH_BANDS: readonly { lower: number; label: string }[] = [
  { lower: 0.8, label: 'almost perfect' },
  { lower: 0.6, label: 'substantial' },
  { lower: 0.4, label: 'moderate' },
  { lower: 0.2, label: 'fair' },
  { lower: 0, label: 'slight' },
];

/** Krippendorff: rely on data with alpha >= 0.800, draw tentative conclusions from 0.667, discard below. */
export const ALPHA_RELIABLE = 0.8;
export const ALPHA_TENTATIVE = 0.667;

export function landisKoch(value: number): string {
  // Landis & Koch's bands are closed at the top (0.21-0.40 ...), so a value equal to a bound belongs to the band below.
  for (const band of LANDIS_KOCH_BANDS) if (value > band.lower) return band.label;
  return value === 0 ? 'slight' : 'poor';
}

export function krippendorffBand(value: number): string {
  if (value >= ALPHA_RELIABLE) return 'reliable';
  if (value >= ALPHA_TENTATIVE) return 'tentative';
  return 'unreliable';
}

export function interpret(value: number, scale: Scale): string | undefined {
  if (scale === 'kappa') return landisKoch(value);
  if (scale === 'alpha') return krippendorffBand(value);
  return undefined;
}

/** Standard normal CDF, accurate to about 1e-7: enough for benchmark probabilities reported to 5 decimals. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes' erfcc Chebyshev fit (fractional error below 1.2e-7).
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export interface BenchmarkLevel {
  lower: number;
  upper: number;
  label: string;
}

/** Landis & Koch levels from the top, as Gwet's benchmarking uses them. */
export const LANDIS_KOCH_LEVELS: readonly BenchmarkLevel[] = [
  { lower: 0.8, upper: 1, label: 'Almost Perfect' },
  { lower: 0.6, upper: 0.8, label: 'Substantial' },
  { lower: 0.4, upper: 0.6, label: 'Moderate' },
  { lower: 0.2, upper: 0.4, label: 'Fair' },
  { lower: 0, upper: 0.2, label: 'Slight' },
  { lower: -1, upper: 0, label: 'Poor' },
];

/**
 * Gwet (2014) probabilistic benchmarking: the cumulative probability that the true coefficient lies in each level
 * or a higher one, given its estimate and standard error. The first level reaching `confidence` is the benchmark.
 */
export function benchmarkProbabilities(
  coefficient: number,
  se: number,
  levels: readonly BenchmarkLevel[] = LANDIS_KOCH_LEVELS,
  confidence = 0.95,
): { cumulative: number[]; selected: string | undefined } {
  const total = normalCdf((coefficient + 1) / se) - normalCdf((coefficient - 1) / se);
  const cumulative: number[] = [];
  let sum = 0;
  let selected: string | undefined;
  for (const level of levels) {
    sum += normalCdf((coefficient - level.lower) / se) - normalCdf((coefficient - level.upper) / se);
    const probability = Math.min(1, sum / total);
    cumulative.push(probability);
    if (selected === undefined && probability >= confidence) selected = level.label;
  }
  return { cumulative, selected };
}
