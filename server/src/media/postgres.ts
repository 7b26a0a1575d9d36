import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type pg from 'pg';
import type { AccordDatabase } from '../db/index.js';
import { FileMediaStore, type MediaKey, type MediaStore, type StagedMedia } from './store.js';

/** The size of a stored chunk: a range request reads only the chunks it covers. */
export const MEDIA_CHUNK_BYTES = 1024 * 1024;
/** Chunks fetched per query while streaming. */
const CHUNKS_PER_READ = 4;

type Owner = { project: string; transcript: string };

/** Runs one statement: on the pool, or within a transaction (a consistent read: backup, check). */
export type MediaQuery = <R>(text: string, params: unknown[]) => Promise<R[]>;

/**
 * Recordings in PostgreSQL (tables of migration 0003, server/src/db/migrations), for instances that share nothing
 * but PostgreSQL and Redis: a recording is a row of `media_objects` (its key, size and chunk size) and its bytes
 * are rows of `media_chunks` of 1 MiB each.
 *
 * - An upload is received into a staging file on this instance's local disk (as the file store does), checked
 *   there, then committed: the object row and every chunk in ONE transaction, so a recording is in the database
 *   whole or not at all, and another instance serving it reads it whole. The same bytes committed twice (the same
 *   digest for the same transcript) are stored once.
 * - Reads stream a few chunks per query, so no instance holds a whole recording in memory; a range reads only the
 *   chunks it covers.
 * - Recordings never change (a trigger refuses any UPDATE); `prune` and `removeProject` delete whole recordings.
 */
export class PostgresMediaStore implements MediaStore {
  private readonly pool: pg.Pool;
  private readonly query: MediaQuery;
  /** Staging on local disk: a file store whose data folder is a private temporary directory, made when needed. */
  private stagingStore: { root: string; files: FileMediaStore } | null = null;

  /**
   * `query` runs the reads (default: on the pool); a transaction's query makes every read of this store see that
   * transaction's snapshot.
   */
  constructor(
    database: Pick<AccordDatabase, 'pool'>,
    private readonly chunkBytes = MEDIA_CHUNK_BYTES,
    query?: MediaQuery,
  ) {
    this.pool = database.pool;
    this.query = query ?? (async (text, params) => (await this.pool.query(text, params)).rows);
  }

  private get staging(): FileMediaStore {
    if (this.stagingStore === null) {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-media-'));
      this.stagingStore = { root, files: new FileMediaStore(root) };
    }
    return this.stagingStore.files;
  }

  /** Nothing to sweep after a crash but this process's own staging directory, which is new: answers 0. */
  async sweepStaging(): Promise<number> {
    return this.stagingStore === null ? 0 : this.staging.sweepStaging();
  }

  receive(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): Promise<StagedMedia> {
    return this.staging.receive(source, maxBytes);
  }

