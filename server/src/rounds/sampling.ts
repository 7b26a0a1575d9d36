import { seededRandom } from '@accord/shared/agreement/bootstrap';

/**
 * A seeded random sample of transcripts for a round. The seed is recorded with the round so that anyone can
 * redraw the same sample: the population is sorted first (its listing order never matters), shuffled with
 * Fisher-Yates driven by mulberry32 (the agreement engine's `seededRandom`), and the first ceil(percent% of n) ids are taken, returned in sorted order.
 */
export function sampleSize(population: number, percent: number): number {
  if (population === 0) return 0;
  return Math.min(population, Math.max(1, Math.ceil((population * percent) / 100 - 1e-9)));
}

export function sampleTranscripts(population: readonly string[], percent: number, seed: number): string[] {
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`percent must be in (0, 100], got ${percent}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const ids = [...new Set(population)].sort();
  const random = seededRandom(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, sampleSize(ids.length, percent)).sort();
}

/** A fresh seed for a round that did not give one: 32 random bits, recorded with the round. */
export function newSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}
