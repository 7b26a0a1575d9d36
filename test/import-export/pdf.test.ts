import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

describe('PDF through the REST upload and accord import', () => {
  const cleanup: TestServer[] = [];
  afterEach(async () => {
    for (const server of cleanup.splice(0)) await server.close();
  });

  it('uploads, previews and imports a PDF; a scan is refused with 422', async () => {
    const test = await startTestServer();
    cleanup.push(test);
    const { project, owner } = await seedProject(test);
    const upload = (name: string, bytes: Uint8Array) =>
      fetch(`${test.url}/api/projects/${project.id}/import/files?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: {
          cookie: owner.client.cookie!,
          'x-csrf-token': owner.client.csrfToken!,
          'content-type': 'application/octet-stream',
        },
        body: Buffer.from(bytes),
      });
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
