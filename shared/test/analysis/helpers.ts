import type { AnalysisCoding } from '../../src/analysis/types.js';

let next = 0;

/** A coding in transcript `t1`, layer `consensus`, unless said otherwise. */
export function coding(code: string, start: number, end: number, more: Partial<AnalysisCoding> = {}): AnalysisCoding {
  return { id: `k${next++}`, transcript: 't1', layer: 'consensus', code, start, end, ...more };
}

/** Deterministic pseudo-random numbers (xorshift32), so that property tests replay. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}
