import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/setup/postgres.js';
import { type AccordDatabase, createPool, migrateToLatest, openDatabase } from '../../src/db/index.js';
import { silentLogger } from '../../src/log.js';
import { FileStorage, MemoryBacking, MemoryStorage, type Storage } from '../../src/persistence/index.js';
import { docDirName } from '../../src/persistence/layout.js';
import { PostgresStorage } from '../../src/persistence/postgres/index.js';
import { storageContract } from './storageContract.js';

/** Closes what a harness opened, ignoring the storages a "crash" abandoned and already closed ones. */
async function closeAll(storages: Storage[]): Promise<void> {
  for (const storage of storages.splice(0)) await storage.close().catch(() => {});
}

storageContract({
  name: 'memory',
  async create() {
    const backing = new MemoryBacking();
    const storages: Storage[] = [];
    const open = async () => {
      const storage = new MemoryStorage(backing);
      storages.push(storage);
      return storage;
    };
    return {
      open,
      // Only flushed appends are in the backing: a new storage over it sees what a crash would leave.
      openAfterCrash: () => open(),
      async damageSnapshot(docName, snapshotId) {
        const snapshot = backing.docs.get(docName)?.snapshots.get(snapshotId);
        if (!snapshot) throw new Error('no such snapshot');
        snapshot.state[snapshot.state.length - 1]! ^= 0xff;
      },
      dispose: () => closeAll(storages),
    };
  },
});

storageContract({
  name: 'file',
  async create() {
    const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'accord-contract-'))];
    const storages: Storage[] = [];
    const dataDir = () => dirs.at(-1)!;
    const open = async () => {
      const storage = await FileStorage.open({ dataDir: dataDir(), logger: silentLogger });
      storages.push(storage);
      return storage;
    };
    return {
      open,
      async openAfterCrash() {
        // What a kill -9 leaves on disk is what is there now; the abandoned process keeps its own directory.
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-contract-crash-'));
        fs.cpSync(dataDir(), copy, { recursive: true });
        dirs.push(copy);
        return open();
      },
      async damageSnapshot(docName, snapshotId) {
        const file = path.join(dataDir(), 'docs', docDirName(docName), 'snapshots', `${snapshotId}.snap`);
        const bytes = fs.readFileSync(file);
        bytes[bytes.length - 1]! ^= 0xff;
        fs.writeFileSync(file, bytes);
      },
      async dispose() {
        await closeAll(storages);
        for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('on PostgreSQL', () => {
  let cluster: TestPostgres;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(() => cluster?.stop());

  storageContract({
    name: 'postgres',
    async create() {
      const url = await cluster.createDatabase();
      const opened: { storage: Storage; database: AccordDatabase }[] = [];
      const setup = await openDatabase({ url, logger: silentLogger });
      await migrateToLatest(setup);
      await setup.close();
      const open = async () => {
        const database = await openDatabase({ url, logger: silentLogger });
        const storage = await PostgresStorage.open({ database, logger: silentLogger });
        opened.push({ storage, database });
        return storage;
      };
      return {
        open,
        // Another instance (or this one restarted) sees exactly what is committed.
        openAfterCrash: () => open(),
        async damageSnapshot(docName, snapshotId) {
          // As the superuser, with triggers off for the session: what a damaged disk or a careless DBA could do.
          const name = new URL(url).pathname.slice(1);
          const pool = createPool({ url: cluster.url(name), logger: silentLogger, maxConnections: 1 });
          const client = await pool.connect();
          try {
            await client.query("SET session_replication_role = 'replica'");
            const { rowCount } = await client.query(
              `UPDATE document_snapshots SET state = set_byte(state, 0, get_byte(state, 0) # 255)
               WHERE doc_name = $1 AND snapshot_id = $2`,
              [docName, snapshotId],
            );
            if (rowCount !== 1) throw new Error('no such snapshot');
          } finally {
            client.release();
            await pool.end();
          }
        },
        async dispose() {
          for (const { storage, database } of opened.splice(0)) {
            await storage.close().catch(() => {});
            await database.close();
          }
          await cluster.query(`DROP DATABASE "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
        },
      };
    },
  });
});
