import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../../src/log.js';
import { FileStorage } from '../../src/persistence/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('log group commit (what the sync engine relies on under load)', () => {
  it('appends made while a sync is in flight go out as one batch, and every one of them is durable', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-group-'));
    dirs.push(dataDir);
    const storage = await FileStorage.open({ dataDir, logger: silentLogger });
    const { log } = await storage.load('p/x/codebook');
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => log.append(update));
    doc.getArray<number>('a').push([0]);
    const first = log.flush();
    const flushes: Promise<void>[] = [];
    // 100 appends in 100 separate event-loop turns while the first write + fdatasync is in flight.
    for (let i = 1; i <= 100; i++) {
      doc.getArray<number>('a').push([i]);
      flushes.push(log.flush());
      await turn();
    }
    await Promise.all([first, ...flushes]);
    // One sync per in-flight window, not one per turn: far fewer than the 101 turns.
    expect(storage.stats.syncs).toBeLessThan(60);
    expect(storage.stats.appendedRecords).toBe(101);
    await log.close();

    const reopened = await FileStorage.open({ dataDir, logger: silentLogger });
    const loaded = await reopened.load('p/x/codebook');
    const copy = new Y.Doc();
    for (const update of loaded.updates) Y.applyUpdate(copy, update);
    expect(copy.getArray<number>('a').toArray()).toEqual(Array.from({ length: 101 }, (_, i) => i));
    await loaded.log.close();
  });
});
