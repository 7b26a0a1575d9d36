import { addCoding, buildSpansInput, codesMap, readCodings, readTurns, transcriptText } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAudit } from '../../server/src/metadata/audit.js';
import { runCli } from '../helpers/cli.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodes, connect, names, until } from './helpers.js';

const TEXT =
  'Interviewer: How was treatment?\nP1: Hard at first. I felt alone and nobody called me back.\n' +
  'Interviewer: What helped?\nP1: My sister. She came every week and we talked about it.\n';

let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
let codes: Record<string, string>;
let base: string;
let n: ReturnType<typeof names>;

/** What each coder codes, blind: one agreement, one boundary difference, one different code, one A-only. */
const at = (phrase: string) => {
  const start = TEXT.indexOf(phrase);
  if (start < 0) throw new Error(phrase);
  return { start, end: start + phrase.length };
};

beforeAll(async () => {
  test = await startTestServer();
  cast = await seedProject(test, TEXT);
  n = names(cast.project.id, cast.transcript.id);
  codes = await addCodes(test, cast.project.id, ['isolation', 'support', 'coping', 'family']);
  const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
    name: 'Round A',
    mode: 'blind',
    transcripts: { ids: [cast.transcript.id] },
    coders: [cast.coder.id, cast.coder2.id],
    adjudicators: [cast.owner.id, cast.coder.id],
  });
  base = `/api/projects/${cast.project.id}/rounds/${created.body.round.id}`;
  const plan = {
    coder: [
      { code: codes.isolation!, ...at('I felt alone') },
      { code: codes.support!, ...at('My sister. She came every week') },
      { code: codes.coping!, ...at('we talked about it') },
      { code: codes.isolation!, ...at('Hard at first') },
    ],
    coder2: [
      { code: codes.isolation!, ...at('I felt alone') },
      { code: codes.support!, ...at('She came every week') },
      { code: codes.family!, ...at('we talked about it') },
    ],
  };
  for (const who of ['coder', 'coder2'] as const) {
    const member = cast[who];
    const text = connect(test, member.client, n.text);
    const layer = connect(test, member.client, n.layer(member.id));
    await Promise.all([text.synced, layer.synced]);
    for (const coding of plan[who]) addCoding(layer.doc, text.doc, coding);
    await until(async () => (await member.client.get(base)).body.round.myAssignments[0].codings === plan[who].length);
    await member.client.request('PUT', `${base}/transcripts/${cast.transcript.id}/done`, { done: true });
    text.destroy();
    layer.destroy();
  }
  expect((await cast.owner.client.post(`${base}/reveal`, {})).status).toBe(200);
});
afterAll(async () => {
  await test.close();
});

describe('disagreement review', () => {
  it('lists each disagreement with its text, speaker and both versions', async () => {
    const { body } = await cast.coder2.client.get(`${base}/disagreements`);
    expect(body.source).toBe('snapshot');
    expect(body.disagreements.map((d: any) => [d.kind, d.text, d.speaker, d.a.length, d.b.length])).toEqual([
      ['oneCoderOnly', 'Hard at first', 'P1', 1, 0],
      ['differentBoundaries', 'My sister. She came every week', 'P1', 1, 1],
      ['differentCodes', 'we talked about it', 'P1', 1, 1],
    ]);
    const boundaries = body.disagreements[1];
    expect(boundaries.coders).toEqual([cast.coder.id, cast.coder2.id]);
    expect(boundaries.b[0]).toMatchObject({ code: codes.support, ...at('She came every week') });
    expect(boundaries.resolution).toBeNull();
  });

  it.each([
    ['kind=differentCodes', 1],
    ['kind=oneCoderOnly', 1],
    [`code=CODE_support`, 1],
    [`code=CODE_isolation`, 1],
    [`transcript=nosuch`, 0],
    ['coderA=CODER&coderB=CODER2', 3],
    ['coderA=CODER2&coderB=CODER', 3],
  ])('filters by %s', async (query, count) => {
    const resolved = query
      .replace(/CODE_(\w+)/, (_m, name) => codes[name]!)
      .replace('CODER2', cast.coder2.id)
      .replace('CODER', cast.coder.id);
    const { body } = await cast.owner.client.get(`${base}/disagreements?${resolved}`);
    expect(body.disagreements).toHaveLength(count);
  });

  it('carried the agreed coding into the consensus at reveal', async () => {
    const { body } = await cast.viewer.client.get(`${base}/consensus`);
    expect(body.transcripts[0].codings).toEqual([
      expect.objectContaining({
        code: codes.isolation,
        ...at('I felt alone'),
        provenance: expect.objectContaining({ decision: 'agreed' }),
      }),
    ]);
  });
});

