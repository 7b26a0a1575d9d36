import type { Code } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import { type CodeRow, rowsOf } from '../../src/codebook/rows.js';
import { buildTree } from '../../src/codebook/tree.js';

const code = (id: string, parent: string | null = null): Code =>
  ({ id, name: id, parent, colour: '#000000', order: 0, definition: '' }) as unknown as Code;

describe('codebook rows', () => {
  const roots = buildTree([code('a'), code('a1', 'a'), code('a2', 'a'), code('b')]);

  it('keeps unchanged rows as the same objects and renews a changed row and its ancestors only', () => {
    const first = new Map<string, CodeRow>();
    const before = rowsOf(roots, false, new Map([['a1', 1]]), [], new Map(), first);
    const second = new Map<string, CodeRow>();
    const after = rowsOf(roots, false, new Map([['a1', 2]]), [], first, second);
    expect(after[1]).toBe(before[1]); // b
    expect(after[0]!.children[1]).toBe(before[0]!.children[1]); // a2
    expect(after[0]!.children[0]).not.toBe(before[0]!.children[0]); // a1: count changed
    expect(after[0]!.children[0]!.count).toBe(2);
    expect(after[0]).not.toBe(before[0]); // a: holds the changed row
  });

  it('renews rows whose digit key changes, and shows paths without children when filtered', () => {
    const first = new Map<string, CodeRow>();
    const before = rowsOf(roots, false, new Map(), [], new Map(), first);
    const after = rowsOf(roots, false, new Map(), ['b'], first, new Map());
    expect(after[1]).not.toBe(before[1]);
    expect(after[1]!.shortcut).toBe(0);
    const a1 = roots[0]!.children[0]!;
    const [row] = rowsOf([a1], true, new Map(), [], first, new Map());
    expect(row!.label).toBe('a › a1');
    expect(row!.children).toEqual([]);
  });
});
