import { constants as fsConstants } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from '../log.js';
import { AppendBuffer } from './appendBuffer.js';
import { CheckpointCopier } from './checkpointCopier.js';
import {
  fileHeader,
  HEADER_BYTES,
  type Journal,
  LOG_MAGIC,
  type LogFile,
  RECORD_HEADER_BYTES,
  writeRecord,
} from './fileLog.js';
import { closeFd, fdatasync, openFd, syncDir, writeAll } from './fsUtil.js';
import { walSegmentFile } from './layout.js';
import type { StorageStats } from './types.js';

/**
 * The write-ahead log: one append-only file shared by every document, where an update is durable. Everything
 * appended in an event-loop turn, for all documents, goes out as one `O_DSYNC` write (group commit: while one is in
 * flight, and for `COMMIT_INTERVAL_MS` after it started, later appends wait and go out together), so a server with
 * 250 busy documents pays one durable write per batch instead of one per document. Each entry names its document
 * log and the offset its record takes there. A checkpoint switches to a new segment, has a worker thread append
 * each log's records from the old one to its file and fdatasync it (checkpointWorker.js), then deletes the old
 * segment; closing a log checkpoints the segment holding its records. On start, `recoverFromWriteAheadLog`
 * (walRecovery.ts) puts back into the document logs whatever the segments hold and they lack.
 *
 * Segment file: "ACWL" u32 version, then records (`u32 length | u32 crc32 | payload`, as in document logs) whose
 * payload is `u16 name length | doc name | u48 generation | u48 offset | the document log's record`.
 */
export const WAL_MAGIC = 'ACWL';
/** A segment that grows past this is checkpointed, which bounds both its size and the replay on start. */
export const CHECKPOINT_BYTES = 16 * 1024 * 1024;
/**
 * Durable writes start at least this far apart. A durable write costs ~100 µs of kernel time whatever its size,
 * and under load a new batch is ready the moment one completes (every ~0.2 ms), so without spacing a busy server
 * spends half a core on them. Relaying never waits for the disk, so the spacing adds nothing to what peers see;
 * it only widens what a `kill -9` can lose, to this plus one write (far inside the 100 ms of docs/sync.md,
 * "Durability").
 */
export const COMMIT_INTERVAL_MS = 5;

export interface WalEntry {
  docName: string;
  gen: number;
  offset: number;
  /** The document log's record (header included), exactly as written there. */
  record: Uint8Array;
}

/** The entry journaling `payload` as the record at `offset` in generation `gen` of `docName`'s log. */
export function encodeWalEntry(docName: string, gen: number, offset: number, payload: Uint8Array): Buffer {
  const entry = Buffer.allocUnsafe(walEntryBytes(docName, payload));
  writeWalEntry(entry, 0, docName, gen, offset, payload);
  return entry;
}

function walEntryBytes(docName: string, payload: Uint8Array): number {
  return RECORD_HEADER_BYTES + 2 + docName.length + 12 + RECORD_HEADER_BYTES + payload.length;
}

/** Writes an entry at `start` in `target`, which has room for `walEntryBytes` (names are written as latin1). */
function writeWalEntry(
  target: Buffer,
  start: number,
  docName: string,
  gen: number,
  offset: number,
  payload: Uint8Array,
): void {
  const payloadStart = start + RECORD_HEADER_BYTES;
  let at = target.writeUInt16LE(docName.length, payloadStart);
  at += target.write(docName, at, 'latin1');
  at = target.writeUIntLE(gen, at, 6);
  at = target.writeUIntLE(offset, at, 6);
  writeRecord(target, at, payload);
  const end = at + RECORD_HEADER_BYTES + payload.length;
  target.writeUInt32LE(end - payloadStart, start);
  target.writeUInt32LE(crc32(target.subarray(payloadStart, end)), start + 4);
}

/** Reads one segment record's payload; null when it is not a well-formed entry. */
export function decodeWalEntry(payload: Uint8Array): WalEntry | null {
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (view.length < 2) return null;
  const nameLength = view.readUInt16LE(0);
  const recordAt = 2 + nameLength + 12;
  if (view.length < recordAt + RECORD_HEADER_BYTES) return null;
  return {
    docName: view.toString('latin1', 2, 2 + nameLength),
    gen: view.readUIntLE(2 + nameLength, 6),
    offset: view.readUIntLE(2 + nameLength + 6, 6),
    record: view.subarray(recordAt),
  };
}

const O_DSYNC: number | undefined = fsConstants.O_DSYNC;
const SEGMENT_FLAGS = fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | (O_DSYNC ?? 0);

