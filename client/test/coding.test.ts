import { addCode, addCoding, codesMap, codingsMap, initTranscript, memoText, updateCode } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { assignShortcuts, reassign } from '../src/codebook/shortcuts.js';
import { buildBlocks, hasOtherDirection, labelLength, textDirection } from '../src/coding/blocks.js';
import { coderTags, initialsOf } from '../src/coding/initials.js';
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
    ['a full-width colon (Chinese, Japanese)', '访谈者：你好', '访谈者', 4],
    ['a full-width colon and an ideographic space', 'A：\u3000はい', 'A', 3],
    ['an Arabic speaker name', 'المحاور: كيف', 'المحاور', 9],
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

describe('a turn’s direction from its text', () => {
  it.each([
    ['Arabic', 'كانت صعبة في البداية.', 'rtl'],
    ['Hebrew', 'שלום, מה שלומך?', 'rtl'],
    ['Thaana', 'ފުރަތަމަ', 'rtl'],
    ['Syriac', 'ܫܠܡܐ', 'rtl'],
    ['Adlam (outside the BMP)', '𞤀𞤢𞤤', 'rtl'],
    ['English', 'Hard at first.', 'ltr'],
    ['Chinese', '我们都说没事。', 'ltr'],
    ['digits and punctuation before the first letter', '« 3 » مرحبا', 'rtl'],
    ['Arabic opening with a Latin word', 'WhatsApp كل يوم', 'ltr'],
    ['English opening with an Arabic word', 'مرحبا, she said', 'rtl'],
    ['no letter at all', '... 42 !', 'ltr'],
    ['nothing', '', 'ltr'],
    ['a right-to-left mark first', '\u200f(1) text', 'rtl'],
    ['an isolate skipped', '\u2068English\u2069 عربي', 'rtl'],
  ])('%s', (_name, text, expected) => {
    expect(textDirection(text)).toBe(expected);
  });

  it.each([
    ['Trust · Cody C.', 'ltr', false],
    ['Trust · Cody C.', 'rtl', true],
    ['ثقة · Cora C.', 'ltr', true],
    ['ثقة · Cora C.', 'rtl', true],
    ['ثقة · م.', 'rtl', false],
    ['信任 · 王', 'ltr', false],
    ['1 · 2', 'rtl', false],
  ] as const)('%j in a %s label has letters of the other direction: %s', (text, dir, expected) => {
    expect(hasOtherDirection(text, dir)).toBe(expected);
  });

  it('looks only at the turn’s spoken text, not its speaker label', () => {
    const text = 'Interviewer: How was it?\nP1: كانت صعبة.\n';
    const second = text.indexOf('P1:');
    const blocks = buildBlocks(text, [
      { start: 0, end: second, speaker: 'Interviewer' },
      { start: second, end: text.length, speaker: 'P1' },
    ]);
    expect(blocks.map((b) => b.dir)).toEqual(['ltr', 'rtl']);
  });
});

describe('fixed digit shortcuts', () => {
  const order = ['a', 'b', 'c', 'd'];
  const none = [null, null, null, null, null];
  const stored = (slots: (string | null)[], seen: string[] = []) => ({ slots, seen });
  it.each<[string, ReturnType<typeof stored>, Map<string, string>, (string | null)[]]>([
    ['nothing stored: codebook order', stored([]), new Map(), ['a', 'b', 'c', 'd', ...none]],
    ['stored keys stay where they are', stored(['c', null, 'a']), new Map(), ['c', 'b', 'a', 'd', ...none]],
    [
      'a code seen before gets no key by itself',
      stored(['c', null, 'a'], ['b']),
      new Map(),
      ['c', 'd', 'a', null, ...none],
    ],
    ['a merged code is followed', stored(['x', 'b'], ['x', 'b']), new Map([['x', 'c']]), ['c', 'b', 'a', 'd', ...none]],
    [
      'a deleted code frees its key',
      stored(['x', 'b'], ['x', 'b']),
      new Map([['x', '']]),
      ['a', 'b', 'c', 'd', ...none],
    ],
    [
      'merged into one with a key',
      stored(['x', 'c'], ['x', 'c']),
      new Map([['x', 'c']]),
      ['c', 'a', 'b', 'd', ...none],
    ],
    ['unknown codes free their key', stored(['zz', 'b'], ['zz', 'b']), new Map(), ['a', 'b', 'c', 'd', ...none]],
  ])('%s', (_name, given, redirects, expected) => {
    expect(assignShortcuts(given, order, redirects).slots).toEqual(expected);
  });

  it('never re-ranks: a code added to the codebook takes a free key, the others keep theirs', () => {
    const before = assignShortcuts(stored([]), order);
    const after = assignShortcuts(before, ['new', ...order]);
    expect(after.slots.slice(0, 5)).toEqual(['a', 'b', 'c', 'd', 'new']);
  });

  it('reassigning swaps with the code that had the key; a key taken away is not given back', () => {
    const first = assignShortcuts(stored([]), order);
    const next = reassign(first, 'a', 3);
    expect(next.slots.slice(0, 4)).toEqual(['d', 'b', 'c', 'a']);
    expect(assignShortcuts(next, order).slots.slice(0, 4)).toEqual(['d', 'b', 'c', 'a']);
    const cleared = assignShortcuts(reassign(next, 'b', null), order);
    expect(cleared.slots.slice(0, 5)).toEqual(['d', null, 'c', 'a', null]);
    // A code without a key takes a key; the key's former holder is left without.
    expect(reassign(cleared, 'b', 0).slots.slice(0, 4)).toEqual(['b', null, 'c', 'a']);
  });
});

describe('coder initials on bracket labels', () => {
  it.each([
    ['Ada Lovelace', 'AL'],
    ['ada', 'AD'],
    ['  Cody  van  Coder ', 'CC'],
    ['', '?'],
  ])('%s', (name, expected) => expect(initialsOf(name)).toBe(expected));

  it('tells coders with the same initials apart', () => {
    const tags = coderTags([
      { userId: '1', name: 'Cody Coder' },
      { userId: '2', name: 'Cora Coder' },
      { userId: '3', name: 'Olive Owner' },
    ]);
    expect(Object.fromEntries(tags)).toEqual({ '1': 'Cody C.', '2': 'Cora C.', '3': 'OO' });
  });
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
