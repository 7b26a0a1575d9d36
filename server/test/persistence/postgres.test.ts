import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startPostgres, type TestPostgres } from '../../../test/setup/postgres.js';
import { type AccordDatabase, createPool, openMigratedDatabase } from '../../src/db/index.js';
import { silentLogger } from '../../src/log.js';
import { DocumentDeletedError, PostgresStorage } from '../../src/persistence/postgres/index.js';
import { until } from './storageContract.js';

/**
 * What the PostgreSQL engine promises beyond the storage contract (storage.contract.test.ts): compaction that a
 * killed connection or a crashed server interrupts loses nothing, appends that ride over dropped connections, and
 * several instances appending to and compacting the same document at once.
 */
const DOC = 'p/pg/t/t1/text';
let cluster: TestPostgres;
let url: string;
const open: { storage: PostgresStorage; database: AccordDatabase }[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(() => cluster?.stop());
afterEach(async () => {
  for (const { storage, database } of open.splice(0)) {
    await storage.close().catch(() => {});
    await database.close();
  }
});

async function instance(applicationName = 'accord-test') {
  url ??= await cluster.createDatabase();
  const database = await openMigratedDatabase({ url, logger: silentLogger, applicationName });
  const storage = await PostgresStorage.open({ database, logger: silentLogger, retryForMs: 30_000 });
  open.push({ storage, database });
  return storage;
}

/** A fresh database for each test. */
async function freshDatabase() {
  url = await cluster.createDatabase();
}

async function loadDoc(storage: PostgresStorage, name = DOC) {
  const { updates, log } = await storage.load(name);
  await log.close();
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return { doc, records: updates.length };
}

function writer(log: { append(update: Uint8Array): void }) {
  const doc = new Y.Doc();
  doc.on('update', (update: Uint8Array) => log.append(update));
  return doc;
}

const databaseName = () => new URL(url).pathname.slice(1);
const query = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  cluster.query<T>(text, params, databaseName());

/** Holds a row lock on one of DOC's update rows, so that a compaction's DELETE waits there, its new base written. */
async function blockCompactionAtDelete() {
  const pool = createPool({ url, logger: silentLogger, maxConnections: 1 });
  const client = await pool.connect();
  client.on('error', () => {});
  await client.query('BEGIN');
  await client.query('SELECT id FROM document_updates WHERE doc_name = $1 ORDER BY id DESC LIMIT 1 FOR UPDATE', [DOC]);
  return {
    async release() {
      await client.query('ROLLBACK').catch(() => {});
      client.release(true);
      await pool.end().catch(() => {});
    },
  };
}

/** The backend of the compaction that waits on the lock, once it is waiting. */
async function waitingCompaction(): Promise<number> {
  let pid = 0;
  await until(
    async () => {
      const rows = await query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM document_updates%'`,
      );
      pid = rows[0]?.pid ?? 0;
      return pid !== 0;
    },
    20_000,
    'the compaction to wait at its DELETE',
  );
  return pid;
}

