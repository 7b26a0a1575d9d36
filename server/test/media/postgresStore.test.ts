import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/setup/postgres.js';
import { type AccordDatabase, openMigratedDatabase } from '../../src/db/index.js';
import { silentLogger } from '../../src/log.js';
import { PostgresMediaStore } from '../../src/media/postgres.js';
import { MediaTooLarge } from '../../src/media/store.js';

/**
 * The PostgreSQL media store (server/src/media/postgres.ts) on a throwaway cluster, with small chunks (1000 bytes)
 * so that ranges across chunk boundaries are exercised without megabytes of data.
 */
describe('PostgresMediaStore', () => {
  let cluster: TestPostgres;
  let database: AccordDatabase;
  let store: PostgresMediaStore;
  const owner = { project: 'p1', transcript: 't1' };
  const bytes = Buffer.from(Array.from({ length: 4321 }, (_, i) => (i * 7 + 3) % 256));
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  beforeAll(async () => {
    cluster = await startPostgres();
    database = await openMigratedDatabase({ url: await cluster.createDatabase(), logger: silentLogger });
    store = new PostgresMediaStore(database, 1000);
  });
  afterAll(async () => {
    store?.close();
    await database?.close();
    await cluster?.stop();
  }, 120_000);

  const readAll = async (stream: AsyncIterable<unknown>) => {
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    return Buffer.concat(parts);
  };
  /** Yields `data` in pieces of 333 bytes, as a request body arrives. */
  function* pieces(data: Buffer) {
    for (let at = 0; at < data.length; at += 333) yield data.subarray(at, at + 333);
  }

  it('commits a received upload whole, reads it and any range of it back, and verifies it', async () => {
    const staged = await store.receive(pieces(bytes), 10_000);
    expect(staged).toMatchObject({ bytes: bytes.length, sha256 });
    const key = await store.commit(staged, owner);
    expect(key).toEqual({ ...owner, sha256 });
    expect(await store.size(key)).toBe(bytes.length);
    expect((await readAll(store.read(key))).equals(bytes)).toBe(true);
    for (const [start, end] of [
      [0, 0],
      [999, 1000],
      [1500, 3999],
      [4000, 4320],
      [4320, 9999],
    ] as const) {
      expect((await readAll(store.read(key, { start, end }))).equals(bytes.subarray(start, end + 1))).toBe(true);
    }
    expect(await store.verify(key, bytes.length)).toBeNull();
    expect(await store.verify(key, bytes.length + 1)).toMatch(/has 4321 bytes/);
    expect(await store.list()).toEqual([key]);
    const rows = await cluster.query<{ n: string }>(
      'SELECT count(*) AS n FROM media_chunks',
      [],
      new URL(database.where).pathname.slice(1),
    );
    expect(Number(rows[0]?.n)).toBe(5);
  });

  it('refuses an upload over the limit, keeping nothing', async () => {
    await expect(store.receive(pieces(bytes), 1000)).rejects.toBeInstanceOf(MediaTooLarge);
  });

  it('names damage: a missing recording, a changed chunk', async () => {
    const missing = { ...owner, sha256: 'f'.repeat(64) };
    expect(await store.verify(missing, 10)).toBe('is missing');
    await expect(readAll(store.read(missing))).rejects.toMatchObject({ code: 'ENOENT' });
    const db = new URL(database.where).pathname.slice(1);
    // The trigger keeps stored recordings from changing: damage has to bypass it, as a disk fault would.
    await expect(
      cluster.query('UPDATE media_chunks SET data = $1 WHERE n = 1', [Buffer.alloc(1000)], db),
    ).rejects.toThrow(/immutable/);
    await cluster.query(
      `ALTER TABLE media_chunks DISABLE TRIGGER media_chunks_immutable;
       UPDATE media_chunks SET data = decode(repeat('00', 1000), 'hex') WHERE n = 1;
       ALTER TABLE media_chunks ENABLE TRIGGER media_chunks_immutable`,
      [],
      db,
    );
    expect(await store.verify({ ...owner, sha256 }, bytes.length)).toMatch(/its SHA-256 is/);
  });

  it('prunes every recording of a transcript but one, and removes a project', async () => {
    const other = Buffer.from('another recording');
    const second = await store.commit(await store.receive([other], 100), owner);
    const elsewhere = await store.commit(await store.receive([other], 100), { project: 'p2', transcript: 't9' });
    expect(await store.list()).toHaveLength(3);
    await store.prune(owner, second.sha256);
    expect(await store.list()).toEqual([second, elsewhere]);
    await store.removeProject('p1');
    expect(await store.list()).toEqual([elsewhere]);
    expect(
      await store.put(
        elsewhere,
        (async function* () {
          yield other;
        })(),
      ),
    ).toBe(false);
  });
});
