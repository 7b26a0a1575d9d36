import { type AnalysisCoding, CONSENSUS_LAYER } from './types.js';

/**
 * What an analysis counts: one choice shared by retrieval, statistics, co-occurrence, the theme board and the
 * final report, so that they never disagree about what "the data" is.
 * - `all` (the default): every layer the user may read, consensus and coders, merged;
 * - `coder`: one coder's layer;
 * - `consensus`: the consensus layer only;
 * - `consensusElseCoders`: per transcript, the consensus layer where it has codings, else the coders' layers merged;
 * - `round`: a revealed round's reveal snapshots of its coders' layers, merged, on the round's transcripts.
 *
 * Merged means: a passage coded with the same code by several layers (the same code, start and end) is one
 * segment, listing every layer that coded it. See docs/analysis.md, "What is counted".
 */
export type AnalysisScope =
  | { kind: 'all' }
  | { kind: 'coder'; coder: string }
  | { kind: 'consensus' }
  | { kind: 'consensusElseCoders' }
  | { kind: 'round'; round: string };

export const DEFAULT_SCOPE: AnalysisScope = { kind: 'all' };

/** The layer id merged segments carry: one group per transcript, whoever coded it. */
export const MERGED_LAYER = 'merged';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class ScopeError extends Error {
  override name = 'ScopeError';
}

/** `scope` as a query string value: `all`, `consensus`, `consensus-else-coders`, `coder:<id>`, `round:<id>`. */
export function formatScope(scope: AnalysisScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'consensus':
      return 'consensus';
    case 'consensusElseCoders':
      return 'consensus-else-coders';
    case 'coder':
      return `coder:${scope.coder}`;
    case 'round':
      return `round:${scope.round}`;
  }
}

/** The one parser of the query value (absent: the default); throws ScopeError on anything else. */
export function parseScope(value: string | undefined): AnalysisScope {
  if (value === undefined || value === '' || value === 'all') return DEFAULT_SCOPE;
  if (value === 'consensus') return { kind: 'consensus' };
  if (value === 'consensus-else-coders') return { kind: 'consensusElseCoders' };
  const at = value.indexOf(':');
  const kind = value.slice(0, at);
  const id = value.slice(at + 1);
  if (at > 0 && ID.test(id)) {
    if (kind === 'coder') return { kind: 'coder', coder: id };
    if (kind === 'round') return { kind: 'round', round: id };
  }
  throw new ScopeError('scope must be all, consensus, consensus-else-coders, coder:<user id> or round:<round id>');
}

export const COUNTING_RULE =
  'a passage coded with the same code (same start and end) in several layers counts once, as one segment naming every layer that coded it';

/** What a scope counts, in words, for the views' captions and the report ("Counted: ..."). */
export function describeScope(
  scope: AnalysisScope,
  names: { layer: (id: string) => string; round: (id: string) => string },
): string {
  switch (scope.kind) {
    case 'all':
      return 'all coding you can see (consensus and every coder, merged)';
    case 'coder':
      return `the coding of ${names.layer(scope.coder)}`;
    case 'consensus':
      return 'the consensus layer only';
    case 'consensusElseCoders':
      return 'the consensus layer where a transcript has one, else its coders’ coding merged';
    case 'round':
      return `the reveal snapshots of round “${names.round(scope.round)}” (its coders’ coding, merged)`;
  }
}

/** Whether segments of this scope are merged across layers (and so counted once per passage). */
export const mergesLayers = (scope: AnalysisScope) => scope.kind !== 'coder' && scope.kind !== 'consensus';

/** Consensus first, then coders by id: the order layers are named in. */
const layerOrder = (a: string, b: string) =>
  a === b ? 0 : a === CONSENSUS_LAYER ? -1 : b === CONSENSUS_LAYER ? 1 : a < b ? -1 : 1;

/**
 * The counting rule of merged scopes: codings with the same transcript, code, start and end become one, tagged
 * `MERGED_LAYER` with every contributing layer in `layers`; distinct memos are kept, joined. Order is kept (first
 * occurrence).
 */
export function mergeCodings(codings: readonly AnalysisCoding[]): AnalysisCoding[] {
  const byKey = new Map<string, AnalysisCoding & { layers: string[] }>();
  for (const coding of codings) {
    const key = `${coding.transcript}\u0000${coding.code}\u0000${coding.start}\u0000${coding.end}`;
    const contributors = coding.layers ?? [coding.layer];
    const seen = byKey.get(key);
    if (seen === undefined) {
      const merged: AnalysisCoding & { layers: string[] } = {
        ...coding,
        layer: MERGED_LAYER,
        layers: [...contributors],
      };
      byKey.set(key, merged);
      continue;
    }
    for (const layer of contributors) if (!seen.layers.includes(layer)) seen.layers.push(layer);
    if (coding.memo !== undefined && coding.memo !== '' && !(seen.memo ?? '').includes(coding.memo)) {
      seen.memo = seen.memo ? `${seen.memo}\n\n${coding.memo}` : coding.memo;
    }
  }
  const merged = [...byKey.values()];
  for (const coding of merged) coding.layers.sort(layerOrder);
  return merged;
}