async function durableWrite(fd: number, data: Uint8Array): Promise<void> {
  // With O_DSYNC the write returns once the data is durable (write + fdatasync in one call).
  await writeAll(fd, data);
  if (!O_DSYNC) await fdatasync(fd);
}

async function createSegment(dir: string, seq: number): Promise<number> {
  const fd = await openFd(join(dir, walSegmentFile(seq)), SEGMENT_FLAGS | fsConstants.O_EXCL);
  try {
    await durableWrite(fd, fileHeader(WAL_MAGIC));
    await syncDir(dir);
    return fd;
  } catch (error) {
    await closeFd(fd).catch(() => {});
    throw error;
  }
}

/** The first batch buffer: a turn's worth of entries on a busy server; it doubles as needed. */
const BATCH_INITIAL_BYTES = 64 * 1024;

export class WriteAheadLog implements Journal {
  /** Entries appended and not yet given to a durable write. */
  private readonly pending = new AppendBuffer(BATCH_INITIAL_BYTES);
  private pendingLogs = new Set<LogFile>();
  private lastWriteStart = Number.NEGATIVE_INFINITY;
  /** Logs with records in the current segment: each gets them in its file before the segment goes. */
  private segmentLogs = new Set<LogFile>();
  private size = HEADER_BYTES;
  private scheduled = false;
  /** Settles when every write (and segment switch) started so far is done. */
  private tail: Promise<void> = Promise.resolve();
  private next: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Settles when every checkpoint started or queued so far is done. */
  private checkpoints: Promise<void> = Promise.resolve();
  /** The checkpoint queued behind the running one: later requests share it. */
  private queuedCheckpoint: Promise<void> | null = null;
  /** The logs a running checkpoint is writing, and when it is done with them. */
  private copying: { logs: ReadonlySet<LogFile>; done: Promise<unknown> } | null = null;
  private readonly copier = new CheckpointCopier({
    segmentHeader: fileHeader(WAL_MAGIC),
    logHeader: fileHeader(LOG_MAGIC),
    recordHeaderBytes: RECORD_HEADER_BYTES,
  });

  private constructor(
    private readonly dir: string,
    private seq: number,
    private fd: number,
    private readonly stats: StorageStats,
    private readonly logger: Logger,
  ) {}

  /** Starts segment `seq` in `dir` (recovery has emptied the directory of older ones). */
  static async create(dir: string, seq: number, stats: StorageStats, logger: Logger): Promise<WriteAheadLog> {
    return new WriteAheadLog(dir, seq, await createSegment(dir, seq), stats, logger);
  }

