import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isId } from '../../src/ids.js';
import { addCode } from '../../src/model/codebook.js';
import { mergeCode } from '../../src/model/edits.js';
import {
  addCodeToTheme,
  addQuote,
  addTheme,
  anchorQuote,
  deleteTheme,
  finaliseTheme,
  moveCodeToTheme,
  readThemes,
  removeCodeFromTheme,
  resolveQuote,
  setThemeParent,
  setThemeStatus,
  storedQuote,
  type ThemeFinalisation,
  themeMemoId,
  themesMap,
  updateTheme,
} from '../../src/model/themes.js';
import { initTranscript, transcriptText } from '../../src/model/transcript.js';

/** Two replicas of one codebook, kept in sync like two browsers. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== 'sync' && Y.applyUpdate(b, update, 'sync'));
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== 'sync' && Y.applyUpdate(a, update, 'sync'));
  return { a, b };
}

/** Two replicas that edit offline and then exchange their states (concurrent edits). */
function merge(a: Y.Doc, b: Y.Doc) {
  const fromA = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const fromB = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, fromA);
  Y.applyUpdate(a, fromB);
}

const evidence: ThemeFinalisation = {
  round: 'r1',
  report: { unit: 'character', minCoverage: 0, digest: 'abc' },
  thresholds: { kappa: 0.6, alpha: 0.667 },
  codes: [{ code: 'c1', reliability: 'ok', kappa: 0.8, alpha: 0.79 }],
  warningsAcknowledged: false,
  by: 'olive',
  at: 5,
};

