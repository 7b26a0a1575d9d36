import { addCodeToTheme, addTheme, readThemes, themesMap } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createTheme, editTheme, reparentTheme, shiftTheme } from '../src/analysis/themes/actions.js';
import { placeCodes } from '../src/analysis/themes/dnd.js';
import { UndoHistory } from '../src/coding/undo.js';

const codesOf = (doc: Y.Doc) => Object.fromEntries(readThemes(doc).map((theme) => [theme.name, theme.codes]));

/** A codebook with two themes, and an undo history over its themes as the board sets it up. */
function board() {
  const doc = new Y.Doc();
  addTheme(doc, { name: 'A' }, 'a');
  addTheme(doc, { name: 'B' }, 'b');
  addCodeToTheme(doc, 'a', 'c1');
  const history = new UndoHistory();
  history.track(doc, [themesMap(doc)]);
  return { doc, history };
}

describe('theme board edits and undo', () => {
  it('undoes and redoes a drop as one step, whatever it moved', () => {
    const { doc, history } = board();
    placeCodes(
      doc,
      [
        { code: 'c1', from: 'a' },
        { code: 'c2', from: null },
      ],
      'b',
    );
    expect(codesOf(doc)).toEqual({ A: [], B: ['c1', 'c2'] });
    expect(history.undo()).toBe(true);
    expect(codesOf(doc)).toEqual({ A: ['c1'], B: [] });
    expect(history.redo()).toBe(true);
    expect(codesOf(doc)).toEqual({ A: [], B: ['c1', 'c2'] });
  });

  it('never undoes a co-researcher’s change', () => {
    const { doc, history } = board();
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
    placeCodes(doc, [{ code: 'c1', from: 'a' }], 'b');
    addCodeToTheme(remote, 'a', 'c9');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)), 'provider');
    history.undo();
    expect(codesOf(doc).A!.toSorted()).toEqual(['c1', 'c9']);
    expect(codesOf(doc).B).toEqual([]);
    expect(history.undo()).toBe(false);
  });

  it('drops onto a theme deleted meanwhile do nothing; from a deleted theme they add', () => {
    const { doc } = board();
    themesMap(doc).delete('b');
    placeCodes(doc, [{ code: 'c1', from: 'a' }], 'b');
    expect(codesOf(doc)).toEqual({ A: ['c1'] });
    addTheme(doc, { name: 'C' }, 'c');
    placeCodes(doc, [{ code: 'c3', from: 'gone' }], 'c');
    expect(codesOf(doc)).toEqual({ A: ['c1'], C: ['c3'] });
  });

  it('creates, renames, nests and reorders themes as undoable steps', () => {
    const { doc, history } = board();
    const sub = createTheme(doc, 'New sub-theme', 'a');
    editTheme(doc, sub, { name: 'A1' });
    expect(readThemes(doc).find((theme) => theme.id === sub)).toMatchObject({ name: 'A1', parent: 'a' });
    const [a, b] = readThemes(doc).filter((theme) => theme.parent === null);
    shiftTheme(doc, b!, null, [a!, b!], -1);
    expect(
      readThemes(doc)
        .filter((theme) => theme.parent === null)
        .map((theme) => theme.name),
    ).toEqual(['B', 'A']);
    reparentTheme(doc, 'b', 'a');
    expect(readThemes(doc).find((theme) => theme.id === 'b')!.parent).toBe('a');
    // A cycle is refused quietly (a concurrent edit could have made the menu stale).
    reparentTheme(doc, 'a', 'b');
    expect(readThemes(doc).find((theme) => theme.id === 'a')!.parent).toBeNull();
    editTheme(doc, 'gone', { name: 'x' });
    for (let steps = 0; history.undo(); steps++) expect(steps).toBeLessThan(10);
    expect(readThemes(doc).map((theme) => [theme.name, theme.parent])).toEqual([
      ['A', null],
      ['B', null],
    ]);
  });
});