  append(log: LogFile, offset: number, payload: Uint8Array): void {
    if (this.failure) {
      log.fail(this.failure);
      return;
    }
    const at = this.pending.claim(walEntryBytes(log.docName, payload));
    writeWalEntry(this.pending.buffer, at, log.docName, log.gen, offset, payload);
    this.pendingLogs.add(log);
    this.stats.appendedRecords++;
    this.stats.appendedBytes += payload.length;
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate runs after the I/O callbacks of this turn: every update received in the turn joins the batch.
      setImmediate(() => {
        this.scheduled = false;
        this.flush().catch(() => {});
      });
    }
  }

  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.length === 0) return this.tail;
    this.next ??= this.tail = this.tail.then(async () => {
      const wait = this.lastWriteStart + COMMIT_INTERVAL_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.next = null;
      this.lastWriteStart = performance.now();
      const batch = this.pending.take();
      const logs = this.pendingLogs;
      this.pendingLogs = new Set();
      return this.write(batch, logs);
    });
    return this.next;
  }

  async writeOut(log: LogFile): Promise<void> {
    await this.flush();
    // Its records are in the current segment, or in the one a running checkpoint is copying. A checkpoint that
    // cannot write a log fails that log, which is what its close reports; other logs' troubles are not its own.
    await (this.segmentLogs.has(log) ? this.checkpoint().catch(() => {}) : this.checkpoints);
  }

  async release(log: LogFile): Promise<void> {
    this.segmentLogs.delete(log);
    if (this.copying?.logs.has(log)) await this.copying.done;
  }

  /**
   * Switches to a new segment, copies the older one's records into their logs and deletes it. Also called when
   * documents are deleted, so that no segment can put their records back.
   */
  checkpoint(): Promise<void> {
    if (!this.queuedCheckpoint) {
      const run = this.checkpoints.then(() => {
        this.queuedCheckpoint = null;
        return this.runCheckpoint();
      });
      this.checkpoints = run.catch((error) => this.logger.error('storage.wal_checkpoint_failed', { error }));
      this.queuedCheckpoint = run;
    }
    return this.queuedCheckpoint;
  }

  /** Flushes, copies the segment's records into their logs and deletes it. */
  async close(): Promise<void> {
    await this.flush().catch(() => {});
    await this.checkpoints;
    this.failure ??= new Error('storage closed');
    await this.tail.catch(() => {});
    try {
      await closeFd(this.fd);
      await this.retire(this.seq, this.segmentLogs);
    } catch (error) {
      // The segment stays and is replayed on the next start: nothing is lost.
      this.logger.error('storage.wal_close_failed', { error });
    } finally {
      await this.copier.close();
    }
  }

  private async write(batch: Buffer, logs: Set<LogFile>): Promise<void> {
    if (this.failure) throw this.failure;
    for (const log of logs) this.segmentLogs.add(log);
    try {
      await durableWrite(this.fd, batch);
      this.pending.recycle(batch);
      this.size += batch.length;
      this.stats.syncs++;
    } catch (error) {
      throw this.stop(error, logs);
    }
    if (this.size >= CHECKPOINT_BYTES) this.checkpoint().catch(() => {});
  }

  private async runCheckpoint(): Promise<void> {
    // Queued behind the writes in flight, so that every batch lands whole in one segment, known to its logs.
    const switched = this.tail.then(async () => {
      const seq = this.seq + 1;
      const fd = await createSegment(this.dir, seq);
      const retired = { seq: this.seq, fd: this.fd, logs: this.segmentLogs };
      this.seq = seq;
      this.fd = fd;
      this.size = HEADER_BYTES;
      this.segmentLogs = new Set();
      return retired;
    });
    this.tail = switched.then(
      () => {},
      (error) => {
        throw this.stop(error, this.segmentLogs);
      },
    );
    const retired = await switched;
    await closeFd(retired.fd);
    await this.retire(retired.seq, retired.logs);
    this.stats.checkpoints++;
  }

  /**
   * Copies a whole segment's records into `logs` (its other entries are of logs that no longer need them), then
   * deletes it. A log that cannot take its records fails, and the segment stays for the next start to replay.
   */
  private async retire(seq: number, logs: ReadonlySet<LogFile>): Promise<void> {
    const path = join(this.dir, walSegmentFile(seq));
    if (logs.size > 0) {
      const copied = this.copyIntoLogs(path, logs);
      this.copying = { logs, done: copied.catch(() => {}) };
      const failed = await copied.finally(() => {
        this.copying = null;
      });
      if (failed > 0) throw new Error(`${failed} document logs could not be written; segment ${seq} kept`);
    }
    await unlink(path);
    await syncDir(this.dir);
  }

  /** Returns how many logs failed (each reports its own failure); rejects, failing them all, if the copy failed. */
  private async copyIntoLogs(path: string, logs: ReadonlySet<LogFile>): Promise<number> {
    const live = [...logs].filter((log) => !log.released);
    // A log that failed earlier lacks records of this segment, which must therefore stay.
    let failed = live.filter((log) => log.failed).length;
    const targets = live.filter((log) => !log.failed);
    if (targets.length === 0) return failed;
    const outcomes = await this.copier
      .copy(
        path,
        targets.map((log) => ({
          key: entryKey(log.docName, log.gen),
          path: log.path,
          dir: log.dir,
          written: log.written,
        })),
      )
      .catch((error) => {
        for (const log of logs) log.fail(error);
        throw error;
      });
    for (const [i, log] of targets.entries()) {
      const outcome = outcomes[i]!;
      if ('written' in outcome) log.wrote(outcome.written);
      else if (!log.released) {
        log.fail(outcome.error);
        failed++;
      }
    }
    return failed;
  }

  /** The segment cannot be written: every log whose records are not durable yet stops, and so do later appends. */
  private stop(error: unknown, logs: Iterable<LogFile> = []): Error {
    if (!this.failure) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.logger.error('storage.wal_write_failed', { error: this.failure });
    }
    for (const log of [...logs, ...this.pendingLogs]) log.fail(this.failure);
    return this.failure;
  }
}

/** The bytes naming a log in its entries (name, then generation), as a string to look copies up by. */
function entryKey(docName: string, gen: number): string {
  const key = Buffer.allocUnsafe(docName.length + 6);
  key.write(docName, 'latin1');
  key.writeUIntLE(gen, docName.length, 6);
  return key.toString('latin1');
}
