/**
 * A seeded random sample of transcripts for a round. The seed is recorded with the round so that anyone can
 * redraw the same sample: the population is sorted first (its listing order never matters), shuffled with
 * Fisher-Yates driven by mulberry32, and the first ceil(percent% of n) ids are taken, returned in sorted order.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleSize(population: number, percent: number): number {
  if (population === 0) return 0;
  return Math.min(population, Math.max(1, Math.ceil((population * percent) / 100 - 1e-9)));
}

export function sampleTranscripts(population: readonly string[], percent: number, seed: number): string[] {
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`percent must be in (0, 100], got ${percent}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const ids = [...new Set(population)].sort();
  const random = mulberry32(seed);
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
