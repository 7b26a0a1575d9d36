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
