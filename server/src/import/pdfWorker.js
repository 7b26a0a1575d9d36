// @ts-check
/**
 * Reads the text of a PDF on its own thread with pdf.js, so that a hostile or merely huge PDF never holds the
 * server's event loop: the thread answers with the lines of each page, and the caller (pdf.ts) stops it when it
 * takes too long or outgrows its memory. Text items are put back into lines by their baseline, left to right; a
 * vertical gap clearly larger than the usual line spacing becomes an empty line (a paragraph break). Plain
 * JavaScript, because a worker thread loads its file as Node finds it, from the sources in the tests as from the
 * build (as archiveWorker.js does).
 *
 * @typedef {object} PdfRequest
 * @property {number} id
 * @property {Uint8Array} bytes The PDF; its buffer is transferred to the worker.
 * @property {number} maxPages
 * @property {number} maxCharacters
 *
 * @typedef {'too_large' | 'corrupt_pdf' | 'encrypted_pdf'} RefusalCode
 * @typedef {{ id: number, pages: string[][], characters: number }
 *   | { id: number, refused: { code: RefusalCode, problem: string } }
 *   | { id: number, error: { name: string, message: string } }} PdfReply
 *
 * @typedef {{ str: string, x: number, y: number, width: number, size: number }} Item
 */

import { parentPort } from 'node:worker_threads';
import zlib from 'node:zlib';

/**
 * What the PDF's compressed streams may unpack to, images aside (they are never decoded). pdf.js unpacks a stream
 * whole into an ArrayBuffer, outside the thread's heap limit, so a 1 MB file of compressed blanks would take 1 GB of
 * the server's memory before its text is even looked at: measured first, without keeping what it unpacks.
 */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

/** @type {Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | null} */
let pdfjs = null;

class Refused extends Error {
  /** @param {RefusalCode} code @param {string} problem */
  constructor(code, problem) {
    super(problem);
    this.code = code;
  }
}

parentPort?.on('message', async (/** @type {PdfRequest} */ request) => {
  /** @type {PdfReply} */
  let reply;
  try {
    reply = { id: request.id, ...(await readPages(request)) };
  } catch (error) {
    reply =
      error instanceof Refused
        ? { id: request.id, refused: { code: /** @type {RefusalCode} */ (error.code), problem: error.message } }
        : describeFailure(request.id, error);
  }
  parentPort?.postMessage(reply);
});

/**
 * pdf.js's own errors for files it cannot read become refusals; anything else is a bug to report.
 * @param {number} id
 * @param {unknown} error
 * @returns {PdfReply}
 */
function describeFailure(id, error) {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') {
    return {
      id,
      refused: { code: 'encrypted_pdf', problem: 'the PDF is protected by a password; remove it and import again' },
    };
  }
  if (name === 'InvalidPDFException' || name === 'FormatError' || name === 'UnknownErrorException') {
    return { id, refused: { code: 'corrupt_pdf', problem: `not a readable PDF (${message})` } };
  }
  return { id, error: { name, message } };
}

/** @param {PdfRequest} request */
async function readPages({ bytes, maxPages, maxCharacters }) {
  checkUnpackedSize(bytes);
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  const { getDocument } = await pdfjs;
  const task = getDocument({
    data: bytes,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    // Text only: images are never decoded.
    maxImageSize: 1,
    verbosity: 0,
  });
  const document = await task.promise;
  try {
    if (document.numPages > maxPages) {
      throw new Refused('too_large', `the PDF has ${document.numPages} pages, over the limit of ${maxPages}`);
    }
    /** @type {Item[][]} */
    const pages = [];
    let characters = 0;
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      /** @type {Item[]} */
      const items = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str === '') continue;
        characters += item.str.length;
        if (characters > maxCharacters) {
          throw new Refused('too_large', `the PDF holds more than ${maxCharacters} characters of text`);
        }
        const [a, b, c, d, x, y] = item.transform;
        items.push({ str: item.str, x, y, width: item.width, size: Math.hypot(c, d) || Math.hypot(a, b) || 1 });
      }
      pages.push(items);
      page.cleanup();
    }
    return { pages: toLines(pages), characters };
  } finally {
    await document.destroy();
  }
}

