import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { crc32, deflateRawSync } from 'node:zlib';
import { codesMap, docName } from '@accord/shared';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../../server/src/import/errors.js';
import { readImport } from '../../server/src/import/index.js';
import { DEFAULT_LIMITS } from '../../server/src/import/limits.js';
import { runCli } from '../helpers/cli.js';
import { metadataOf } from '../helpers/metadata.js';
import { type ApiClient, seedProject, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 21, items 7 and 8: a crafted ZIP must not freeze the server (every ZIP Accord reads: qdpx, docx, odt), and
 * XML that declares entities is refused with a clear error naming the file, over REST and on the CLI, with nothing
 * stored.
 */

interface RawEntry {
  name: string;
  /** The bytes as stored: deflated when `method` is 8. */
  data: Uint8Array;
  method: 0 | 8;
  /** The uncompressed size the headers declare, which a crafted archive sets to whatever it likes. */
  size: number;
  crc: number;
}

/** A ZIP written byte by byte, so that its headers can declare what they like. */
function rawZip(entries: RawEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(entry.crc, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x800, 8);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(entry.crc, 16);
    header.writeUInt32LE(entry.data.length, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, Buffer.from(entry.data));
    central.push(header, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, directory, end]));
}

function deflated(name: string, text: string): RawEntry {
  const bytes = Buffer.from(text, 'utf8');
  return { name, data: deflateRawSync(bytes), method: 8, size: bytes.length, crc: crc32(bytes) };
}

const INFLATED = 256 * 1024 * 1024;
/** 256 MiB of zeros, deflated to ~250 KiB: built once, before any latency is measured. */
let zeros: Uint8Array;
/** An entry whose headers declare 1 KiB and whose stream inflates to 256 MiB. */
const bombEntry = (name: string): RawEntry => ({ name, data: zeros, method: 8, size: 1024, crc: 0 });

const EMPTY_PROJECT = '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Bomb"/>';

function bombs(): Record<'qdpx' | 'docx' | 'odt', Uint8Array> {
  return {
    qdpx: rawZip([deflated('project.qde', EMPTY_PROJECT), bombEntry('sources/a.txt')]),
    docx: rawZip([deflated('[Content_Types].xml', '<?xml version="1.0"?><Types/>'), bombEntry('word/document.xml')]),
    odt: rawZip([deflated('mimetype', 'application/vnd.oasis.opendocument.text'), bombEntry('content.xml')]),
  };
}

beforeAll(() => {
  zeros = new Uint8Array(deflateRawSync(Buffer.alloc(INFLATED), { level: 9 }));
});