  async commit(staged: StagedMedia, owner: Owner): Promise<MediaKey> {
    const key = { ...owner, sha256: staged.sha256 };
    const client = await this.pool.connect();
    const ignore = () => {};
    client.on('error', ignore);
    let broken = false;
    try {
      await client.query('BEGIN');
      const created = await client.query(
        `INSERT INTO media_objects (project_id, transcript_id, sha256, bytes, chunk_bytes) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [key.project, key.transcript, key.sha256, staged.bytes, this.chunkBytes],
      );
      if (created.rowCount === 1) await this.insertChunks(client, key, staged);
      await client.query('COMMIT');
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
    await rm(staged.path, { force: true });
    return key;
  }

  private async insertChunks(client: pg.PoolClient, key: MediaKey, staged: StagedMedia): Promise<void> {
    const handle = await open(staged.path, 'r');
    try {
      const buffer = Buffer.alloc(this.chunkBytes);
      let total = 0;
      for (let n = 0; total < staged.bytes; n++) {
        let filled = 0;
        while (filled < buffer.length && total + filled < staged.bytes) {
          const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, total + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        if (filled === 0) throw new Error(`the staged upload ${staged.path} is shorter than its ${staged.bytes} bytes`);
        await client.query(
          'INSERT INTO media_chunks (project_id, transcript_id, sha256, n, data) VALUES ($1, $2, $3, $4, $5)',
          [key.project, key.transcript, key.sha256, n, buffer.subarray(0, filled)],
        );
        total += filled;
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * Stores a whole recording from bytes read elsewhere (`accord migrate-store`, `accord restore`): the same
   * transaction as an upload's commit. Answers false when it was stored already.
   */
  async put(key: MediaKey, source: AsyncIterable<Uint8Array>): Promise<boolean> {
    const staged = await this.staging.receive(source, Number.MAX_SAFE_INTEGER);
    try {
      if (staged.sha256 !== key.sha256) {
        throw new Error(
          `the recording ${key.project}/${key.transcript}/${key.sha256} read has SHA-256 ${staged.sha256}`,
        );
      }
      const before = await this.size(key);
      await this.commit(staged, key);
      return before === null;
    } finally {
      await this.staging.discard(staged);
    }
  }

  discard(staged: StagedMedia): Promise<void> {
    return this.staging.discard(staged);
  }

  async size(key: MediaKey): Promise<number | null> {
    const rows = await this.query<{ bytes: string }>(
      'SELECT bytes FROM media_objects WHERE project_id = $1 AND transcript_id = $2 AND sha256 = $3',
      [key.project, key.transcript, key.sha256],
    );
    return rows[0] === undefined ? null : Number(rows[0].bytes);
  }

  read(key: MediaKey, range?: { start: number; end: number }): Readable {
    return Readable.from(this.chunks(key, range), { objectMode: false });
  }

  /** The bytes of a recording (or of `[start, end]`), a few chunks per query. */
  private async *chunks(key: MediaKey, range?: { start: number; end: number }): AsyncGenerator<Buffer> {
    const rows = await this.query<{ bytes: string; chunk_bytes: number }>(
      'SELECT bytes, chunk_bytes FROM media_objects WHERE project_id = $1 AND transcript_id = $2 AND sha256 = $3',
      [key.project, key.transcript, key.sha256],
    );
    const object = rows[0];
    if (object === undefined) {
      throw Object.assign(new Error(`no stored recording ${key.project}/${key.transcript}/${key.sha256}`), {
        code: 'ENOENT',
      });
    }
    const bytes = Number(object.bytes);
    const size = object.chunk_bytes;
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? bytes - 1, bytes - 1);
    if (end < start) return;
    const last = Math.floor(end / size);
    for (let from = Math.floor(start / size); from <= last; from += CHUNKS_PER_READ) {
      const to = Math.min(from + CHUNKS_PER_READ - 1, last);
      const chunks = await this.query<{ n: number; data: Buffer }>(
        `SELECT n, data FROM media_chunks
         WHERE project_id = $1 AND transcript_id = $2 AND sha256 = $3 AND n BETWEEN $4 AND $5 ORDER BY n`,
        [key.project, key.transcript, key.sha256, from, to],
      );
      for (let n = from; n <= to; n++) {
        const chunk = chunks[n - from];
        if (chunk?.n !== n) throw new Error(`the recording ${key.sha256} is missing its chunk ${n}`);
        const offset = n * size;
        const slice = chunk.data.subarray(Math.max(0, start - offset), Math.min(chunk.data.length, end - offset + 1));
        if (slice.length > 0) yield slice;
      }
    }
  }

  async prune(owner: Owner, keep: string | null): Promise<void> {
    await this.pool.query(
      `DELETE FROM media_objects WHERE project_id = $1 AND transcript_id = $2 AND ($3::text IS NULL OR sha256 <> $3)`,
      [owner.project, owner.transcript, keep],
    );
  }

  async removeProject(project: string): Promise<void> {
    await this.pool.query('DELETE FROM media_objects WHERE project_id = $1', [project]);
  }

  async verify(key: MediaKey, bytes: number): Promise<string | null> {
    let size: number | null;
    try {
      size = await this.size(key);
    } catch (error) {
      return `cannot be read (${(error as Error).message})`;
    }
    if (size === null) return 'is missing';
    if (size !== bytes) return `has ${size} bytes, ${bytes} were recorded at upload`;
    const hash = createHash('sha256');
    let read = 0;
    try {
      for await (const chunk of this.read(key)) {
        hash.update(chunk as Buffer);
        read += (chunk as Buffer).length;
      }
    } catch (error) {
      return `cannot be read (${(error as Error).message})`;
    }
    if (read !== bytes) return `has ${read} bytes in its chunks, ${bytes} were recorded at upload`;
    const digest = hash.digest('hex');
    return digest === key.sha256 ? null : `its SHA-256 is ${digest}, ${key.sha256} was recorded at upload`;
  }

  async list(): Promise<MediaKey[]> {
    const rows = await this.query<{ project_id: string; transcript_id: string; sha256: string }>(
      'SELECT project_id, transcript_id, sha256 FROM media_objects ORDER BY project_id, transcript_id, sha256',
      [],
    );
    return rows.map((row) => ({ project: row.project_id, transcript: row.transcript_id, sha256: row.sha256 }));
  }

  /** Removes this process's staging directory (uploads under way are lost, as on a crash: never visible). */
  close(): void {
    if (this.stagingStore !== null) fs.rmSync(this.stagingStore.root, { recursive: true, force: true });
    this.stagingStore = null;
  }
}
