import {
  addAgreedCodings,
  addCode,
  addCodeToTheme,
  addCoding,
  addQuote,
  addTheme,
  anchorCoding,
  anchorQuote,
  CODINGS_KEY,
  codesMap,
  codingsMap,
  DOC_SCHEMAS,
  type DocKind,
  deleteCode,
  deleteTheme,
  finaliseTheme,
  initTranscript,
  memoText,
  mergeCode,
  migrateLayer,
  moveCode,
  moveCodeToTheme,
  readRedirects,
  recodeCoding,
  recordDecision,
  removeCodeFromTheme,
  removeCoding,
  removeQuote,
  setCodingMemo,
  setThemeParent,
  setThemeStatus,
  themesMap,
  transcriptText,
  transcriptTurns,
  updateCode,
  updateTheme,
} from '@accord/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkContent } from '../../src/sync/contentValidation.js';
import { isSelfContained } from '../../src/sync/updates.js';

/**
 * The server's copy of a document and one client's, synced. `write` runs a change on the client and returns what
 * the server decides about the incremental update y-websocket would send for it (null: accepted), then applies
 * accepted updates to the server's copy, so that later writes build on earlier ones (and find their origins there).
 */
class Pair {
  readonly server = new Y.Doc();
  readonly client = new Y.Doc();

  constructor(readonly kind: DocKind) {}

  write(change: (doc: Y.Doc) => void): string | null {
    const updates: Uint8Array[] = [];
    const collect = (update: Uint8Array) => updates.push(update);
    this.client.on('update', collect);
    try {
      change(this.client);
    } finally {
      this.client.off('update', collect);
    }
    for (const update of updates) {
      const verdict = this.check(update);
      if (verdict !== null) return verdict;
      Y.applyUpdate(this.server, update);
    }
    return null;
  }

  check(update: Uint8Array): string | null {
    const decoded = Y.decodeUpdate(update);
    expect(isSelfContained(this.server, decoded)).toBe(true);
    return checkContent(this.server, decoded.structs, DOC_SCHEMAS[this.kind]);
  }

  /** Server-side content (trusted, e.g. an import): applied to both, unchecked. */
  seed(change: (doc: Y.Doc) => void): void {
    change(this.server);
    Y.applyUpdate(this.client, Y.encodeStateAsUpdate(this.server, Y.encodeStateVector(this.client)));
  }
}

const transcript = () => {
  const doc = new Y.Doc();
  initTranscript(doc, 'Hello world, this is a transcript.\nSecond line here.', [
    { start: 0, speaker: 'A' },
    { start: 35, speaker: 'B', time: 12.5 },
  ]);
  return doc;
};

const codingAt = (text: Y.Doc, start = 0, end = 5, code = 'c1') =>
  anchorCoding(text, { code, start, end, createdAt: 1 });

