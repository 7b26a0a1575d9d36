import type { AnalysisCoding } from '../../src/analysis/types.js';

let next = 0;

/** A coding in transcript `t1`, layer `consensus`, unless said otherwise. */
export function coding(code: string, start: number, end: number, more: Partial<AnalysisCoding> = {}): AnalysisCoding {
  return { id: `k${next++}`, transcript: 't1', layer: 'consensus', code, start, end, ...more };
}
