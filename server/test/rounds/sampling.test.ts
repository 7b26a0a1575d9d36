import { seededRandom } from '@accord/shared/agreement/bootstrap';
import { describe, expect, it } from 'vitest';
import { sampleSize, sampleTranscripts } from '../../src/rounds/sampling.js';

const population = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);

describe('sampleSize', () => {
  it.each([
    [0, 50, 0],
    [40, 25, 10],
    [40, 10, 4],
    [40, 1, 1],
    [3, 50, 2],
    [10, 100, 10],
    [7, 0.01, 1],
    [20, 15, 3],
  ])('%i transcripts at %f%% -> %i', (n, percent, expected) => {
    expect(sampleSize(n, percent)).toBe(expected);
  });
});

describe('sampleTranscripts', () => {
  it('is reproducible from the seed, whatever the listing order', () => {
    const first = sampleTranscripts(population, 25, 42);
    expect(first).toHaveLength(10);
    expect(sampleTranscripts([...population].reverse(), 25, 42)).toEqual(first);
    expect(first).toEqual([...first].sort());
    expect(new Set(first).size).toBe(10);
    for (const id of first) expect(population).toContain(id);
  });

  it('draws different samples for different seeds', () => {
    const samples = new Set([1, 2, 3, 4, 5].map((seed) => sampleTranscripts(population, 25, seed).join()));
    expect(samples.size).toBe(5);
  });

  it('takes everything at 100% and is pinned for seed 7 (changing the generator would break recorded rounds)', () => {
    expect(sampleTranscripts(population, 100, 7)).toEqual(population);
    expect(sampleTranscripts(['a', 'b', 'c', 'd', 'e'], 40, 7)).toMatchInlineSnapshot(`
      [
        "b",
        "d",
      ]
    `);
  });

  it('draws every transcript about equally often', () => {
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 2000; seed++) {
      for (const id of sampleTranscripts(population, 25, seed)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of population) expect(counts.get(id)! / 2000).toBeGreaterThan(0.19);
    for (const id of population) expect(counts.get(id)! / 2000).toBeLessThan(0.31);
  });

  it.each([
    [0, 1],
    [101, 1],
    [10, -1],
    [10, 1.5],
  ])('refuses percent %f with seed %f', (percent, seed) => {
    expect(() => sampleTranscripts(population, percent, seed)).toThrow(RangeError);
  });

  it('uses a uniform generator', () => {
    const random = seededRandom(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += random();
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
});
