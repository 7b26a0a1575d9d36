import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { cleanupText } from '@accord/shared/import/cleanup';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportError } from '../../server/src/import/errors.js';
import { DEFAULT_LIMITS } from '../../server/src/import/limits.js';
import { readPdf } from '../../server/src/import/pdf.js';
import { detectTurns } from '../../server/src/import/speakers.js';
import { decodeText } from '../../server/src/import/text.js';
import { readTranscript } from '../../server/src/import/transcripts.js';
import { HEADER, pdfDocument, scannedPdf, TURNS, text, twoPagePdf, wrap } from '../fixtures/pdf/makePdfs.mjs';
import { runCli } from '../helpers/cli.js';
import { metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const fixture = (name: string) => new Uint8Array(fs.readFileSync(new URL(name, FIXTURES)));

describe('hand-made PDF fixtures', () => {
  it('are what makePdfs.mjs writes', () => {
    expect(fixture('pdf/two-page.pdf')).toEqual(new Uint8Array(twoPagePdf()));
    expect(fixture('pdf/scanned.pdf')).toEqual(new Uint8Array(scannedPdf()));
  });

  it('two pages: header, page numbers and line numbers gone, wrapped lines joined, turns found', async () => {
    const { text: read, report } = await readPdf('two-page.pdf', fixture('pdf/two-page.pdf'));
    expect(read).toBe(TURNS.join('\n\n'));
    expect(report.headersAndFooters).toEqual([HEADER, 'Page 1 of 2']);
    expect(report.lineNumbers).toBe(TURNS.reduce((lines, turn) => lines + wrap(turn, 70).length, 0));
    const draft = await readTranscript('Interview 7.pdf', fixture('pdf/two-page.pdf'), DEFAULT_LIMITS);
    expect(draft.title).toBe('Interview 7');
    expect(draft.turns.map((turn) => turn.speaker)).toEqual(TURNS.map((turn) => turn.split(':')[0]));
    // "12 people in a circle" opens a line of the PDF, out of the numbering: it is text and stays.
    expect(draft.text).toContain('Awkward. 12 people in a circle');
  });

  it('a scan without text is refused with what to do', async () => {
    const refused = await readPdf('scan.pdf', fixture('pdf/scanned.pdf')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ImportError);
    expect(refused).toMatchObject({ code: 'no_text', status: 422 });
    expect((refused as Error).message).toMatch(
      /^scan\.pdf: the PDF has no text to import \(1 page of images: a scan\?\); run text recognition \(OCR\)/,
    );
  });
});

describe('hostile and broken PDFs are refused, and the reading is bounded', () => {
  it.each([
    ['not a PDF at all', new TextEncoder().encode('%PDF-1.7\nthis is not really a PDF\n'), 'corrupt_pdf', 400],
    [
      'more pages than the limit',
      pdfDocument(Array.from({ length: 60 }, (_, i) => ({ content: text(72, 700, 10, `P1: page ${i}`) }))),
      'too_large',
      413,
    ],
  ])('%s', async (_name, bytes, code, status) => {
    const limits = { maxPages: 50, maxCharacters: 1_000_000, timeoutMs: 60_000, maxMemoryMb: 256 };
    const refused = await readPdf('bad.pdf', bytes, limits).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ImportError);
    expect(refused).toMatchObject({ code, status });
  });

  it('too much text, and too slow to read: the reading thread is stopped', async () => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      text(72, 800 - (i % 70) * 11, 10, `P${i % 2}: line ${i} of a long page`),
    );
    const heavy = pdfDocument(Array.from({ length: 40 }, () => ({ content: lines.join('') })));
    const limits = { maxPages: 2000, maxCharacters: 10_000, timeoutMs: 60_000, maxMemoryMb: 256 };
    await expect(readPdf('heavy.pdf', heavy, limits)).rejects.toMatchObject({
      code: 'too_large',
      message: 'heavy.pdf: the PDF holds more than 10000 characters of text',
    });
    await expect(readPdf('heavy.pdf', heavy, { ...limits, maxCharacters: 1e9, timeoutMs: 1 })).rejects.toMatchObject({
      code: 'too_large',
      message: expect.stringMatching(/took longer than 0 s, so it was stopped/),
    });
    // The reader recovers: the next PDF is read by a new thread.
    expect((await readPdf('two-page.pdf', fixture('pdf/two-page.pdf'))).text).toBe(TURNS.join('\n\n'));
  });
});