describe('checkContent: every write the model makes is accepted', () => {
  it('transcript text: initialise, correct, delete, add turns', () => {
    const pair = new Pair('text');
    expect(pair.write((doc) => initTranscript(doc, 'Hello world', [{ start: 0, speaker: 'A', time: 1 }]))).toBeNull();
    expect(pair.write((doc) => transcriptText(doc).insert(5, ', dear'))).toBeNull();
    expect(pair.write((doc) => transcriptText(doc).insert(0, 'Oh. '))).toBeNull();
    expect(pair.write((doc) => transcriptText(doc).delete(2, 4))).toBeNull();
    expect(
      pair.write((doc) => {
        const text = transcriptText(doc);
        const at = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, 3));
        transcriptTurns(doc).push([{ at, speaker: 'B' }]);
      }),
    ).toBeNull();
    expect(pair.write((doc) => transcriptTurns(doc).delete(0, 1))).toBeNull();
  });

  it('a coder layer: add, recode, memo on and off, remove, migrate', () => {
    const text = transcript();
    const pair = new Pair('codings');
    let id = '';
    expect(pair.write((doc) => (id = addCoding(doc, text, { code: 'c1', start: 0, end: 5, memo: 'why' })))).toBeNull();
    expect(pair.write((doc) => addCoding(doc, text, { code: 'c2', start: 6, end: 11 }))).toBeNull();
    expect(pair.write((doc) => recodeCoding(doc, id, 'c3'))).toBeNull();
    expect(pair.write((doc) => setCodingMemo(doc, id, 'a memo'))).toBeNull();
    expect(pair.write((doc) => setCodingMemo(doc, id, ''))).toBeNull();
    expect(pair.write((doc) => migrateLayer(doc, new Map([['c2', 'c3']])))).toBeNull();
    expect(pair.write((doc) => removeCoding(doc, id))).toBeNull();
    // A coding anchored at the very end of an empty-then-filled text anchors to the root type.
    const empty = new Y.Doc();
    transcriptText(empty).insert(0, 'abc');
    expect(pair.write((doc) => addCoding(doc, empty, { code: 'c1', start: 0, end: 3 }))).toBeNull();
  });

  it('consensus: agreed codings, decisions, deciding again', () => {
    const text = transcript();
    const pair = new Pair('consensus');
    const by = { decidedBy: 'owner', decidedAt: 5, round: 'r1' };
    const sources = [{ coder: 'a', coding: 'x' }];
    expect(pair.write((doc) => addAgreedCodings(doc, [{ id: 'k1', coding: codingAt(text), sources }], by))).toBeNull();
    const record = {
      disagreement: 'd1',
      round: 'r1',
      kind: 'differentCodes' as const,
      coders: ['a', 'b'] as [string, string],
      decision: 'recode' as const,
      code: 'c9',
      decidedBy: 'owner',
      decidedAt: 6,
      memo: 'because',
      sources,
    };
    expect(pair.write((doc) => recordDecision(doc, record, [{ id: 'k2', coding: codingAt(text, 6, 11) }]))).toBeNull();
    expect(pair.write((doc) => recordDecision(doc, { ...record, decision: 'drop', code: undefined }, []))).toBeNull();
  });

  it('codebook: codes, edits, merges, themes, quotes, finalisation', () => {
    const text = transcript();
    const pair = new Pair('codebook');
    let a = '';
    let b = '';
    let c = '';
    let t1 = '';
    let t2 = '';
    let q = '';
    expect(pair.write((doc) => (a = addCode(doc, { name: 'Barriers' })))).toBeNull();
    expect(pair.write((doc) => (b = addCode(doc, { name: 'Stigma', parent: a, colour: '#AABBCC' })))).toBeNull();
    expect(pair.write((doc) => (c = addCode(doc, { name: 'Cost', definition: 'd', examples: 'e' })))).toBeNull();
    expect(pair.write((doc) => updateCode(doc, b, { colour: '#123456', name: 'Stigma!', inclusion: 'x' }))).toBeNull();
    expect(pair.write((doc) => moveCode(doc, c, a, 0))).toBeNull();
    expect(pair.write((doc) => (t1 = addTheme(doc, { name: 'Access' })))).toBeNull();
    expect(pair.write((doc) => (t2 = addTheme(doc, { name: 'Money', definition: 'd' })))).toBeNull();
    expect(pair.write((doc) => updateTheme(doc, t1, { name: 'Access!', order: 3 }))).toBeNull();
    expect(pair.write((doc) => setThemeParent(doc, t2, t1))).toBeNull();
    expect(pair.write((doc) => addCodeToTheme(doc, t1, b))).toBeNull();
    expect(pair.write((doc) => moveCodeToTheme(doc, b, t1, t2))).toBeNull();
    expect(pair.write((doc) => addCodeToTheme(doc, t1, c))).toBeNull();
    expect(pair.write((doc) => removeCodeFromTheme(doc, t1, c))).toBeNull();
    const quote = anchorQuote(text, { transcript: 't', layer: 'consensus', start: 0, end: 5, chosenBy: 'u' });
    expect(pair.write((doc) => (q = addQuote(doc, t1, quote)))).toBeNull();
    expect(pair.write((doc) => removeQuote(doc, t1, q))).toBeNull();
    expect(pair.write((doc) => setThemeStatus(doc, t1, 'reviewed'))).toBeNull();
    const evidence = {
      round: null,
      report: { unit: 'sentence', minCoverage: 0.5, digest: 'abc' },
      thresholds: { kappa: 0.6, alpha: 0.667 },
      codes: [{ code: b, reliability: 'ok' as const, kappa: 0.8, alpha: null }],
      warningsAcknowledged: false,
      by: 'u',
      at: 9,
    };
    expect(pair.write((doc) => finaliseTheme(doc, t1, evidence))).toBeNull();
    expect(pair.write((doc) => setThemeStatus(doc, t1, 'candidate'))).toBeNull();
    expect(pair.write((doc) => mergeCode(doc, c, b))).toBeNull();
    expect(pair.write((doc) => deleteCode(doc, b))).toBeNull();
    expect(readRedirects(pair.server).size).toBe(2);
    expect(pair.write((doc) => deleteTheme(doc, t1))).toBeNull();
  });

  it('memo text', () => {
    const pair = new Pair('memo');
    expect(pair.write((doc) => memoText(doc).insert(0, 'Some thoughts'))).toBeNull();
    expect(pair.write((doc) => memoText(doc).insert(4, ' more'))).toBeNull();
    expect(pair.write((doc) => memoText(doc).delete(0, 3))).toBeNull();
  });

  it("a whole client's state at once (a sync step 2 after offline edits)", () => {
    const text = transcript();
    const offline = new Y.Doc();
    for (let i = 0; i < 20; i++) addCoding(offline, text, { code: `c${i % 3}`, start: i, end: i + 3 });
    const server = new Y.Doc();
    const update = Y.encodeStateAsUpdate(offline);
    expect(checkContent(server, Y.decodeUpdate(update).structs, DOC_SCHEMAS.codings)).toBeNull();
  });

  it('writes on top of content the server wrote (origins found in the document)', () => {
    const pair = new Pair('codebook');
    let id = '';
    pair.seed((doc) => (id = addCode(doc, { name: 'Imported', colour: '#ABCDEF' })));
    expect(pair.write((doc) => updateCode(doc, id, { colour: '#000000' }))).toBeNull();
    expect(pair.write((doc) => updateCode(doc, id, { colour: 'red' }))).toMatch(/value refused/);
  });

  it('recoding a coding an older writer stored with an extra field writes back only the model fields', () => {
    const pair = new Pair('codings');
    pair.seed((doc) => codingsMap(doc).set('old', { ...codingAt(transcript()), legacy: true } as never));
    expect(pair.write((doc) => recodeCoding(doc, 'old', 'c9'))).toBeNull();
    expect(pair.write((doc) => setCodingMemo(doc, 'old', 'now with a memo'))).toBeNull();
    expect(pair.write((doc) => migrateLayer(doc, new Map([['c9', 'c10']])))).toBeNull();
    expect(Object.keys(codingsMap(pair.server).get('old')!).sort()).toEqual([
      'code',
      'createdAt',
      'end',
      'memo',
      'start',
    ]);
  });
});

