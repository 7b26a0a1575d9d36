import {
  addCode,
  addCoding,
  addTheme,
  anchorCoding,
  codingsMap,
  DOC_SCHEMAS,
  type DocKind,
  docName,
  memoText,
  readCodes,
  readCodings,
  readConsensus,
  readDecisions,
  readRedirects,
  readThemes,
  readTurns,
  recordDecision,
  reportSkippedEntries,
  transcriptText,
  updateCode,
} from '@accord/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  type ClientMessage,
  decodeClientMessage,
  encodeAwarenessMessage,
  encodeSyncMessage,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
} from '../../server/src/sync/protocol.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { connect as provider, until } from '../rounds/helpers.js';
import { fuzzParams } from './params.js';

/**
 * WebSocket frames from outside, against the real server: random bytes, valid sync and awareness messages truncated
 * and mutated, oversized frames, updates with missing dependencies, and writes of random content into every kind of
 * document (made with the model's functions, then changed). Whatever arrives: the server never crashes, the sender
 * is either served or closed with a policy code, other clients on the document keep syncing, and every stored
 * document stays readable by every reader.
 */

/** The close codes a refused frame may get: policy, payload too large (ws), document too large, invalid content. */
const REFUSALS = new Set([1008, 1009, 4413, 4422]);

let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
let docs: Record<DocKind, string>;
const TEXT = 'Interviewer: How was it?\nP1: Hard at first. Then my sister came and we talked.\n';

beforeAll(async () => {
  test = await startTestServer();
  cast = await seedProject(test, TEXT);
  const project = cast.project.id;
  const transcript = cast.transcript.id;
  // A revealed round: its frozen codebook exists (read-only for everyone), the transcript is writable again.
  const created = await cast.owner.client.post(`/api/projects/${project}/rounds`, {
    name: 'Fuzz',
    mode: 'open',
    transcripts: { ids: [transcript] },
    coders: [cast.coder.id, cast.coder2.id],
  });
  const round = created.body.round.id as string;
  expect(
    (await cast.owner.client.post(`/api/projects/${project}/rounds/${round}/reveal`, { force: true })).status,
  ).toBe(200);
  docs = {
    codebook: docName({ kind: 'codebook', project }),
    roundCodebook: docName({ kind: 'roundCodebook', project, round }),
    text: docName({ kind: 'text', project, transcript }),
    codings: docName({ kind: 'codings', project, transcript, coder: cast.owner.id }),
    consensus: docName({ kind: 'consensus', project, transcript }),
    memo: docName({ kind: 'memo', project, memo: 'fuzzmemo' }),
  };
  // Something of every kind to write next to (origins into the document) and to read afterwards.
  const sync = test.server.ctx.sync;
  const textDoc = await copy(docs.text);
  await sync.withDoc(docs.codebook, (doc) => {
    addCode(doc, { name: 'Support' }, 'code1');
    addTheme(doc, { name: 'Family' }, 'theme1');
  });
  await sync.withDoc(docs.codings, (doc) => addCoding(doc, textDoc, { code: 'code1', start: 3, end: 12 }, 'coding1'));
  await sync.withDoc(docs.consensus, (doc) =>
    recordDecision(
      doc,
      {
        disagreement: 'd1',
        round: 'r1',
        kind: 'oneCoderOnly',
        coders: ['a', 'b'],
        decision: 'keepA',
        decidedBy: cast.owner.id,
        decidedAt: 1,
        memo: '',
        sources: [],
      },
      [{ id: 'k1', coding: anchorCoding(textDoc, { code: 'code1', start: 0, end: 5 }) }],
    ),
  );
  await sync.withDoc(docs.memo, (doc) => memoText(doc).insert(0, 'A memo.'));
});

afterAll(async () => {
  await test?.close();
});

async function copy(name: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await test.server.ctx.sync.withDoc(name, (d) => Y.encodeStateAsUpdate(d)));
  return doc;
}

/**
 * A raw connection as the owner (who may write every kind of document): sends frames, then a sync step 1 as a
 * barrier, and resolves once the server has answered every sync step 1 it was sent (so it has handled every frame
 * before it) or has closed the connection.
 */
