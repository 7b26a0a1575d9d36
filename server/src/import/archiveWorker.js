// @ts-check
/**
 * Reads ZIP archives (qdpx, docx, odt) on their own thread, so that inflating one never holds the server's event loop:
 * a crafted 1 MB archive that inflates to gigabytes once froze every user for seconds. Each entry is inflated a slice
 * at a time and the bytes it actually produces are counted: an entry that inflates past the size its central
 * directory declares is refused at once (that is what a ZIP bomb looks like), and the declared sizes together are
 * held to the import's limit before anything is inflated, so the bytes produced can never pass it either. Plain
 * JavaScript, because a worker thread loads its file as Node finds it, from the sources in the tests as from the
 * build (as checkpointWorker.js does).
 *
 * @typedef {object} ArchiveRequest
 * @property {number} id
 * @property {Uint8Array} bytes The archive; its buffer is transferred to the worker.
 * @property {number} maxDecompressedBytes
 * @property {number} maxArchiveEntries
 * @property {boolean} repack Also answer the entries again as a ZIP without compression (for mammoth).
 *
 * @typedef {object} ArchiveEntry
 * @property {string} path As stored, `\` turned into `/`.
 * @property {Uint8Array} content
 *
 * @typedef {'too_large' | 'corrupt_archive' | 'unsafe_path'} RefusalCode
 * @typedef {{ code: RefusalCode, problem: string }} Refusal Why the archive cannot be read, for an ImportError.
 * @typedef {{ id: number, entries: ArchiveEntry[], repacked?: Uint8Array }
 *   | { id: number, refused: Refusal }
 *   | { id: number, error: { name: string, message: string } }} ArchiveReply
 */

import { parentPort } from 'node:worker_threads';
import { Inflate, zipSync } from 'fflate';

/**
 * Compressed bytes handed to the inflater at a time. Deflate expands at most ~1032:1, so one slice produces at most
 * ~16 MiB: the most an entry can overshoot its declared size before it is caught.
 */
const SLICE_BYTES = 16 * 1024;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;

class Refused extends Error {
  /** @param {RefusalCode} code @param {string} problem */
  constructor(code, problem) {
    super(problem);
    this.code = code;
  }
}

parentPort?.on('message', (/** @type {ArchiveRequest} */ request) => {
  /** @type {ArchiveReply} */
  let reply;
  /** @type {ArrayBuffer[]} */
  const transfer = [];
  try {
    const entries = readEntries(request);
    reply = { id: request.id, entries };
    for (const entry of entries) transfer.push(/** @type {ArrayBuffer} */ (entry.content.buffer));
    if (request.repack) {
      /** @type {Record<string, Uint8Array>} */
      const files = {};
      for (const entry of entries) files[entry.path] = entry.content;
      const repacked = zipSync(files, { level: 0 });
      reply.repacked = repacked;
      // The entries were copied into the repacked archive; the caller reads them from there or from `entries`.
      transfer.push(/** @type {ArrayBuffer} */ (repacked.buffer));
    }
  } catch (error) {
    reply =
      error instanceof Refused
        ? { id: request.id, refused: { code: /** @type {RefusalCode} */ (error.code), problem: error.message } }
        : error instanceof Error
          ? { id: request.id, error: { name: error.name, message: error.message } }
          : { id: request.id, error: { name: 'Error', message: String(error) } };
    transfer.length = 0;
  }
  parentPort?.postMessage(reply, transfer);
});

/**
 * The entries named by the central directory (directories left out), each inflated and checked.
 * @param {ArchiveRequest} request
 * @returns {ArchiveEntry[]}
 */
function readEntries({ bytes, maxDecompressedBytes, maxArchiveEntries }) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const directory = readDirectory(bytes, view);
  if (directory.count > maxArchiveEntries) {
    throw new Refused('too_large', `archive has more than ${maxArchiveEntries} entries`);
  }
  /** @type {{ path: string, method: number, flags: number, compressed: number, size: number, local: number }[]} */
  const listed = [];
  let declared = 0;
  let at = directory.offset;
  for (let index = 0; index < directory.count; index += 1) {
    if (at + 46 > directory.end || view.getUint32(at, true) !== CENTRAL_HEADER) {
      throw new Refused('corrupt_archive', 'not a readable ZIP archive (damaged central directory)');
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    let compressed = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let local = view.getUint32(at + 42, true);
    const nameEnd = at + 46 + nameLength;
    if (nameEnd + extraLength + commentLength > directory.end) {
      throw new Refused('corrupt_archive', 'not a readable ZIP archive (damaged central directory)');
    }
    const name = decodeName(bytes.subarray(at + 46, nameEnd), (flags & 0x800) !== 0);
    if (compressed === 0xffffffff || size === 0xffffffff || local === 0xffffffff) {
      const wide = zip64Sizes(view, nameEnd, extraLength, { size, compressed, local });
      ({ size, compressed, local } = wide);
    }
    at = nameEnd + extraLength + commentLength;
    const path = name.replaceAll('\\', '/');
    assertSafePath(name, path);
    if (path.endsWith('/')) continue;
    declared += size;
    if (declared > maxDecompressedBytes) {
      throw new Refused('too_large', `archive decompresses to more than ${formatBytes(maxDecompressedBytes)}`);
    }
    listed.push({ path, method, flags, compressed, size, local });
  }
  /** @type {Map<string, ArchiveEntry>} */
  const entries = new Map();
  for (const entry of listed) {
    entries.set(entry.path, { path: entry.path, content: inflateEntry(bytes, view, entry, maxDecompressedBytes) });
  }
  return [...entries.values()];
}

/**
 * Where the central directory is and how many entries it lists (ZIP64 included).
 * @param {Uint8Array} bytes
 * @param {DataView} view
 */
