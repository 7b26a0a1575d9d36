import { addCoding } from '@accord/shared';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/src/metadata/audit.js';
import { readAudit } from '../../server/src/metadata/audit.js';
import { readBundle } from '../../server/src/projects/bundleIo.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodes, names } from '../rounds/helpers.js';

/**
 * Issue 21 item 11: every read of a layer hidden by a running blind round, by any route, writes `round.look` (one
 * entry per request and round, naming the layers), and a read that touches no hidden layer writes none.
 */
const TEXT =
  'Interviewer: How was it?\nP1: Hard at first. I felt alone.\nInterviewer: And then?\nP1: My sister came.\n';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.close();
});

type Cast = Awaited<ReturnType<typeof seedProject>>;

/** Codings written on the server, as a coder's client would have synced them (set-up, not under test). */
async function codeOnServer(cast: Cast, coder: string, code: string, start: number, end: number) {
  const n = names(cast.project.id, cast.transcript.id);
  await test.server.ctx.sync.withDoc(n.text, (text) =>
    test.server.ctx.sync.withDoc(n.layer(coder), (layer) => {
      addCoding(layer, text, { code, start, end });
    }),
  );
}

async function blindRound(ownerMayLook: boolean) {
  const cast = await seedProject(test, TEXT);
  const codes = await addCodes(test, cast.project.id, ['=isolation']);
  await codeOnServer(cast, cast.coder.id, codes['=isolation']!, 30, 52);
  await codeOnServer(cast, cast.coder2.id, codes['=isolation']!, 35, 52);
  const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
    name: 'Blind',
    mode: 'blind',
    ownerMayLook,
    transcripts: { ids: [cast.transcript.id] },
    coders: [cast.coder.id, cast.coder2.id],
  });
  expect(created.status).toBe(201);
  return { cast, round: created.body.round.id as string, n: names(cast.project.id, cast.transcript.id) };
}

const looks = (project: string): AuditEntry[] =>
  readAudit(test.dataDir, project).filter((entry) => entry.action === 'round.look');

/** The `round.look` entries written by one request. */
async function looksOf(project: string, request: () => Promise<{ status: number }>): Promise<AuditEntry[]> {
  const before = looks(project).length;
  const response = await request();
  expect(response.status).toBe(200);
  return looks(project).slice(before);
}

describe('an owner allowed to look into a running blind round', () => {
  it('exporting (qdpx, csv, matrix) writes one round.look per request naming the layers read', async () => {
    const { cast, round, n } = await blindRound(true);
    const exportUrl = (query: string) => `/api/projects/${cast.project.id}/export?${query}`;
    const expected = {
      actor: cast.owner.id,
      action: 'round.look',
      project: cast.project.id,
      details: { round, via: 'export', docs: [n.layer(cast.coder.id), n.layer(cast.coder2.id)].sort() },
    };

    const response = await fetch(`${test.url}${exportUrl('format=qdpx')}`, {
      headers: { cookie: cast.owner.client.cookie! },
    });
    const qdpx = new Uint8Array(await response.arrayBuffer());
    expect(looks(cast.project.id)).toEqual([expect.objectContaining(expected)]);
    // The hidden layers did go out: that is why the look is written.
    expect(strFromU8(unzipSync(qdpx)['project.qde']!).match(/<Coding /g)).toHaveLength(2);

    for (const query of ['format=csv', 'format=codebook-csv', 'format=matrix&code=%3Disolation']) {
      const written = await looksOf(cast.project.id, () => cast.owner.client.get(exportUrl(query)));
      expect(written, query).toEqual([expect.objectContaining(expected)]);
    }
  });

  it('reading the round (agreement, report views, consensus) writes round.look too, once per request', async () => {
    const { cast, round, n } = await blindRound(true);
    const base = `/api/projects/${cast.project.id}/rounds/${round}`;
    for (const view of ['spans', 'agreement', 'disagreements']) {
      const written = await looksOf(cast.project.id, () => cast.owner.client.get(`${base}/${view}`));
      expect(written, view).toEqual([
        expect.objectContaining({
          actor: cast.owner.id,
          details: { round, via: view, docs: [n.layer(cast.coder.id), n.layer(cast.coder2.id)].sort() },
        }),
      ]);
    }
    const consensus = await looksOf(cast.project.id, () => cast.owner.client.get(`${base}/consensus`));
    expect(consensus).toEqual([
      expect.objectContaining({ actor: cast.owner.id, details: { round, via: 'consensus', docs: [n.consensus] } }),
    ]);
  });

  it('analysis reads no hidden layer, and writes no round.look', async () => {
    const { cast } = await blindRound(true);
    const analysis = `/api/projects/${cast.project.id}/analysis`;
    for (const path of [
      '/segments?layer=coders',
      '/segments?layer=coders&format=csv',
      '/frequency?layer=coders',
      '/report?layer=coders&format=json',
    ]) {
      const written = await looksOf(cast.project.id, () => cast.owner.client.get(`${analysis}${path}`));
      expect(written, path).toEqual([]);
    }
    const segments = await cast.owner.client.get(`${analysis}/segments?layer=coders`);
    expect(segments.body.segments).toEqual([]);
  });

  it('the offline CLI reading hidden layers is a look too, written with no actor', async () => {
    const { cast, round, n } = await blindRound(true);
    await readBundle(test.server.ctx, cast.project.id);
    expect(looks(cast.project.id)).toEqual([
      expect.objectContaining({
        actor: null,
        details: { round, via: 'export', docs: [n.layer(cast.coder.id), n.layer(cast.coder2.id)].sort() },
      }),
    ]);
  });
});

describe('reads that touch no hidden layer', () => {
  it('an owner not allowed to look exports without the hidden layers, and no round.look', async () => {
    const { cast } = await blindRound(false);
    const csv = await cast.owner.client.get(`/api/projects/${cast.project.id}/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(1);
    expect(looks(cast.project.id)).toEqual([]);
  });

  it('an export outside any running round writes no round.look', async () => {
    const cast = await seedProject(test, TEXT);
    const codes = await addCodes(test, cast.project.id, ['isolation']);
    await codeOnServer(cast, cast.coder.id, codes.isolation!, 30, 52);
    const csv = await cast.owner.client.get(`/api/projects/${cast.project.id}/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(2);
    expect(looks(cast.project.id)).toEqual([]);
  });

  it("a coder's own layer is never a look", async () => {
    const { cast } = await blindRound(true);
    const spans = await cast.coder.client.get(`/api/projects/${cast.project.id}/analysis/segments?layer=coders`);
    expect(spans.status).toBe(200);
    expect(looks(cast.project.id)).toEqual([]);
  });
});
