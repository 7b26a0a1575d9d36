import type { Parameters } from 'fast-check';

/**
 * One seed and one time bound for every fuzz test, so that a CI failure reproduces exactly: fast-check prints the
 * seed and the shrunk path of a failing case; rerun with `ACCORD_FUZZ_SEED=<seed>` (and `ACCORD_FUZZ_RUNS` for more
 * cases locally). Runs that hit the time bound end quietly with the cases run so far (they are not failures).
 */
export const FUZZ_SEED = Number(process.env.ACCORD_FUZZ_SEED ?? 20261206);
const RUNS = Number(process.env.ACCORD_FUZZ_RUNS ?? 0);

export function fuzzParams<T>(numRuns: number, timeLimitMs = 20_000): Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: RUNS > 0 ? RUNS : numRuns,
    interruptAfterTimeLimit: timeLimitMs,
    markInterruptAsFailure: false,
    endOnFailure: true,
  };
}
