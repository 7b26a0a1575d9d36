import {
  close as fsClose,
  constants as fsConstants,
  fdatasync as fsFdatasync,
  open as fsOpen,
  fstat,
  write as fsWrite,
} from 'node:fs';
import { crc32 } from 'node:zlib';
import { syncDir } from './fsUtil.js';
import type { StorageStats } from './types.js';

/**
 * On-disk record format shared by logs and snapshots: `u32 length | u32 crc32(payload) | payload`, little endian.
 * A file starts with a 4-byte magic and a u32 format version, so a foreign or future file is refused, not misread.
 */
export const HEADER_BYTES = 8;
export const RECORD_HEADER_BYTES = 8;
const VERSION = 1;
export const LOG_MAGIC = 'ACDL';
export const SNAPSHOT_MAGIC = 'ACDS';
/** Larger than any accepted update; a length beyond it can only be a corrupt record. */
const MAX_RECORD_BYTES = 1 << 30;

export function fileHeader(magic: string): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(magic, 0, 'latin1');
  header.writeUInt32LE(VERSION, 4);
  return header;
}

export function encodeRecord(payload: Uint8Array): Buffer {
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  record.set(payload, RECORD_HEADER_BYTES);
  return record;
}

export class CorruptFileError extends Error {
  override name = 'CorruptFileError';
}

export interface ParsedLog {
  records: Uint8Array[];
  /** Offset just past the last good record: everything after it is a torn or corrupt tail. */
  goodEnd: number;
}

/**
 * Reads records up to the first torn or corrupt one. A file shorter than its header is an interrupted creation
 * and reads as empty; a wrong magic or version is not ours and throws.
 */
export function parseLog(bytes: Uint8Array, magic = LOG_MAGIC): ParsedLog {
  if (bytes.length < HEADER_BYTES) return { records: [], goodEnd: 0 };
  checkHeader(bytes, magic);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let offset = HEADER_BYTES;
  while (offset + RECORD_HEADER_BYTES <= view.length) {
    const length = view.readUInt32LE(offset);
    const end = offset + RECORD_HEADER_BYTES + length;
    if (length > MAX_RECORD_BYTES || end > view.length) break;
    const payload = view.subarray(offset + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== view.readUInt32LE(offset + 4)) break;
    records.push(payload);
    offset = end;
  }
  return { records, goodEnd: offset };
}

function checkHeader(bytes: Uint8Array, magic: string): void {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.toString('latin1', 0, 4) !== magic || view.readUInt32LE(4) !== VERSION) {
    throw new CorruptFileError(`not an Accord ${magic} v${VERSION} file`);
  }
}

/** A compaction snapshot is one record; unlike a log tail, a damaged one is an error (it was fsynced before use). */
export function encodeSnapshotFile(state: Uint8Array): Buffer {
  return Buffer.concat([fileHeader(SNAPSHOT_MAGIC), encodeRecord(state)]);
}

export function parseSnapshotFile(bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER_BYTES) throw new CorruptFileError('snapshot shorter than its header');
  const { records, goodEnd } = parseLog(bytes, SNAPSHOT_MAGIC);
  if (records.length !== 1 || goodEnd !== bytes.length) throw new CorruptFileError('snapshot record damaged');
  return records[0]!;
}

/**
 * An append-only log file with group commit: appends of one event-loop turn go out as one write plus one
 * fdatasync; appends made while a sync is in flight form the next batch. The file is opened on the first write
 * (read-only documents never hold a descriptor) and created with its header and a directory sync.
 */
export class LogFile {
  private fd: number | null = null;
  private pending: Buffer[] = [];
  private scheduled = false;
  /** Settles when every write started so far is durable. */
  private tail: Promise<void> = Promise.resolve();
  /** The write that will take everything in `pending`, queued behind the one in flight. */
  private next: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Bytes in the file once everything queued is written. */
  size: number;

  constructor(
    readonly path: string,
    private readonly dir: string,
    existingSize: number,
    private readonly stats: StorageStats,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.size = existingSize;
  }

  append(payload: Uint8Array): void {
    if (this.size === 0) {
      this.pending.push(fileHeader(LOG_MAGIC));
      this.size = HEADER_BYTES;
    }
    const record = encodeRecord(payload);
    this.pending.push(record);
    this.size += record.length;
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

  /**
   * Resolves when everything appended before the call is durable; rejects once the file has failed. Group commit:
   * while a write + fdatasync is in flight, every later append waits in `pending` and goes out as one batch when it
   * completes, so a busy document costs one fdatasync per sync latency, not one per event-loop turn (per-turn batches
   * chained behind each other made the fsync queue grow without bound once syncs were slower than turns).
   */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.length === 0) return this.tail;
    this.next ??= this.tail = this.tail.then(() => {
      this.next = null;
      const batch = this.pending;
      this.pending = [];
      return this.write(batch);
    });
    return this.next;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      const fd = this.fd;
      this.fd = null;
      if (fd !== null) await new Promise<void>((resolve, reject) => fsClose(fd, (e) => (e ? reject(e) : resolve())));
    }
  }

  private async write(batch: Buffer[]): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      let created = false;
      if (this.fd === null) {
        this.fd = await openLog(this.path);
        created = (await fdSize(this.fd)) === 0;
      }
      // One buffer: a group-committed batch can hold thousands of records (one write, under IOV_MAX).
      const data = batch.length === 1 ? batch[0]! : Buffer.concat(batch);
      // With O_DSYNC the write returns once the data is durable (what write + fdatasync did, in one call).
      await writeAll(this.fd, data);
      if (!O_DSYNC) await fdatasync(this.fd);
      // A new file's directory entry is only durable once the directory itself is synced.
      if (created) await syncDir(this.dir);
      this.stats.syncs++;
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.onFailure(this.failure);
      throw this.failure;
    }
  }
}

/**
 * Logs are written through plain descriptors and callbacks (no FileHandle promises: a durable batch is one
 * thread-pool request and one callback on the event loop), opened O_DSYNC where the platform has it.
 */
const O_DSYNC: number | undefined = fsConstants.O_DSYNC;
const LOG_FLAGS = fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | (O_DSYNC ?? 0);

function openLog(path: string): Promise<number> {
  return new Promise((resolve, reject) => fsOpen(path, LOG_FLAGS, 0o644, (e, fd) => (e ? reject(e) : resolve(fd))));
}

function fdSize(fd: number): Promise<number> {
  return new Promise((resolve, reject) => fstat(fd, (e, st) => (e ? reject(e) : resolve(st.size))));
}

function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsFdatasync(fd, (e) => (e ? reject(e) : resolve())));
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    offset += await new Promise<number>((resolve, reject) =>
      fsWrite(fd, data, offset, data.length - offset, null, (e, written) => (e ? reject(e) : resolve(written))),
    );
  }
}
