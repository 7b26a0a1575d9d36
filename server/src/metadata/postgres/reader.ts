import { createHash } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import type { AccordDatabase } from '../../db/index.js';
import { PostgresMediaStore } from '../../media/postgres.js';
import { CorruptFileError } from '../../persistence/fileLog.js';
import type { AuditEntry } from '../audit.js';
import { METADATA_VERSION } from '../migrations.js';
import type { MetadataSnapshot } from '../schema.js';
import {
  type Db,
  selectAudit,
  selectInvitations,
  selectProjects,
  selectRounds,
  selectServerSettings,
  selectSessions,
  selectTranscripts,
  selectUsers,
} from './rows.js';

/** A named snapshot as stored: its SHA-256 (hex) and size, without its state. */
export interface StoredSnapshot {
  docName: string;
  snapshotId: string;
  sha256: string;
  bytes: number;
}

/**
 * Everything a PostgreSQL database holds, read within ONE transaction (REPEATABLE READ, read only), so that what
 * `accord backup` writes and what `accord check` verifies is one state the instances were in at one moment, however
 * many of them keep writing meanwhile: no document the metadata names is missing because it was deleted halfway
 * through, no recording because it was replaced.
 */
export interface PostgresReader {
  metadata(): Promise<MetadataSnapshot>;
  audit(): Promise<AuditEntry[]>;
  /** Names of every stored document, sorted. */
  documents(): Promise<string[]>;
  /** A document's stored updates (base first), as the storage loads them. */
  updates(docName: string): Promise<Uint8Array[]>;
  snapshots(): Promise<StoredSnapshot[]>;
  /** A named snapshot's state, its SHA-256 checked (CorruptFileError when it does not match). */
  readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array>;
  /** The recordings, read in the same transaction. */
  media: PostgresMediaStore;
}

export function readPostgresConsistently<T>(
  database: Pick<AccordDatabase, 'db' | 'pool'>,
  work: (reader: PostgresReader) => Promise<T>,
): Promise<T> {
  return database.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => work(readerOver(trx, database)));
}

function readerOver(trx: Db, database: Pick<AccordDatabase, 'pool'>): PostgresReader {
  const query = async <R>(text: string, params: unknown[]): Promise<R[]> =>
    (await trx.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
  return {
    metadata: async () => ({
      version: METADATA_VERSION,
      users: await selectUsers(trx),
      sessions: await selectSessions(trx),
      projects: await selectProjects(trx),
      transcripts: await selectTranscripts(trx),
      rounds: await selectRounds(trx),
      invitations: await selectInvitations(trx),
      serverSettings: await selectServerSettings(trx),
    }),
    audit: () => selectAudit(trx),
    documents: async () => {
      const { rows } = await sql<{ name: string }>`SELECT name FROM documents ORDER BY name`.execute(trx);
      return rows.map((row) => row.name);
    },
    updates: async (docName) => {
      const { rows } = await sql<{ bytes: Buffer }>`
        SELECT base AS bytes, NULL::bigint AS id FROM documents WHERE name = ${docName} AND base IS NOT NULL
        UNION ALL
        SELECT payload, id FROM document_updates WHERE doc_name = ${docName}
        ORDER BY id NULLS FIRST`.execute(trx);
      return rows.map((row) => new Uint8Array(row.bytes));
    },
    snapshots: async () => {
      const { rows } = await sql<{ doc_name: string; snapshot_id: string; sha256: Buffer; bytes: number }>`
        SELECT doc_name, snapshot_id, sha256, octet_length(state) AS bytes FROM document_snapshots
        ORDER BY doc_name, snapshot_id`.execute(trx);
      return rows.map((row) => ({
        docName: row.doc_name,
        snapshotId: row.snapshot_id,
        sha256: row.sha256.toString('hex'),
        bytes: Number(row.bytes),
      }));
    },
    readSnapshot: async (docName, snapshotId) => {
      const { rows } = await sql<{ sha256: Buffer; state: Buffer }>`
        SELECT sha256, state FROM document_snapshots
        WHERE doc_name = ${docName} AND snapshot_id = ${snapshotId}`.execute(trx);
      const row = rows[0];
      if (row === undefined) {
        throw Object.assign(new Error(`named snapshot ${docName}@${snapshotId} does not exist`), { code: 'ENOENT' });
      }
      if (!createHash('sha256').update(row.state).digest().equals(row.sha256)) {
        throw new CorruptFileError(`${docName}@${snapshotId}: SHA-256 mismatch`);
      }
      return new Uint8Array(row.state);
    },
    media: new PostgresMediaStore(database, undefined, query),
  };
}
