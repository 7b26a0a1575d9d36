import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import * as Y from 'yjs';
import type { AccordDatabase } from '../../db/index.js';
import type { Logger } from '../../log.js';
import { CorruptFileError } from '../fileLog.js';
import {
  type DocLog,
  emptyStorageStats,
  type LoadedDoc,
  SnapshotExistsError,
  type SnapshotInfo,
  SnapshotNotFoundError,
  type Storage,
  type StorageStats,
} from '../types.js';
import { delay, FOREIGN_KEY_VIOLATION, isTransient, sqlState, UNIQUE_VIOLATION } from './retry.js';

export interface PostgresStorageOptions {
  /** The pool and Kysely instance (server/src/db), migrated; the storage never closes it. */
  database: Pick<AccordDatabase, 'pool' | 'db'>;
  logger: Logger;
  /** Rows (updates) per INSERT at most; more wait for the next one, which starts as soon as this one commits. */
  maxBatchRows?: number;
  /** Bytes per INSERT at most (a single larger update still goes alone). */
  maxBatchBytes?: number;
  /** How long a batch is retried through transient failures (PostgreSQL restarting) before its documents fail. */
  retryForMs?: number;
}

/** A document deleted (by another instance) while this one still appended to it. */
export class DocumentDeletedError extends Error {
  override name = 'DocumentDeletedError';
}

interface Row {
  log: PostgresDocLog;
  payload: Buffer;
}

/** Appends written by one INSERT, in one transaction: durable together when `done` resolves. */
class Batch {
  readonly rows: Row[] = [];
  bytes = 0;
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (error: Error) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Whoever flushes sees the failure; nobody flushing is no unhandled rejection (the failure is reported anyway).
    this.done.catch(() => {});
  }
}

const DEFAULT_MAX_ROWS = 2000;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const DEFAULT_RETRY_MS = 15_000;
/** Two parameters a row; PostgreSQL allows 65535 per statement. */
const PARAMS_LIMIT_ROWS = 30_000;

/**
 * Documents in PostgreSQL (tables of migration 0001, server/src/db/migrations): a document is a row with its base
 * (the state at its last compaction) plus the updates appended since, one row each, ordered by an id from one
 * sequence. Any number of instances may load, append to and compact the same document at once:
 *
 * - Appends of every document are written together, one multi-row INSERT per event-loop turn (group commit): one
 *   batch in flight at a time, the next collecting meanwhile and starting as soon as it commits. `flush` resolves
 *   once the batch holding the document's last append has committed. Transient failures are retried (repeating an
 *   update is harmless in Yjs); a batch that still fails reports its documents through `onLogFailure`.
 * - `load` reads the base and the updates in one statement, so one snapshot: never a new base with old updates.
 * - `compact` folds the base and the updates stored now into a new base, then deletes exactly the rows it folded,
 *   in ONE transaction, under the document row's lock (FOR NO KEY UPDATE: compactions of one document queue up,
 *   appends do not wait). A crash at any point leaves either the old base with every update or the new base with
 *   the updates it did not fold; updates committed meanwhile, whatever their id, were not folded and stay. The
 *   base is built from the stored updates, not from this instance's copy of the document, which may lack updates
 *   that another instance stored and has not yet relayed.
 * - Named snapshots are rows that a trigger keeps from ever changing; their SHA-256 is checked on every read.
 */
export class PostgresStorage implements Storage {
  readonly stats: StorageStats = emptyStorageStats();
  private readonly pool: pg.Pool;
  private readonly listeners: ((docName: string, error: Error) => void)[] = [];
  private readonly sealed: Batch[] = [];
  private collecting = new Batch();
  private writing: Batch | null = null;
  private scheduled = false;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private readonly retryForMs: number;
  private readonly logger: Logger;

  private constructor(options: PostgresStorageOptions) {
    this.pool = options.database.pool;
    this.logger = options.logger;
    this.maxRows = Math.min(options.maxBatchRows ?? DEFAULT_MAX_ROWS, PARAMS_LIMIT_ROWS);
    this.maxBytes = options.maxBatchBytes ?? DEFAULT_MAX_BYTES;
    this.retryForMs = options.retryForMs ?? DEFAULT_RETRY_MS;
  }

