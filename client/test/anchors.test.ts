import {
  addCode,
  addCoding,
  codingsMap,
  deleteCode,
  initTranscript,
  mergeCode,
  migrateLayer,
  moveCode,
  readCodes,
  readCodings,
  readRedirects,
  recodeCoding,
  removeCoding,
  resolveCode,
  setCodingMemo,
  transcriptText,
} from '@accord/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyCorrection, diffSplices } from '../src/coding/correction.js';

const TEXT = 'P1: I did not trust the clinci at first.\nP2: The nurse listened.\n';

function setup() {
  const text = new Y.Doc();
  initTranscript(text, TEXT, [
    { start: 0, speaker: 'P1' },
    { start: TEXT.indexOf('P2:'), speaker: 'P2' },
  ]);
  const layer = new Y.Doc();
  const at = (passage: string) => ({ start: TEXT.indexOf(passage), end: TEXT.indexOf(passage) + passage.length });
  return { text, layer, at };
}

/** What an owner's correction in the reader does: the smallest splice of the Y.Text. */
function correct(doc: Y.Doc, after: string) {
  const ytext = transcriptText(doc);
  applyCorrection(ytext, 0, ytext.toString(), after);
  expect(ytext.toString()).toBe(after);
}

const coded = (layer: Y.Doc, text: Y.Doc) => {
  const all = transcriptText(text).toString();
  return readCodings(layer, text).map((c) => all.slice(c.start, c.end));
};

describe('anchors after text edits', () => {
  it.each([
    ['a typo fixed before the coding', 'P1:', 'P1 ', 'did not trust'],
    ['a typo fixed after the coding', 'clinci', 'clinic', 'did not trust'],
    ['words inserted before', 'I did', 'Well, I did', 'did not trust'],
    ['the line above grows', 'P1: ', 'P1 (nervous): ', 'The nurse listened'],
  ])('%s: the coding keeps its words', (_name, from, to, passage) => {
    const { text, layer, at } = setup();
    addCoding(layer, text, { code: 'c', ...at(passage) });
    correct(text, transcriptText(text).toString().replace(from, to));
    expect(coded(layer, text)).toEqual([passage]);
  });

  it('a correction inside a coding stays inside it', () => {
    const { text, layer, at } = setup();
    addCoding(layer, text, { code: 'c', ...at('trust the clinci') });
    correct(text, TEXT.replace('clinci', 'clinic'));
    expect(coded(layer, text)).toEqual(['trust the clinic']);
  });

  it('typing at either edge of a coding does not extend it', () => {
    const { text, layer, at } = setup();
    addCoding(layer, text, { code: 'c', ...at('trust') });
    correct(text, TEXT.replace('not trust the', 'not Xtrust! the'));
    expect(coded(layer, text)).toEqual(['trust']);
  });

  it('a coding whose text is deleted disappears, the others stay', () => {
    const { text, layer, at } = setup();
    addCoding(layer, text, { code: 'a', ...at('at first') });
    addCoding(layer, text, { code: 'b', ...at('nurse') });
    correct(text, TEXT.replace(' at first', ''));
    expect(coded(layer, text)).toEqual(['nurse']);
  });

  it('edits arriving from another replica move anchors the same way', () => {
    const { text, layer, at } = setup();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(text));
    addCoding(layer, text, { code: 'c', ...at('nurse') });
    correct(other, TEXT.replace('P2: The', 'P2: Then the'));
    Y.applyUpdate(text, Y.encodeStateAsUpdate(other));
    expect(coded(layer, text)).toEqual(['nurse']);
  });
});

describe('corrections as several small splices', () => {
  it.each([
    ['equal', 'abc', 'abc', 0],
    ['one typo', 'the clinci', 'the clinic', 1],
    ['two separate fixes', 'teh nurse listend', 'the nurse listened', 2],
    ['emoji swapped whole', 'a 😀 b', 'a 😁 b', 1],
    ['rewrite', 'abcdef', 'uvwxyz', 1],
  ])('%s', (_name, before, after, count) => {
    const splices = diffSplices(before, after);
    expect(splices).toHaveLength(count);
    let text = before;
    for (const splice of [...splices].reverse()) {
      text = text.slice(0, splice.index) + splice.insert + text.slice(splice.index + splice.remove);
    }
    expect(text).toBe(after);
    // No splice boundary inside a surrogate pair.
    for (const splice of splices)
      expect(Array.from(before.slice(0, splice.index)).join('')).toBe(before.slice(0, splice.index));
  });

  it('falls back to one splice for large rewrites', () => {
    const before = 'x'.repeat(1000);
    const after = 'y'.repeat(1000);
    expect(diffSplices(before, after)).toEqual([{ index: 0, remove: 1000, insert: after }]);
  });
});

