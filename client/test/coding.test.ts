import { addCode, addCoding, codesMap, codingsMap, initTranscript, memoText, updateCode } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { initialsOf } from '../src/app/TranscriptPage.js';
import { assignShortcuts, reassign } from '../src/codebook/shortcuts.js';
import { buildBlocks, labelLength } from '../src/coding/blocks.js';
import { LOCAL_ORIGIN, local, UndoHistory, undoKey } from '../src/coding/undo.js';

describe('speaker labels shown once', () => {
  it.each([
    ['a label and a space', 'Dan: Hello', 'Dan', 5],
    ['several spaces and a tab', 'Dan: \t Hi', 'Dan', 7],
    ['no space', 'Dan:Hi', 'Dan', 4],
    ['another speaker name', 'Dana: Hi', 'Dan', 0],
    ['no label', 'Hello there', 'Dan', 0],
    ['no speaker', 'Dan: Hi', '', 0],
    ['a label and nothing after it', 'Dan: ', 'Dan', 0],
  ])('%s', (_name, text, speaker, expected) => {
    expect(labelLength(text, 0, text.length, speaker)).toBe(expected);
  });

  it('gives each turn the offset where its spoken text starts; the text keeps its offsets', () => {
    const text = 'Intro\n\nA: One.\nB: Two.\n';
    const blocks = buildBlocks(text, [
      { start: 7, end: 15, speaker: 'A' },
      { start: 15, end: text.length, speaker: 'B' },
    ]);
    expect(blocks.map((b) => [b.start, b.bodyStart, b.end])).toEqual([
      [0, 0, 7],
      [7, 10, 15],
      [15, 18, text.length],
    ]);
    expect(text.slice(blocks[1]!.bodyStart, blocks[1]!.end)).toBe('One.\n');
  });
});

describe('fixed digit shortcuts', () => {
  const order = ['a', 'b', 'c', 'd'];
  it.each<[string, (string | null)[], Map<string, string>, (string | null)[]]>([
    ['nothing stored: codebook order', [], new Map(), ['a', 'b', 'c', 'd', null, null, null, null, null]],
    [
      'stored keys stay where they are',
      ['c', null, 'a'],
      new Map(),
      ['c', 'b', 'a', 'd', null, null, null, null, null],
    ],
    ['an emptied key stays empty', ['', 'b'], new Map(), ['', 'b', 'a', 'c', 'd', null, null, null, null]],
    [
      'a merged code is followed',
      ['x', 'b'],
      new Map([['x', 'c']]),
      ['c', 'b', 'a', 'd', null, null, null, null, null],
    ],
    [
      'a deleted code frees its key',
      ['x', 'b'],
      new Map([['x', '']]),
      ['a', 'b', 'c', 'd', null, null, null, null, null],
    ],
    [
      'a code merged into one with a key',
      ['x', 'c'],
      new Map([['x', 'c']]),
      ['c', 'a', 'b', 'd', null, null, null, null, null],
    ],
    ['unknown codes free their key', ['zz', 'b'], new Map(), ['a', 'b', 'c', 'd', null, null, null, null, null]],
  ])('%s', (_name, stored, redirects, expected) => {
    expect(assignShortcuts(stored, order, redirects)).toEqual(expected);
  });

  it('never re-ranks: a code added to the codebook takes a free key, the others keep theirs', () => {
    const before = assignShortcuts([], order);
    const after = assignShortcuts(before, ['new', ...order]);
    expect(after.slice(0, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(after[4]).toBe('new');
  });

  it('reassigning moves a code off its old key, which stays empty', () => {
    const slots = assignShortcuts([], order);
    const next = reassign(slots, 'a', 3);
    expect(next.slice(0, 4)).toEqual(['', 'b', 'c', 'a']);
    expect(assignShortcuts(next, order).slice(0, 4)).toEqual(['', 'b', 'c', 'a']);
    expect(reassign(next, 'b', null).slice(0, 4)).toEqual(['', '', 'c', 'a']);
  });
});

describe('coder initials on bracket labels', () => {
  it.each([
    ['Ada Lovelace', 'AL'],
    ['ada', 'AD'],
    ['  Cody  van  Coder ', 'CC'],
    ['', '?'],
  ])('%s', (name, expected) => expect(initialsOf(name)).toBe(expected));
});

describe('undo keys', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }>) =>
    undoKey({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
  it.each([
    ['Ctrl+Z', key('z', { ctrlKey: true }), 'undo'],
    ['Cmd+Z', key('z', { metaKey: true }), 'undo'],
    ['Ctrl+Shift+Z', key('Z', { ctrlKey: true, shiftKey: true }), 'redo'],
    ['Cmd+Shift+Z', key('Z', { metaKey: true, shiftKey: true }), 'redo'],
    ['Ctrl+Y', key('y', { ctrlKey: true }), 'redo'],
    ['Z alone', key('z', {}), null],
    ['Ctrl+Alt+Z', key('z', { ctrlKey: true, altKey: true }), null],
  ])('%s', (_name, got, expected) => expect(got).toBe(expected));
});

/** A coder's layer with a remote peer: updates travel both ways with the peer's own origin. */
function pair() {
  const text = new Y.Doc();
  initTranscript(text, 'P1: Hard at first. I did not trust the clinic.\n', [{ start: 0, speaker: 'P1' }]);
  const mine = new Y.Doc();
  const server = new Y.Doc();
  mine.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(server, u, 'remote'));
  server.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(mine, u, 'remote'));
  return { text, mine, server };
}

