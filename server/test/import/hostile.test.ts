import { crc32, deflateRawSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/import/archive.js';
import { ImportError } from '../../src/import/errors.js';
import { readImport } from '../../src/import/index.js';
import { DEFAULT_LIMITS } from '../../src/import/limits.js';

/**
 * Crafted and damaged input the fuzz suite (test/fuzz/imports.test.ts) found or that a ZIP reader must refuse: each
 * is an ImportError naming the file, never another exception.
 */

/** One ZIP entry written byte by byte: `patch` edits its central-directory header before it is laid out. */
function oneEntryZip(name: string, stored: Uint8Array, method: number, size: number, patch?: (cd: Buffer) => void) {
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(stored.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const cd = Buffer.alloc(46);
  cd.writeUInt32LE(0x02014b50, 0);
  cd.writeUInt16LE(method, 10);
  cd.writeUInt32LE(crc32(stored), 16);
  cd.writeUInt32LE(stored.length, 20);
  cd.writeUInt32LE(size, 24);
  cd.writeUInt16LE(nameBytes.length, 28);
  patch?.(cd);
  const body = Buffer.concat([local, nameBytes, stored]);
  const directory = Buffer.concat([cd, nameBytes]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(body.length, 16);
  return new Uint8Array(Buffer.concat([body, directory, end]));
}

const text = strToU8('Interviewer: hello');

describe('the archive reader refuses what it cannot vouch for', () => {
  it.each([
    ['no end of directory', strToU8('PK\u0003\u0004'), 'corrupt_archive', /no end of central directory/],
    [
      'a stored entry longer than declared',
      oneEntryZip('a.txt', text, 0, text.length - 1),
      'corrupt_archive',
      /"a\.txt" is not the size it declares/,
    ],
    [
      'an unknown compression method',
      oneEntryZip('a.txt', text, 12, text.length),
      'corrupt_archive',
      /"a\.txt" uses compression method 12/,
    ],
    [
      'an encrypted entry',
      oneEntryZip('a.txt', text, 0, text.length, (cd) => cd.writeUInt16LE(1, 8)),
      'corrupt_archive',
      /"a\.txt" is encrypted/,
    ],
    [
      'a local header out of the file',
      oneEntryZip('a.txt', text, 0, text.length, (cd) => cd.writeUInt32LE(9_999, 42)),
      'corrupt_archive',
      /damaged local header of "a\.txt"/,
    ],
    [
      'a deflate stream that is cut off',
      oneEntryZip('a.txt', deflateRawSync(Buffer.from('x'.repeat(5000))).subarray(0, 5), 8, 5000),
      'corrupt_archive',
      /"a\.txt"/,
    ],
    [
      'an entry that inflates past its declared size',
      oneEntryZip('a.txt', deflateRawSync(Buffer.alloc(100_000)), 8, 10),
      'too_large',
      /archive entry "a\.txt" inflates to more than the 10 B its directory declares/,
    ],
    [
      'declared sizes over the limit',
      oneEntryZip('a.txt', deflateRawSync(Buffer.alloc(10)), 8, 0xfffffff0),
      'too_large',
      /archive decompresses to more than 512\.0 MiB/,
    ],
  ])('%s', async (_name, bytes, code, message) => {
    const error = await readArchive('x.qdpx', bytes, DEFAULT_LIMITS).catch((e) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code, file: 'x.qdpx' });
    expect((error as Error).message).toMatch(message);
  });

  it('reads what fflate writes, stored or deflated, with a Node Buffer as input', async () => {
    const zipped = Buffer.from(zipSync({ 'a.txt': [text, { level: 0 }], 'dir/': new Uint8Array(0), 'B.TXT': text }));
    const archive = await readArchive('x.zip', zipped, DEFAULT_LIMITS);
    expect(archive.paths).toEqual(['a.txt', 'B.TXT']);
    expect(archive.get('b.txt')).toEqual(text);
    // The caller's bytes are left as they were (they were copied to the worker, not handed over).
    expect(zipped.byteLength).toBeGreaterThan(0);
    expect(zipped[0]).toBe(0x50);
  });
});

describe('what the fuzz suite found', () => {
  const read = (name: string, bytes: Uint8Array) =>
    readImport([{ name, bytes }], { limits: DEFAULT_LIMITS }).catch((e) => e as Error);

  it('a source path with a malformed %-escape is looked up as written, not a URIError', async () => {
    const guid = 'a1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10';
    const qde = `<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="P"><Sources><TextSource guid="${guid}" name="S" plainTextPath="internal://100%.txt"/></Sources></Project>`;
    const found = await readImport(
      [{ name: 'p.qdpx', bytes: zipSync({ 'project.qde': strToU8(qde), 'sources/100%.txt': text }) }],
      {
        limits: DEFAULT_LIMITS,
      },
    );
    expect(found.bundle.transcripts[0]!.text).toBe('Interviewer: hello');
    const missing = await read('p.qdpx', zipSync({ 'project.qde': strToU8(qde.replace('100%', '%E0%A4%A')) }));
    expect(missing).toBeInstanceOf(ImportError);
    expect(missing).toMatchObject({ code: 'missing_source' });
  });

  it('an unclosed processing instruction that the validator lets through is bad XML', async () => {
    const error = await read(
      'c.qdc',
      strToU8('<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><?pi </CodeBook>'),
    );
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code: 'bad_xml', file: 'c.qdc' });
  });

  it('a file of DOCTYPEs is refused at the second, not scanned once per DOCTYPE', async () => {
    const started = performance.now();
    const error = await read('d.qdc', strToU8(`<!DOCTYPE a>${'<!DOCTYPE '.repeat(800_000)}`));
    expect(error).toMatchObject({ code: 'bad_xml', message: 'd.qdc: the XML has more than one DOCTYPE' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('an .odt whose text:s elements ask for more spaces than the file has bytes is refused', async () => {
    const content = (count: string) =>
      strToU8(
        `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>a<text:s text:c="${count}"/>b</text:p></office:text></office:body></office:document-content>`,
      );
    for (const count of ['99999999999', '100000000']) {
      const error = await read('s.odt', zipSync({ 'content.xml': content(count) }));
      expect(error).toBeInstanceOf(ImportError);
      expect((error as Error).message).toMatch(/^s\.odt: content\.xml asks for more spaces/);
    }
    const fine = await readImport([{ name: 's.odt', bytes: zipSync({ 'content.xml': content('3') }) }], {
      limits: DEFAULT_LIMITS,
    });
    expect(fine.bundle.transcripts[0]!.text).toBe('a   b');
  });
});
