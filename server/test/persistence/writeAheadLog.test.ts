import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../../src/log.js';
import { encodeRecord, fileHeader, LOG_MAGIC } from '../../src/persistence/fileLog.js';
import { copyDocsConsistently, FileStorage } from '../../src/persistence/index.js';
import { planRepair } from '../../src/persistence/walRecovery.js';
import { decodeWalEntry, encodeWalEntry, type WalEntry } from '../../src/persistence/writeAheadLog.js';

const dirs: string[] = [];
const temp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-wal-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const open = (dataDir: string) => FileStorage.open({ dataDir, logger: silentLogger });
const docFile = (dataDir: string, name: string, file = '0.log') =>
  path.join(dataDir, 'docs', name.replaceAll('/', '.'), file);
const walFiles = (dataDir: string) => fs.readdirSync(path.join(dataDir, 'wal')).sort();

/** Opens the storage, collecting the names of the documents whose logs fail. */
async function openNotingFailures(dataDir: string) {
  const failed: string[] = [];
  const storage = await FileStorage.open({ dataDir, logger: silentLogger, onLogFailure: (name) => failed.push(name) });
  return { storage, failed };
}

/** Builds a log file's bytes and the journal entries of its records, as LogFile and the write-ahead log do. */
function journaled(payloads: string[]): { file: Buffer; entries: WalEntry[] } {
  const parts = [fileHeader(LOG_MAGIC)];
  const entries: WalEntry[] = [];
  let offset = parts[0]!.length;
  for (const payload of payloads) {
    const record = encodeRecord(Buffer.from(payload));
    entries.push({ docName: 'p/x/codebook', gen: 0, offset, record });
    parts.push(record);
    offset += record.length;
  }
  return { file: Buffer.concat(parts), entries };
}

describe('write-ahead log entries', () => {
  it('round-trip the document, generation, offset and record', () => {
    const record = encodeRecord(Buffer.from('update'));
    const entry = encodeWalEntry('p/abc/t/def/text', 3, 2 ** 40 + 17, Buffer.from('update'));
    expect(decodeWalEntry(entry.subarray(8))).toEqual({
      docName: 'p/abc/t/def/text',
      gen: 3,
      offset: 2 ** 40 + 17,
      record: Buffer.from(record),
    });
    expect(decodeWalEntry(new Uint8Array([5]))).toBeNull();
    expect(decodeWalEntry(entry.subarray(8, 20))).toBeNull();
  });
});

describe('planRepair: what a document log needs after a power loss', () => {
  const { file, entries } = journaled(['one', 'two', 'three']);
  const second = entries[1]!.offset;
  const third = entries[2]!.offset;
  const torn = Buffer.concat([file.subarray(0, third), file.subarray(third, third + 5)]);
  const flipped = Buffer.from(file);
  flipped[second + 9] = flipped[second + 9]! ^ 0xff;
  const rows: { name: string; existing: Uint8Array; expected: ReturnType<typeof planRepair> }[] = [
    { name: 'every record in place', existing: file, expected: { kind: 'intact' } },
    {
      name: 'file longer than the journal knows (later records kept)',
      existing: Buffer.concat([file, encodeRecord(Buffer.from('four'))]),
      expected: { kind: 'intact' },
    },
    {
      name: 'last record missing',
      existing: file.subarray(0, third),
      expected: { kind: 'repair', keep: third, tail: [entries[2]!.record] },
    },
    { name: 'last record torn', existing: torn, expected: { kind: 'repair', keep: third, tail: [entries[2]!.record] } },
    {
      name: 'a record damaged in the middle',
      existing: flipped,
      expected: { kind: 'repair', keep: second, tail: [entries[1]!.record, entries[2]!.record] },
    },
    {
      name: 'file never reached the disk',
      existing: new Uint8Array(0),
      expected: { kind: 'repair', keep: 0, tail: [fileHeader(LOG_MAGIC), ...entries.map((e) => e.record)] },
    },
    {
      name: 'header torn',
      existing: file.subarray(0, 3),
      expected: { kind: 'repair', keep: 0, tail: [fileHeader(LOG_MAGIC), ...entries.map((e) => e.record)] },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const plan = planRepair(row.existing, entries);
      expect(plan.kind).toBe(row.expected.kind);
      if (plan.kind === 'repair' && row.expected.kind === 'repair') {
        expect(plan.keep).toBe(row.expected.keep);
        expect(Buffer.concat(plan.tail)).toEqual(Buffer.concat(row.expected.tail));
      }
    });
  }
  it('bytes lost before the first journaled record are a gap, not something to paper over', () => {
    expect(planRepair(file.subarray(0, second - 1), entries.slice(1))).toEqual({ kind: 'gap', at: second });
  });
});