describe('MAXQDA interview exports (real PDFs)', () => {
  // The turn counts of their text versions (server/test/import/speakers.test.ts), now read from the PDFs.
  it.each([
    ['P1', 94, { Dan: 47, Participant: 47 }],
    ['P2', 165, { Dan: 81, Participant: 84 }],
    ['P3', 121, { Dan: 61, Participant: 60 }],
    ['P4', 109, { Dan: 54, Participant: 55 }],
    ['P5', 134, { Dan: 67, Participant: 66, Particpant: 1 }],
    ['P6', 99, { Dan: 50, Participant: 49 }],
    ['P7', 104, { Dan: 52, Participant: 52 }],
  ])('%s.pdf gives %i turns and keeps no paragraph numbers', async (name, turnCount, perSpeaker) => {
    const draft = await readTranscript(
      `${name}.pdf`,
      fixture(`transcripts/pdpilot-user-study/${name}.pdf`),
      DEFAULT_LIMITS,
    );
    expect(draft.turns).toHaveLength(turnCount);
    expect(Object.fromEntries(draft.speakers.map((s) => [s.name, s.turns]))).toEqual(perSpeaker);
    for (const line of draft.text.split('\n')) {
      expect(line).not.toMatch(/^\s*\d+\s+\S/);
      expect(line).not.toMatch(/^\s*\d+\s*$/);
      expect(line).not.toMatch(/^\d+\/\d+$/);
    }
    for (const turn of draft.turns) expect(draft.text.slice(turn.start)).toMatch(/^(Dan|Participant|Particpant): /);
    // Continuation lines are joined: no line break inside a turn.
    expect(draft.text.split('\n\n').every((paragraph) => !paragraph.includes('\n'))).toBe(true);
  });

  it('a line MAXQDA prints again at the top of the next page is kept once', async () => {
    const draft = await readTranscript('P1.pdf', fixture('transcripts/pdpilot-user-study/P1.pdf'), DEFAULT_LIMITS);
    const repeated = 'that and I thought it was useful. And then I was able to drill down';
    expect(draft.text.split(repeated)).toHaveLength(2);
    expect(draft.text).toContain(
      "I didn't see anything. But by clustering at some point, I found " +
        repeated +
        ' a little bit more by highlighting',
    );
  });

  it('the same clean-up on their pdftotext versions gives the same turns', () => {
    for (const [name, count] of [
      ['P1', 94],
      ['P4', 109],
    ] as const) {
      const layout = decodeText('x.txt', fixture(`transcripts/pdpilot-user-study/${name}.layout.txt`));
      const { text: cleaned } = cleanupText(layout);
      expect(detectTurns(cleaned).turns).toHaveLength(count);
      expect(cleaned).not.toMatch(/^\d+\s/m);
    }
  });
});

