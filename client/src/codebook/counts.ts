import { resolveCode } from '@accord/shared';

/** How many codings each code has in one layer (one coder, one transcript), codes resolved through redirects. */
export function countCodes(
  codes: Iterable<string>,
  redirects: ReadonlyMap<string, string> = new Map(),
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const raw of codes) {
    const code = resolveCode(redirects, raw);
    if (code !== null) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return counts;
}

/** Sums per-code counts of many layers. */
export function sumCounts(layers: Iterable<ReadonlyMap<string, number>>): Map<string, number> {
  const total = new Map<string, number>();
  for (const layer of layers) for (const [code, n] of layer) total.set(code, (total.get(code) ?? 0) + n);
  return total;
}

export interface Impact {
  /** Codings that change (recoded by a merge, removed by a delete). */
  codings: number;
  /** How many of the counted layers (coder x transcript) hold at least one of them. */
  layers: number;
}

/** What merging or deleting `codeId` touches, over the counted layers. */
export function impactOf(layers: Iterable<ReadonlyMap<string, number>>, codeId: string): Impact {
  let codings = 0;
  let touched = 0;
  for (const layer of layers) {
    const n = layer.get(codeId) ?? 0;
    codings += n;
    if (n > 0) touched++;
  }
  return { codings, layers: touched };
}