/** Edits `count` times, appending each update to the log as the engine does; resolves once they are durable. */
async function edit(storage: FileStorage, name: string, values: number[]) {
  const { updates, log } = await storage.load(name);
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  doc.on('update', (update: Uint8Array) => log.append(update));
  for (const value of values) doc.getArray<number>('a').push([value]);
  await log.flush();
  return { doc, log };
}

/**
 * Runs a checkpoint but keeps the segment it retires, as a power loss right after the document logs were written
 * would: nothing of theirs is certain to be on disk, and recovery must complete them from the segment.
 */
async function checkpointKeepingSegment(storage: FileStorage, dataDir: string) {
  await storage.wal.flush();
  const kept = new Map(walFiles(dataDir).map((file) => [file, fs.readFileSync(path.join(dataDir, 'wal', file))]));
  await storage.wal.checkpoint();
  for (const [file, bytes] of kept) fs.writeFileSync(path.join(dataDir, 'wal', file), bytes);
}

async function contents(dataDir: string, name: string) {
  const storage = await open(dataDir);
  const loaded = await storage.load(name);
  const doc = new Y.Doc();
  for (const update of loaded.updates) Y.applyUpdate(doc, update);
  await loaded.log.close();
  await storage.close();
  return { items: doc.getArray<unknown>('a').toArray(), pending: doc.store.pendingStructs, stats: storage.stats };
}