/** Posts `bytes` as the file `name` to the project's import upload, as the web client does. */
function uploadFile(
  test: TestServer,
  projectId: string,
  owner: { client: { cookie?: string | null; csrfToken?: string | null } },
  name: string,
  bytes: Uint8Array,
) {
  return fetch(`${test.url}/api/projects/${projectId}/import/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: {
      cookie: owner.client.cookie!,
      'x-csrf-token': owner.client.csrfToken!,
      'content-type': 'application/octet-stream',
    },
    body: Buffer.from(bytes),
  });
}

describe('PDF through the REST upload and accord import', () => {
  const cleanup: TestServer[] = [];
  afterEach(async () => {
    for (const server of cleanup.splice(0)) await server.close();
  });

  it('uploads, previews and imports a PDF; a scan is refused with 422', async () => {
    const test = await startTestServer();
    cleanup.push(test);
    const { project, owner } = await seedProject(test);
    const upload = (name: string, bytes: Uint8Array) => uploadFile(test, project.id, owner, name, bytes);
    const previewed = await upload('Interview 7.pdf', fixture('pdf/two-page.pdf'));
    expect(previewed.status).toBe(201);
    const { upload: preview } = (await previewed.json()) as {
      upload: { id: string; transcripts: { title: string; turns: number; characters: number }[] };
    };
    expect(preview.transcripts).toEqual([
      expect.objectContaining({ title: 'Interview 7', turns: 8, characters: TURNS.join('\n\n').length }),
    ]);
    const confirmed = await owner.client.post(`/api/projects/${project.id}/import`, { uploads: [preview.id] });
    expect(confirmed.status).toBe(201);
    expect((await metadataOf(test.server.ctx)).transcripts.map((t) => t.title)).toContain('Interview 7');

    const scan = await upload('scan.pdf', fixture('pdf/scanned.pdf'));
    expect(scan.status).toBe(422);
    expect(((await scan.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'no_text',
      message: expect.stringMatching(/^scan\.pdf: the PDF has no text to import/),
    });
  });

  it('accord import FILE.pdf takes its title from the file name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-pdf-'));
    const add = await runCli(
      ['user', 'add', '--email', 'lead@example.org', '--name', 'Lead', '--admin', '--password-stdin', '--data', dir],
      { stdin: 'a long password\n' },
    );
    expect(add.code).toBe(0);
    const file = path.join(dir, 'Interview P3.pdf');
    fs.copyFileSync(new URL('transcripts/pdpilot-user-study/P3.pdf', FIXTURES), file);
    const imported = await runCli(['import', file, '--project', 'Pilot', '--data', dir]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/1 transcript\(s\)/);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    const data = meta.data ?? meta;
    expect(data.transcripts.map((t: { title: string }) => t.title)).toEqual(['Interview P3']);
    const scan = path.join(dir, 'scan.pdf');
    fs.copyFileSync(new URL('pdf/scanned.pdf', FIXTURES), scan);
    const refused = await runCli(['import', scan, '--project', 'Pilot', '--data', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/scan\.pdf: the PDF has no text to import/);
  });
});

/** A one-page PDF whose content stream is `content`, Flate-compressed (a decompression bomb when it is large). */
function flatePdf(content: Buffer): Buffer {
  const objects: (string | Buffer)[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>',
    content,
  ];
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(offset);
    const parts =
      typeof body === 'string'
        ? [Buffer.from(`${index + 1} 0 obj\n${body}\nendobj\n`, 'latin1')]
        : [
            Buffer.from(`${index + 1} 0 obj\n<< /Filter /FlateDecode /Length ${body.length} >>\nstream\n`, 'latin1'),
            body,
            Buffer.from('\nendstream\nendobj\n', 'latin1'),
          ];
    for (const part of parts) {
      chunks.push(part);
      offset += part.length;
    }
  });
  const xref = offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`).join('');
  chunks.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
      'latin1',
    ),
  );
  return Buffer.concat(chunks);
}

/** `megabytes` MiB of blanks, deflated (about 1 KB per MiB), streamed so the test never holds them whole. */
async function deflatedBlanks(megabytes: number): Promise<Buffer> {
  const blanks = Buffer.alloc(1024 * 1024, 0x20);
  const out: Buffer[] = [];
  const deflate = zlib.createDeflate({ level: 9 });
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  await pipeline(
    Readable.from(
      (function* () {
        for (let i = 0; i < megabytes; i++) yield blanks;
      })(),
    ),
    deflate,
  );
  return Buffer.concat(out);
}

describe('PDF bombs through the REST upload', () => {
  const cleanup: TestServer[] = [];
  afterEach(async () => {
    for (const server of cleanup.splice(0)) await server.close();
  });

  it('a decompression bomb and a page-count bomb are refused with a clear error, nothing kept, server responsive', async () => {
    const test = await startTestServer();
    cleanup.push(test);
    const { project, owner } = await seedProject(test);
    const upload = (name: string, bytes: Uint8Array) => uploadFile(test, project.id, owner, name, bytes);
    const before = (await metadataOf(test.server.ctx)).transcripts.length;

    // About 1 MB that unpacks to 1 GiB of blanks: refused before pdf.js unpacks it (it would take 1 GiB of memory).
    const bomb = flatePdf(await deflatedBlanks(1024));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const order: string[] = [];
    const refusing = upload('bomb.pdf', bomb).then(async (response) => {
      order.push('upload');
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    });
    // While the reading thread works, the server answers others.
    const health = await fetch(`${test.url}/api/health`);
    order.push('health');
    expect(health.status).toBe(200);
    const refused = await refusing;
    expect(order).toEqual(['health', 'upload']);
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({
      code: 'too_large',
      message: 'bomb.pdf: its compressed content unpacks to more than 256 MiB (a decompression bomb?)',
    });

    // 2,001 empty pages: one more than the limit.
    const pages = pdfDocument(Array.from({ length: 2001 }, () => ({ content: '' })));
    const tooMany = await upload('pages.pdf', pages);
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'too_large',
      message: 'pages.pdf: the PDF has 2001 pages, over the limit of 2000',
    });

    expect((await metadataOf(test.server.ctx)).transcripts).toHaveLength(before);
    // The server still reads an honest PDF afterwards.
    expect((await upload('Interview 7.pdf', fixture('pdf/two-page.pdf'))).status).toBe(201);
  });
});
