// @ts-check
/**
 * The checkpoint's copying, on its own thread: reads a retired write-ahead log segment, gathers each document log's
 * records and writes and syncs the logs one at a time. On the server's thread the walk of a 16 MiB segment
 * (~175 000 entries) held the event loop for 100-160 ms in slices, right when the server was busiest
 * (docs/sync.md). Plain JavaScript, because a worker thread loads its file as Node finds it, from the sources in the
 * tests as from the build.
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
  readFileSync,
  readlinkSync,
  writeSync,
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

/**
 * Entry: `u32 length | u32 crc | u16 name length | name | u48 generation | u48 offset | the log's record`. Entries'
 * CRCs are not checked: the server wrote the segment whole moments ago, and each copied record keeps its own CRC,
 * which loading checks.
 *
 * @param {string} segmentPath
 * @param {LogCopy[]} logs
 * @returns {LogOutcome[]}
 */
function copySegment(segmentPath, logs) {
  const segment = readFileSync(segmentPath);
  if (segment.length < segmentHeader.length || !segment.subarray(0, segmentHeader.length).equals(segmentHeader)) {
    throw corrupt('write-ahead log segment without its header');
  }
  /** @type {Map<string, { offset: number, bytes: number, ranges: number[] }>} */
  const copies = new Map(logs.map((log) => [log.key, { offset: -1, bytes: 0, ranges: [] }]));
  let at = segmentHeader.length;
  while (at < segment.length) {
    const nameAt = at + recordHeaderBytes + 2;
    const genEnd = nameAt <= segment.length ? nameAt + segment.readUInt16LE(nameAt - 2) + 6 : Number.NaN;
    const end = at + recordHeaderBytes + segment.readUInt32LE(at);
    if (!(genEnd + 6 + recordHeaderBytes <= end && end <= segment.length)) {
      throw corrupt(`write-ahead log segment damaged at byte ${at}`);
    }
    const copy = copies.get(segment.toString('latin1', nameAt, genEnd));
    if (copy) {
      if (copy.offset === -1) copy.offset = segment.readUIntLE(genEnd, 6);
      copy.ranges.push(genEnd + 6, end);
      copy.bytes += end - genEnd - 6;
    }
    at = end;
  }
  return logs.map((log) => {
    const copy = /** @type {{ offset: number, bytes: number, ranges: number[] }} */ (copies.get(log.key));
    if (copy.offset === -1) return { written: 0 };
    try {
      const records = Buffer.allocUnsafe(copy.bytes);
      let to = 0;
      for (let i = 0; i < copy.ranges.length; i += 2)
        to += segment.copy(records, to, copy.ranges[i], copy.ranges[i + 1]);
      return { written: writeLog(log, copy.offset, records) };
    } catch (error) {
      return { error: describe(error) };
    }
  });
}

/**
 * Appends `records` (the first of them at `offset`) to the log, with the file's header if it is new, and syncs
 * it; a new file's directory entry is synced too. Returns the bytes written.
 *
 * @param {LogCopy} log
 * @param {number} offset
 * @param {Buffer} records
 */
function writeLog(log, offset, records) {
  if (offset !== Math.max(log.written, logHeader.length)) {
    throw new Error(`${log.path}: journaled records at ${offset} do not follow its ${log.written} bytes`);
  }
  const fd = openSync(log.path, LOG_FLAGS, 0o644);
  try {
    const created = fstatSync(fd).size === 0;
    const bytes = log.written === 0 ? Buffer.concat([logHeader, records]) : records;
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    fdatasyncSync(fd);
    if (created) syncDir(log.dir);
    return bytes.length;
  } finally {
    closeSync(fd);
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
