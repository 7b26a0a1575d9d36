import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocLog, Storage } from '../../src/persistence/index.js';

/**
 * The contract every document storage engine keeps (server/src/persistence/types.ts, docs/storage.md), as one suite
 * that storage.contract.test.ts runs against each implementation: the file engine, memory and PostgreSQL. Modelled
 * on tldraw's sync-core storage contract suite, which runs against its in-memory and SQLite storages. Each rule has
 * an id ([SC..]) so that a failure names the broken promise.
 */
export interface StorageHarness {
  /** A storage over this harness's data; every call opens the same data (a restart when the previous one closed). */
  open(): Promise<Storage>;
  /**
   * What a crash of `crashed` leaves: a storage opened over the state that is durable now, while `crashed` is
   * abandoned without `close()` (the harness disposes of it).
   */
  openAfterCrash(crashed: Storage): Promise<Storage>;
  /** Changes one byte of a named snapshot's stored state, keeping its recorded SHA-256 (media damage). */
  damageSnapshot(docName: string, snapshotId: string): Promise<void>;
  /** Closes what is still open and removes the data. */
  dispose(): Promise<void>;
}

export interface StorageContractTarget {
  name: string;
  /** A harness over fresh, empty data. */
  create(): Promise<StorageHarness>;
}

const DOC = 'p/contract/t/t1/text';
const OTHER = 'p/contract/t/t2/text';

