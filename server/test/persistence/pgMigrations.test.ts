import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/setup/postgres.js';
import { openContext } from '../../src/app.js';
import { type Config, resolveConfig } from '../../src/config.js';
import {
  DatabaseTooNewError,
  DatabaseUnavailableError,
  MIGRATION_TABLE,
  MIGRATIONS,
  migrateToLatest,
  migrationState,
  openDatabase,
  openMigratedDatabase,
} from '../../src/db/index.js';
import { silentLogger } from '../../src/log.js';

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(() => cluster?.stop());

const nameOf = (url: string) => new URL(url).pathname.slice(1);
const tables = async (url: string) =>
  (
    await cluster.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      [],
      nameOf(url),
    )
  ).map((row) => row.tablename);
const KNOWN = Object.keys(MIGRATIONS).sort();

describe('PostgreSQL migrations', () => {
  it('migrates an empty database to this build, and does nothing the second time', async () => {
    const url = await cluster.createDatabase();
    const database = await openDatabase({ url, logger: silentLogger });
    try {
      expect(await migrationState(database)).toEqual({ known: KNOWN, applied: [], pending: KNOWN, unknown: [] });
      expect(await migrateToLatest(database)).toEqual(KNOWN);
      expect(await tables(url)).toEqual(
        expect.arrayContaining(['document_snapshots', 'document_updates', 'documents', MIGRATION_TABLE]),
      );
      expect(await migrateToLatest(database)).toEqual([]);
      expect(await migrationState(database)).toEqual({ known: KNOWN, applied: KNOWN, pending: [], unknown: [] });
    } finally {
      await database.close();
    }
  });

  it('migrates once when several instances start on an empty database together', async () => {
    const url = await cluster.createDatabase();
    const opened = await Promise.all(
      [1, 2, 3].map(() => openMigratedDatabase({ url, logger: silentLogger, maxConnections: 2 })),
    );
    for (const database of opened) await database.close();
    const rows = await cluster.query<{ name: string }>(`SELECT name FROM ${MIGRATION_TABLE}`, [], nameOf(url));
    expect(rows.map((row) => row.name).sort()).toEqual(KNOWN);
  });

  it('refuses, changing nothing, a database that a newer build migrated', async () => {
    const url = await cluster.createDatabase();
    const first = await openMigratedDatabase({ url, logger: silentLogger });
    await first.close();
    await cluster.query(
      `INSERT INTO ${MIGRATION_TABLE} (name, timestamp) VALUES ('9001_from_a_newer_accord', now())`,
      [],
      nameOf(url),
    );
    const before = await tables(url);

    const error = await openMigratedDatabase({ url, logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    expect((error as DatabaseTooNewError).unknown).toEqual(['9001_from_a_newer_accord']);
    expect((error as Error).message).toMatch(/newer version of Accord.*9001_from_a_newer_accord.*Nothing was changed/);
    expect(await tables(url)).toEqual(before);

    // A newer build that ran on an empty database: this one must not apply its own migrations underneath.
    const other = await cluster.createDatabase();
    const fresh = await openMigratedDatabase({ url: other, logger: silentLogger });
    await fresh.close();
    await cluster.query(`DELETE FROM ${MIGRATION_TABLE}`, [], nameOf(other));
    await cluster.query(`INSERT INTO ${MIGRATION_TABLE} (name, timestamp) VALUES ('9001_x', now())`, [], nameOf(other));
    await expect(openMigratedDatabase({ url: other, logger: silentLogger })).rejects.toThrow(DatabaseTooNewError);
    const rows = await cluster.query<{ name: string }>(`SELECT name FROM ${MIGRATION_TABLE}`, [], nameOf(other));
    expect(rows.map((row) => row.name)).toEqual(['9001_x']);
  });

  it('says where it could not connect, without the password', async () => {
    const url = `postgres://accord:s3cret@127.0.0.1:${cluster.port}/no_such_database`;
    const error = await openDatabase({ url, logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toContain('postgres://accord:***@127.0.0.1');
    expect((error as Error).message).not.toContain('s3cret');
  });
});

describe('the server on PostgreSQL', () => {
  const contextOn = (dataDir: string, postgresUrl: string | null) =>
    openContext({ ...resolveConfig({ dataDir, logLevel: 'silent' }, {}), postgresUrl } as Config, 'test', silentLogger);

  it('migrates the database at start and keeps documents there, not in the data directory', async () => {
    const url = await cluster.createDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-pg-serve-'));
    try {
      const name = 'p/pgserve/t/t1/text';
      const first = await contextOn(dataDir, url);
      await first.ctx.sync.withDoc(name, (doc) => doc.getText('text').insert(0, 'stored in PostgreSQL'));
      await first.close();

      const rows = await cluster.query<{ name: string }>('SELECT name FROM documents', [], nameOf(url));
      expect(rows.map((row) => row.name)).toEqual([name]);
      expect(fs.existsSync(path.join(dataDir, 'docs', 'p.pgserve.t.t1.text'))).toBe(false);

      const second = await contextOn(dataDir, url);
      const text = await second.ctx.sync.withDoc(name, (doc) => doc.getText('text').toString());
      expect(text).toBe('stored in PostgreSQL');
      await second.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a database a newer build migrated, and leaves the data directory unlocked', async () => {
    const url = await cluster.createDatabase();
    await (await openMigratedDatabase({ url, logger: silentLogger })).close();
    await cluster.query(
      `INSERT INTO ${MIGRATION_TABLE} (name, timestamp) VALUES ('9002_later', now())`,
      [],
      nameOf(url),
    );
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-pg-serve-'));
    try {
      await expect(contextOn(dataDir, url)).rejects.toThrow(DatabaseTooNewError);
      const embedded = await contextOn(dataDir, null);
      await embedded.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
