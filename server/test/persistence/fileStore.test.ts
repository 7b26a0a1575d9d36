import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../../src/log.js';
import { copyDocsConsistently, FileStorage } from '../../src/persistence/index.js';

const NAME = 'p/proj/t/tr/text';
const DIR_NAME = 'p.proj.t.tr.text';
const dirs: string[] = [];
const temp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const open = (dataDir: string) => FileStorage.open({ dataDir, logger: silentLogger });

/** Applies `count` edits to a fresh doc, appending each update to the log as the engine does. */
async function writeEdits(storage: FileStorage, count: number, doc = new Y.Doc()) {
  const { updates, log } = await storage.load(NAME);
  for (const update of updates) Y.applyUpdate(doc, update);
  const listener = (update: Uint8Array) => log.append(update);
  doc.on('update', listener);
  for (let i = 0; i < count; i++) doc.getArray<number>('a').push([i]);
  doc.off('update', listener);
  await log.close();
  return doc;
}

async function loadDoc(dataDir: string) {
  const storage = await open(dataDir);
  const loaded = await storage.load(NAME);
  const doc = new Y.Doc();
  for (const update of loaded.updates) Y.applyUpdate(doc, update);
  await loaded.log.close();
  return { doc, recovered: loaded.recoveredTailBytes, pending: doc.store.pendingStructs };
}

describe('file storage', () => {
  it('round-trips appended updates across reopen, one file per generation', async () => {
    const dataDir = temp();
    const written = await writeEdits(await open(dataDir), 50);
    const { doc } = await loadDoc(dataDir);
    expect(doc.getArray('a').toArray()).toEqual(written.getArray('a').toArray());
    expect(fs.readdirSync(path.join(dataDir, 'docs', DIR_NAME)).sort()).toEqual(['0.log', 'written']);
  });

  it('cuts a torn tail, keeping every record before it, and appends after it', async () => {
    const dataDir = temp();
    await writeEdits(await open(dataDir), 10);
    const file = path.join(dataDir, 'docs', DIR_NAME, '0.log');
    const good = fs.readFileSync(file);
    // A record header promising more bytes than were written: a write torn by a crash.
    fs.appendFileSync(file, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    const torn = await loadDoc(dataDir);
    expect(torn.doc.getArray('a').length).toBe(10);
    expect(torn.recovered).toBe(10);
    expect(fs.statSync(file).size).toBe(good.length);
    // Appends after recovery follow the last good record and load again.
    await writeEdits(await open(dataDir), 3, torn.doc);
    expect((await loadDoc(dataDir)).doc.getArray('a').length).toBe(13);
  });

  it('refuses a record damaged in the middle or at the end, naming the file and leaving it as it was', async () => {
    const dataDir = temp();
    await writeEdits(await open(dataDir), 10);
    const file = path.join(dataDir, 'docs', DIR_NAME, '0.log');
    const good = fs.readFileSync(file);
    const starts: number[] = [];
    for (let offset = 8; offset < good.length; offset += 8 + good.readUInt32LE(offset)) starts.push(offset);
    for (const [record, message] of [
      [5, /0\.log: record at byte \d+ damaged, followed by valid records/],
      [9, /0\.log: record at byte \d+ damaged \(its CRC does not match\)/],
    ] as const) {
      // A byte flipped inside a record's payload: the bytes changed after they were written, not a torn write.
      const damaged = Buffer.from(good);
      damaged[starts[record]! + 9] = damaged[starts[record]! + 9]! ^ 0xff;
      fs.writeFileSync(file, damaged);
      await expect(loadDoc(dataDir)).rejects.toThrow(message);
      expect(fs.readFileSync(file)).toEqual(damaged);
    }
  });

  it('compacts into a new generation and loads the same state, also from an interrupted compaction', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const { log } = await storage.load(NAME);
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => log.append(update));
    for (let i = 0; i < 100; i++) doc.getArray<number>('a').push([i]);
    await log.compact(() => Y.encodeStateAsUpdate(doc));
    for (let i = 100; i < 110; i++) doc.getArray<number>('a').push([i]);
    await log.close();
    const docDir = path.join(dataDir, 'docs', DIR_NAME);
    expect(fs.readdirSync(docDir).sort()).toEqual(['1.log', '1.snap', 'written']);
    expect((await loadDoc(dataDir)).doc.getArray('a').length).toBe(110);

    // A crash after the next generation's log got appends but before its snapshot landed: both logs replay.
    fs.copyFileSync(path.join(docDir, '1.log'), path.join(docDir, '2.log'));
    fs.writeFileSync(path.join(docDir, '2.snap.abc.tmp'), 'half a snapshot');
    expect((await loadDoc(dataDir)).doc.getArray('a').length).toBe(110);
    expect(fs.readdirSync(docDir).some((name) => name.endsWith('.tmp'))).toBe(false);
  });

  it('named snapshots are written once and verified on read', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'frozen');
    const info = await storage.writeSnapshot(NAME, 'round-1', Y.encodeStateAsUpdate(doc));
    expect(info.bytes).toBeGreaterThan(0);
    await expect(storage.writeSnapshot(NAME, 'round-1', new Uint8Array([0, 0]))).rejects.toThrow(/EEXIST/);
    const read = new Y.Doc();
    Y.applyUpdate(read, await storage.readSnapshot(NAME, 'round-1'));
    expect(read.getText('t').toString()).toBe('frozen');
    const file = path.join(dataDir, 'docs', DIR_NAME, 'snapshots', 'round-1.snap');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    fs.writeFileSync(file, bytes);
    await expect(storage.readSnapshot(NAME, 'round-1')).rejects.toThrow(/SHA-256/);
    await expect(storage.writeSnapshot(NAME, '../escape', new Uint8Array())).rejects.toThrow(/invalid/);
  });

  it('lists and deletes by prefix', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    for (const name of ['p/a/codebook', 'p/a/t/x/text', 'p/ab/codebook']) await (await storage.load(name)).log.close();
    expect(await storage.list('p/a/')).toEqual(['p/a/codebook', 'p/a/t/x/text']);
    await storage.deletePrefix('p/a/');
    expect(await storage.list('p/')).toEqual(['p/ab/codebook']);
    await expect(storage.load('p/../x')).rejects.toThrow(/invalid/);
  });

  it('a backup copied while appends and compactions run always loads to a state the writer had', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const { log } = await storage.load(NAME);
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => log.append(update));
    let running = true;
    const writer = (async () => {
      for (let i = 0; running && i < 5000; i++) {
        doc.getArray<number>('a').push([i]);
        if (i % 50 === 49) await log.compact(() => Y.encodeStateAsUpdate(doc));
        else await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const lengths: number[] = [];
    for (let copy = 0; copy < 15; copy++) {
      const dest = temp();
      await copyDocsConsistently(dataDir, dest);
      const { doc: copied, pending } = await loadDoc(dest);
      const items = copied.getArray<number>('a').toArray();
      expect(pending).toBeNull();
      expect(items).toEqual(items.map((_, i) => i));
      lengths.push(items.length);
    }
    running = false;
    await writer;
    await log.close();
    expect(lengths.at(-1)).toBeGreaterThan(0);
  });
});
