import { createHash } from 'node:crypto';
import { addCoding, codesMap, codingsMap, computeAgreement, docName, transcriptText } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../server/src/metadata/audit.js';
import { metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodes, closed, connect, names, sleep, until, upgradeStatus } from './helpers.js';

const TEXT =
  'Interviewer: How was treatment?\nP1: Hard at first. I felt alone and nobody called me back.\n' +
  'Interviewer: What helped?\nP1: My sister. She came every week and we talked about it.\n';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.close();
});

type Cast = Awaited<ReturnType<typeof seedProject>>;

/** Each coder codes through a real provider: text doc for anchors, own layer for codings. */
async function code(cast: Cast, who: 'coder' | 'coder2', codings: { code: string; start: number; end: number }[]) {
  const member = cast[who];
  const n = names(cast.project.id, cast.transcript.id);
  const text = connect(test, member.client, n.text);
  const layer = connect(test, member.client, n.layer(member.id));
  await Promise.all([text.synced, layer.synced]);
  const expected = codingsMap(layer.doc).size + codings.length;
  for (const coding of codings) addCoding(layer.doc, text.doc, coding);
  await until(
    () => test.server.ctx.sync.withDoc(n.layer(member.id), (doc) => codingsMap(doc).size >= expected),
    3000,
    'codings to reach the server',
  );
  return { text, layer };
}

const serverCodings = (name: string) => test.server.ctx.sync.withDoc(name, (doc) => codingsMap(doc).size);

