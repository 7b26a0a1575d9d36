import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/setup/postgres.js';
import { type AccordDatabase, openMigratedDatabase } from '../../src/db/index.js';
import { silentLogger } from '../../src/log.js';
import { openEmbeddedMetadata } from '../../src/metadata/embedded.js';
import { memoryMetadata } from '../../src/metadata/memory.js';
import { PostgresMetadata } from '../../src/metadata/postgres/index.js';
import { describeMetadataContract } from './contract/index.js';

describeMetadataContract({
  name: 'memory',
  async create() {
    return { open: async () => memoryMetadata(), dispose: async () => {} };
  },
});

describeMetadataContract({
  name: 'embedded (meta.json)',
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-meta-contract-'));
    let open: { close(): Promise<void> } | null = null;
    return {
      async open() {
        const metadata = await openEmbeddedMetadata(dir);
        open = metadata;
        return metadata;
      },
      async reopen(current) {
        await current.close();
        const metadata = await openEmbeddedMetadata(dir);
        open = metadata;
        return metadata;
      },
      async dispose() {
        await open?.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

/**
 * PostgreSQL: a throwaway cluster (test/setup/postgres.ts) with one migrated database, emptied before each test
 * (TRUNCATE: creating a database per test makes the cluster's shutdown checkpoint slow); `reopen` closes the pool
 * and connects again, as an instance restarting does.
 */
describe('metadata on PostgreSQL', () => {
  let cluster: TestPostgres;
  let url: string;
  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase();
    await (await openMigratedDatabase({ url, logger: silentLogger })).close();
  });
  afterAll(() => cluster?.stop(), 120_000);

  describeMetadataContract({
    name: 'postgres',
    async create() {
      let database: AccordDatabase | null = null;
      const open = async () => {
        database = await openMigratedDatabase({ url, logger: silentLogger });
        return PostgresMetadata.open(database);
      };
      await cluster.query(
        `TRUNCATE users, sessions, projects, project_members, transcripts, rounds, round_assignments, round_done,
                  round_snapshots, round_codebook_changes, invitations, audit_log RESTART IDENTITY;
         UPDATE server_settings SET settings = '{}'`,
        [],
        new URL(url).pathname.slice(1),
      );
      return {
        open,
        async reopen(current) {
          await current.close();
          await database?.close();
          return open();
        },
        async dispose() {
          await database?.close();
        },
      };
    },
  });
});