const bytes = new Uint8Array([1, 2, 3]);

/** Writes no model function makes: one row per kind of refusal, `write` runs on a client synced to the server. */
const BAD: { kind: DocKind; what: string; setup?: (doc: Y.Doc) => void; write: (doc: Y.Doc, text: Y.Doc) => void }[] = [
  {
    kind: 'codings',
    what: 'the coding from the issue',
    write: (doc) => codingsMap(doc).set('x', { code: 'c1', start: 'junk', end: 42 } as never),
  },
  {
    kind: 'codings',
    what: 'anchors that do not decode',
    write: (doc) => codingsMap(doc).set('x', { code: 'c1', start: bytes, end: bytes, createdAt: 1 }),
  },
  {
    kind: 'codings',
    what: 'a coding without createdAt',
    write: (doc, text) => {
      const { createdAt: _, ...rest } = codingAt(text);
      codingsMap(doc).set('x', rest as never);
    },
  },
  {
    kind: 'codings',
    what: 'a coding with a field the model does not have',
    write: (doc, text) => codingsMap(doc).set('x', { ...codingAt(text), admin: true } as never),
  },
  {
    kind: 'codings',
    what: 'a memo that is not a string',
    write: (doc, text) => codingsMap(doc).set('x', { ...codingAt(text), memo: 5 } as never),
  },
  { kind: 'codings', what: 'a plain string as a coding', write: (doc) => codingsMap(doc).set('x', 'junk' as never) },
  { kind: 'codings', what: 'null as a coding', write: (doc) => codingsMap(doc).set('x', null as never) },
  {
    kind: 'codings',
    what: 'a nested map as a coding',
    write: (doc) => codingsMap(doc).set('x', new Y.Map() as never),
  },
  {
    kind: 'codings',
    what: 'binary as a coding',
    write: (doc) => codingsMap(doc).set('x', bytes as never),
  },
  { kind: 'codings', what: 'a root the model does not have', write: (doc) => doc.getMap('evil').set('a', 1) },
  {
    kind: 'codings',
    what: 'text in the codings root',
    write: (doc) => doc.getText(CODINGS_KEY).insert(0, 'x'),
  },
  {
    kind: 'codings',
    what: 'an anchor into another root (a reader would create it)',
    write: (doc, text) => {
      const other = new Y.Doc();
      other.getText('elsewhere').insert(0, 'abc');
      const elsewhere = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(other.getText('elsewhere'), 0));
      // An empty type's position names the root: 'elsewhere' is not the transcript's text.
      const rootOnly = Y.encodeRelativePosition(
        Y.createRelativePositionFromTypeIndex(new Y.Doc().getText('elsewhere'), 0),
      );
      codingsMap(doc).set('x', { ...codingAt(text), start: rootOnly, end: elsewhere });
    },
  },
  {
    kind: 'codings',
    what: 'a bad value in an update with a good one',
    write: (doc, text) =>
      doc.transact(() => {
        codingsMap(doc).set('good', codingAt(text));
        codingsMap(doc).set('bad', { ...codingAt(text), code: 7 } as never);
      }),
  },
  {
    kind: 'codings',
    what: 'overwriting a good coding with a bad one (key found from the origin)',
    setup: (doc) => codingsMap(doc).set('x', codingAt(transcript())),
    write: (doc) => codingsMap(doc).set('x', { code: 'c1' } as never),
  },
  {
    kind: 'text',
    what: 'formatting',
    setup: (doc) => transcriptText(doc).insert(0, 'Hello'),
    write: (doc) => transcriptText(doc).format(0, 3, { bold: true }),
  },
  { kind: 'text', what: 'an embed', write: (doc) => transcriptText(doc).insertEmbed(0, { image: 'x' }) },
  {
    kind: 'text',
    what: 'a text attribute',
    write: (doc) => transcriptText(doc).setAttribute('evil', 1),
  },
  {
    kind: 'text',
    what: 'a turn without a speaker',
    write: (doc) => transcriptTurns(doc).push([{ at: bytes } as never]),
  },
  {
    kind: 'text',
    what: 'a nested type in the turns',
    write: (doc) => (transcriptTurns(doc) as unknown as Y.Array<unknown>).push([new Y.Text('x')]),
  },
  { kind: 'text', what: 'a map where the text is', write: (doc) => doc.getMap('text').set('a', 'b') },
  {
    kind: 'text',
    what: 'a nested text inside the text',
    write: (doc) => transcriptText(doc).insertEmbed(0, new Y.Text('x') as never),
  },
  {
    kind: 'text',
    what: 'an XML fragment root',
    write: (doc) => doc.getXmlFragment('evil').insert(0, [new Y.XmlText('x')]),
  },
  {
    kind: 'consensus',
    what: 'a coding without provenance',
    write: (doc, text) => doc.getMap(CODINGS_KEY).set('x', codingAt(text)),
  },
  {
    kind: 'consensus',
    what: 'a decision of an unknown kind',
    write: (doc) =>
      doc.getMap('decisions').set('d', {
        disagreement: 'd',
        round: 'r',
        kind: 'evil',
        coders: ['a', 'b'],
        decision: 'drop',
        decidedBy: 'u',
        decidedAt: 1,
        memo: '',
        sources: [],
        codings: [],
      }),
  },
  {
    kind: 'codebook',
    what: 'a colour that is not #rrggbb',
    write: (doc) => addCode(doc, { name: 'x', colour: 'red;background:url(javascript:alert(1))' }),
  },
  {
    kind: 'codebook',
    what: 'recolouring an existing code badly (place found in the document)',
    setup: (doc) => addCode(doc, { name: 'x' }, 'code1'),
    write: (doc) => updateCode(doc, 'code1', { colour: '<script>' }),
  },
  {
    kind: 'codebook',
    what: 'a code field the model does not have',
    setup: (doc) => addCode(doc, { name: 'x' }, 'code1'),
    write: (doc) => codesMap(doc).get('code1')!.set('onclick', 'x'),
  },
  {
    kind: 'codebook',
    what: 'a name that is not a string',
    setup: (doc) => addCode(doc, { name: 'x' }, 'code1'),
    write: (doc) => codesMap(doc).get('code1')!.set('name', { html: '<b>' }),
  },
  {
    kind: 'codebook',
    what: 'a nested text as a code name',
    setup: (doc) => addCode(doc, { name: 'x' }, 'code1'),
    write: (doc) => codesMap(doc).get('code1')!.set('name', new Y.Text('x')),
  },
  { kind: 'codebook', what: 'a code as a plain value', write: (doc) => codesMap(doc).set('x', 'y' as never) },
  {
    kind: 'codebook',
    what: 'a code as a nested array',
    write: (doc) => codesMap(doc).set('x', new Y.Array() as never),
  },
  { kind: 'codebook', what: 'a redirect to a number', write: (doc) => doc.getMap('redirects').set('a', 5) },
  {
    kind: 'codebook',
    what: 'a theme of an unknown status',
    setup: (doc) => addTheme(doc, { name: 't' }, 'theme1'),
    write: (doc) => themesMap(doc).get('theme1')!.set('status', 'evil'),
  },
  {
    kind: 'codebook',
    what: "a string in a theme's code set",
    setup: (doc) => addTheme(doc, { name: 't' }, 'theme1'),
    write: (doc) => (themesMap(doc).get('theme1')!.get('codes') as Y.Map<unknown>).set('c', 'when'),
  },
  {
    kind: 'codebook',
    what: 'a quote without anchors',
    setup: (doc) => addTheme(doc, { name: 't' }, 'theme1'),
    write: (doc) => (themesMap(doc).get('theme1')!.get('quotes') as Y.Map<unknown>).set('q', { text: 'x' }),
  },
  {
    kind: 'codebook',
    what: 'a map nested deeper than the model',
    setup: (doc) => addTheme(doc, { name: 't' }, 'theme1'),
    write: (doc) => (themesMap(doc).get('theme1')!.get('codes') as Y.Map<unknown>).set('c', new Y.Map()),
  },
  {
    kind: 'codebook',
    what: 'a bad finalisation record',
    setup: (doc) => addTheme(doc, { name: 't' }, 'theme1'),
    write: (doc) => themesMap(doc).get('theme1')!.set('finalisedWith', { by: 'me' }),
  },
  {
    kind: 'roundCodebook',
    what: 'a bad colour in a frozen codebook',
    write: (doc) => addCode(doc, { name: 'x', colour: 'blue' }),
  },
  { kind: 'memo', what: 'formatting in a memo', write: (doc) => memoText(doc).insert(0, 'x', { bold: true }) },
  { kind: 'memo', what: 'a map where the memo is', write: (doc) => doc.getMap('memo').set('a', 'b') },
  { kind: 'memo', what: 'a second root', write: (doc) => doc.getText('other').insert(0, 'x') },
];

