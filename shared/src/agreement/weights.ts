/** Agreement weights w[i*q+j] by category index, as scikit-learn, R irr and irrCAC use them. */
export type WeightKind = 'identity' | 'linear' | 'quadratic';

export function agreementWeights(kind: WeightKind, q: number): Float64Array {
  const weights = new Float64Array(q * q);
  const span = q - 1;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const gap = Math.abs(i - j);
      weights[i * q + j] =
        kind === 'identity'
          ? gap === 0
            ? 1
            : 0
          : kind === 'linear'
            ? 1 - gap / span
            : 1 - (gap * gap) / (span * span);
    }
  }
  return weights;
}

export function weightSum(weights: Float64Array): number {
  let total = 0;
  for (const w of weights) total += w;
  return total;
}