function readDirectory(bytes, view) {
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at -= 1) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Refused('corrupt_archive', 'not a readable ZIP archive (no end of central directory)');
  let count = view.getUint16(end + 10, true);
  let size = view.getUint32(end + 12, true);
  let offset = view.getUint32(end + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR) {
      const zip64 = safeNumber(view.getBigUint64(locator + 8, true));
      if (zip64 + 56 > bytes.length || view.getUint32(zip64, true) !== ZIP64_END) {
        throw new Refused('corrupt_archive', 'not a readable ZIP archive (damaged ZIP64 directory)');
      }
      count = safeNumber(view.getBigUint64(zip64 + 32, true));
      size = safeNumber(view.getBigUint64(zip64 + 40, true));
      offset = safeNumber(view.getBigUint64(zip64 + 48, true));
    }
  }
  if (offset + size > bytes.length) {
    throw new Refused('corrupt_archive', 'not a readable ZIP archive (the central directory is cut off)');
  }
  // Each entry takes at least 46 bytes, so a count the directory cannot hold is damage, not a reason to loop.
  if (count * 46 > size) throw new Refused('corrupt_archive', 'not a readable ZIP archive (damaged central directory)');
  return { count, offset, end: offset + size };
}

/**
 * The 64-bit sizes and offset of a ZIP64 entry, from its extra field (only those whose 32-bit field is all ones).
 * @param {DataView} view
 * @param {number} from
 * @param {number} length
 * @param {{ size: number, compressed: number, local: number }} narrow
 */
function zip64Sizes(view, from, length, narrow) {
  for (let at = from; at + 4 <= from + length; ) {
    const id = view.getUint16(at, true);
    const fieldLength = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const end = field + fieldLength;
      const next = () => {
        if (field + 8 > end) throw new Refused('corrupt_archive', 'not a readable ZIP archive (damaged ZIP64 field)');
        const value = safeNumber(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      const size = narrow.size === 0xffffffff ? next() : narrow.size;
      const compressed = narrow.compressed === 0xffffffff ? next() : narrow.compressed;
      const local = narrow.local === 0xffffffff ? next() : narrow.local;
      return { size, compressed, local };
    }
    at += 4 + fieldLength;
  }
  throw new Refused('corrupt_archive', 'not a readable ZIP archive (ZIP64 entry without its sizes)');
}

/**
 * One entry's bytes: stored entries as they are, deflated ones inflated a slice at a time and held to their declared
 * size, which the caller has already held to the limit.
 * @param {Uint8Array} bytes
 * @param {DataView} view
 * @param {{ path: string, method: number, flags: number, compressed: number, size: number, local: number }} entry
 * @param {number} maxDecompressedBytes
 * @returns {Uint8Array}
 */
function inflateEntry(bytes, view, entry, maxDecompressedBytes) {
  const { path, method, flags, compressed, size, local } = entry;
  if (flags & 1) throw new Refused('corrupt_archive', `archive entry "${path}" is encrypted`);
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_HEADER) {
    throw new Refused('corrupt_archive', `not a readable ZIP archive (damaged local header of "${path}")`);
  }
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + compressed > bytes.length) {
    throw new Refused('corrupt_archive', `not a readable ZIP archive ("${path}" is cut off)`);
  }
  const data = bytes.subarray(start, start + compressed);
  if (method === 0) {
    if (compressed !== size) {
      throw new Refused('corrupt_archive', `not a readable ZIP archive ("${path}" is not the size it declares)`);
    }
    return data.slice();
  }
  if (method !== 8) {
    throw new Refused('corrupt_archive', `archive entry "${path}" uses compression method ${method}, not deflate`);
  }
  const content = new Uint8Array(size);
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    if (produced + chunk.length > size) {
      throw new Refused(
        'too_large',
        `archive entry "${path}" inflates to more than the ${formatBytes(size)} its directory declares ` +
          `(entries are read up to their declared size, ${formatBytes(maxDecompressedBytes)} in all)`,
      );
    }
    content.set(chunk, produced);
    produced += chunk.length;
  });
  try {
    if (data.length === 0) inflater.push(data, true);
    for (let at = 0; at < data.length; at += SLICE_BYTES) {
      inflater.push(data.subarray(at, at + SLICE_BYTES), at + SLICE_BYTES >= data.length);
    }
  } catch (error) {
    if (error instanceof Refused) throw error;
    throw new Refused(
      'corrupt_archive',
      `not a readable ZIP archive ("${path}": ${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (produced !== size) {
    throw new Refused(
      'corrupt_archive',
      `not a readable ZIP archive ("${path}" inflates to ${produced} bytes, its directory declares ${size})`,
    );
  }
  return content;
}

/**
 * Names that would escape the archive (`../`, absolute, drive letters) are refused rather than skipped: such a file
 * was crafted, not exported.
 * @param {string} name
 * @param {string} path
 */
function assertSafePath(name, path) {
  const escapes =
    path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.split('/').some((segment) => segment === '..');
  if (escapes || path.includes('\0')) {
    throw new Refused('unsafe_path', `archive entry "${name}" points outside the archive`);
  }
}

/**
 * UTF-8 when the entry says so, else byte for byte (as fflate reads them).
 * @param {Uint8Array} raw
 * @param {boolean} utf8
 */
function decodeName(raw, utf8) {
  if (utf8) return new TextDecoder().decode(raw);
  let name = '';
  for (const byte of raw) name += String.fromCharCode(byte);
  return name;
}

/** @param {bigint} value */
function safeNumber(value) {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Refused('corrupt_archive', 'not a readable ZIP archive (a ZIP64 size is out of range)');
  }
  return Number(value);
}

/** The same wording as limits.ts, which a worker cannot import from the TypeScript sources. @param {number} bytes */
function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
