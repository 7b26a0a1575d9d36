import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addCodeToTheme,
  addTheme,
  moveTheme,
  placeCode,
  readThemes,
  setThemeParent,
  type Theme,
  themesMap,
  themeTree,
} from '../../src/model/themes.js';

const codesOf = (doc: Y.Doc) => Object.fromEntries(readThemes(doc).map((theme) => [theme.name, theme.codes]));

/** The tree as `name` / `  sub-name` lines, to compare at a glance. */
const outline = (themes: readonly Theme[]) => {
  const lines: string[] = [];
  const visit = (nodes: ReturnType<typeof themeTree>) => {
    for (const node of nodes) {
      lines.push(`${'  '.repeat(node.depth)}${node.theme.name}`);
      visit(node.children);
    }
  };
  visit(themeTree(themes));
  return lines;
};

describe('theme board edits', () => {
  it('places a code from the unassigned codes, between themes, back out, and copies it', () => {
    const doc = new Y.Doc();
    addTheme(doc, { name: 'A' }, 'a');
    addTheme(doc, { name: 'B' }, 'b');
    placeCode(doc, 'c1', null, 'a', { now: 1 });
    expect(codesOf(doc)).toEqual({ A: ['c1'], B: [] });
    placeCode(doc, 'c1', 'a', 'b', { now: 2 });
    expect(codesOf(doc)).toEqual({ A: [], B: ['c1'] });
    placeCode(doc, 'c1', 'b', 'a', { copy: true, now: 3 });
    expect(codesOf(doc)).toEqual({ A: ['c1'], B: ['c1'] });
    placeCode(doc, 'c1', 'b', null);
    expect(codesOf(doc)).toEqual({ A: ['c1'], B: [] });
    // Onto the list it came from, or from nowhere to nowhere: nothing happens.
    placeCode(doc, 'c1', 'a', 'a');
    placeCode(doc, 'c2', null, null);
    expect(codesOf(doc)).toEqual({ A: ['c1'], B: [] });
  });

  it('moves a code in one transaction, so that an observer never sees it in both themes or in neither', () => {
    const doc = new Y.Doc();
    addTheme(doc, { name: 'A' }, 'a');
    addTheme(doc, { name: 'B' }, 'b');
    addCodeToTheme(doc, 'a', 'c1');
    const seen: Record<string, string[]>[] = [];
    themesMap(doc).observeDeep(() => seen.push(codesOf(doc)));
    placeCode(doc, 'c1', 'a', 'b');
    expect(seen).toEqual([{ A: [], B: ['c1'] }]);
  });

  it('reorders columns and sub-themes, numbering the siblings', () => {
    const doc = new Y.Doc();
    addTheme(doc, { name: 'A' }, 'a');
    addTheme(doc, { name: 'B' }, 'b');
    addTheme(doc, { name: 'C' }, 'c');
    moveTheme(doc, 'c', null, 0);
    expect(readThemes(doc).map((t) => [t.name, t.order])).toEqual([
      ['C', 0],
      ['A', 1],
      ['B', 2],
    ]);
    // Out of range: clamped to the end.
    moveTheme(doc, 'c', null, 99);
    expect(outline(readThemes(doc))).toEqual(['A', 'B', 'C']);
    // Into another theme, as its first sub-theme, then back to the top level.
    addTheme(doc, { name: 'A1', parent: 'a' }, 'a1');
    moveTheme(doc, 'b', 'a', 0);
    expect(outline(readThemes(doc))).toEqual(['A', '  B', '  A1', 'C']);
    moveTheme(doc, 'b', null, 1);
    expect(outline(readThemes(doc))).toEqual(['A', '  A1', 'B', 'C']);
    expect(() => moveTheme(doc, 'a', 'a1', 0)).toThrow(/below itself/);
    expect(() => moveTheme(doc, 'a', 'nope', 0)).toThrow(/no theme/);
  });

  it('shows every theme in the tree, even in a parent cycle made by two concurrent moves', () => {
    const a = new Y.Doc();
    addTheme(a, { name: 'X' }, 'x');
    addTheme(a, { name: 'Y' }, 'y');
    addTheme(a, { name: 'Z', parent: 'y' }, 'z');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setThemeParent(a, 'x', 'y');
    setThemeParent(b, 'y', 'x');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    for (const doc of [a, b]) {
      const lines = outline(readThemes(doc));
      expect(lines).toHaveLength(3);
      expect(lines.map((line) => line.trim()).sort()).toEqual(['X', 'Y', 'Z']);
    }
    // A sub-theme whose parent is gone is a top-level theme.
    const doc = new Y.Doc();
    addTheme(doc, { name: 'Orphan', parent: 'deleted' }, 'o');
    expect(outline(readThemes(doc))).toEqual(['Orphan']);
  });
});