describe('a blind round', () => {
  let cast: Cast;
  let codes: Record<string, string>;
  let roundId: string;
  let n: ReturnType<typeof names>;
  const base = () => `/api/projects/${cast.project.id}/rounds/${roundId}`;

  beforeAll(async () => {
    cast = await seedProject(test, TEXT);
    n = names(cast.project.id, cast.transcript.id);
    codes = await addCodes(test, cast.project.id, ['isolation', 'support']);
  });

  it('closes a peek opened before the round, at round creation', async () => {
    const theirs = await code(cast, 'coder2', [{ code: codes.isolation!, start: 41, end: 60 }]);
    const peek = connect(test, cast.coder.client, n.layer(cast.coder2.id));
    await peek.synced;
    expect(codingsMap(peek.doc).size).toBe(1);
    const wasClosed = closed(peek.provider);
    const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
      name: 'Round 1',
      mode: 'blind',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(created.status).toBe(201);
    roundId = created.body.round.id;
    expect(created.body.warnings).toEqual([expect.objectContaining({ code: 'layer_not_empty' })]);
    await wasClosed;
    peek.destroy();
    theirs.text.destroy();
    theirs.layer.destroy();
  });

  it('lets each coder code their own layer', async () => {
    const mine = await code(cast, 'coder', [
      { code: codes.isolation!, start: 41, end: 75 },
      { code: codes.support!, start: 120, end: 150 },
    ]);
    const theirs = await code(cast, 'coder2', [{ code: codes.support!, start: 120, end: 150 }]);
    expect(await serverCodings(n.layer(cast.coder.id))).toBe(2);
    expect(await serverCodings(n.layer(cast.coder2.id))).toBe(2);
    for (const c of [mine, theirs]) {
      c.text.destroy();
      c.layer.destroy();
    }
  });

  it("refuses every direct or guessed join of another coder's layer with the same 404", async () => {
    const unknownProject = await upgradeStatus(test, cast.coder.client, 'p/nosuchproject/codebook');
    expect(unknownProject).toBe(404);
    const guesses = [
      n.layer(cast.coder2.id),
      n.layer(cast.owner.id),
      n.layer('someoneelse0000'),
      n.consensus,
      `${n.layer(cast.coder2.id)}/`,
      encodeURIComponent(n.layer(cast.coder2.id)),
      n.layer(cast.coder2.id).toUpperCase(),
    ];
    for (const guess of guesses) expect(await upgradeStatus(test, cast.coder.client, guess), guess).toBe(404);
    expect(await upgradeStatus(test, cast.coder.client, n.layer(cast.coder.id))).toBe(101);
  });

  it('gives a real provider nothing of the other layer', async () => {
    const attempt = connect(test, cast.coder.client, n.layer(cast.coder2.id));
    await sleep(500);
    expect(attempt.provider.synced).toBe(false);
    expect(codingsMap(attempt.doc).size).toBe(0);
    attempt.destroy();
  });

  it('never sends the other layer name, its codings or its counts over REST', async () => {
    const other = n.layer(cast.coder2.id);
    const paths = [
      `/api/projects/${cast.project.id}/docs`,
      `/api/projects/${cast.project.id}/rounds`,
      base(),
      `/api/projects/${cast.project.id}/agreement-history`,
    ];
    for (const path of paths) {
      const response = await cast.coder.client.get(path);
      expect(response.status, path).toBe(200);
      expect(JSON.stringify(response.body), path).not.toContain(other);
    }
    const docs = (await cast.coder.client.get(`/api/projects/${cast.project.id}/docs`)).body.docs.map(
      (d: any) => d.name,
    );
    expect(docs).toContain(n.layer(cast.coder.id));
    const round = (await cast.coder.client.get(base())).body.round;
    expect(round.progress).toEqual([]);
    expect(round.coders).toEqual([]);
    expect(round.myAssignments).toEqual([
      { transcriptId: cast.transcript.id, title: 'Interview 1', done: false, codings: 2 },
    ]);
    expect(round.layers.map((l: any) => l.docName)).toEqual([n.layer(cast.coder.id)]);
    expect((await cast.coder.client.get(`/api/projects/${cast.project.id}/agreement-history`)).body.history).toEqual(
      [],
    );

    const notFound = (await cast.coder.client.get(`/api/projects/${cast.project.id}/rounds/nosuchround/agreement`))
      .body;
    for (const endpoint of [
      'spans',
      'agreement',
      'agreement?unit=sentence',
      'disagreements',
      'consensus',
      'report',
      'report?format=csv',
    ]) {
      const response = await cast.coder.client.get(`${base()}/${endpoint}`);
      expect(response.status, endpoint).toBe(404);
      expect(response.body.error.code, endpoint).toBe(notFound.error.code);
      expect(JSON.stringify(response.body)).not.toContain(cast.coder2.id);
    }
    const decide = await cast.coder.client.post(`${base()}/consensus`, {
      transcriptId: cast.transcript.id,
      disagreement: '0123456789abcdef',
      choice: 'keepA',
    });
    expect(decide.status).toBe(404);
  });

  it('gives nothing of the other layer through search, exports and counts', async () => {
    const analysis = `/api/projects/${cast.project.id}/analysis`;
    const other = `layer=coders&coder=${cast.coder2.id}`;
    const get = async (path: string) => {
      const response = await cast.coder.client.get(`${analysis}/${path}`);
      const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
      expect(text, path).not.toContain(n.layer(cast.coder2.id));
      return response;
    };
    const segments = await get(`segments?${other}&format=json`);
    expect(segments.body).toMatchObject({ layers: [], segments: [] });
    const csv = await get(`segments?${other}&format=csv`);
    expect((csv.body as string).trim().split('\n')).toHaveLength(1);
    // B coded the passage with "alone" in it; the search hit must not say so.
    const search = await get(`search?q=alone&${other}`);
    expect(search.body.hits.map((hit: any) => hit.codes)).toEqual([[]]);
    const frequency = await get(`frequency?${other}`);
    expect(frequency.body.totals.every((t: any) => t.codings === 0 && t.characters === 0)).toBe(true);
    const cooccurrence = await get(`cooccurrence?${other}`);
    expect(cooccurrence.body.counts.flat().every((count: number) => count === 0)).toBe(true);
  });

  it("leaves the hidden layers out of an owner's project export while the round runs", async () => {
    for (const format of ['csv', 'qdpx']) {
      const response = await cast.owner.client.get(`/api/projects/${cast.project.id}/export?format=${format}`);
      expect(response.status, format).toBe(200);
    }
    const csv = await cast.owner.client.get(`/api/projects/${cast.project.id}/export?format=csv`);
    expect(csv.body as string).not.toContain('Cody Coder');
    expect(csv.body as string).not.toContain('Cora Coder');
  });

  it('hides cursors and selections on the transcript but shows presence', async () => {
    const mine = connect(test, cast.coder.client, n.text);
    const theirs = connect(test, cast.coder2.client, n.text);
    await Promise.all([mine.synced, theirs.synced]);
    theirs.provider.awareness.setLocalState({
      user: { name: 'Cora' },
      cursor: { anchor: 5, head: 20 },
      selection: [5, 20],
    });
    await until(() => mine.provider.awareness.getStates().has(theirs.doc.clientID), 3000, 'presence');
    await sleep(300);
    const seen = mine.provider.awareness.getStates().get(theirs.doc.clientID)!;
    expect(seen.cursor).toBeUndefined();
    expect(seen.selection).toBeUndefined();
    expect(seen.user).toBeDefined();
    mine.destroy();
    theirs.destroy();
  });

  it("makes the round's transcript text and frozen codebook read-only", async () => {
    const text = connect(test, cast.coder.client, n.text);
    const frozenName = docName({ kind: 'roundCodebook', project: cast.project.id, round: roundId });
    const frozen = connect(test, cast.owner.client, frozenName);
    await Promise.all([text.synced, frozen.synced]);
    expect(codesMap(frozen.doc).size).toBe(2);
    transcriptText(text.doc).insert(0, 'TAMPERED ');
    codesMap(frozen.doc).delete(codes.isolation!);
    await sleep(400);
    expect(await test.server.ctx.sync.withDoc(n.text, (doc) => transcriptText(doc).toString())).toBe(TEXT);
    expect(await test.server.ctx.sync.withDoc(frozenName, (doc) => codesMap(doc).size)).toBe(2);
    text.destroy();
    frozen.destroy();
    const patch = await cast.owner.client.patch(`/api/projects/${cast.project.id}/transcripts/${cast.transcript.id}`, {
      title: 'x',
    });
    expect(patch.status).toBe(409);
  });

  it('keeps an owner out when the round does not let owners look', async () => {
    expect(await upgradeStatus(test, cast.owner.client, n.layer(cast.coder2.id))).toBe(404);
    expect((await cast.owner.client.get(`${base()}/agreement`)).status).toBe(404);
    const round = (await cast.owner.client.get(base())).body.round;
    // Progress in a blind round: done or not, no counts or content.
    expect(round.progress).toEqual([
      { transcriptId: cast.transcript.id, coder: cast.coder.id, done: false },
      { transcriptId: cast.transcript.id, coder: cast.coder2.id, done: false },
    ]);
  });

  it('refuses a reveal before everyone is done, unless forced', async () => {
    expect(
      (await cast.coder.client.request('PUT', `${base()}/transcripts/${cast.transcript.id}/done`, { done: true }))
        .status,
    ).toBe(200);
    const early = await cast.owner.client.post(`${base()}/reveal`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_all_done');
    expect((await cast.coder.client.post(`${base()}/reveal`, { force: true })).status).toBe(403);
    const owner = (await cast.owner.client.get(base())).body.round;
    expect(owner.progress.map((p: any) => p.done)).toEqual([true, false]);
  });

  it('reveals: snapshots with SHA-256, read access to each other at once, audited', async () => {
    // A coder holds their own layer open across the reveal.
    const held = connect(test, cast.coder.client, n.layer(cast.coder.id));
    await held.synced;
    expect(
      (await cast.coder2.client.request('PUT', `${base()}/transcripts/${cast.transcript.id}/done`, { done: true }))
        .status,
    ).toBe(200);
    const revealed = await cast.owner.client.post(`${base()}/reveal`, {});
    expect(revealed.status).toBe(200);
    expect(revealed.body.warning).toBeNull();
    expect(revealed.body.round.status).toBe('revealed');

    const stored = (await metadataOf(test.server.ctx)).rounds.find((r) => r.id === roundId)!;
    expect(stored.snapshots.map((s) => s.docName).sort()).toEqual(
      [n.layer(cast.coder.id), n.layer(cast.coder2.id), n.text].sort(),
    );
    for (const snapshot of stored.snapshots) {
      const bytes = await test.server.ctx.sync.readSnapshot(snapshot.docName, snapshot.snapshotId);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(snapshot.sha256);
    }
    const audit = readAudit(test.dataDir, cast.project.id);
    const reveal = audit.find((e) => e.action === 'round.reveal')!;
    expect(reveal).toMatchObject({ actor: cast.owner.id, details: { round: roundId, forced: false } });
    expect(audit.some((e) => e.action === 'round.look')).toBe(false);

    const other = connect(test, cast.coder.client, n.layer(cast.coder2.id));
    await other.synced;
    expect(codingsMap(other.doc).size).toBe(2);
    // Read only: the server drops what a reader sends.
    codingsMap(other.doc).clear();
    await sleep(300);
    expect(await serverCodings(n.layer(cast.coder2.id))).toBe(2);
    other.destroy();
    held.destroy();

    const docs = (await cast.coder.client.get(`/api/projects/${cast.project.id}/docs`)).body.docs.map(
      (d: any) => d.name,
    );
    expect(docs).toContain(n.layer(cast.coder2.id));
    for (const endpoint of ['spans', 'agreement', 'disagreements', 'consensus', 'report']) {
      expect((await cast.coder.client.get(`${base()}/${endpoint}`)).status, endpoint).toBe(200);
    }
  });

  it('computes agreement from the reveal snapshots, not from later edits', async () => {
    const before = (await cast.coder.client.get(`${base()}/spans`)).body;
    const mine = await code(cast, 'coder', [{ code: codes.support!, start: 0, end: 10 }]);
    mine.text.destroy();
    mine.layer.destroy();
    const after = (await cast.coder.client.get(`${base()}/spans`)).body;
    expect(after).toEqual(before);
    expect(before.codings).toHaveLength(4);
    const agreement = (await cast.coder.client.get(`${base()}/agreement`)).body;
    expect(agreement.source).toBe('snapshot');
    expect(agreement.agreement).toEqual(computeAgreement(before));
  });
});

describe('a blind round whose owner may look', () => {
  it('lets the owner open layers and agreement before reveal, and audits every look', async () => {
    const cast = await seedProject(test, TEXT);
    const n = names(cast.project.id, cast.transcript.id);
    const codes = await addCodes(test, cast.project.id, ['isolation']);
    const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
      name: 'Supervised',
      mode: 'blind',
      ownerMayLook: true,
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    const base = `/api/projects/${cast.project.id}/rounds/${created.body.round.id}`;
    await code(cast, 'coder', [{ code: codes.isolation!, start: 41, end: 60 }]).then((c) => {
      c.text.destroy();
      c.layer.destroy();
    });
    const look = connect(test, cast.owner.client, n.layer(cast.coder.id));
    await look.synced;
    expect(codingsMap(look.doc).size).toBe(1);
    look.destroy();
    expect((await cast.owner.client.get(`${base}/agreement`)).status).toBe(200);
    // Coders still see nothing of each other.
    expect(await upgradeStatus(test, cast.coder2.client, n.layer(cast.coder.id))).toBe(404);
    expect((await cast.coder2.client.get(`${base}/agreement`)).status).toBe(404);
    const looks = readAudit(test.dataDir, cast.project.id).filter((e) => e.action === 'round.look');
    expect(looks.map((e) => e.actor)).toEqual([cast.owner.id, cast.owner.id]);
    expect(looks.map((e) => (e.details as any).doc ?? (e.details as any).via)).toEqual([
      n.layer(cast.coder.id),
      'agreement',
    ]);
    const revealed = await cast.owner.client.post(`${base}/reveal`, { force: true });
    expect(revealed.status).toBe(200);
    expect(revealed.body.warning).toMatch(/revealed before 2 coder layer/);
    const audit = readAudit(test.dataDir, cast.project.id).find((e) => e.action === 'round.reveal')!;
    expect(audit.details).toMatchObject({ forced: true });
  });
});

describe('creating rounds', () => {
  it('samples N% of transcripts with a recorded seed, and refuses bad rounds', async () => {
    const cast = await seedProject(test, TEXT);
    for (let i = 2; i <= 10; i++) {
      await cast.owner.client.post(`/api/projects/${cast.project.id}/transcripts`, {
        title: `Interview ${i}`,
        text: TEXT,
      });
    }
    const url = `/api/projects/${cast.project.id}/rounds`;
    const coders = [cast.coder.id, cast.coder2.id];
    const sampled = await cast.owner.client.post(url, {
      name: 'Sample',
      mode: 'open',
      transcripts: { percent: 30, seed: 7 },
      coders,
    });
    expect(sampled.status).toBe(201);
    expect(sampled.body.round.sample).toEqual({ percent: 30, seed: 7, populationSize: 10 });
    expect(sampled.body.round.transcripts).toHaveLength(3);
    const audit = readAudit(test.dataDir, cast.project.id).find((e) => e.action === 'round.create')!;
    expect(audit.details).toMatchObject({ sample: { percent: 30, seed: 7 } });

    const inRound = sampled.body.round.transcripts[0].transcriptId;
    const refusals: [unknown, number, string][] = [
      [{ name: 'X', mode: 'blind', transcripts: { ids: [inRound] }, coders }, 409, 'in_round'],
      [
        { name: 'X', mode: 'blind', transcripts: { ids: [cast.transcript.id] }, coders: [cast.coder.id] },
        400,
        'invalid_input',
      ],
      [{ name: 'X', mode: 'blind', transcripts: { ids: ['nosuch'] }, coders }, 400, 'invalid_input'],
      [
        {
          name: 'X',
          mode: 'blind',
          transcripts: { ids: [cast.transcript.id] },
          coders: [cast.coder.id, cast.viewer.id],
        },
        400,
        'not_a_coder',
      ],
      [{ name: 'X', mode: 'sneaky', transcripts: { ids: [cast.transcript.id] }, coders }, 400, 'invalid_input'],
      [{ name: 'X', mode: 'blind', transcripts: { percent: 0 }, coders }, 400, 'invalid_input'],
    ];
    for (const [body, status, code] of refusals) {
      const response = await cast.owner.client.post(url, body);
      expect([response.status, response.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(
      (await cast.coder.client.post(url, { name: 'X', mode: 'open', transcripts: { percent: 50 }, coders })).status,
    ).toBe(403);
  });

  it('freezes the codebook: later changes to the live codebook do not reach the round copy', async () => {
    const cast = await seedProject(test, TEXT);
    await addCodes(test, cast.project.id, ['a', 'b']);
    const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
      name: 'Frozen',
      mode: 'open',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    await addCodes(test, cast.project.id, ['c']);
    const frozen = connect(test, cast.coder.client, created.body.round.codebook.docName);
    await frozen.synced;
    expect(codesMap(frozen.doc).size).toBe(2);
    expect(created.body.round.codebook.sha256).toMatch(/^[0-9a-f]{64}$/);
    frozen.destroy();
  });
});

describe('an open round', () => {
  it('updates agreement live as people code, for every member', async () => {
    const cast = await seedProject(test, TEXT);
    const codes = await addCodes(test, cast.project.id, ['isolation']);
    const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
      name: 'Open',
      mode: 'open',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    const base = `/api/projects/${cast.project.id}/rounds/${created.body.round.id}`;
    const first = (await cast.coder.client.get(`${base}/agreement`)).body;
    expect(first.source).toBe('live');
    expect(first.codes).toEqual([]);
    const c1 = await code(cast, 'coder', [{ code: codes.isolation!, start: 41, end: 60 }]);
    const c2 = await code(cast, 'coder2', [{ code: codes.isolation!, start: 41, end: 60 }]);
    const second = (await cast.viewer.client.get(`${base}/agreement`)).body;
    expect(second.codes).toHaveLength(1);
    expect(second.codes[0]).toMatchObject({
      name: 'isolation',
      kappaName: "Cohen's kappa",
      kappa: { value: 1 },
      flags: [],
    });
    const owner = (await cast.owner.client.get(base)).body.round;
    expect(owner.progress.map((p: any) => p.codings)).toEqual([1, 1]);
    for (const c of [c1, c2]) {
      c.text.destroy();
      c.layer.destroy();
    }
  });
});