describe('undo history', () => {
  it('undoes and redoes the last action across documents, in order', () => {
    const history = new UndoHistory();
    const { text, mine } = pair();
    const codebook = new Y.Doc();
    history.track(mine, [codingsMap(mine)]);
    history.track(codebook, [codesMap(codebook)]);
    const code = local(codebook, () => addCode(codebook, { name: 'Trust' }));
    local(mine, () => addCoding(mine, text, { code, start: 4, end: 8 }));
    local(codebook, () => updateCode(codebook, code, { name: 'Trust in staff' }));
    expect(history.getSnapshot()).toEqual({ canUndo: true, canRedo: false });

    expect(history.undo()).toBe(true);
    expect(codesMap(codebook).get(code)!.get('name')).toBe('Trust');
    expect(codingsMap(mine).size).toBe(1);
    expect(history.undo()).toBe(true);
    expect(codingsMap(mine).size).toBe(0);
    expect(history.redo()).toBe(true);
    expect(codingsMap(mine).size).toBe(1);
    expect(history.undo()).toBe(true);
    expect(history.undo()).toBe(true);
    expect(codesMap(codebook).size).toBe(0);
    expect(history.undo()).toBe(false);
    expect(history.getSnapshot()).toEqual({ canUndo: false, canRedo: true });
  });

  it('never undoes changes that came from elsewhere or were made without the local origin', () => {
    const history = new UndoHistory();
    const { text, mine, server } = pair();
    history.track(mine, [codingsMap(mine)]);
    local(mine, () => addCoding(mine, text, { code: 'own', start: 4, end: 8 }));
    // Another tab of the same layer (remote origin), and the app's own automatic change (no origin).
    addCoding(server, text, { code: 'remote', start: 9, end: 12 });
    addCoding(mine, text, { code: 'automatic', start: 13, end: 16 });
    expect(codingsMap(mine).size).toBe(3);
    expect(history.undo()).toBe(true);
    expect([...codingsMap(mine).values()].map((c) => c.code).sort()).toEqual(['automatic', 'remote']);
    expect(history.undo()).toBe(false);
  });

  it('a new action clears what could be redone', () => {
    const history = new UndoHistory();
    const { text, mine } = pair();
    history.track(mine, [codingsMap(mine)]);
    local(mine, () => addCoding(mine, text, { code: 'a', start: 4, end: 8 }));
    history.undo();
    expect(history.getSnapshot().canRedo).toBe(true);
    local(mine, () => addCoding(mine, text, { code: 'b', start: 4, end: 8 }));
    expect(history.getSnapshot()).toEqual({ canUndo: true, canRedo: false });
    expect(history.redo()).toBe(false);
  });

  it('memo typing within the capture time is one step; a destroyed document leaves the history', () => {
    const history = new UndoHistory();
    const memo = new Y.Doc();
    const ytext = memoText(memo);
    history.track(memo, [ytext], { captureTimeout: 10_000 });
    memo.transact(() => ytext.insert(0, 'Hel'), LOCAL_ORIGIN);
    memo.transact(() => ytext.insert(3, 'lo'), LOCAL_ORIGIN);
    history.undo();
    expect(ytext.toString()).toBe('');
    history.redo();
    expect(ytext.toString()).toBe('Hello');
    memo.destroy();
    expect(history.getSnapshot()).toEqual({ canUndo: false, canRedo: false });
  });
});
