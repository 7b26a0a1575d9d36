import { crc32 } from 'node:zlib';

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

/**
 * What follows the last good record of a log: nothing; a torn tail (the last record ends past the end of the file,
 * which is what an interrupted append leaves); a damaged record (complete, but its CRC does not match: the bytes
 * changed after they were written); or damage followed by valid records, which no interrupted append can leave.
 */
export type LogEnd =
  | { kind: 'clean' }
  | { kind: 'torn'; at: number }
  | { kind: 'damaged'; at: number; followedBy: number | null };

export interface ScannedLog extends ParsedLog {
  end: LogEnd;
}

/**
 * `parseLog`, and a verdict on what stops it. Only called on start and by `accord check`, never on the hot path:
 * looking for a valid record after the damage tries every offset, and costs a CRC per plausible length.
 */
export function scanLog(
  bytes: Uint8Array,
  magic = LOG_MAGIC,
  plausible: (payload: Uint8Array) => boolean = () => true,
): ScannedLog {
  const parsed = parseLog(bytes, magic);
  const { goodEnd } = parsed;
  if (goodEnd >= bytes.length || bytes.length < HEADER_BYTES) return { ...parsed, end: { kind: 'clean' } };
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const followedBy = nextValidRecord(view, goodEnd + 1, plausible);
  const complete =
    goodEnd + RECORD_HEADER_BYTES <= view.length &&
    goodEnd + RECORD_HEADER_BYTES + view.readUInt32LE(goodEnd) <= view.length;
  if (followedBy === null && !complete) return { ...parsed, end: { kind: 'torn', at: goodEnd } };
  return { ...parsed, end: { kind: 'damaged', at: goodEnd, followedBy } };
}

export function describeLogEnd(end: LogEnd): string {
  switch (end.kind) {
    case 'clean':
      return 'intact';
    case 'torn':
      return `torn tail from byte ${end.at} (an interrupted append)`;
    case 'damaged':
      return end.followedBy === null
        ? `record at byte ${end.at} damaged (its CRC does not match)`
        : `record at byte ${end.at} damaged, followed by valid records (from byte ${end.followedBy})`;
  }
}

/** The first offset from `from` where a non-empty record with a matching CRC starts, if any. */
function nextValidRecord(view: Buffer, from: number, plausible: (payload: Uint8Array) => boolean): number | null {
  for (let at = from; at + RECORD_HEADER_BYTES < view.length; at++) {
    const length = view.readUInt32LE(at);
    const end = at + RECORD_HEADER_BYTES + length;
    // Empty records are left out: a run of zeros (a hole an interrupted write left) reads as one.
    if (length === 0 || end > view.length) continue;
    const payload = view.subarray(at + RECORD_HEADER_BYTES, end);
    if (plausible(payload) && crc32(payload) === view.readUInt32LE(at + 4)) return at;
  }
  return null;
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
  /** Journals `payload` as the record at `offset` in `log`; `payload` is only read during the call. */
  append(log: LogFile, offset: number, payload: Uint8Array): void;
  /** Resolves once everything appended so far is durable. */
  flush(): Promise<void>;
  /** Resolves once every record journaled for `log` is written and synced in its file, or the log has failed. */
  writeOut(log: LogFile): Promise<void>;
  /**
   * The log's file is no longer needed (a compaction snapshot holds its records): never write it again. Resolves
   * once no checkpoint is writing it.
   */
  release(log: LogFile): Promise<void>;
}

/**
 * A document's append-only log file. Its records are durable once the journal (the write-ahead log) has them, and
 * only the journal holds them until a checkpoint copies them into the file: periodically, or when the log is closed.
 * The log keeps no records itself: records held per document until a checkpoint outlived young-generation
 * collections by the thousand, and a busy server's collector spent its time moving them (docs/sync.md). One durable
 * write for every document at once, instead of one per document, is what lets a busy server keep up. Nothing here
 * opens the file: checkpoints create it with its header on its first records (read-only documents never get one).
 */
export class LogFile {
  private failure: Error | null = null;
  private isReleased = false;
  /** Bytes in the file once every record appended so far is written. */
  size: number;
  /** Bytes the file holds: what checkpoints have written into it. */
  private bytesWritten: number;

  constructor(
    readonly path: string,
    readonly dir: string,
    readonly docName: string,
    readonly gen: number,
    existingSize: number,
    private readonly journal: Journal,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.size = existingSize;
    this.bytesWritten = existingSize;
  }

  get written(): number {
    return this.bytesWritten;
  }

  get released(): boolean {
    return this.isReleased;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  append(payload: Uint8Array): void {
    if (this.failure) return;
    // The header is written with the first records; offsets count it from the start.
    if (this.size === 0) this.size = HEADER_BYTES;
    const offset = this.size;
    this.size += RECORD_HEADER_BYTES + payload.length;
    this.journal.append(this, offset, payload);
  }

  /** Resolves when everything appended before the call is durable; rejects once failed. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.journal.flush();
  }

  /** A checkpoint wrote and synced `bytes` more (records, and the header when the file was new). */
  wrote(bytes: number): void {
    this.bytesWritten += bytes;
  }

  /** Writes out what the journal holds for this log. */
  async close(): Promise<void> {
    // Nothing to write out when every record appended is in the file (a document only read, or checkpointed).
    if (!this.isReleased && this.size > this.bytesWritten) await this.journal.writeOut(this);
    if (this.failure) throw this.failure;
  }

  /** Lets the file go without writing it again: its records are in a durable compaction snapshot. */
  async discard(): Promise<void> {
    this.isReleased = true;
    await this.journal.release(this);
  }

  /** Stops the log for good (the first failure is reported); returns the failure to throw. */
  fail(error: unknown): Error {
    if (!this.failure) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      // A released log's document has moved on to the next generation, which this does not concern.
      if (!this.isReleased) this.onFailure(this.failure);
    }
    return this.failure;
  }
}
