import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/agreement/bootstrap.js';
import {
  cCoefficient,
  cooccurrence,
  cooccurrenceCount,
  cooccurringPairs,
  forEachOverlap,
} from '../../src/analysis/cooccurrence.js';
import type { AnalysisCoding } from '../../src/analysis/types.js';
import { coding } from './helpers.js';

const CODES = ['a', 'b', 'c'];

/** The definition, literally: every pair in the same transcript and layer sharing at least one character. */
function naiveCount(codings: readonly AnalysisCoding[], x: string, y: string): number {
  let count = 0;
  for (let i = 0; i < codings.length; i++) {
    for (let j = i + 1; j < codings.length; j++) {
      const p = codings[i]!;
      const q = codings[j]!;
      const codes = (p.code === x && q.code === y) || (p.code === y && q.code === x);
      const together = p.transcript === q.transcript && p.layer === q.layer;
      if (x !== y && codes && together && Math.max(p.start, q.start) < Math.min(p.end, q.end)) count++;
    }
  }
  return count;
}

describe('co-occurrence', () => {
  const table: { name: string; codings: AnalysisCoding[]; expected: Record<string, number> }[] = [
    { name: 'nothing coded', codings: [], expected: { ab: 0, ac: 0, bc: 0 } },
    { name: 'partial overlap', codings: [coding('a', 0, 10), coding('b', 5, 15)], expected: { ab: 1, ac: 0 } },
    { name: 'the same segment', codings: [coding('a', 3, 9), coding('b', 3, 9)], expected: { ab: 1 } },
    { name: 'touching is not overlapping', codings: [coding('a', 0, 5), coding('b', 5, 9)], expected: { ab: 0 } },
    { name: 'one character in common', codings: [coding('a', 0, 6), coding('b', 5, 9)], expected: { ab: 1 } },
    {
      name: 'nested: b and c inside a, c inside b',
      codings: [coding('a', 0, 100), coding('b', 10, 50), coding('c', 20, 30)],
      expected: { ab: 1, ac: 1, bc: 1 },
    },
    {
      name: 'nested siblings inside a, apart from each other',
      codings: [coding('a', 0, 100), coding('b', 10, 20), coding('c', 30, 40)],
      expected: { ab: 1, ac: 1, bc: 0 },
    },
    {
      name: 'one coding of a overlapping two of b counts two pairs',
      codings: [coding('a', 0, 50), coding('b', 0, 10), coding('b', 40, 60)],
      expected: { ab: 2 },
    },
    {
      name: 'a long coding stays open past shorter ones',
      codings: [coding('a', 0, 100), coding('b', 1, 2), coding('c', 3, 4), coding('b', 90, 95)],
      expected: { ab: 2, ac: 1, bc: 0 },
    },
    {
      name: 'nested codings of one code add nothing off the diagonal',
      codings: [coding('a', 0, 50), coding('a', 10, 20)],
      expected: { ab: 0, aa: 2 },
    },
    {
      name: 'different transcripts never co-occur',
      codings: [coding('a', 0, 10), coding('b', 0, 10, { transcript: 't2' })],
      expected: { ab: 0 },
    },
    {
      name: 'different layers never co-occur',
      codings: [coding('a', 0, 10, { layer: 'ana' }), coding('b', 0, 10, { layer: 'ben' })],
      expected: { ab: 0 },
    },
    {
      name: 'unsorted input, interleaved transcripts',
      codings: [
        coding('b', 40, 60, { transcript: 't2' }),
        coding('a', 30, 50),
        coding('a', 0, 45, { transcript: 't2' }),
        coding('b', 35, 36),
      ],
      expected: { ab: 2 },
    },
    {
      name: 'codes outside the list and empty codings are ignored',
      codings: [coding('a', 0, 10), coding('zz', 0, 10), coding('b', 5, 5)],
      expected: { ab: 0, aa: 1, bb: 0 },
    },
  ];

  for (const row of table) {
    it(row.name, () => {
      const matrix = cooccurrence(row.codings, CODES);
      for (const [pair, count] of Object.entries(row.expected)) {
        const [x, y] = [pair[0]!, pair[1]!];
        expect(cooccurrenceCount(matrix, x, y), pair).toBe(count);
        expect(cooccurrenceCount(matrix, y, x), `${pair} is symmetric`).toBe(count);
      }
    });
  }

  it('puts the number of codings of each code on the diagonal', () => {
    const matrix = cooccurrence([coding('a', 0, 10), coding('a', 20, 30), coding('c', 0, 5)], CODES);
    expect([0, 1, 2].map((i) => matrix.counts[i * 3 + i])).toEqual([2, 0, 1]);
  });

  it('matches the literal definition on random overlapping and nested codings', () => {
    const next = seededRandom(7);
    const codes = ['a', 'b', 'c', 'd', 'e'];
    for (let round = 0; round < 20; round++) {
      const codings = Array.from({ length: 80 }, () => {
        const start = Math.floor(next() * 500);
        return coding(codes[Math.floor(next() * codes.length)]!, start, start + Math.floor(next() * 120), {
          transcript: next() < 0.5 ? 't1' : 't2',
          layer: next() < 0.5 ? 'ana' : 'ben',
        });
      });
      const matrix = cooccurrence(codings, codes);
      for (const x of codes) {
        for (const y of codes) if (x !== y) expect(cooccurrenceCount(matrix, x, y)).toBe(naiveCount(codings, x, y));
      }
    }
  });

  it('visits each overlapping pair once, earlier start first', () => {
    const codings = [coding('a', 5, 10), coding('b', 0, 8), coding('c', 7, 9)];
    const seen: string[] = [];
    forEachOverlap(codings, (x, y) => seen.push(`${codings[x]!.code}${codings[y]!.code}`));
    expect(seen.sort()).toEqual(['ac', 'ba', 'bc']);
  });

  it('lists the pairs behind a cell with the characters they share', () => {
    const a1 = coding('a', 0, 50);
    const b1 = coding('b', 40, 60);
    const b2 = coding('b', 10, 20);
    const pairs = cooccurringPairs([a1, b1, b2, coding('c', 0, 100)], 'a', 'b');
    expect(pairs.map((p) => [p.a.id, p.b.id, p.start, p.end])).toEqual([
      [a1.id, b2.id, 10, 20],
      [a1.id, b1.id, 40, 50],
    ]);
    expect(cooccurringPairs([a1, b1], 'a', 'a')).toEqual([]);
  });

  it('normalises a cell with the c-coefficient', () => {
    const matrix = cooccurrence([coding('a', 0, 10), coding('b', 5, 15), coding('b', 50, 60)], CODES);
    expect(cCoefficient(matrix, 0, 1)).toBeCloseTo(1 / (1 + 2 - 1));
    expect(cCoefficient(matrix, 0, 0)).toBe(1);
    expect(cCoefficient(matrix, 0, 2)).toBe(0);
    expect(cCoefficient(cooccurrence([], CODES), 0, 1)).toBeNull();
  });
});