/** Waits for `condition`, polling; fails after `ms` (a bound, never a sleep the test relies on). */
export async function until(
  condition: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A Y.Doc whose every update is appended to `log`, as the sync engine's document host does. */
function writer(log: DocLog, doc = new Y.Doc()): { doc: Y.Doc; updates: Uint8Array[]; stop(): void } {
  const updates: Uint8Array[] = [];
  const listener = (update: Uint8Array) => {
    updates.push(update);
    log.append(update);
  };
  doc.on('update', listener);
  return { doc, updates, stop: () => doc.off('update', listener) };
}

function merged(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  Y.transact(doc, () => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

/** The content a test doc holds: what every engine must give back, whatever the encoding it stores. */
function content(doc: Y.Doc) {
  return { a: doc.getArray('a').toJSON(), t: doc.getText('t').toString(), m: doc.getMap('m').toJSON() };
}

async function loadContent(storage: Storage, name = DOC) {
  const { updates, log } = await storage.load(name);
  await log.close();
  return content(merged(updates));
}

export function storageContract(target: StorageContractTarget): void {
  describe(`storage contract: ${target.name}`, () => {
    let harness: StorageHarness;
    const opened: Storage[] = [];
    const open = async () => {
      const storage = await harness.open();
      opened.push(storage);
      return storage;
    };
    beforeEach(async () => {
      harness = await target.create();
    });
    afterEach(async () => {
      opened.length = 0;
      await harness.dispose();
    });

    it('[SC1] loads a new document empty, and lists a loaded document', async () => {
      const storage = await open();
      const { updates, log, recoveredTailBytes } = await storage.load(DOC);
      expect(updates).toEqual([]);
      expect(recoveredTailBytes).toBe(0);
      expect(log.snapshotBytes).toBe(0);
      expect(log.logBytes).toBe(0);
      await log.close();
      expect(await storage.list('p/contract/')).toEqual([DOC]);
      await storage.close();
    });

    it('[SC2] gives appended updates back byte for byte, in order, after close and reopen', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      for (let i = 0; i < 40; i++) w.doc.getArray<number>('a').push([i]);
      w.doc.getText('t').insert(0, 'héllo, wörld');
      expect(log.logBytes).toBeGreaterThanOrEqual(w.updates.reduce((sum, u) => sum + u.length, 0));
      await log.close();
      await storage.close();

      const reopened = await open();
      const loaded = await reopened.load(DOC);
      expect(loaded.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(
        w.updates.map((u) => Buffer.from(u).toString('hex')),
      );
      expect(content(merged(loaded.updates))).toEqual(content(w.doc));
      await loaded.log.close();
      await reopened.close();
    });

    it('[SC3] makes appends durable at flush: a crash right after loses none of them', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      for (let i = 0; i < 25; i++) w.doc.getArray<number>('a').push([i]);
      await log.flush();
      const expected = content(w.doc);
      const after = await harness.openAfterCrash(storage);
      opened.push(after);
      expect(await loadContent(after)).toEqual(expected);
    });

    it('[SC4] flushes appends by itself, without anyone calling flush', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      const before = storage.stats.syncs;
      w.doc.getMap('m').set('k', 'v');
      expect(storage.stats.appendedRecords).toBe(1);
      await until(() => storage.stats.syncs > before, 10_000, 'the scheduled flush');
      const after = await harness.openAfterCrash(storage);
      opened.push(after);
      expect((await loadContent(after)).m).toEqual({ k: 'v' });
    });

    it('[SC5] compacts to a base holding everything, and keeps appends made after it', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      for (let i = 0; i < 30; i++) w.doc.getArray<number>('a').push([i]);
      await log.compact(() => Y.encodeStateAsUpdate(w.doc));
      expect(log.snapshotBytes).toBeGreaterThan(0);
      expect(storage.stats.compactions).toBe(1);
      w.stop();
      await log.close();
      await storage.close();

      const compacted = await open();
      const loaded = await compacted.load(DOC);
      expect(loaded.updates).toHaveLength(1);
      expect(content(merged(loaded.updates))).toEqual(content(w.doc));
      const next = writer(loaded.log, w.doc);
      w.doc.getText('t').insert(0, 'after');
      next.stop();
      await loaded.log.close();
      await compacted.close();

      const reopened = await open();
      const again = await reopened.load(DOC);
      expect(again.updates).toHaveLength(2);
      expect(content(merged(again.updates))).toEqual(content(w.doc));
      await again.log.close();
      await reopened.close();
    });

    it('[SC6] loses nothing appended while a compaction runs', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      for (let i = 0; i < 50; i++) w.doc.getArray<number>('a').push([i]);
      const compaction = log.compact(() => Y.encodeStateAsUpdate(w.doc));
      let done = false;
      void compaction.finally(() => {
        done = true;
      });
      // Append in later turns, while the compaction is under way, and a bounded number more after it ended.
      let appended = 0;
      while (!done || appended < 5) {
        w.doc.getArray<number>('a').push([1000 + appended++]);
        await nextTurn();
      }
      await compaction;
      await log.close();
      await storage.close();
      const reopened = await open();
      const loaded = await loadContent(reopened);
      expect(loaded).toEqual(content(w.doc));
      expect(loaded.a).toHaveLength(50 + appended);
      await reopened.close();
    });

    it('[SC7] runs overlapping compaction calls safely', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      for (let i = 0; i < 10; i++) w.doc.getArray<number>('a').push([i]);
      const first = log.compact(() => Y.encodeStateAsUpdate(w.doc));
      w.doc.getArray<number>('a').push([10]);
      const second = log.compact(() => Y.encodeStateAsUpdate(w.doc));
      await Promise.all([first, second]);
      w.doc.getArray<number>('a').push([11]);
      await log.compact(() => Y.encodeStateAsUpdate(w.doc));
      await log.close();
      await storage.close();
      const reopened = await open();
      expect(await loadContent(reopened)).toEqual(content(w.doc));
      await reopened.close();
    });

    it('[SC8] keeps an update whose dependency is stored after it, across a compaction', async () => {
      // Two instances relay to each other: B's edit on top of A's can reach storage before A's own edit does.
      const a = new Y.Doc();
      a.getText('t').insert(0, 'first');
      const fromA = Y.encodeStateAsUpdate(a);
      const b = new Y.Doc();
      Y.applyUpdate(b, fromA);
      const vector = Y.encodeStateVector(b);
      b.getText('t').insert(5, ' second');
      const fromB = Y.encodeStateAsUpdate(b, vector);

      const storage = await open();
      const { log } = await storage.load(DOC);
      const local = new Y.Doc();
      Y.applyUpdate(local, fromB);
      log.append(fromB);
      await log.compact(() => Y.encodeStateAsUpdate(local));
      log.append(fromA);
      await log.close();
      await storage.close();
      const reopened = await open();
      expect((await loadContent(reopened)).t).toBe('first second');
      await reopened.close();
    });

    it('[SC9] converges like Yjs: concurrent edits of three writers, compacted in between, load to their union', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const peers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
      const union = new Y.Doc();
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      for (let round = 0; round < 6; round++) {
        for (const [index, peer] of peers.entries()) {
          const before = Y.encodeStateVector(peer);
          const text = peer.getText('t');
          for (let edit = 0; edit < 8; edit++) {
            if (text.length > 3 && random() < 0.3) text.delete(Math.floor(random() * (text.length - 1)), 1);
            else text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + index));
          }
          peer.getMap('m').set(`p${index}`, round);
          const update = Y.encodeStateAsUpdate(peer, before);
          log.append(update);
          Y.applyUpdate(union, update);
        }
        if (round % 2 === 1) await log.compact(() => Y.encodeStateAsUpdate(union));
        // Peers exchange what they have only now and then: their edits stay concurrent.
        if (round % 3 === 2) for (const peer of peers) Y.applyUpdate(peer, Y.encodeStateAsUpdate(union));
      }
      await log.close();
      await storage.close();
      const reopened = await open();
      const loaded = await reopened.load(DOC);
      const doc = merged(loaded.updates);
      expect(content(doc)).toEqual(content(union));
      expect(Buffer.from(Y.encodeStateVector(doc))).toEqual(Buffer.from(Y.encodeStateVector(union)));
      await loaded.log.close();
      await reopened.close();
    });

    it('[SC10] round-trips a large update', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      w.doc.getText('t').insert(0, 'x'.repeat(2 * 1024 * 1024));
      await log.close();
      await storage.close();
      const reopened = await open();
      expect((await loadContent(reopened)).t).toHaveLength(2 * 1024 * 1024);
      await reopened.close();
    });

    it('[SC11] keeps every document across a restart, each with its own updates', async () => {
      const storage = await open();
      const names = ['p/a/t/x/text', 'p/a/t/x/c/amy', 'p/a/t/y/text', 'p/b/memos'];
      const docs = await Promise.all(names.map(async (name) => ({ name, ...(await storage.load(name)) })));
      const writers = docs.map(({ log }) => writer(log));
      for (let i = 0; i < 20; i++) writers[i % writers.length]!.doc.getArray<string>('a').push([`${i}`]);
      await Promise.all(docs.map(({ log }) => log.close()));
      await storage.close();
      const reopened = await open();
      expect(await reopened.list('p/')).toEqual([...names].sort());
      for (const [index, name] of names.entries()) {
        expect(await loadContent(reopened, name)).toEqual(content(writers[index]!.doc));
      }
      await reopened.close();
    });

    it('[SC12] lists by prefix, sorted', async () => {
      const storage = await open();
      for (const name of ['p/a/t/t1/c/zed', 'p/a/t/t1/c/amy', 'p/a/t/t2/c/amy', 'p/b/t/t1/c/amy', 'p/a_b/memos']) {
        const { log } = await storage.load(name);
        log.append(Y.encodeStateAsUpdate(new Y.Doc()));
        await log.close();
      }
      expect(await storage.list('p/a/t/t1/c/')).toEqual(['p/a/t/t1/c/amy', 'p/a/t/t1/c/zed']);
      expect(await storage.list('p/a/')).toEqual(['p/a/t/t1/c/amy', 'p/a/t/t1/c/zed', 'p/a/t/t2/c/amy']);
      // `_` is a character of names, not a wildcard.
      expect(await storage.list('p/a_')).toEqual(['p/a_b/memos']);
      expect(await storage.list('p/none/')).toEqual([]);
      expect(await storage.list('')).toHaveLength(5);
      await storage.close();
    });

    it('[SC13] deletes every document under a prefix with its snapshots, and nothing else', async () => {
      const storage = await open();
      for (const name of [DOC, OTHER, 'p/kept/text']) {
        const { log } = await storage.load(name);
        const w = writer(log);
        w.doc.getText('t').insert(0, name);
        await log.close();
        await storage.writeSnapshot(name, 'round-1', Y.encodeStateAsUpdate(w.doc));
      }
      await storage.deletePrefix('p/contract/');
      await storage.deletePrefix('p/nothing-here/');
      expect(await storage.list('p/')).toEqual(['p/kept/text']);
      await expect(storage.readSnapshot(DOC, 'round-1')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await loadContent(storage, DOC)).toEqual(content(new Y.Doc()));
      // A deleted document's snapshot id is free again; the kept document's is intact.
      await storage.writeSnapshot(DOC, 'round-1', new Uint8Array([0, 0]));
      expect((await loadContent(storage, 'p/kept/text')).t).toBe('p/kept/text');
      expect(Buffer.from(await storage.readSnapshot('p/kept/text', 'round-1')).length).toBeGreaterThan(2);
      await storage.close();
      const reopened = await open();
      expect(await reopened.list('p/')).toEqual([DOC, 'p/kept/text']);
      await reopened.close();
    });

    it('[SC14] writes named snapshots once, with their SHA-256, readable after a restart and a compaction', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      w.doc.getText('t').insert(0, 'frozen');
      const state = Y.encodeStateAsUpdate(w.doc);
      const info = await storage.writeSnapshot(DOC, 'round-7', state);
      expect(info).toEqual({ sha256: createHash('sha256').update(state).digest('hex'), bytes: state.length });
      // The same id on another document is another snapshot.
      await storage.writeSnapshot(OTHER, 'round-7', new Uint8Array([0, 0]));

      w.doc.getText('t').insert(0, 'later ');
      await expect(storage.writeSnapshot(DOC, 'round-7', Y.encodeStateAsUpdate(w.doc))).rejects.toMatchObject({
        code: 'EEXIST',
      });
      await log.compact(() => Y.encodeStateAsUpdate(w.doc));
      await log.close();
      await storage.close();

      const reopened = await open();
      expect(Buffer.from(await reopened.readSnapshot(DOC, 'round-7'))).toEqual(Buffer.from(state));
      expect(Buffer.from(await reopened.readSnapshot(OTHER, 'round-7'))).toEqual(Buffer.from([0, 0]));
      await expect(reopened.readSnapshot(DOC, 'round-8')).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await loadContent(reopened)).t).toBe('later frozen');
      await reopened.close();
    });

    it('[SC15] refuses a named snapshot whose bytes no longer match its SHA-256', async () => {
      const storage = await open();
      const doc = new Y.Doc();
      doc.getText('t').insert(0, 'evidence');
      await storage.writeSnapshot(DOC, 'round-1', Y.encodeStateAsUpdate(doc));
      await storage.close();
      await harness.damageSnapshot(DOC, 'round-1');
      const reopened = await open();
      await expect(reopened.readSnapshot(DOC, 'round-1')).rejects.toThrow(/SHA-256/);
      await reopened.close();
    });

    it('[SC16] counts appends, durable writes and compactions', async () => {
      const storage = await open();
      const { log } = await storage.load(DOC);
      const w = writer(log);
      for (let i = 0; i < 5; i++) w.doc.getArray<number>('a').push([i]);
      await log.flush();
      expect(storage.stats.appendedRecords).toBe(5);
      expect(storage.stats.appendedBytes).toBe(w.updates.reduce((sum, u) => sum + u.length, 0));
      expect(storage.stats.syncs).toBeGreaterThanOrEqual(1);
      await log.compact(() => Y.encodeStateAsUpdate(w.doc));
      expect(storage.stats.compactions).toBe(1);
      await log.close();
      await storage.close();
    });
  });
}