async function sendFrames(name: string, frames: Uint8Array[]): Promise<{ closed: number | null }> {
  const ws = new WebSocket(`${test.wsUrl}/${name}`, {
    headers: { cookie: cast.owner.client.cookie!, origin: test.url },
  });
  ws.on('error', () => {});
  let answers = 0;
  let closed: number | null = null;
  ws.on('message', (data: Buffer) => {
    if (data[0] === 0 && data[1] === SYNC_STEP2) answers++;
  });
  const done = new Promise<void>((resolve) =>
    ws.once('close', (code) => {
      closed = code;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
  });
  const barrier = encodeSyncMessage(SYNC_STEP1, Y.encodeStateVector(new Y.Doc()));
  let expected = 1;
  for (const frame of frames) {
    let message: ClientMessage | null = null;
    try {
      message = decodeClientMessage(frame);
    } catch {}
    if (message?.type === 'syncStep1') expected++;
    ws.send(frame);
  }
  ws.send(barrier);
  await Promise.race([done, until(() => answers >= expected, 10_000, `the barrier on ${name}`)]);
  if (closed === null) {
    ws.close();
    await done;
    return { closed: null };
  }
  return { closed };
}

/**
 * Two real clients (y-websocket providers) on the codebook and on the memo, open while the frames arrive: at the end
 * a document write and an awareness change of one still reach the other, and what they hold reads whole.
 */
async function bystanders() {
  const pairs = [docs.codebook, docs.memo].map((name) => ({
    name,
    a: provider(test, cast.owner.client, name),
    b: provider(test, cast.coder.client, name),
  }));
  await Promise.all(pairs.flatMap(({ a, b }) => [a.synced, b.synced]));
  return {
    async stillServing(marker: string): Promise<void> {
      try {
        for (const { name, a, b } of pairs) {
          expect(a.provider.wsconnected && b.provider.wsconnected, `bystanders on ${name} connected`).toBe(true);
          if (name === docs.codebook) {
            const id = addCode(a.doc, { name: marker });
            await until(() => readCodes(b.doc).some((code) => code.id === id), 5000, `${marker}: a code on ${name}`);
            expect(() => [readThemes(b.doc), readRedirects(b.doc)]).not.toThrow();
          } else {
            memoText(a.doc).insert(0, marker);
            await until(() => memoText(b.doc).toString().startsWith(marker), 5000, `${marker}: memo text on ${name}`);
          }
          a.provider.awareness.setLocalState({ marker });
          await until(
            () =>
              (b.provider.awareness.getStates().get(a.doc.clientID) as { marker?: string } | undefined)?.marker ===
              marker,
            5000,
            `${marker}: awareness on ${name}`,
          );
        }
      } finally {
        for (const { a, b } of pairs) {
          a.destroy();
          b.destroy();
        }
      }
    },
  };
}

/** Every reader over every stored document: none may throw, and none may hold pending (unstorable) structs. */
async function readEverything(): Promise<void> {
  const sync = test.server.ctx.sync;
  const textDoc = await copy(docs.text);
  expect(() => readTurns(textDoc)).not.toThrow();
  await sync.withDoc(docs.codings, (doc) => expect(() => readCodings(doc, textDoc)).not.toThrow());
  await sync.withDoc(docs.consensus, (doc) => {
    expect(() => readConsensus(doc, textDoc)).not.toThrow();
    expect(() => readDecisions(doc)).not.toThrow();
  });
  for (const name of [docs.codebook, docs.roundCodebook]) {
    await sync.withDoc(name, (doc) => {
      expect(() => [readCodes(doc), readThemes(doc), readRedirects(doc)]).not.toThrow();
    });
  }
  await sync.withDoc(docs.memo, (doc) => expect(typeof memoText(doc).toString()).toBe('string'));
  for (const name of Object.values(docs)) {
    await sync.withDoc(name, (doc) => {
      expect(doc.store.pendingStructs).toBeNull();
      expect(doc.store.pendingDs).toBeNull();
    });
  }
  const base = `/api/projects/${cast.project.id}`;
  for (const path of ['/analysis/segments?format=json&layer=coders', '/analysis/frequency', '/export?format=qdpx']) {
    expect((await cast.owner.client.get(`${base}${path}`)).status, path).toBe(200);
  }
}

/** What one client's change to a document sends: the incremental update, made on a copy of the server's state. */
async function updateOf(name: string, change: (doc: Y.Doc) => void): Promise<Uint8Array | null> {
  const doc = await copy(name);
  const before = Y.encodeStateVector(doc);
  try {
    change(doc);
    return Y.encodeStateAsUpdate(doc, before);
  } catch {
    return null; // a change the client's own Yjs refuses (e.g. a format attribute of undefined)
  }
}

const valid = (kind: DocKind) =>
  ({
    codebook: (doc: Y.Doc) => addCode(doc, { name: 'New' }),
    roundCodebook: (doc: Y.Doc) => addCode(doc, { name: 'Frozen' }),
    text: (doc: Y.Doc) => transcriptText(doc).insert(5, 'x'),
    codings: (doc: Y.Doc) => codingsMap(doc).set('x', anchorCoding(textSnapshot!, { code: 'code1', start: 0, end: 4 })),
    consensus: (doc: Y.Doc) => doc.getMap('decisions').delete('nothing'),
    memo: (doc: Y.Doc) => memoText(doc).insert(0, 'm'),
  })[kind];
let textSnapshot: Y.Doc | null = null;

/** Mutations of a byte string: truncate, flip, insert, delete, splice random bytes in. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.op === 'truncate') out = out.slice(0, at);
    else if (m.op === 'flip' && out.length > 0) out[at % out.length]! ^= m.bits;
    else if (m.op === 'insert') out.splice(at, 0, ...m.bytes);
    else if (m.op === 'delete') out.splice(at, m.count);
  }
  return new Uint8Array(out);
}

const kinds = Object.keys(DOC_SCHEMAS) as DocKind[];
const writable: DocKind[] = ['codebook', 'text', 'codings', 'consensus', 'memo'];

/** A random JSON-ish value, with binary and relative-position-looking bytes mixed in. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.uint8Array({ maxLength: 12 }),
  fc.record({
    code: fc.oneof(fc.string(), fc.integer()),
    start: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.string()),
    end: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.integer()),
    createdAt: fc.oneof(fc.integer(), fc.constant(null)),
  }),
  fc.constantFrom('#aabbcc', 'red', '<script>', null, undefined),
);

/** A random write with the Yjs API: into a root of the kind's schema or another, at a key, of a random value. */
const randomWrite = fc.record({
  root: fc.oneof(
    fc.constantFrom('codes', 'codings', 'decisions', 'themes', 'redirects', 'text', 'turns', 'memo'),
    fc.string({ maxLength: 6 }),
  ),
  shape: fc.constantFrom('map', 'array', 'text', 'nestedMap', 'nestedInExisting', 'format'),
  key: fc.oneof(
    fc.constantFrom('code1', 'theme1', 'coding1', 'k1', 'd1', 'name', 'colour', 'quotes'),
    fc.string({ maxLength: 6 }),
  ),
  value: anyValue,
});

/** A write through the model's own functions, with random arguments (offsets may fall outside the text). */
const modelWrite = fc.record({
  model: fc.constantFrom('code', 'recolour', 'coding', 'text', 'memo', 'theme'),
  text: fc.string({ maxLength: 20 }),
  at: fc.nat(120),
  length: fc.integer({ min: 1, max: 30 }),
  colour: fc.oneof(fc.constantFrom('#aabbcc', '#ABCDEF', 'red', '#abc'), fc.string({ maxLength: 8 })),
});

function applyModelWrite(doc: Y.Doc, write: typeof modelWrite extends fc.Arbitrary<infer W> ? W : never): void {
  const { text, at, length, colour } = write;
  switch (write.model) {
    case 'code':
      addCode(doc, { name: text, definition: text });
      return;
    case 'recolour':
      updateCode(doc, 'code1', { colour });
      return;
    case 'coding':
      addCoding(doc, textSnapshot!, { code: text || 'code1', start: at, end: at + length, memo: text });
      return;
    case 'text':
      transcriptText(doc).insert(Math.min(at, transcriptText(doc).length), text || 'x');
      return;
    case 'memo':
      memoText(doc).insert(Math.min(at, memoText(doc).length), text || 'x');
      return;
    case 'theme':
      addTheme(doc, { name: text, definition: colour });
      return;
  }
}

function applyWrite(
  doc: Y.Doc,
  write: (typeof randomWrite extends fc.Arbitrary<infer W> ? W : never) | Parameters<typeof applyModelWrite>[1],
): void {
  if ('model' in write) {
    applyModelWrite(doc, write);
    return;
  }
  const { root, shape, key, value } = write;
  switch (shape) {
    case 'map':
      doc.getMap(root).set(key, value);
      return;
    case 'array':
      doc.getArray(root).insert(0, [value]);
      return;
    case 'text':
      doc.getText(root).insert(0, typeof value === 'string' ? value || 'x' : (JSON.stringify(value) ?? 'x'));
      return;
    case 'format':
      doc.getText(root).insert(0, 'x', { bold: value });
      return;
    case 'nestedMap': {
      const nested = new Y.Map<unknown>();
      doc.getMap(root).set(key, nested);
      nested.set(String(value).slice(0, 6), value);
      return;
    }
    case 'nestedInExisting': {
      const existing = doc.getMap(root).get(key);
      if (existing instanceof Y.Map) existing.set(typeof value === 'string' ? value.slice(0, 8) : 'name', value);
      else doc.getMap(root).set(key, value);
      return;
    }
  }
}

describe('WebSocket frames against the real server', () => {
  it('random bytes: handled or closed with a policy code; the document keeps working', async () => {
    const others = await bystanders();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...kinds), fc.uint8Array({ maxLength: 300 }), async (kind, bytes) => {
        const { closed } = await sendFrames(docs[kind], [bytes]);
        if (closed !== null) expect(REFUSALS.has(closed), `closed with ${closed}`).toBe(true);
      }),
      fuzzParams(150, 6_000),
    );
    await others.stillServing('after-random');
  });

  it('valid sync and awareness messages, truncated and mutated', async () => {
    const others = await bystanders();
    textSnapshot = await copy(docs.text);
    const samples: Uint8Array[] = [];
    for (const kind of writable) {
      const update = await updateOf(docs[kind], valid(kind));
      if (update) {
        samples.push(encodeSyncMessage(SYNC_UPDATE, update), encodeSyncMessage(SYNC_STEP2, update));
      }
    }
    samples.push(encodeSyncMessage(SYNC_STEP1, Y.encodeStateVector(textSnapshot)));
    samples.push(encodeAwarenessMessage([{ clientId: 77, clock: 1, state: '{"user":{"name":"x"},"cursor":1}' }]));
    samples.push(new Uint8Array([3]));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...samples.keys()),
        fc.constantFrom(...writable),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (index, kind, mutations) => {
          const frame = mutate(samples[index]!, mutations);
          const { closed } = await sendFrames(docs[kind], [frame]);
          if (closed !== null) expect(REFUSALS.has(closed), `closed with ${closed}`).toBe(true);
        },
      ),
      fuzzParams(150, 8_000),
    );
    await others.stillServing('after-mutations');
    await readEverything();
  });

  it('random content written into every kind of document: stored only if the model can read it', async () => {
    const others = await bystanders();
    textSnapshot = await copy(docs.text);
    // Whatever a client got stored, every reader can read whole: no entry is ever skipped.
    const skipped: string[] = [];
    reportSkippedEntries((_doc, entry) => skipped.push(`${entry.root}/${entry.id}`));
    const outcomes = { stored: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writable),
        fc.oneof(randomWrite, modelWrite),
        fc.option(fc.array(mutation, { minLength: 1, maxLength: 2 }), { freq: 4 }),
        async (kind, write, mutations) => {
          const update = await updateOf(docs[kind], (doc) => applyWrite(doc, write));
          if (update === null || update.length <= 2) return;
          const payload = mutations ? mutate(update, mutations) : update;
          const { closed } = await sendFrames(docs[kind], [encodeSyncMessage(SYNC_UPDATE, payload)]);
          if (closed !== null) expect(REFUSALS.has(closed), `closed with ${closed}`).toBe(true);
          outcomes[closed === null ? 'stored' : 'refused']++;
        },
      ),
      fuzzParams(200, 10_000),
    );
    await readEverything();
    reportSkippedEntries(null);
    expect(skipped).toEqual([]);
    expect(outcomes.stored).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    await others.stillServing('after-content');
  });

  it('updates with missing dependencies are refused, stored nowhere and relayed to no one', async () => {
    const others = await bystanders();
    const source = await copy(docs.memo);
    const base = Y.encodeStateVector(source);
    memoText(source).insert(0, 'first ');
    const first = Y.encodeStateAsUpdate(source, base);
    const middle = Y.encodeStateVector(source);
    memoText(source).insert(3, 'second ');
    const second = Y.encodeStateAsUpdate(source, middle);
    const before = test.server.ctx.sync.metrics().rejectedByReason.missingDependencies;
    const stored = await test.server.ctx.sync.withDoc(docs.memo, (doc) => memoText(doc).toString());
    const { closed } = await sendFrames(docs.memo, [encodeSyncMessage(SYNC_UPDATE, second)]);
    expect(closed).toBe(1008);
    expect(test.server.ctx.sync.metrics().rejectedByReason.missingDependencies).toBe(before + 1);
    expect(await test.server.ctx.sync.withDoc(docs.memo, (doc) => memoText(doc).toString())).toBe(stored);
    expect((await sendFrames(docs.memo, [encodeSyncMessage(SYNC_UPDATE, first)])).closed).toBeNull();
    await others.stillServing('after-pending');
    await readEverything();
  });

  it('an oversized frame closes only its sender', async () => {
    const others = await bystanders();
    const huge = new Uint8Array(8 * 1024 * 1024 + 16);
    huge.set(encodeSyncMessage(SYNC_UPDATE, new Uint8Array([0, 0])).subarray(0, 2));
    const { closed } = await sendFrames(docs.memo, [huge]);
    expect(closed).toBe(1009);
    await others.stillServing('after-oversize');
  });
});