/**
 * Refuses a PDF whose Flate-compressed streams (images aside) unpack to more than MAX_UNPACKED_BYTES: a
 * decompression bomb. Each stream is unpacked with a cap on its output, so measuring never holds more than the budget
 * left; streams zlib cannot read are left to pdf.js, which decides about them as before.
 * @param {Uint8Array} bytes
 */
function checkUnpackedSize(bytes) {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = raw.toString('latin1');
  const streams = /stream\r?\n/g;
  let total = 0;
  for (let found = streams.exec(text); found !== null; found = streams.exec(text)) {
    if (found.index >= 3 && text.slice(found.index - 3, found.index) === 'end') continue;
    const start = found.index + found[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    streams.lastIndex = end + 'endstream'.length;
    const dictionary = text.slice(Math.max(0, text.lastIndexOf(' obj', found.index)), found.index);
    if (!dictionary.includes('/FlateDecode') || /\/Subtype\s*\/Image/.test(dictionary)) continue;
    const left = MAX_UNPACKED_BYTES - total;
    try {
      total += zlib.inflateSync(raw.subarray(start, end), {
        maxOutputLength: left + 1,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      }).length;
    } catch (error) {
      if (/** @type {{ code?: string }} */ (error).code !== 'ERR_BUFFER_TOO_LARGE') continue;
      total = MAX_UNPACKED_BYTES + 1;
    }
    if (total > MAX_UNPACKED_BYTES) {
      throw new Refused(
        'too_large',
        `its compressed content unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MiB (a decompression bomb?)`,
      );
    }
  }
}

/**
 * Items into lines per page. Lines are items whose baselines are within half a font size of each other; within a
 * line, a gap wider than a fifth of the font size is a space, one wider than six font sizes eight spaces. An empty line marks a gap between lines larger than
 * 1.5 font sizes and 1.3 times the document's usual spacing (its lower quartile, so that a document of one-line
 * paragraphs still measures its line spacing).
 * @param {Item[][]} pages
 * @returns {string[][]}
 */
function toLines(pages) {
  /** @type {{ y: number, size: number, text: string }[][]} */
  const laidOut = pages.map((items) => {
    const sorted = [...items].sort((p, q) => q.y - p.y || p.x - q.x);
    /** @type {{ y: number, size: number, items: Item[] }[]} */
    const lines = [];
    for (const item of sorted) {
      const line = lines[lines.length - 1];
      if (line !== undefined && Math.abs(line.y - item.y) <= Math.min(line.size, item.size) * 0.5) {
        line.items.push(item);
        line.size = Math.max(line.size, item.size);
      } else {
        lines.push({ y: item.y, size: item.size, items: [item] });
      }
    }
    return lines.map((line) => ({ y: line.y, size: line.size, text: lineText(line.items) }));
  });
  /** @type {number[]} */
  const gaps = [];
  for (const lines of laidOut) {
    for (let i = 1; i < lines.length; i++) {
      const gap = /** @type {number} */ (lines[i - 1]?.y) - /** @type {number} */ (lines[i]?.y);
      if (gap > 0) gaps.push(gap);
    }
  }
  gaps.sort((p, q) => p - q);
  const usual = gaps[Math.floor(gaps.length / 4)] ?? 0;
  return laidOut.map((lines) => {
    /** @type {string[]} */
    const out = [];
    let previous = null;
    for (const line of lines) {
      const gap = previous === null ? 0 : previous.y - line.y;
      if (previous !== null && gap > line.size * 1.5 && gap > usual * 1.3) out.push('');
      if (line.text.trim() !== '') out.push(line.text);
      previous = line;
    }
    return out;
  });
}

/** @param {Item[]} items */
function lineText(items) {
  items.sort((p, q) => p.x - q.x);
  let text = '';
  /** @type {number | null} */
  let end = null;
  for (const item of items) {
    const gap = end === null ? 0 : item.x - end;
    // Far apart on one baseline (a stray number beside a footer): a wide gap, which the clean-up tells apart.
    if (gap > item.size * 6) text += '        ';
    else if (gap > item.size * 0.2 && !/\s$/.test(text) && !/^\s/.test(item.str)) text += ' ';
    text += item.str;
    end = item.x + item.width;
  }
  return text;
}