describe('PostgreSQL storage', () => {
  it('loses nothing when the compaction connection is terminated mid-transaction, and compacts afterwards', async () => {
    await freshDatabase();
    const storage = await instance();
    const { log } = await storage.load(DOC);
    const doc = writer(log);
    for (let i = 0; i < 200; i++) doc.getArray<number>('a').push([i]);
    await log.flush();

    const blocker = await blockCompactionAtDelete();
    const compaction = expect(log.compact(() => Y.encodeStateAsUpdate(doc))).rejects.toThrow();
    const pid = await waitingCompaction();
    // The new base is written (uncommitted) and the DELETE waits: the worst moment to lose the connection.
    await query('SELECT pg_terminate_backend($1)', [pid]);
    await compaction;
    await blocker.release();

    const [{ base }] = await query<{ base: Buffer | null }>('SELECT base FROM documents WHERE name = $1', [DOC]);
    expect(base).toBeNull();
    const other = await instance();
    const before = await loadDoc(other);
    expect(before.records).toBe(200);
    expect(before.doc.getArray('a').toJSON()).toEqual(doc.getArray('a').toJSON());

    // The same log appends and compacts again on a fresh connection.
    doc.getArray<number>('a').push([200]);
    await log.compact(() => Y.encodeStateAsUpdate(doc));
    const after = await loadDoc(other);
    expect(after.records).toBe(1);
    expect(after.doc.getArray('a').toJSON()).toEqual(doc.getArray('a').toJSON());
    await log.close();
  });

  it('loses nothing when PostgreSQL crashes mid-compaction, and appends again once it is back', async () => {
    await freshDatabase();
    const storage = await instance();
    const failures: string[] = [];
    storage.onLogFailure((name) => failures.push(name));
    const { log } = await storage.load(DOC);
    const doc = writer(log);
    for (let i = 0; i < 100; i++) doc.getMap('m').set(`k${i}`, i);
    await log.flush();

    const blocker = await blockCompactionAtDelete();
    const compaction = expect(log.compact(() => Y.encodeStateAsUpdate(doc))).rejects.toThrow();
    await waitingCompaction();
    await cluster.crashAndRestart();
    await compaction;
    await blocker.release();

    // Appended after the crash: the batch is retried through the dropped connections and commits.
    doc.getMap('m').set('after', 'restart');
    await log.flush();
    expect(failures).toEqual([]);
    const reloaded = await loadDoc(await instance());
    expect(reloaded.doc.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
    await log.close();
  });

  it('keeps appending through terminated connections without failing or losing an update', async () => {
    await freshDatabase();
    const storage = await instance('accord-appender');
    const failures: string[] = [];
    storage.onLogFailure((name) => failures.push(name));
    const names = [DOC, 'p/pg/t/t2/text'];
    const logs = await Promise.all(names.map(async (name) => (await storage.load(name)).log));
    const docs = logs.map((log) => writer(log));
    let terminated = 0;
    for (let turn = 0; turn < 30; turn++) {
      for (const [index, doc] of docs.entries()) doc.getArray<string>('a').push([`${index}:${turn}`]);
      if (turn % 6 === 3) {
        const killed = await query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'accord-appender'",
        );
        terminated += killed.length;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(terminated).toBeGreaterThan(0);
    await Promise.all(logs.map((log) => log.flush()));
    expect(failures).toEqual([]);
    const other = await instance();
    for (const [index, name] of names.entries()) {
      expect((await loadDoc(other, name)).doc.getArray('a').toJSON()).toEqual(docs[index]!.getArray('a').toJSON());
    }
    await Promise.all(logs.map((log) => log.close()));
  });

  it('lets two instances append to and compact the same document at once', async () => {
    await freshDatabase();
    const [a, b] = [await instance(), await instance()];
    const [logA, logB] = [(await a.load(DOC)).log, (await b.load(DOC)).log];
    const [docA, docB] = [writer(logA), writer(logB)];
    const compactions: Promise<void>[] = [];
    for (let turn = 0; turn < 60; turn++) {
      docA.getArray<string>('a').push([`a${turn}`]);
      docB.getArray<string>('b').push([`b${turn}`]);
      if (turn % 7 === 0) compactions.push(logA.compact(() => Y.encodeStateAsUpdate(docA)));
      if (turn % 5 === 0) compactions.push(logB.compact(() => Y.encodeStateAsUpdate(docB)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(compactions);
    await Promise.all([logA.close(), logB.close()]);
    // Each instance compacted from what was stored, never from its own copy (which lacks the other's updates).
    const { doc } = await loadDoc(await instance());
    expect(doc.getArray('a').toJSON()).toEqual(docA.getArray('a').toJSON());
    expect(doc.getArray('b').toJSON()).toEqual(docB.getArray('b').toJSON());
    expect(a.stats.compactions + b.stats.compactions).toBeGreaterThan(0);
  });

  it('fails the appends of a document another instance deleted, and only those', async () => {
    await freshDatabase();
    const [a, b] = [await instance(), await instance()];
    const failures: { name: string; error: Error }[] = [];
    a.onLogFailure((name, error) => failures.push({ name, error }));
    const gone = 'p/gone/text';
    const [goneLog, keptLog] = [(await a.load(gone)).log, (await a.load(DOC)).log];
    await b.deletePrefix('p/gone/');
    // Both in one turn: one INSERT, which the deleted document's row breaks.
    writer(goneLog).getText('t').insert(0, 'lost');
    writer(keptLog).getText('t').insert(0, 'kept');
    await keptLog.flush();
    await expect(goneLog.flush()).rejects.toThrow(DocumentDeletedError);
    expect(failures.map((f) => f.name)).toEqual([gone]);
    expect((await loadDoc(b)).doc.getText('t').toString()).toBe('kept');
    expect(await b.list('p/gone/')).toEqual([]);
    await keptLog.close();
  });

  it('writes the appends of one turn, across documents, in one INSERT', async () => {
    await freshDatabase();
    const storage = await instance();
    const logs = await Promise.all(['p/x/a', 'p/x/b', 'p/x/c'].map(async (name) => (await storage.load(name)).log));
    const before = storage.stats.syncs;
    for (const log of logs) for (let i = 0; i < 10; i++) log.append(Y.encodeStateAsUpdate(new Y.Doc()));
    await Promise.all(logs.map((log) => log.flush()));
    expect(storage.stats.syncs - before).toBe(1);
    // More rows than one INSERT takes: the rest follow in the next.
    for (let i = 0; i < 2500; i++) logs[0]!.append(Y.encodeStateAsUpdate(new Y.Doc()));
    await logs[0]!.flush();
    expect(storage.stats.syncs - before).toBe(3);
    const [{ count }] = await query<{ count: string }>('SELECT count(*) FROM document_updates');
    expect(Number(count)).toBe(2530);
    await Promise.all(logs.map((log) => log.close()));
  });

  it('reads stored updates for the relay without creating a document', async () => {
    await freshDatabase();
    const storage = await instance();
    expect(await storage.readUpdates(DOC)).toEqual([]);
    expect(await storage.list('')).toEqual([]);
    const { log } = await storage.load(DOC);
    const doc = writer(log);
    doc.getText('t').insert(0, 'stored');
    await log.compact(() => Y.encodeStateAsUpdate(doc));
    doc.getText('t').insert(6, ' twice');
    await log.flush();
    const updates = await storage.readUpdates(DOC);
    expect(updates).toHaveLength(2);
    const copy = new Y.Doc();
    for (const update of updates) Y.applyUpdate(copy, update);
    expect(copy.getText('t').toString()).toBe('stored twice');
    await log.close();
  });

  it('keeps named snapshots immutable in the database itself', async () => {
    await freshDatabase();
    const storage = await instance();
    await storage.writeSnapshot(DOC, 'round-1', new Uint8Array([1, 2, 3]));
    await expect(
      query("UPDATE document_snapshots SET state = '\\x00'::bytea WHERE snapshot_id = 'round-1'"),
    ).rejects.toThrow(/immutable/);
    expect(Buffer.from(await storage.readSnapshot(DOC, 'round-1'))).toEqual(Buffer.from([1, 2, 3]));
  });
});