  /** Opens the storage on a migrated database (`migrateToLatest`); refuses one without its tables. */
  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const { rows } = await sql<{
      present: boolean;
    }>`SELECT to_regclass('document_updates') IS NOT NULL AS present`.execute(options.database.db);
    if (!rows[0]?.present) {
      throw new Error('the PostgreSQL database has no document tables: migrate it first (accord serve does it itself)');
    }
    return new PostgresStorage(options);
  }

  async load(docName: string): Promise<LoadedDoc> {
    // One statement sees one snapshot: a compaction committing meanwhile is seen entirely or not at all.
    const { rows } = await this.pool.query<{ bytes: Buffer; id: string | null }>(
      `WITH created AS (INSERT INTO documents (name) VALUES ($1) ON CONFLICT DO NOTHING)
       SELECT base AS bytes, NULL::bigint AS id FROM documents WHERE name = $1 AND base IS NOT NULL
       UNION ALL
       SELECT payload, id FROM document_updates WHERE doc_name = $1
       ORDER BY id NULLS FIRST`,
      [docName],
    );
    const updates: Uint8Array[] = rows.map((row) => row.bytes);
    const base = rows[0]?.id === null ? rows[0].bytes.length : 0;
    let logBytes = 0;
    for (const row of rows) if (row.id !== null) logBytes += row.bytes.length;
    return { updates, log: new PostgresDocLog(this, docName, base, logBytes), recoveredTailBytes: 0 };
  }

  /**
   * A document's stored state (base, then updates in order) without opening it for appending, nor creating it: what
   * another instance has made durable, for the relay between instances (server/src/scaleout) to catch up from.
   */
  async readUpdates(docName: string): Promise<Uint8Array[]> {
    const { rows } = await this.pool.query<{ bytes: Buffer }>(
      `SELECT base AS bytes, NULL::bigint AS id FROM documents WHERE name = $1 AND base IS NOT NULL
       UNION ALL
       SELECT payload, id FROM document_updates WHERE doc_name = $1
       ORDER BY id NULLS FIRST`,
      [docName],
    );
    return rows.map((row) => row.bytes);
  }

  async list(prefix: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      'SELECT name FROM documents WHERE name LIKE $1 ORDER BY name',
      [`${escapeLike(prefix)}%`],
    );
    return rows.map((row) => row.name);
  }

  async deletePrefix(prefix: string): Promise<void> {
    // Updates and named snapshots go with their document (ON DELETE CASCADE), in the same transaction.
    await this.pool.query('DELETE FROM documents WHERE name LIKE $1', [`${escapeLike(prefix)}%`]);
  }

  async writeSnapshot(docName: string, snapshotId: string, state: Uint8Array): Promise<SnapshotInfo> {
    const sha = createHash('sha256').update(state).digest();
    try {
      await this.pool.query(
        `WITH created AS (INSERT INTO documents (name) VALUES ($1) ON CONFLICT DO NOTHING)
         INSERT INTO document_snapshots (doc_name, snapshot_id, sha256, state) VALUES ($1, $2, $3, $4)`,
        [docName, snapshotId, sha, asBuffer(state)],
      );
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new SnapshotExistsError(docName, snapshotId);
      throw error;
    }
    return { sha256: sha.toString('hex'), bytes: state.length };
  }

  async readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array> {
    const { rows } = await this.pool.query<{ sha256: Buffer; state: Buffer }>(
      'SELECT sha256, state FROM document_snapshots WHERE doc_name = $1 AND snapshot_id = $2',
      [docName, snapshotId],
    );
    const row = rows[0];
    if (!row) throw new SnapshotNotFoundError(docName, snapshotId);
    if (!createHash('sha256').update(row.state).digest().equals(row.sha256)) {
      throw new CorruptFileError(`${docName}@${snapshotId}: SHA-256 mismatch`);
    }
    return row.state;
  }

  onLogFailure(listener: (docName: string, error: Error) => void): void {
    this.listeners.push(listener);
  }

  /** Once every document log is closed: waits until every appended update is committed (or has failed). */
  async close(): Promise<void> {
    for (;;) {
      const last = this.collecting.rows.length > 0 ? this.collecting : (this.sealed.at(-1) ?? this.writing);
      if (!last) return;
      this.writeNext();
      await last.done.catch(() => {});
    }
  }

  // --- appends (called by PostgresDocLog) ---

  /** @internal */
  append(log: PostgresDocLog, update: Uint8Array): Batch {
    if (this.collecting.rows.length >= this.maxRows || this.collecting.bytes >= this.maxBytes) {
      this.sealed.push(this.collecting);
      this.collecting = new Batch();
    }
    const batch = this.collecting;
    batch.rows.push({ log, payload: asBuffer(update) });
    batch.bytes += update.length;
    this.stats.appendedRecords++;
    this.stats.appendedBytes += update.length;
    if (!this.scheduled && !this.writing) {
      // Everything appended in this event-loop turn goes in one INSERT.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.writeNext();
      });
    }
    return batch;
  }

  /** @internal Starts the next batch unless one is being written (it starts the next itself when it ends). */
  writeNext(): void {
    if (this.writing) return;
    let batch = this.sealed.shift();
    if (!batch && this.collecting.rows.length > 0) {
      batch = this.collecting;
      this.collecting = new Batch();
    }
    if (!batch) return;
    const writing = batch;
    this.writing = writing;
    this.write(writing)
      .then(
        () => writing.resolve(),
        (error: Error) => {
          this.fail(writing.rows, error);
          writing.reject(error);
        },
      )
      .finally(() => {
        this.writing = null;
        this.writeNext();
      });
  }

  private async write(batch: Batch): Promise<void> {
    let rows = batch.rows;
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.insert(rows);
        this.stats.syncs++;
        return;
      } catch (error) {
        if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
          // A document deleted meanwhile (by another instance): its appends fail, the others are written.
          rows = await this.withoutDeletedDocs(rows);
          if (rows.length === 0) return;
          continue;
        }
        if (!isTransient(error) || Date.now() >= deadline) throw error;
        this.logger.warn('storage.pg_append_retry', { attempt, rows: rows.length, error });
        await delay(Math.min(50 * 2 ** (attempt - 1), 2000));
      }
    }
  }

  private async insert(rows: readonly Row[]): Promise<void> {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows) {
      values.push(row.log.docName, row.payload);
      tuples.push(`($${values.length - 1}, $${values.length})`);
    }
    await this.pool.query(`INSERT INTO document_updates (doc_name, payload) VALUES ${tuples.join(', ')}`, values);
  }

  private async withoutDeletedDocs(rows: readonly Row[]): Promise<Row[]> {
    const names = [...new Set(rows.map((row) => row.log.docName))];
    const { rows: present } = await this.pool.query<{ name: string }>(
      'SELECT name FROM documents WHERE name = ANY($1::text[])',
      [names],
    );
    const kept = new Set(present.map((row) => row.name));
    const gone = rows.filter((row) => !kept.has(row.log.docName));
    this.fail(gone, new DocumentDeletedError('the document was deleted while updates were appended to it'));
    return rows.filter((row) => kept.has(row.log.docName));
  }

  /** Reports each document of `rows` once: its appends are not durable, the engine stops accepting its updates. */
  private fail(rows: readonly Row[], error: Error): void {
    const logs = new Set(rows.map((row) => row.log));
    for (const log of logs) {
      log.failure ??= error;
      this.logger.error('storage.pg_append_failed', { docName: log.docName, error });
      for (const listener of this.listeners) listener(log.docName, error);
    }
  }

  // --- compaction (called by PostgresDocLog) ---

  /** @internal Folds the stored base and updates into a new base; answers its size, or null if nothing to fold. */
  async compact(docName: string): Promise<number | null> {
    const client = await this.pool.connect();
    // A checked-out connection whose backend dies emits 'error' besides failing its query: the query's failure is
    // what we act on, an unhandled 'error' event would end the process.
    const ignore = () => {};
    client.on('error', ignore);
    let broken = false;
    try {
      await client.query('BEGIN');
      const doc = await client.query<{ base: Buffer | null }>(
        'SELECT base FROM documents WHERE name = $1 FOR NO KEY UPDATE',
        [docName],
      );
      const current = doc.rows[0];
      const updates = current
        ? await client.query<{ id: string; payload: Buffer }>(
            'SELECT id, payload FROM document_updates WHERE doc_name = $1 ORDER BY id',
            [docName],
          )
        : null;
      if (!current || !updates || updates.rows.length === 0) {
        // Deleted meanwhile, or compacted by another instance with nothing stored since.
        await client.query('ROLLBACK');
        return null;
      }
      const base = fold(
        current.base,
        updates.rows.map((row) => row.payload),
      );
      await client.query('UPDATE documents SET base = $2, compacted_at = now() WHERE name = $1', [docName, base]);
      // Exactly the rows folded: an update committed since (a lower id is possible) stays.
      await client.query('DELETE FROM document_updates WHERE id = ANY($1::bigint[])', [updates.rows.map((r) => r.id)]);
      await client.query('COMMIT');
      this.stats.compactions++;
      return base.length;
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      // A connection whose transaction failed may be dead (terminated backend): let the pool replace it.
      client.off('error', ignore);
      client.release(broken);
    }
  }
}