describe('a ZIP bomb is refused by counting what it inflates to, off the event loop (item 7)', () => {
  it.each(['qdpx', 'docx', 'odt'] as const)('a .%s that declares 1 KiB and inflates to 256 MiB', async (format) => {
    const bytes = bombs()[format];
    expect(bytes.byteLength).toBeLessThan(1024 * 1024);
    const started = performance.now();
    const error = await readImport([{ name: `bomb.${format}`, bytes }], { limits: DEFAULT_LIMITS }).catch((e) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code: 'too_large', status: 413, file: `bomb.${format}` });
    expect((error as Error).message).toMatch(
      new RegExp(`^bomb\\.${format}: archive entry ".+" inflates to more than the 1\\.0 KiB its directory declares`),
    );
    expect((error as Error).message).toContain('512.0 MiB in all');
    // Refused after ~16 MiB of the 256, not after inflating them all.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('an entry whose stream ends short of its declared size is damage, not a shorter file', async () => {
    const short: RawEntry = { ...deflated('project.qde', EMPTY_PROJECT), size: EMPTY_PROJECT.length + 10 };
    const error = await readImport([{ name: 'short.qdpx', bytes: rawZip([short]) }], { limits: DEFAULT_LIMITS }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'corrupt_archive', file: 'short.qdpx' });
    expect((error as Error).message).toMatch(/"project\.qde" inflates to \d+ bytes, its directory declares \d+/);
  });

  describe('through the real server', () => {
    let test: TestServer;
    let seeded: Awaited<ReturnType<typeof seedProject>>;
    beforeAll(async () => {
      test = await startTestServer();
      seeded = await seedProject(test);
    });
    afterAll(async () => {
      await test.close();
    });

    const upload = (client: ApiClient, name: string, bytes: Uint8Array) =>
      fetch(`${test.url}/api/projects/${seeded.project.id}/import/files?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: {
          cookie: client.cookie!,
          'x-csrf-token': client.csrfToken!,
          'content-type': 'application/octet-stream',
        },
        body: Buffer.from(bytes),
      });

    /**
     * Uploads `bytes` while another user keeps asking for /api/health and their session, and measures how long each
     * probe takes and how long the event loop (the server's, since it runs in this process) is ever held.
     */
    async function uploadWhileProbing(name: string, bytes: Uint8Array) {
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const probeTimes: number[] = [];
      let done = false;
      const probes = (async () => {
        const coder = seeded.coder.client;
        while (!done || probeTimes.length < 6) {
          for (const path of ['/api/health', '/api/session']) {
            const started = performance.now();
            const response = await coder.get(path);
            probeTimes.push(performance.now() - started);
            expect(response.status).toBe(200);
          }
        }
      })();
      loop.enable();
      const response = await upload(seeded.owner.client, name, bytes);
      const body = (await response.json()) as { error?: { code: string; message: string } };
      done = true;
      await probes;
      loop.disable();
      return { status: response.status, body, probeTimes, maxStallMs: loop.max / 1e6 };
    }

    async function stored() {
      const codes = await test.server.ctx.sync.withDoc(
        docName({ kind: 'codebook', project: seeded.project.id }),
        (doc) => codesMap(doc).size,
      );
      const { projects, transcripts } = await metadataOf(test.server.ctx);
      return { projects: projects.length, transcripts: transcripts.length, codes };
    }

    it('a .qdpx bomb answers 413 naming the file and the limit, stores nothing, and other users wait for nothing', async () => {
      const before = await stored();
      const { status, body, probeTimes, maxStallMs } = await uploadWhileProbing('bomb.qdpx', bombs().qdpx);
      expect(status).toBe(413);
      expect(body.error).toMatchObject({ code: 'too_large' });
      expect(body.error!.message).toMatch(
        /^bomb\.qdpx: archive entry "sources\/a\.txt" inflates to more than the 1\.0 KiB its directory declares/,
      );
      expect(Math.max(...probeTimes)).toBeLessThan(500);
      expect(maxStallMs).toBeLessThan(400);
      expect(await stored()).toEqual(before);
    });

    it('an archive that honestly inflates to 256 MiB is inflated off the event loop', async () => {
      const honest = rawZip([
        deflated('project.qde', EMPTY_PROJECT),
        { name: 'sources/blob.bin', data: zeros, method: 8, size: INFLATED, crc: 0 },
      ]);
      const { status, probeTimes, maxStallMs } = await uploadWhileProbing('big.qdpx', honest);
      expect(status).toBe(201);
      expect(probeTimes.length).toBeGreaterThanOrEqual(6);
      expect(Math.max(...probeTimes)).toBeLessThan(500);
      expect(maxStallMs).toBeLessThan(400);
    });
  });
});

/** Three ways to declare entities: reading a file off the server, growing exponentially, and a plain one. */
const ENTITY_CASES = {
  external: { doctype: (root: string) => `<!DOCTYPE ${root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>`, ref: '&x;' },
  'billion laughs': {
    doctype: (root: string) =>
      `<!DOCTYPE ${root} [<!ENTITY l0 "lol">${Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`,
      ).join('')}]>`,
    ref: '&l9;',
  },
  'single-level internal': { doctype: (root: string) => `<!DOCTYPE ${root} [<!ENTITY a "Stigma">]>`, ref: '&a;' },
} as const;
type EntityCase = keyof typeof ENTITY_CASES;

const CODE_GUID = 'd1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10';
const codes = (name: string) => `<Codes><Code guid="${CODE_GUID}" name="${name}" isCodable="true"/></Codes>`;

function entityFile(kind: EntityCase, format: 'qdc' | 'qdpx'): Uint8Array {
  const { doctype, ref } = ENTITY_CASES[kind];
  if (format === 'qdc') {
    return strToU8(
      `<?xml version="1.0" encoding="utf-8"?>${doctype('CodeBook')}<CodeBook xmlns="urn:QDA-XML:codebook:1.0">${codes(ref)}</CodeBook>`,
    );
  }
  const qde = `<?xml version="1.0" encoding="utf-8"?>${doctype('Project')}<Project xmlns="urn:QDA-XML:project:1.0" name="P"><CodeBook>${codes(ref)}</CodeBook></Project>`;
  return zipSync({ 'project.qde': strToU8(qde) });
}

const ENTITY_MESSAGE = /declares XML entities \(<!ENTITY \.\.\.>\), which Accord does not read/;

describe('XML that declares entities is refused, naming the file (item 8)', () => {
  const all = (Object.keys(ENTITY_CASES) as EntityCase[]).flatMap((kind) =>
    (['qdc', 'qdpx'] as const).map((format) => [kind, format] as const),
  );

  it.each(all)('%s entity in a .%s, read directly', async (kind, format) => {
    const name = `entities.${format}`;
    const error = await readImport([{ name, bytes: entityFile(kind, format) }], { limits: DEFAULT_LIMITS }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code: 'bad_xml', status: 400, file: name });
    expect((error as Error).message).toMatch(new RegExp(`^entities\\.${format}: `));
    expect((error as Error).message).toMatch(ENTITY_MESSAGE);
  });

  it('a DOCTYPE late in the document, an external DTD, and the entities of .odt and .docx', async () => {
    const read = (name: string, bytes: Uint8Array) =>
      readImport([{ name, bytes }], { limits: DEFAULT_LIMITS }).catch((e) => e as ImportError);
    const late = `<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><!DOCTYPE x [<!ENTITY a "b">]>${codes('&a;')}</CodeBook>`;
    expect(await read('late.qdc', strToU8(late))).toMatchObject({
      code: 'bad_xml',
      message: expect.stringMatching(ENTITY_MESSAGE),
    });
    const dtd = `<?xml version="1.0"?><!DOCTYPE CodeBook SYSTEM "http://127.0.0.1:9/codebook.dtd"><CodeBook xmlns="urn:QDA-XML:codebook:1.0">${codes('A')}</CodeBook>`;
    expect(await read('dtd.qdc', strToU8(dtd))).toMatchObject({
      code: 'bad_xml',
      message: expect.stringMatching(/^dtd\.qdc: the XML refers to an external DTD/),
    });
    const content = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "lol">]><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>&a;</text:p></office:text></office:body></office:document-content>`;
    expect(await read('e.odt', zipSync({ 'content.xml': strToU8(content) }))).toMatchObject({
      code: 'bad_xml',
      message: expect.stringMatching(/^e\.odt: content\.xml declares XML entities/),
    });
    const document = `<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "lol">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>`;
    expect(await read('e.docx', zipSync({ 'word/document.xml': strToU8(document) }))).toMatchObject({
      code: 'bad_xml',
      message: expect.stringMatching(/^e\.docx: word\/document\.xml declares XML entities/),
    });
  });

  it('a DOCTYPE that declares no entities and points nowhere is read as before', async () => {
    const plain = `<?xml version="1.0"?><!DOCTYPE CodeBook><CodeBook xmlns="urn:QDA-XML:codebook:1.0">${codes('Stigma &amp; shame')}</CodeBook>`;
    const { bundle } = await readImport([{ name: 'plain.qdc', bytes: strToU8(plain) }], { limits: DEFAULT_LIMITS });
    expect(bundle.codes.map((code) => code.name)).toEqual(['Stigma & shame']);
  });

  describe('over REST and on the CLI', () => {
    let test: TestServer;
    let seeded: Awaited<ReturnType<typeof seedProject>>;
    beforeAll(async () => {
      test = await startTestServer();
      seeded = await seedProject(test);
    });
    afterAll(async () => {
      await test.close();
    });

    it.each(all)('REST: %s entity in a .%s answers 400 and stores nothing', async (kind, format) => {
      const name = `entities.${format}`;
      const ctx = test.server.ctx;
      const codesNow = () =>
        ctx.sync.withDoc(docName({ kind: 'codebook', project: seeded.project.id }), (doc) => codesMap(doc).size);
      const before = await codesNow();
      const response = await fetch(
        `${test.url}/api/projects/${seeded.project.id}/import/files?name=${encodeURIComponent(name)}`,
        {
          method: 'POST',
          headers: {
            cookie: seeded.owner.client.cookie!,
            'x-csrf-token': seeded.owner.client.csrfToken!,
            'content-type': 'application/octet-stream',
          },
          body: Buffer.from(entityFile(kind, format)),
        },
      );
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_xml');
      expect(body.error.message).toMatch(new RegExp(`^entities\\.${format}: `));
      expect(body.error.message).toMatch(ENTITY_MESSAGE);
      expect(await codesNow()).toBe(before);
    });
  });

  it('CLI: each case is one line on stderr and exit code 1, no stack trace, nothing stored', {
    timeout: 90_000,
  }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-cli-entities-'));
    try {
      const add = await runCli(
        ['user', 'add', '--email', 'lead@example.org', '--name', 'Lead', '--admin', '--password-stdin', '--data', dir],
        { stdin: 'a long password\n' },
      );
      expect(add.code).toBe(0);
      const files: string[] = [];
      for (const [kind, format] of all) {
        const file = path.join(dir, `${kind.replaceAll(' ', '-')}.${format}`);
        fs.writeFileSync(file, entityFile(kind, format));
        files.push(file);
      }
      const bomb = path.join(dir, 'bomb.qdpx');
      fs.writeFileSync(bomb, bombs().qdpx);
      for (const file of [...files, bomb]) {
        const result = await runCli(['import', file, '--project', 'Pilot', '--data', dir]);
        expect(result.code, file).toBe(1);
        expect(result.stdout).toBe('');
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines, result.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(
          file === bomb
            ? /^accord import: bomb\.qdpx: archive entry "sources\/a\.txt" inflates to more than the 1\.0 KiB/
            : new RegExp(`^accord import: ${path.basename(file).replace('.', '\\.')}: .*declares XML entities`),
        );
      }
      const missing = await runCli(['import', path.join(dir, 'missing.qdc'), '--project', 'Pilot', '--data', dir]);
      expect(missing.code).toBe(1);
      expect(missing.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^accord import: .*missing\.qdc: cannot read the file \(ENOENT\)$/),
      ]);
      // Nothing was written: the project every one of these imports would have created is nowhere in the metadata.
      const metadata = fs.readFileSync(path.join(dir, 'meta.json'), 'utf8');
      expect(JSON.stringify(JSON.parse(metadata))).not.toContain('Pilot');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