describe('coding edits', () => {
  it('recodes, memos and removes a coding, keeping its passage', () => {
    const { text, layer, at } = setup();
    const id = addCoding(layer, text, { code: 'a', ...at('nurse') });
    recodeCoding(layer, id, 'b');
    setCodingMemo(layer, id, 'kindness');
    expect(readCodings(layer, text)).toMatchObject([{ id, code: 'b', memo: 'kindness', ...at('nurse') }]);
    setCodingMemo(layer, id, '');
    expect(readCodings(layer, text)[0]!.memo).toBeUndefined();
    removeCoding(layer, id);
    expect(codingsMap(layer).size).toBe(0);
  });
});

describe('merge and delete through redirects', () => {
  it('merging recodes every layer on migration and drops duplicates', () => {
    const book = new Y.Doc();
    const a = addCode(book, { name: 'A' });
    const b = addCode(book, { name: 'B' });
    const child = addCode(book, { name: 'A child', parent: a });
    const { text, layer, at } = setup();
    addCoding(layer, text, { code: a, ...at('nurse') });
    addCoding(layer, text, { code: b, ...at('nurse') });
    addCoding(layer, text, { code: a, ...at('trust') });
    mergeCode(book, a, b);
    const redirects = readRedirects(book);
    expect(resolveCode(redirects, a)).toBe(b);
    expect(readCodes(book).find((c) => c.id === child)!.parent).toBe(b);
    expect(migrateLayer(layer, redirects)).toBe(2);
    expect(readCodings(layer, text).map((c) => [c.code, TEXT.slice(c.start, c.end)])).toEqual([
      [b, 'trust'],
      [b, 'nurse'],
    ]);
    expect(migrateLayer(layer, redirects)).toBe(0);
  });

  it('deleting removes codings on migration, children move up, chains resolve', () => {
    const book = new Y.Doc();
    const top = addCode(book, { name: 'Top' });
    const mid = addCode(book, { name: 'Mid', parent: top });
    const leaf = addCode(book, { name: 'Leaf', parent: mid });
    const other = addCode(book, { name: 'Other' });
    mergeCode(book, leaf, mid);
    deleteCode(book, mid);
    const redirects = readRedirects(book);
    expect(resolveCode(redirects, leaf)).toBeNull();
    expect(resolveCode(redirects, other)).toBe(other);
    const { text, layer, at } = setup();
    addCoding(layer, text, { code: leaf, ...at('nurse') });
    addCoding(layer, text, { code: other, ...at('trust') });
    migrateLayer(layer, redirects);
    expect(readCodings(layer, text).map((c) => c.code)).toEqual([other]);
  });

  it('merging a parent into its own child puts the child in its place', () => {
    const book = new Y.Doc();
    const parent = addCode(book, { name: 'P' });
    const child = addCode(book, { name: 'C', parent });
    mergeCode(book, parent, child);
    expect(readCodes(book).map((c) => [c.name, c.parent])).toEqual([['C', null]]);
  });

  it('moves codes between parents and positions, and refuses cycles', () => {
    const book = new Y.Doc();
    const a = addCode(book, { name: 'A' });
    const b = addCode(book, { name: 'B' });
    const c = addCode(book, { name: 'C' });
    moveCode(book, c, null, 0);
    expect(readCodes(book).map((code) => code.name)).toEqual(['C', 'A', 'B']);
    moveCode(book, b, a, 0);
    expect(readCodes(book).find((code) => code.id === b)!.parent).toBe(a);
    expect(() => moveCode(book, a, b, 0)).toThrow(RangeError);
  });
});