export class PostgresDocLog implements DocLog {
  /** Set when an append could not be written: flush rejects from then on. */
  failure: Error | null = null;
  private last: Batch | null = null;
  private compacting: Promise<void> | null = null;
  /** Bytes this log appended since it was opened: what logBytes counts after a compaction. */
  private appended = 0;

  constructor(
    private readonly storage: PostgresStorage,
    readonly docName: string,
    public snapshotBytes: number,
    public logBytes: number,
  ) {}

  append(update: Uint8Array): void {
    this.last = this.storage.append(this, update);
    this.appended += update.length;
    this.logBytes += update.length;
  }

  async flush(): Promise<void> {
    const last = this.last;
    if (last) {
      // Do not wait for the end of the turn when someone waits for durability now.
      this.storage.writeNext();
      await last.done;
    }
    if (this.failure) throw this.failure;
  }

  compact(_state: () => Uint8Array): Promise<void> {
    this.compacting ??= this.runCompaction().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  async close(): Promise<void> {
    await this.compacting?.catch(() => {});
    await this.flush();
  }

  private async runCompaction(): Promise<void> {
    await this.flush();
    const mark = this.appended;
    const size = await this.storage.compact(this.docName);
    if (size === null) return;
    this.snapshotBytes = size;
    // What was appended since the compaction began may or may not be folded: counting it keeps an upper bound.
    this.logBytes = this.appended - mark;
  }
}

/** The state that `base` plus `updates` make, encoded as one update (pending structs included, see yjs). */
function fold(base: Buffer | null, updates: readonly Buffer[]): Buffer {
  const doc = new Y.Doc();
  Y.transact(doc, () => {
    if (base) Y.applyUpdate(doc, base);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return asBuffer(state);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `prefix` as a LIKE pattern matching itself only (backslash is PostgreSQL's default LIKE escape). */
function escapeLike(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
}