describe('themes', () => {
  it('creates a candidate theme with a name, definition, no codes, and a memo doc id', () => {
    const doc = new Y.Doc();
    const id = addTheme(doc, { name: 'Isolation', definition: 'Being cut off' }, 'th1', 100);
    expect(readThemes(doc)).toEqual([
      {
        id: 'th1',
        name: 'Isolation',
        definition: 'Being cut off',
        parent: null,
        status: 'candidate',
        order: 0,
        createdAt: 100,
        codes: [],
        quotes: [],
        finalisedWith: null,
      },
    ]);
    expect(isId(themeMemoId(id))).toBe(true);
    expect(isId(themeMemoId(addTheme(doc, { name: 'Random id' })))).toBe(true);
  });

  it('keeps codes in the order they were added, once each', () => {
    const doc = new Y.Doc();
    addTheme(doc, { name: 'T' }, 't');
    addCodeToTheme(doc, 't', 'c2', 1);
    addCodeToTheme(doc, 't', 'c1', 2);
    addCodeToTheme(doc, 't', 'c2', 3);
    expect(readThemes(doc)[0]!.codes).toEqual(['c2', 'c1']);
    removeCodeFromTheme(doc, 't', 'c2');
    expect(readThemes(doc)[0]!.codes).toEqual(['c1']);
  });

  it('syncs a drop to the other replica', () => {
    const { a, b } = pair();
    addTheme(a, { name: 'T' }, 't');
    addCodeToTheme(a, 't', 'c1');
    expect(readThemes(b)[0]!.codes).toEqual(['c1']);
  });

  it('keeps one entry when two people drop the same code at once, and a definition edited meanwhile', () => {
    const a = new Y.Doc();
    addTheme(a, { name: 'T' }, 't');
    const b = new Y.Doc();
    merge(a, b);
    addCodeToTheme(a, 't', 'c1', 1);
    addCodeToTheme(b, 't', 'c1', 2);
    updateTheme(b, 't', { definition: 'Defined while A dropped' });
    merge(a, b);
    expect(readThemes(a)).toEqual(readThemes(b));
    expect(readThemes(a)[0]!.codes).toEqual(['c1']);
    expect(readThemes(a)[0]!.definition).toBe('Defined while A dropped');
  });

  it('moves a code between themes in one transaction', () => {
    const doc = new Y.Doc();
    addTheme(doc, { name: 'A' }, 'a');
    addTheme(doc, { name: 'B' }, 'b');
    addCodeToTheme(doc, 'a', 'c1');
    const seen: string[][][] = [];
    themesMap(doc).observeDeep(() => seen.push(readThemes(doc).map((theme) => theme.codes)));
    moveCodeToTheme(doc, 'c1', 'a', 'b');
    expect(seen).toEqual([[[], ['c1']]]);
  });

  it('nests sub-themes, refuses cycles, and moves sub-themes up when their parent is deleted', () => {
    const doc = new Y.Doc();
    addTheme(doc, { name: 'Top' }, 'top');
    addTheme(doc, { name: 'Mid', parent: 'top' }, 'mid');
    addTheme(doc, { name: 'Low' }, 'low');
    setThemeParent(doc, 'low', 'mid');
    expect(() => setThemeParent(doc, 'top', 'low')).toThrow(/below itself/);
    expect(() => setThemeParent(doc, 'top', 'top')).toThrow(/below itself/);
    expect(() => setThemeParent(doc, 'top', 'nope')).toThrow(/no theme/);
    deleteTheme(doc, 'mid');
    expect(readThemes(doc).map((t) => [t.id, t.parent])).toEqual([
      ['top', null],
      ['low', 'top'],
    ]);
  });

  it('follows code merges and drops deleted codes', () => {
    const doc = new Y.Doc();
    addCode(doc, { name: 'Lonely' }, 'c1');
    addCode(doc, { name: 'Alone' }, 'c2');
    addTheme(doc, { name: 'T' }, 't');
    addCodeToTheme(doc, 't', 'c1', 1);
    addCodeToTheme(doc, 't', 'c2', 2);
    mergeCode(doc, 'c1', 'c2');
    expect(readThemes(doc)[0]!.codes).toEqual(['c2']);
  });

  it('finalises only a reviewed theme, with its evidence; leaving final drops the evidence', () => {
    const doc = new Y.Doc();
    addTheme(doc, { name: 'T' }, 't');
    expect(() => finaliseTheme(doc, 't', evidence)).toThrow(/reviewed/);
    setThemeStatus(doc, 't', 'reviewed');
    finaliseTheme(doc, 't', evidence);
    expect(readThemes(doc)[0]).toMatchObject({ status: 'final', finalisedWith: evidence });
    setThemeStatus(doc, 't', 'reviewed');
    expect(readThemes(doc)[0]).toMatchObject({ status: 'reviewed', finalisedWith: null });
  });

  it('anchors a quote so that it follows corrections to the transcript, and keeps its text if deleted', () => {
    const text = new Y.Doc();
    initTranscript(text, 'P1: I had nobody to call.\n', []);
    const doc = new Y.Doc();
    addTheme(doc, { name: 'T' }, 't');
    const start = 'P1: '.length;
    const quote = anchorQuote(text, {
      transcript: 'tr',
      layer: 'consensus',
      start,
      end: start + 20,
      chosenBy: 'olive',
      chosenAt: 9,
    });
    addQuote(doc, 't', quote, 'q1');
    expect(readThemes(doc)[0]!.quotes).toEqual([
      {
        id: 'q1',
        transcript: 'tr',
        layer: 'consensus',
        coding: null,
        code: null,
        text: 'I had nobody to call',
        chosenBy: 'olive',
        chosenAt: 9,
      },
    ]);
    transcriptText(text).insert(0, 'Interviewer: And then?\n');
    expect(resolveQuote(text, storedQuote(doc, 't', 'q1')!)?.text).toBe('I had nobody to call');
    transcriptText(text).delete(0, transcriptText(text).length);
    expect(resolveQuote(text, storedQuote(doc, 't', 'q1')!)).toBeNull();
    expect(() => anchorQuote(text, { transcript: 'tr', layer: 'x', start: 0, end: 5, chosenBy: 'o' })).toThrow(
      /outside/,
    );
  });
});
