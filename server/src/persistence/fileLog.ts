import { constants as fsConstants } from 'node:fs';
import { crc32 } from 'node:zlib';
import { AppendBuffer } from './appendBuffer.js';
import { closeFd, fdatasync, fdSize, isNotFound, openFd, syncDir, writeAll } from './fsUtil.js';

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
  writeRecord(record, 0, payload);
  return record;
}

/** Writes `payload` as a record at `at` in `target` (which has room for it). */
export function writeRecord(target: Buffer, at: number, payload: Uint8Array): void {
  target.writeUInt32LE(payload.length, at);
  target.writeUInt32LE(crc32(payload), at + 4);
  target.set(payload, at + RECORD_HEADER_BYTES);
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

/** Where a document log's records become durable first: the write-ahead log shared by all documents. */
export interface Journal {
  /** `record` is only valid during the call: the journal copies it. */
  append(log: LogFile, offset: number, record: Buffer): void;
  /** Resolves once everything appended so far is durable. */
  flush(): Promise<void>;
  /** The log is durable by itself and closed: the journal no longer needs to write or sync it. */
  release(log: LogFile): void;
}

/** Past this many unwritten bytes a log writes them at once instead of waiting for the journal's checkpoint. */
const MAX_UNWRITTEN_BYTES = 1024 * 1024;
/** A log's first unwritten buffer: a few typical records; it doubles as needed. */
const UNWRITTEN_INITIAL_BYTES = 1024;

/**
 * A document's append-only log file. Its records are durable once the journal (the write-ahead log) has them; the
 * file itself gets them when the journal checkpoints (written and fdatasync'd), when the log is flushed, compacted
 * or closed, or in a plain write once a megabyte is waiting. One durable write for every document at once, instead
 * of one per document, is what lets a busy server keep up, and a file write per checkpoint instead of one per second
 * keeps document logs off the server's core (docs/sync.md). While a write is in flight, later ones wait and go out
 * together. The file is opened on the first write (read-only documents never hold a descriptor) and created with
 * its header; its directory is synced with the log's first sync.
 */
export class LogFile {
  private fd: number | null = null;
  /** Records appended and not yet given to a file write. */
  private readonly pending = new AppendBuffer(UNWRITTEN_INITIAL_BYTES);
  /** Settles when every write and sync started so far is done. */
  private tail: Promise<void> = Promise.resolve();
  /** The write that will take everything in `pending`, queued behind the one in flight. */
  private next: Promise<void> | null = null;
  private failure: Error | null = null;
  private unsynced = false;
  /** The file was created since the last sync: its directory entry is durable only once the directory is synced. */
  private entryUnsynced = false;
  /** Bytes in the file once everything queued is written. */
  size: number;

  constructor(
    readonly path: string,
    private readonly dir: string,
    readonly docName: string,
    readonly gen: number,
    existingSize: number,
    private readonly journal: Journal,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.size = existingSize;
  }

  append(payload: Uint8Array): void {
    if (this.size === 0) {
      const at = this.pending.claim(HEADER_BYTES);
      this.pending.buffer.set(fileHeader(LOG_MAGIC), at);
      this.size = HEADER_BYTES;
    }
    const recordBytes = RECORD_HEADER_BYTES + payload.length;
    const at = this.pending.claim(recordBytes);
    const buffer = this.pending.buffer;
    writeRecord(buffer, at, payload);
    const offset = this.size;
    this.size += recordBytes;
    this.journal.append(this, offset, buffer.subarray(at, at + recordBytes));
    if (this.pending.length >= MAX_UNWRITTEN_BYTES) this.writePending().catch(() => {});
  }

  /** Resolves when everything appended before the call is durable and written to this file; rejects once failed. */
  flush(): Promise<void> {
    return Promise.all([this.writePending(), this.journal.flush()]).then(() => {});
  }

  /** Issues the file write of everything appended so far. */
  writePending(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.length === 0) return this.tail;
    this.next ??= this.tail = this.tail.then(() => {
      this.next = null;
      return this.write(this.pending.take());
    });
    return this.next;
  }

  /** Makes everything appended so far durable in this file itself. */
  sync(): Promise<void> {
    this.writePending().catch(() => {});
    this.tail = this.tail.then(async () => {
      if (this.fd === null || !this.unsynced) return;
      this.unsynced = false;
      try {
        await fdatasync(this.fd);
        if (this.entryUnsynced) {
          this.entryUnsynced = false;
          // Gone means the document was deleted meanwhile: there is no entry left to make durable.
          await syncDir(this.dir).catch((error) => {
            if (!isNotFound(error)) throw error;
          });
        }
      } catch (error) {
        throw this.fail(error);
      }
    });
    return this.tail;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
      await this.sync();
      this.journal.release(this);
    } finally {
      const fd = this.fd;
      this.fd = null;
      if (fd !== null) await closeFd(fd);
    }
  }

  /** Stops the log for good (the first failure is reported); returns the failure to throw. */
  fail(error: unknown): Error {
    if (!this.failure) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.onFailure(this.failure);
    }
    return this.failure;
  }

  private async write(batch: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      if (this.fd === null) {
        this.fd = await openFd(this.path, LOG_FLAGS);
        // The directory sync waits for the log's own sync (checkpoint or close): until then the journal holds
        // these records, and recovery recreates a log file whose directory entry a power loss took.
        if ((await fdSize(this.fd)) === 0) this.entryUnsynced = true;
      }
      await writeAll(this.fd, batch);
      this.pending.recycle(batch);
      this.unsynced = true;
    } catch (error) {
      throw this.fail(error);
    }
  }
}

const LOG_FLAGS = fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT;