describe('checkContent: writes outside the model are refused', () => {
  for (const row of BAD) {
    it(`${row.kind}: ${row.what}`, () => {
      const pair = new Pair(row.kind);
      if (row.setup) expect(pair.write(row.setup)).toBeNull();
      const text = transcript();
      expect(pair.write((doc) => row.write(doc, text))).toMatch(/refused|no such|not plain|expected|no nested/);
    });
  }

  it('an item nested under a refused type is refused, whatever it holds', () => {
    const pair = new Pair('codebook');
    const update = (() => {
      const doc = new Y.Doc();
      const evil = new Y.Map<unknown>();
      doc.getMap('codes').set('x', evil);
      evil.set('name', 'fine');
      const inner = new Y.Map<unknown>();
      evil.set('deep', inner);
      inner.set('a', 1);
      return Y.encodeStateAsUpdate(doc);
    })();
    expect(pair.check(update)).toMatch(/no such entry|no nested type/);
  });

  it('a long chain of origins within one update resolves without recursion', () => {
    const pair = new Pair('memo');
    const doc = new Y.Doc();
    doc.gc = false;
    const text = memoText(doc);
    // One character per transaction in a sequence Yjs cannot merge (alternating clients): a chain of origins.
    const other = new Y.Doc();
    for (let i = 0; i < 2000; i++) {
      const writer = i % 2 === 0 ? doc : other;
      Y.applyUpdate(writer, Y.encodeStateAsUpdate(i % 2 === 0 ? other : doc));
      memoText(writer).insert(memoText(writer).length, 'x');
    }
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    expect(text.length).toBe(2000);
    expect(pair.check(Y.encodeStateAsUpdate(doc))).toBeNull();
  });
});
