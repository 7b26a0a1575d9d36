// @ts-check
/**
 * The checkpoint's copying, on its own thread: reads a retired write-ahead log segment a chunk at a time, appends
 * each chunk's records to their document logs, and syncs each log once at the end. On the server's thread the walk
 * of a 16 MiB segment (~175 000 entries) held the event loop for 100-160 ms in slices, right when the server was
 * busiest (docs/sync.md). Plain JavaScript, because a worker thread loads its file as Node finds it, from the
 * sources in the tests as from the build.
 *
 * @typedef {object} LogCopy
 * @property {string} key The bytes naming the log in its entries (name, then u48 generation), as latin1.
 * @property {string} path The log file.
 * @property {string} dir Its directory, synced when the file is created.
 * @property {number} written Bytes already in the file.
 *
 * @typedef {object} CopyRequest
 * @property {number} id
 * @property {string} segmentPath
 * @property {LogCopy[]} logs
 *
 * @typedef {{ name: string, message: string, code?: string }} CopyError
 * @typedef {{ written: number } | { error: CopyError }} LogOutcome How many bytes went into the log, or why none did.
 * @typedef {{ id: number, outcomes: LogOutcome[] } | { id: number, error: CopyError }} CopyReply
 *
 * @typedef {object} SegmentFormat
 * @property {Uint8Array} segmentHeader The bytes every segment starts with.
 * @property {Uint8Array} logHeader The bytes every document log starts with.
 * @property {number} recordHeaderBytes
 */
import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  openSync,
  readlinkSync,
  readSync,
  writevSync,
} from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

const LOG_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;

/** @type {SegmentFormat} */
const format = workerData;
const segmentHeader = Buffer.from(format.segmentHeader);
const logHeader = Buffer.from(format.logHeader);
const { recordHeaderBytes } = format;

lowerPriority();

parentPort?.on('message', (/** @type {CopyRequest} */ request) => {
  /** @type {CopyReply} */
  let reply;
  try {
    reply = { id: request.id, outcomes: copySegment(request.segmentPath, request.logs) };
  } catch (error) {
    reply = { id: request.id, error: describe(error) };
  }
  parentPort?.postMessage(reply);
});

/**
 * Ten nice levels below the server's thread (Linux keeps a nice value per thread): the copying uses the core when the
 * server leaves it idle, and a relay that wakes up takes the core back at once.
 */
function lowerPriority() {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, Math.min(19, getPriority(threadId) + 10));
  } catch {
    // No per-thread priorities here: the copying competes with the server's thread as an equal.
  }
}

/** A segment is read this much at a time, whatever its size: one that grew while the core was busy costs no more. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * @typedef {object} Copy
 * @property {LogCopy} log
 * @property {number} fd The log file, once opened.
 * @property {boolean} created The file was new: its directory entry needs a sync.
 * @property {number} written Bytes written into it so far.
 * @property {Buffer[]} records This chunk's records for it.
 * @property {CopyError | null} error
 */

/**
 * Copies the segment's records into the logs, a chunk at a time; each log is synced once, at the end. A damaged
 * segment throws where the damage is: what was appended before it is left unsynced, and the segment, which the
 * server keeps, completes the logs on the next start (as after a crash in the middle of a checkpoint).
 *
 * @param {string} segmentPath
 * @param {LogCopy[]} logs
 * @returns {LogOutcome[]}
 */
function copySegment(segmentPath, logs) {
  const segment = openSync(segmentPath, 'r');
  /** @type {Map<string, Copy>} */
  const copies = new Map(
    logs.map((log) => [log.key, { log, fd: -1, created: false, written: 0, records: [], error: null }]),
  );
  try {
    const size = fstatSync(segment).size;
    const header = Buffer.alloc(segmentHeader.length);
    if (size >= header.length) readAt(segment, header, 0);
    if (!header.equals(segmentHeader)) throw corrupt('write-ahead log segment without its header');
    walkSegment(
      segment,
      size,
      (chunk, nameAt, genEnd, end) => {
        const copy = copies.get(chunk.toString('latin1', nameAt, genEnd));
        if (copy === undefined) return;
        if (copy.fd === -1 && copy.error === null) copy.error = openLog(copy, chunk.readUIntLE(genEnd, 6));
        if (copy.error === null) copy.records.push(chunk.subarray(genEnd + 6, end));
      },
      () => {
        for (const copy of copies.values()) if (copy.records.length > 0) appendRecords(copy);
      },
    );
    for (const copy of copies.values()) if (copy.fd !== -1 && copy.error === null) syncLog(copy);
  } finally {
    closeSync(segment);
    for (const copy of copies.values()) if (copy.fd !== -1) closeSync(copy.fd);
  }
  return logs.map((log) => {
    const { error, written } = /** @type {Copy} */ (copies.get(log.key));
    return error ? { error } : { written };
  });
}

