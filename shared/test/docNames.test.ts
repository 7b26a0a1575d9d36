import { describe, expect, it } from 'vitest';
import { type DocRef, docName, parseDocName } from '../src/docNames.js';

describe('doc names', () => {
  const refs: [DocRef, string][] = [
    [{ kind: 'codebook', project: 'p1' }, 'p/p1/codebook'],
    [{ kind: 'roundCodebook', project: 'p1', round: 'r1' }, 'p/p1/r/r1/codebook'],
    [{ kind: 'text', project: 'p1', transcript: 't1' }, 'p/p1/t/t1/text'],
    [{ kind: 'codings', project: 'p1', transcript: 't1', coder: 'u1' }, 'p/p1/t/t1/c/u1'],
    [{ kind: 'consensus', project: 'p1', transcript: 't1' }, 'p/p1/t/t1/consensus'],
    [{ kind: 'memo', project: 'p1', memo: 'm1' }, 'p/p1/memos/m1'],
  ];
  it.each(refs)('%o <-> %s', (ref, name) => {
    expect(docName(ref)).toBe(name);
    expect(parseDocName(name)).toEqual(ref);
  });

  it.each([
    '',
    'p',
    'p/',
    'p/p1',
    'p/P1/codebook',
    'p/p1/codebook/',
    'p/p1/../codebook',
    'p/p1/t/t1',
    'p/p1/t/t1/c',
    'p/p1/t/t1/c/u1/x',
    'p/p1/t/t1/notes',
    'q/p1/codebook',
    'p/p1/memos/a b',
    `p/p1/memos/${'a'.repeat(65)}`,
    'p/p1/t/%2e%2e/text',
  ])('rejects %j', (name) => {
    expect(parseDocName(name)).toBeNull();
  });
});