describe('consensus', () => {
  const list = async () => (await cast.owner.client.get(`${base}/disagreements`)).body.disagreements;
  const consensus = async () => (await cast.owner.client.get(`${base}/consensus`)).body.transcripts[0];

  it('lets an adjudicator keep one version, with who, when and why', async () => {
    const [, boundaries] = await list();
    const decided = await cast.coder.client.post(`${base}/consensus`, {
      transcriptId: cast.transcript.id,
      disagreement: boundaries.id,
      choice: 'keepB',
      memo: 'The definition covers the visits, not the person',
    });
    expect(decided.status).toBe(201);
    const { codings, decisions } = await consensus();
    const kept = codings.find((c: any) => c.provenance.decision === 'keepB');
    expect(kept).toMatchObject({
      code: codes.support,
      ...at('She came every week'),
      provenance: {
        decidedBy: cast.coder.id,
        decision: 'keepB',
        memo: 'The definition covers the visits, not the person',
        sources: [
          { coder: cast.coder.id, coding: boundaries.a[0].id },
          { coder: cast.coder2.id, coding: boundaries.b[0].id },
        ],
      },
    });
    expect(decisions).toHaveLength(1);
    expect((await list())[1].resolution).toMatchObject({ decision: 'keepB', decidedBy: cast.coder.id });
    const audit = readAudit(test.dataDir, cast.project.id).filter((e) => e.action === 'round.consensus');
    expect(audit).toHaveLength(1);
  });

  it('recodes, merges, drops, and replaces an earlier decision', async () => {
    const [onlyA, , differentCodes] = await list();
    const post = (body: object) =>
      cast.owner.client.post(`${base}/consensus`, { transcriptId: cast.transcript.id, ...body });
    expect(
      (await post({ disagreement: differentCodes.id, choice: 'recode', code: codes.coping, memo: 'coping it is' }))
        .status,
    ).toBe(201);
    expect((await post({ disagreement: onlyA.id, choice: 'keepA', memo: '' })).status).toBe(201);
    let current = await consensus();
    expect(current.codings.map((c: any) => [c.code, TEXT.slice(c.start, c.end), c.provenance.decision])).toEqual([
      [codes.isolation, 'Hard at first', 'keepA'],
      [codes.isolation, 'I felt alone', 'agreed'],
      [codes.support, 'She came every week', 'keepB'],
      [codes.coping, 'we talked about it', 'recode'],
    ]);
    expect((await post({ disagreement: onlyA.id, choice: 'drop', memo: 'not isolation' })).status).toBe(201);
    current = await consensus();
    expect(current.codings).toHaveLength(3);
    expect(current.decisions.find((d: any) => d.disagreement === onlyA.id)).toMatchObject({
      decision: 'drop',
      codings: [],
    });
  });

  it('refuses non-adjudicators, unknown disagreements and recodes without a known code', async () => {
    const [onlyA] = await list();
    const body = { transcriptId: cast.transcript.id, disagreement: onlyA.id, choice: 'keepA' };
    const refusals: [typeof cast.owner.client, object, number][] = [
      [cast.coder2.client, body, 403],
      [cast.viewer.client, body, 403],
      [cast.owner.client, { ...body, disagreement: 'ffffffffffffffff' }, 404],
      [cast.owner.client, { ...body, choice: 'recode' }, 400],
      [cast.owner.client, { ...body, choice: 'recode', code: 'nosuchcode' }, 400],
      [cast.owner.client, { ...body, choice: 'invent' }, 400],
    ];
    for (const [client, sent, status] of refusals)
      expect((await client.post(`${base}/consensus`, sent)).status).toBe(status);
  });

  it('links codebook changes made during review to the round', async () => {
    const changed = await cast.owner.client.patch(`${base}/codes/${codes.coping}`, {
      definition: 'Active ways of dealing with distress, including talking it through',
      memo: 'from the review of Round A',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.codebookChanges).toEqual([
      expect.objectContaining({
        code: codes.coping,
        fields: {
          definition: { before: '', after: 'Active ways of dealing with distress, including talking it through' },
        },
        memo: 'from the review of Round A',
        by: cast.owner.id,
      }),
    ]);
    const live = await test.server.ctx.sync.withDoc(`p/${cast.project.id}/codebook`, (doc) =>
      codesMap(doc).get(codes.coping!)!.get('definition'),
    );
    expect(live).toMatch(/talking it through/);
    expect((await cast.coder2.client.patch(`${base}/codes/${codes.coping}`, { definition: 'x' })).status).toBe(403);
  });
});

describe('the reliability report', () => {
  it('has everything a reviewer needs, and recomputing from the snapshots gives identical numbers', async () => {
    const { status, body: report } = await cast.viewer.client.get(`${base}/report`);
    expect(status).toBe(200);
    expect(report.round).toMatchObject({ name: 'Round A', mode: 'blind', forcedReveal: false });
    expect(report.coders.map((c: any) => c.name)).toEqual(['Cody Coder', 'Cora Coder']);
    expect(report.transcripts).toEqual([
      { id: cast.transcript.id, title: 'Interview 1', length: TEXT.length, coders: [cast.coder.id, cast.coder2.id] },
    ]);
    expect(report.codebook.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.codebook.codes.map((c: any) => c.name).sort()).toEqual(['coping', 'family', 'isolation', 'support']);
    expect(report.snapshots).toHaveLength(3);
    expect(report.codes.map((c: any) => c.name).sort()).toEqual(['coping', 'family', 'isolation', 'support']);
    for (const code of report.codes) {
      expect(code.kappa).toHaveProperty('value');
      if (code.kappa.value !== null) expect(typeof code.kappa.interpretation).toBe('string');
      // One transcript: too few for an interval, and said so (no bootstrap was run).
      expect(code.intervals.kappa).toMatchObject({ ci95: null, transcripts: 1 });
      expect(code.intervals.kappa.warning).toMatch(/an interval needs at least 5/);
    }
    expect(report.method).toMatch(/Intercoder reliability was assessed on 1 transcript selected by the research team/);
    expect(report.method).toMatch(/SHA-256/);
    expect(report.codebookChanges).toHaveLength(1);

    // Rebuild the input from the snapshot files alone (readSnapshot checks their SHA-256).
    const sync = test.server.ctx.sync;
    const snapshot = async (name: string) => {
      const record = report.snapshots.find((s: any) => s.docName === name);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, await sync.readSnapshot(name, record.snapshotId));
      return doc;
    };
    const textDoc = await snapshot(n.text);
    const layers = [];
    for (const coder of [cast.coder.id, cast.coder2.id]) {
      layers.push({
        document: cast.transcript.id,
        coder,
        codings: readCodings(await snapshot(n.layer(coder)), textDoc),
      });
    }
    const rebuilt = buildSpansInput(
      [
        {
          id: cast.transcript.id,
          text: transcriptText(textDoc).toString(),
          turns: readTurns(textDoc),
          coders: [cast.coder.id, cast.coder2.id],
        },
      ],
      layers,
      { unit: 'character' },
    );
    expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(report.input);
    const cli = await runCli(['agreement', '-'], { stdin: JSON.stringify(rebuilt) });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(report.agreement);
  });

  it('exports CSV and a printable HTML page, audited', async () => {
    const csv = await cast.owner.client.get(`${base}/report?format=csv&unit=sentence`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (csv.body as string).trim().split('\n');
    expect(lines[0]).toMatch(/^round,unit,codebook_sha256,code,code_name,coders,statistic,value,ci95_low/);
    expect(lines.filter((l) => l.includes(',cohen_kappa,'))).toHaveLength(4);
    expect(lines[1]).toContain(',sentence,');
    const html = await cast.owner.client.get(`${base}/report?format=html`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(html.body).toContain('<h2>Method</h2>');
    expect(html.body).not.toContain('<script');
    const audit = readAudit(test.dataDir, cast.project.id).filter((e) => e.action === 'round.report');
    expect(audit.length).toBeGreaterThanOrEqual(3);
  });

  it('tracks agreement across rounds', async () => {
    const { body } = await cast.owner.client.get(`/api/projects/${cast.project.id}/agreement-history`);
    expect(body.history).toHaveLength(1);
    expect(body.history[0]).toMatchObject({ round: { name: 'Round A' }, codebookChanges: 1 });
    expect(typeof body.history[0].meanKappa).toBe('number');
  });
});