/**
 * Calls `visit` with each entry's place in the chunk that holds it, and `chunkDone` after each chunk, before the
 * next one is read into the same buffer. Entry: `u32 length | u32 crc | u16 name length | name | u48 generation |
 * u48 offset | the log's record`. Entries' CRCs are not checked: the server wrote the segment whole moments ago, and
 * each copied record keeps its own CRC, which loading checks.
 *
 * @param {number} fd
 * @param {number} size
 * @param {(chunk: Buffer, nameAt: number, genEnd: number, end: number) => void} visit
 * @param {() => void} chunkDone
 */
function walkSegment(fd, size, visit, chunkDone) {
  let chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size));
  let pos = segmentHeader.length;
  while (pos < size) {
    const length = Math.min(chunk.length, size - pos);
    readAt(fd, chunk, pos, length);
    let at = 0;
    let needed = 0;
    while (at < length) {
      if (pos + at + recordHeaderBytes > size) throw damagedAt(pos + at);
      if (at + recordHeaderBytes > length) break;
      const end = at + recordHeaderBytes + chunk.readUInt32LE(at);
      if (pos + end > size) throw damagedAt(pos + at);
      if (end > length) {
        needed = end - at;
        break;
      }
      const nameAt = at + recordHeaderBytes + 2;
      const genEnd = nameAt <= end ? nameAt + chunk.readUInt16LE(nameAt - 2) + 6 : Number.NaN;
      if (!(genEnd + 6 + recordHeaderBytes <= end)) throw damagedAt(pos + at);
      visit(chunk, nameAt, genEnd, end);
      at = end;
    }
    chunkDone();
    if (needed > chunk.length) chunk = Buffer.allocUnsafe(needed);
    pos += at;
  }
}

/**
 * Opens the log for the records journaled from `offset` on, which must be where its file ends.
 *
 * @param {Copy} copy
 * @param {number} offset
 * @returns {CopyError | null}
 */
function openLog(copy, offset) {
  const { log } = copy;
  try {
    if (offset !== Math.max(log.written, logHeader.length)) {
      throw new Error(`${log.path}: journaled records at ${offset} do not follow its ${log.written} bytes`);
    }
    copy.fd = openSync(log.path, LOG_FLAGS, 0o644);
    copy.created = fstatSync(copy.fd).size === 0;
    if (log.written === 0) copy.records.push(logHeader);
    return null;
  } catch (error) {
    return describe(error);
  }
}

/** @param {Copy} copy */
function appendRecords(copy) {
  const records = copy.records;
  copy.records = [];
  try {
    const bytes = records.reduce((sum, record) => sum + record.length, 0);
    const written = writevSync(copy.fd, records);
    if (written !== bytes) throw new Error(`${copy.log.path}: wrote ${written} of ${bytes} bytes`);
    copy.written += written;
  } catch (error) {
    copy.error = describe(error);
  }
}

/**
 * Makes the log's records durable, and a new file's directory entry.
 *
 * @param {Copy} copy
 */
function syncLog(copy) {
  try {
    fdatasyncSync(copy.fd);
    if (copy.created) syncDir(copy.log.dir);
  } catch (error) {
    copy.error = describe(error);
  }
}

/**
 * Fills the start of `buffer` with `count` bytes (all of it by default) read at `position`. A segment never shrinks
 * once retired, so ending early means it was damaged; reading on would find nothing and walk forever.
 *
 * @param {number} fd
 * @param {Buffer} buffer
 * @param {number} position
 * @param {number} [count]
 */
function readAt(fd, buffer, position, count = buffer.length) {
  for (let done = 0; done < count; ) {
    const read = readSync(fd, buffer, done, count - done, position + done);
    if (read === 0) throw damagedAt(position + done);
    done += read;
  }
}

/** @param {string} dir */
function syncDir(dir) {
  let fd;
  try {
    fd = openSync(dir, 'r');
  } catch (error) {
    // Gone means the document was deleted meanwhile: there is no entry left to make durable.
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return;
    throw error;
  }
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** @param {string} message */
function corrupt(message) {
  return Object.assign(new Error(message), { name: 'CorruptFileError' });
}

/** @param {number} byte */
function damagedAt(byte) {
  return corrupt(`write-ahead log segment damaged at byte ${byte}`);
}

/**
 * @param {unknown} error
 * @returns {CopyError}
 */
function describe(error) {
  const { name, message, code } = /** @type {NodeJS.ErrnoException} */ (
    error instanceof Error ? error : new Error(String(error))
  );
  return code === undefined ? { name, message } : { name, message, code };
}
