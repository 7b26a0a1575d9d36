import { readFileSync } from 'node:fs';
import {
  type Coefficient,
  computeAgreement,
  type RatingsReport,
  type SpansReport,
} from '@accord/shared/agreement/index';

export interface Vector {
  id: string;
  metric: string[];
  source: string[];
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}

export function loadVectors(): Vector[] {
  const url = new URL('../../../test/fixtures/agreement/published-vectors.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Vector[];
}

export function value(coefficient: Coefficient): number {
  if (coefficient.value === null) throw new Error(`expected a value, got null (${coefficient.reason})`);
  return coefficient.value;
}

export function table(counts: number[][], categories?: (string | number)[]): RatingsReport {
  return computeAgreement({ kind: 'table', table: counts, ...(categories ? { categories } : {}) }) as RatingsReport;
}

export function ratings(data: (string | number | null)[][], categories?: (string | number)[]): RatingsReport {
  return computeAgreement({ kind: 'ratings', data, ...(categories ? { categories } : {}) }) as RatingsReport;
}

export function spans(input: Record<string, unknown>): SpansReport {
  return computeAgreement({ kind: 'spans', ...input }) as SpansReport;
}

/** Expand "[0]*46+[1]*44" as scikit-learn's tests write label vectors. */
export function labelVector(expression: string): number[] {
  return expression.split('+').flatMap((part) => {
    const match = /\[(\d+)\]\s*\*\s*(\d+)/.exec(part.trim());
    if (!match) throw new Error(`cannot read ${part}`);
    return Array<number>(Number(match[2])).fill(Number(match[1]));
  });
}

/** Tally items {count, r1, r2} into a square table over the given categories. */
export function itemsTable(
  items: { count: number; r1: string | number; r2: string | number }[],
  categories: (string | number)[],
) {
  const counts = categories.map(() => categories.map(() => 0));
  for (const item of items) counts[categories.indexOf(item.r1)]![categories.indexOf(item.r2)]! += item.count;
  return counts;
}

/** Runs of 1s in a 0/1 character vector as half-open [start, end) pairs. */
export function runsOf(characters: number[]): [number, number][] {
  const runs: [number, number][] = [];
  characters.forEach((c, i) => {
    if (c !== 1) return;
    const last = runs[runs.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  });
  return runs;
}
