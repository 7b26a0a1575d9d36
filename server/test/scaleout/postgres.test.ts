import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/setup/postgres.js';
import { startRedis, type TestRedis } from '../../../test/setup/redis.js';
import { type Client, connect, contentOf, waitFor } from '../../../test/sync/helpers.js';
import { type AccordDatabase, openMigratedDatabase } from '../../src/db/index.js';
import { silentLogger } from '../../src/log.js';
import { PostgresStorage } from '../../src/persistence/postgres/index.js';
import { type Instance, startInstance } from './harness.js';

/**
 * The deployment's document path for real: two sync engines, each with its own PostgresStorage on one shared
 * PostgreSQL database (a throwaway cluster), relaying through a throwaway redis-server, with the storage catch-up
 * reading PostgreSQL (`readUpdates`).
 */
describe('Redis relay over shared PostgreSQL document storage', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let url: string;
  const clients: Client[] = [];
  const instances: Instance[] = [];
  const databases: AccordDatabase[] = [];
  let n = 0;

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    url = await postgres.createDatabase();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const instance of instances.splice(0)) await instance.close();
    for (const database of databases.splice(0)) await database.close();
  });
  afterAll(async () => {
    await redis?.stop();
    await postgres?.stop();
  });

  const instance = async (name: string, prefix: string, unloadGraceMs?: number) => {
    const database = await openMigratedDatabase({ url, logger: silentLogger, applicationName: `accord-${name}` });
    databases.push(database);
    const storage = await PostgresStorage.open({ database, logger: silentLogger });
    const started = await startInstance(name, {
      redisUrl: redis.url,
      storage,
      readStored: (docName) => storage.readUpdates(docName),
      prefix,
      limits: unloadGraceMs === undefined ? undefined : { unloadGraceMs },
    });
    instances.push(started);
    return started;
  };
  const pair = async (unloadGraceMs?: number) => {
    const prefix = `pg${++n}:`;
    return { a: await instance('a', prefix, unloadGraceMs), b: await instance('b', prefix, unloadGraceMs) };
  };
  const open = (on: Instance, docName: string, user: string) => {
    const client = connect(on.wsUrl, docName, { user });
    clients.push(client);
    return client;
  };
  const storedRows = async (docName: string) =>
    Number(
      (
        await postgres.query<{ count: string }>(
          'SELECT count(*) AS count FROM document_updates WHERE doc_name = $1',
          [docName],
          new URL(url).pathname.slice(1),
        )
      )[0]!.count,
    );

  it('co-editing on two instances converges, and PostgreSQL holds each update once', async () => {
    const { a, b } = await pair();
    const doc = 'p/pg1/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    const onB = open(b, doc, 'u2');
    await Promise.all([onA.synced, onB.synced]);
    for (let i = 0; i < 20; i++) {
      const client = i % 2 === 0 ? onA : onB;
      client.doc.getMap('m').set(`k${i}`, i);
    }
    await waitFor(() => onA.doc.getMap('m').size === 20 && contentOf(onA.doc) === contentOf(onB.doc), 'converged');
    // Both instances' logs flushed: every edit stored by the instance that took it, none again by the other.
    await a.engine.withDoc(doc, () => {});
    await b.engine.withDoc(doc, () => {});
    const rows = await storedRows(doc);
    expect(rows).toBe(20);
  });

  it('Redis restarted empty: a copy catches up from PostgreSQL what an instance wrote and unloaded meanwhile', async () => {
    const { a, b } = await pair(50);
    const doc = 'p/pg2/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    await onA.synced;
    onA.doc.getText('t').insert(0, 'A. ');

    await redis.kill();
    await waitFor(() => !a.scaleOut.bus.connected && !b.scaleOut.bus.connected, 'both instances see the loss');
    const unloaded = b.engine.metrics().docsUnloaded;
    const onB = open(b, doc, 'u2');
    await onB.synced;
    expect(onB.doc.getText('t').toString()).toBe('A. ');
    onB.doc.getText('t').insert(3, 'B. ');
    onB.provider.disconnect();
    await waitFor(() => b.engine.metrics().docsUnloaded > unloaded, 'B unloaded the document');
    expect(onA.doc.getText('t').toString()).toBe('A. ');

    await redis.restart();
    const returned = Date.now();
    await waitFor(() => onA.doc.getText('t').toString() === 'A. B. ', 'A caught up from PostgreSQL', 10_000);
    expect(Date.now() - returned).toBeLessThan(10_000);
  });
});