describe('power loss: the write-ahead log puts back what document logs lost', () => {
  it('restores records missing from several documents, and nothing when nothing was lost', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const names = ['p/a/codebook', 'p/a/t/one/text', 'p/a/t/two/text'];
    for (const [i, name] of names.entries()) await edit(storage, name, [i * 10, i * 10 + 1, i * 10 + 2]);
    // Durable in the segment only: the document logs get their records at the checkpoint.
    for (const name of names) expect(fs.existsSync(docFile(dataDir, name))).toBe(false);
    await checkpointKeepingSegment(storage, dataDir);
    // The process dies here (no close). Simulate the page cache lost at power off.
    const intact = fs.readFileSync(docFile(dataDir, names[0]!));
    fs.truncateSync(docFile(dataDir, names[0]!), 8);
    fs.truncateSync(docFile(dataDir, names[1]!), fs.statSync(docFile(dataDir, names[1]!)).size - 3);
    fs.rmSync(docFile(dataDir, names[2]!));

    const first = await contents(dataDir, names[0]!);
    expect(first.items).toEqual([0, 1, 2]);
    expect(first.stats.walRepairedLogs).toBe(3);
    expect(first.stats.walReplayedEntries).toBe(9);
    expect(fs.readFileSync(docFile(dataDir, names[0]!))).toEqual(intact);
    expect((await contents(dataDir, names[1]!)).items).toEqual([10, 11, 12]);
    expect((await contents(dataDir, names[2]!)).items).toEqual([20, 21, 22]);
    // A clean close leaves nothing to replay.
    expect(walFiles(dataDir)).toEqual([]);
  });

  it('replays without touching logs that already hold everything (kill -9 keeps the page cache)', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    await edit(storage, 'p/a/codebook', [1, 2, 3]);
    await checkpointKeepingSegment(storage, dataDir);
    const before = fs.readFileSync(docFile(dataDir, 'p/a/codebook'));
    const after = await contents(dataDir, 'p/a/codebook');
    expect(after.items).toEqual([1, 2, 3]);
    expect(after.stats.walRepairedLogs).toBe(0);
    expect(fs.readFileSync(docFile(dataDir, 'p/a/codebook'))).toEqual(before);
  });

  it('skips generations a compaction snapshot covers and completes the current one', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const { doc, log } = await edit(storage, 'p/a/codebook', [0, 1, 2, 3]);
    await log.compact(() => Y.encodeStateAsUpdate(doc));
    for (const value of [4, 5]) doc.getArray<number>('a').push([value]);
    await log.flush();
    expect(fs.existsSync(docFile(dataDir, 'p/a/codebook', '1.log'))).toBe(false);
    const after = await contents(dataDir, 'p/a/codebook');
    expect(after.items).toEqual([0, 1, 2, 3, 4, 5]);
    expect(after.pending).toBeNull();
    expect(after.stats.walRepairedLogs).toBe(1);
  });

  it('a checkpoint syncs the logs and retires the segment; later appends go to the next one', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const { doc, log } = await edit(storage, 'p/a/codebook', [1, 2]);
    expect(walFiles(dataDir)).toEqual(['0.wal']);
    await storage.wal.checkpoint();
    expect(walFiles(dataDir)).toEqual(['1.wal']);
    expect(storage.stats.checkpoints).toBe(1);
    const checkpointed = fs.readFileSync(docFile(dataDir, 'p/a/codebook'));
    doc.getArray<number>('a').push([3]);
    await log.flush();
    expect(fs.readFileSync(docFile(dataDir, 'p/a/codebook'))).toEqual(checkpointed);
    const after = await contents(dataDir, 'p/a/codebook');
    expect(after.items).toEqual([1, 2, 3]);
    expect(after.stats.walReplayedEntries).toBe(1);
    expect(after.stats.walRepairedLogs).toBe(1);
  });

  it('closing a log writes its records into its file, so the document reloads whole without a restart', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const { log } = await edit(storage, 'p/a/codebook', [1, 2]);
    await edit(storage, 'p/b/codebook', [3]);
    await log.close();
    const reloaded = await storage.load('p/a/codebook');
    const doc = new Y.Doc();
    for (const update of reloaded.updates) Y.applyUpdate(doc, update);
    expect(doc.getArray<number>('a').toArray()).toEqual([1, 2]);
    // The checkpoint that wrote it out wrote the other document too.
    expect(fs.existsSync(docFile(dataDir, 'p/b/codebook'))).toBe(true);
  });

  it('a checkpoint copies every document of a segment many slices long, and nothing of a compacted generation', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const names = Array.from({ length: 40 }, (_, i) => `p/many/t/d${i}/text`);
    const values = Array.from({ length: 400 }, (_, i) => i);
    const edited = [];
    for (const name of names) edited.push(await edit(storage, name, values));
    const { doc, log } = edited[0]!;
    await log.compact(() => Y.encodeStateAsUpdate(doc));
    await storage.wal.checkpoint();
    expect(fs.existsSync(docFile(dataDir, names[0]!, '0.log'))).toBe(false);
    for (const name of names.slice(1)) expect(fs.statSync(docFile(dataDir, name)).size).toBeGreaterThan(1000);
    for (const { log } of edited) await log.close();
    await storage.close();
    for (const name of [names[0]!, names[39]!]) {
      const after = await contents(dataDir, name);
      expect(after.items).toEqual(values);
      expect(after.stats.walReplayedEntries).toBe(0);
    }
  });

  it('a checkpoint copies a segment larger than its read chunk, records across chunk ends and one larger than a chunk', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const texts = [...Array.from({ length: 90 }, (_, i) => `${i}`.padEnd(60_000, 'x')), 'y'.repeat(5_000_000)];
    const { doc, log } = await edit(storage, 'p/big/t/d/text', []);
    for (const text of texts) doc.getArray<string>('a').push([text]);
    await edit(storage, 'p/small/codebook', [1]);
    await log.flush();
    await storage.wal.checkpoint();
    expect(fs.statSync(docFile(dataDir, 'p/big/t/d/text')).size).toBeGreaterThan(10_000_000);
    await log.close();
    await storage.close();
    const after = await contents(dataDir, 'p/big/t/d/text');
    expect(after.items).toEqual(texts);
    expect(after.stats.walReplayedEntries).toBe(0);
  });

  it('a compaction while a checkpoint copies waits for it, and its old log never comes back', async () => {
    const dataDir = temp();
    const { storage, failed } = await openNotingFailures(dataDir);
    const names = Array.from({ length: 20 }, (_, i) => `p/race/t/d${i}/text`);
    const values = Array.from({ length: 200 }, (_, i) => i);
    const edited = [];
    for (const name of names) edited.push(await edit(storage, name, values));
    const checkpoint = storage.wal.checkpoint();
    await Promise.all(edited.map(({ doc, log }) => log.compact(() => Y.encodeStateAsUpdate(doc))));
    await checkpoint;
    for (const name of names) expect(fs.existsSync(docFile(dataDir, name, '0.log'))).toBe(false);
    expect(failed).toEqual([]);
    for (const { log } of edited) await log.close();
    await storage.close();
    expect((await contents(dataDir, names[7]!)).items).toEqual(values);
  });

  it('a log that cannot take its records fails alone, and the segment stays for the next start', async () => {
    const dataDir = temp();
    const { storage, failed } = await openNotingFailures(dataDir);
    await edit(storage, 'p/bad/codebook', [1]);
    const good = await edit(storage, 'p/good/codebook', [2]);
    // A directory where the log file should be: opening it for writing fails.
    fs.mkdirSync(docFile(dataDir, 'p/bad/codebook'));
    await expect(storage.wal.checkpoint()).rejects.toThrow(/1 document logs could not be written/);
    expect(failed).toEqual(['p/bad/codebook']);
    expect(walFiles(dataDir)).toEqual(['0.wal', '1.wal']);
    good.doc.getArray<number>('a').push([3]);
    await good.log.close();
    await storage.close();
    fs.rmdirSync(docFile(dataDir, 'p/bad/codebook'));
    expect((await contents(dataDir, 'p/bad/codebook')).items).toEqual([1]);
    expect((await contents(dataDir, 'p/good/codebook')).items).toEqual([2, 3]);
  });

  it('a segment damaged on disk fails its logs at the checkpoint, and stays', async () => {
    const dataDir = temp();
    const { storage, failed } = await openNotingFailures(dataDir);
    await edit(storage, 'p/a/codebook', [1, 2]);
    const fd = fs.openSync(path.join(dataDir, 'wal', '0.wal'), 'r+');
    fs.writeSync(fd, Buffer.from([0xff, 0xff, 0xff, 0x7f]), 0, 4, 8);
    fs.closeSync(fd);
    await expect(storage.wal.checkpoint()).rejects.toThrow(/damaged at byte 8/);
    expect(failed).toEqual(['p/a/codebook']);
    expect(walFiles(dataDir)).toEqual(['0.wal', '1.wal']);
  });

  it('a segment damaged after a chunk was copied fails its logs, and the next start completes them', async () => {
    const dataDir = temp();
    const { storage, failed } = await openNotingFailures(dataDir);
    const texts = Array.from({ length: 90 }, (_, i) => `${i}`.padEnd(60_000, 'x'));
    const { doc } = await edit(storage, 'p/big/t/d/text', []);
    for (const text of texts) doc.getArray<string>('a').push([text]);
    await edit(storage, 'p/last/codebook', [1]);
    await storage.wal.flush();
    // The last entry's length, past the first 4 MiB chunk, made to run beyond the segment.
    const segmentPath = path.join(dataDir, 'wal', '0.wal');
    const segment = fs.readFileSync(segmentPath);
    let last = 8;
    for (let at = 8; at < segment.length; at += 8 + segment.readUInt32LE(at)) last = at;
    const fd = fs.openSync(segmentPath, 'r+');
    fs.writeSync(fd, Buffer.from([0xff, 0xff, 0xff, 0x7f]), 0, 4, last);
    fs.closeSync(fd);
    await expect(storage.wal.checkpoint()).rejects.toThrow(`damaged at byte ${last}`);
    expect(failed.sort()).toEqual(['p/big/t/d/text', 'p/last/codebook']);
    expect(walFiles(dataDir)).toEqual(['0.wal', '1.wal']);
    expect(fs.statSync(docFile(dataDir, 'p/big/t/d/text')).size).toBeGreaterThan(4_000_000);
    await storage.close();
    expect((await contents(dataDir, 'p/big/t/d/text')).items).toEqual(texts);
  });

  it('never brings a deleted document back, nor mixes it into a new one of the same name', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const { log } = await edit(storage, 'p/gone/codebook', [1]);
    await log.close();
    await edit(storage, 'p/kept/codebook', [2]);
    await storage.deletePrefix('p/gone/');
    const reopened = await open(dataDir);
    expect(await reopened.list('p/')).toEqual(['p/kept/codebook']);
    await edit(reopened, 'p/again/codebook', [3]);
    await (await edit(reopened, 'p/again/codebook', [4])).log.close();
    await reopened.deletePrefix('p/again/');
    await edit(reopened, 'p/again/codebook', [5, 6]);
    expect(fs.existsSync(docFile(dataDir, 'p/again/codebook'))).toBe(false);
    expect((await contents(dataDir, 'p/again/codebook')).items).toEqual([5, 6]);
  });

  it('a backup taken while document logs still lag the write-ahead log holds every acknowledged update', async () => {
    const dataDir = temp();
    const storage = await open(dataDir);
    const { log } = await storage.load('p/a/codebook');
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => log.append(update));
    for (let i = 0; i < 20; i++) doc.getArray<number>('a').push([i]);
    await storage.wal.flush();
    // Durable in the write-ahead log; the document log gets its plain write only later.
    expect(fs.existsSync(docFile(dataDir, 'p/a/codebook'))).toBe(false);
    const copy = temp();
    await copyDocsConsistently(dataDir, copy);
    expect((await contents(copy, 'p/a/codebook')).items).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('appends after a failed journal write fail their document instead of vanishing', async () => {
    const dataDir = temp();
    const { storage, failed } = await openNotingFailures(dataDir);
    const { doc, log } = await edit(storage, 'p/a/codebook', [1]);
    await storage.close();
    doc.getArray<number>('a').push([2]);
    await expect(log.flush()).rejects.toThrow(/closed/);
    expect(failed).toEqual(['p/a/codebook']);
  });
});
