// Heap per loaded document in the Accord engine versus the same documents as raw Y.Docs (run with --expose-gc).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { createLogger } from '../../server/dist/log.js';
import { FileStorage } from '../../server/dist/persistence/index.js';
import { createSyncEngine } from '../../server/dist/sync/index.js';

const DOCS = 200;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-heap-'));
const heap = () => {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};

/** A transcript typed in turns plus codings: what a loaded text and codings doc hold in a real session. */
function build(doc, seed) {
  const text = doc.getText('text');
  for (let turn = 0; turn < 120; turn++)
    text.insert(text.length, `P${seed}: turn ${turn} of the interview, with some words said.\n`);
  const codings = doc.getMap('codings');
  for (let i = 0; i < 60; i++)
    codings.set(`c${i}`, { code: `code${i % 20}`, start: 'AAE', end: 'AAF', createdAt: 1700000000000 + i });
}

const logger = createLogger('warn');
const open = async () =>
  createSyncEngine({
    storage: await FileStorage.open({ dataDir, logger }),
    logger,
    limits: { unloadGraceMs: 3_600_000 },
  });
let engine = await open();
for (let i = 0; i < DOCS; i++) await engine.withDoc(`p/heap/memos/m${i}`, (doc) => build(doc, i));
await engine.close();
const states = [];

engine = await open();
let base = heap();
for (let i = 0; i < DOCS; i++) await engine.withDoc(`p/heap/memos/m${i}`, () => {});
const perHostDoc = (heap() - base) / DOCS;
for (let i = 0; i < DOCS; i++)
  await engine.withDoc(`p/heap/memos/m${i}`, (doc) => states.push(Y.encodeStateAsUpdate(doc)));

base = heap();
const raw = states.map((state) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
});
const perRawDoc = (heap() - base) / DOCS;
console.log(
  `heap     accord             ${(perHostDoc / 1024).toFixed(1)} KiB per loaded doc vs raw Y.Doc ${(perRawDoc / 1024).toFixed(1)} KiB ` +
    `(x${(perHostDoc / perRawDoc).toFixed(2)}, ${DOCS} docs of ${(states[0].length / 1024).toFixed(1)} KiB encoded)`,
);
raw.length = 0;
await engine.close();
fs.rmSync(dataDir, { recursive: true, force: true });
