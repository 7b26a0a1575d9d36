import { describe, expect, it } from 'vitest';
import { formatScope, MERGED_LAYER, mergeCodings, parseScope, ScopeError } from '../../src/analysis/scope.js';
import { CONSENSUS_LAYER } from '../../src/analysis/types.js';

describe('analysis scope', () => {
  const table: [string | undefined, ReturnType<typeof parseScope>][] = [
    [undefined, { kind: 'all' }],
    ['', { kind: 'all' }],
    ['all', { kind: 'all' }],
    ['consensus', { kind: 'consensus' }],
    ['consensus-else-coders', { kind: 'consensusElseCoders' }],
    ['coder:u1', { kind: 'coder', coder: 'u1' }],
    ['round:r-9', { kind: 'round', round: 'r-9' }],
  ];
  for (const [value, scope] of table) {
    it(`parses ${JSON.stringify(value)} and formats it back`, () => {
      expect(parseScope(value)).toEqual(scope);
      if (value) expect(formatScope(scope)).toBe(value);
    });
  }
  for (const bad of ['coders', 'coder:', 'coder:a b', 'round', 'layer:x', ':x'])
    it(`refuses ${JSON.stringify(bad)}`, () => expect(() => parseScope(bad)).toThrow(ScopeError));

  it('merges a passage coded with the same code in several layers into one segment naming them all', () => {
    const base = { transcript: 't', code: 'c', start: 0, end: 5 };
    const merged = mergeCodings([
      { ...base, id: 'a', layer: 'u2', memo: 'why' },
      { ...base, id: 'b', layer: CONSENSUS_LAYER },
      { ...base, id: 'c', layer: 'u1', memo: 'why' },
      { ...base, id: 'd', layer: 'u1', end: 6 },
      { ...base, id: 'e', layer: 'u1', code: 'other' },
    ]);
    expect(merged.map((c) => [c.id, c.layer, c.layers, c.memo])).toEqual([
      ['a', MERGED_LAYER, [CONSENSUS_LAYER, 'u1', 'u2'], 'why'],
      ['d', MERGED_LAYER, ['u1'], undefined],
      ['e', MERGED_LAYER, ['u1'], undefined],
    ]);
  });
});
