import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../server/src/http/errorHandler.js';
import { importExportRoutes } from '../../server/src/http/routes/importExport.js';
import { csrfProtection, readSession } from '../../server/src/http/session.js';
import { metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** The real server for sessions, plus the import/export router mounted the way the lead mounts routers. */
async function setUp() {
  const test: TestServer = await startTestServer();
  cleanup.push(() => test.close());
  const { ctx } = test.server;
  const app = express();
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(readSession(ctx));
  api.use(csrfProtection(ctx));
  api.use(importExportRoutes(ctx));
  api.use(errorHandler(ctx.logger));
  app.use('/api', api);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const seeded = await seedProject(test);
  const owner = seeded.owner.client;
  const headers = () => ({ cookie: owner.cookie!, 'x-csrf-token': owner.csrfToken! });
  const upload = (name: string, bytes: Uint8Array | string, client = owner) =>
    fetch(`${base}/api/projects/${seeded.project.id}/import/files?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: {
        cookie: client.cookie!,
        'x-csrf-token': client.csrfToken!,
        'content-type': 'application/octet-stream',
      },
      body: typeof bytes === 'string' ? bytes : Buffer.from(bytes),
    });
  const confirm = (body: unknown) =>
    fetch(`${base}/api/projects/${seeded.project.id}/import`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const download = (query: string, client = owner) =>
    fetch(`${base}/api/projects/${seeded.project.id}/export?${query}`, { headers: { cookie: client.cookie! } });
  return { test, seeded, upload, confirm, download };
}

describe('REST import and export', () => {
  it('upload, preview, correct the speakers, confirm, export', async () => {
    const { test, upload, confirm, download } = await setUp();
    const transcript = 'Interviewer: hello\nParticipant: hi\nInterviewer: bye\nParticpant: ok\n';
    const previewed = await upload('Interview 2.txt', transcript);
    expect(previewed.status).toBe(201);
    const { upload: preview } = (await previewed.json()) as {
      upload: { id: string; transcripts: { speakers: unknown[] }[] };
    };
    expect(preview.transcripts[0]!.speakers).toEqual([
      { name: 'Interviewer', turns: 2 },
      { name: 'Participant', turns: 1 },
      { name: 'Particpant', turns: 1 },
    ]);
    const confirmed = await confirm({
      uploads: [preview.id],
      speakers: { 'Interview 2.txt': { Particpant: 'Participant' } },
      pasted: [{ title: 'Notes', text: 'P1: pasted\r\nP2: text' }],
    });
    expect(confirmed.status).toBe(201);
    expect(((await confirmed.json()) as { summary: { transcripts: number } }).summary.transcripts).toBe(2);
    const stored = (await metadataOf(test.server.ctx)).transcripts.map((t) => t.title);
    expect(stored).toEqual(['Interview 1', 'Interview 2', 'Notes']);

    const csv = await download('format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="Study_\w+\.csv"/);
    const qdpx = await download('format=qdpx');
    const entries = unzipSync(new Uint8Array(await qdpx.arrayBuffer()));
    expect(strFromU8(entries['project.qde']!)).toContain('name="Interview 2"');
  });

  it('a bad file is refused with its name and nothing is held or written', async () => {
    const { test, upload } = await setUp();
    const response = await upload('project.qdpx', 'not a zip');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'corrupt_archive', message: expect.stringMatching(/^project\.qdpx: not a readable ZIP archive/) },
    });
    expect((await metadataOf(test.server.ctx)).transcripts).toHaveLength(1);
  });

  it('only members who may edit transcripts import, only owners export', async () => {
    const { seeded, upload, download } = await setUp();
    expect((await upload('a.txt', 'hi', seeded.viewer.client)).status).toBe(403);
    expect((await download('format=qdpx', seeded.coder.client)).status).toBe(403);
    expect((await download('format=nope')).status).toBe(400);
  });
});
