import { docName, readThemes } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../server/src/metadata/audit.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodesTree, codePassages, reviewedTheme } from './helpers.js';

const T1 =
  'Interviewer: How was treatment?\nP1: Hard at first. The fees were high and I felt alone.\n' +
  'My sister. She paid the fees.\n';
const T2 = 'Interviewer: And for you?\nP2: Care was far away. My sister drove me. The fees were fine.\n';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.close();
});

type Cast = Awaited<ReturnType<typeof seedProject>>;

/** Two transcripts with attributes; Care > Cost, Mood, Family; a consensus layer and two coders' layers. */
async function studyWithCodings() {
  const cast = await seedProject(test, T1);
  const p = cast.project.id;
  const t1 = cast.transcript.id;
  await cast.owner.client.patch(`/api/projects/${p}/transcripts/${t1}`, {
    attributes: { age: '18-30', setting: 'urban' },
  });
  const t2 = (
    await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
      title: 'Interview 2',
      participant: 'P2',
      attributes: { age: '31-50', setting: 'rural' },
      text: T2,
      turns: [
        { start: 0, speaker: 'Interviewer' },
        { start: T2.indexOf('P2:'), speaker: 'P2' },
      ],
    })
  ).body.transcript.id as string;
  const codes = await addCodesTree(test, p, [
    { key: 'care', name: 'Care' },
    { key: 'cost', name: 'Cost', parent: 'care' },
    { key: 'mood', name: 'Mood' },
    { key: 'family', name: 'Family' },
  ]);
  await codePassages(test, p, t1, 'consensus', [
    { code: codes.cost!, text: 'The fees were high' },
    { code: codes.mood!, text: 'I felt alone' },
    { code: codes.family!, text: 'My sister. She paid' },
    { code: codes.cost!, text: 'She paid the fees' },
  ]);
  await codePassages(test, p, t2, 'consensus', [
    { code: codes.care!, text: 'Care was far away' },
    { code: codes.family!, text: 'My sister drove me' },
    { code: codes.cost!, text: 'The fees were fine' },
  ]);
  await codePassages(test, p, t1, cast.coder.id, [{ code: codes.mood!, text: 'Hard at first' }]);
  await codePassages(test, p, t1, cast.coder2.id, [{ code: codes.care!, text: 'Hard at first. The fees' }]);
  return { cast, p, t1, t2, codes };
}

const texts = (body: { segments: { text: string }[] }) => body.segments.map((s) => s.text);

describe('retrieval', () => {
  let s: Awaited<ReturnType<typeof studyWithCodings>>;
  let get: (query: string) => Promise<any>;
  beforeAll(async () => {
    s = await studyWithCodings();
    get = async (query: string) => {
      const response = await s.cast.coder.client.get(`/api/projects/${s.p}/analysis/segments?${query}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };
  });

  it('retrieves a code with its subcodes from the consensus layer, with text, speaker, transcript and attributes', async () => {
    const body = await get(`scope=consensus&code=${s.codes.care}`);
    expect(texts(body)).toEqual(['The fees were high', 'She paid the fees', 'Care was far away', 'The fees were fine']);
    expect(body.segments[0]).toMatchObject({
      title: 'Interview 1',
      participant: 'P1',
      attributes: { age: '18-30', setting: 'urban' },
      layer: 'consensus',
      codePath: ['Care', 'Cost'],
      speakers: ['P1'],
    });
  });

  it('leaves subcodes out when asked', async () => {
    expect(texts(await get(`scope=consensus&code=${s.codes.care}&subcodes=false`))).toEqual(['Care was far away']);
  });

  it('filters by attribute value (values of one attribute are alternatives, attributes combine)', async () => {
    expect(texts(await get('attr=age%3D31-50'))).toEqual([
      'Care was far away',
      'My sister drove me',
      'The fees were fine',
    ]);
    expect(texts(await get(`attr=age%3D31-50&attr=age%3D18-30&code=${s.codes.mood}`))).toEqual([
      'Hard at first',
      'I felt alone',
    ]);
    expect(texts(await get('attr=age%3D31-50&attr=setting%3Durban'))).toEqual([]);
  });

  it('reads one coder’s layer with scope=coder:<id> (and the short form coder=<id>)', async () => {
    expect(texts(await get(`coder=${s.cast.coder.id}`))).toEqual(['Hard at first']);
    const one = await get(`scope=coder:${s.cast.coder2.id}`);
    expect(one.segments.map((x: any) => [x.text, x.layers])).toEqual([['Hard at first. The fees', [s.cast.coder2.id]]]);
    expect(one.counted.scope).toBe('the coding of Cora Coder');
    expect(one.counted.rule).toBeNull();
  });

  it('filters by transcript text', async () => {
    expect(texts(await get('contains=SISTER'))).toEqual(['My sister. She paid', 'My sister drove me']);
  });

  it('filters by round (the transcripts of the round)', async () => {
    const round = await s.cast.owner.client.post(`/api/projects/${s.p}/rounds`, {
      name: 'Open pilot',
      mode: 'open',
      transcripts: { ids: [s.t2] },
      coders: [s.cast.coder.id, s.cast.coder2.id],
    });
    expect(round.status, JSON.stringify(round.body)).toBe(201);
    expect(texts(await get(`round=${round.body.round.id}&code=${s.codes.family}`))).toEqual(['My sister drove me']);
  });

  it('exports a retrieval as CSV and as a printable page, and audits both', async () => {
    const csv = await s.cast.coder.client.get(
      `/api/projects/${s.p}/analysis/segments?format=csv&code=${s.codes.family}`,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe(
      'transcript,participant,age,setting,layer,code,speakers,start,end,text,memo',
    );
    expect(csv.body).toContain('Interview 2,P2,31-50,rural,Consensus,Family,P2,');
    expect(csv.body).toContain('Interview 1,P1,18-30,urban,Consensus,Family,P1,');
    const html = await s.cast.coder.client.get(`/api/projects/${s.p}/analysis/segments?format=html&attr=age%3D18-30`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.body).toContain('<blockquote>I felt alone</blockquote>');
    expect(html.body).toContain('age: 18-30');
    const exports = readAudit(test.dataDir, s.p).filter((entry: any) => entry.action === 'analysis.export');
    expect(exports.map((entry: any) => entry.details.format)).toEqual(['csv', 'html']);
  });

  it('refuses bad filters with a 400 and outsiders with a 404', async () => {
    const bad = await s.cast.coder.client.get(`/api/projects/${s.p}/analysis/segments?code=NOT%20AN%20ID`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    const outsider = await test.addUser(`out-${Date.now()}@example.org`, 'Out');
    const response = await (await test.login(outsider.email)).get(`/api/projects/${s.p}/analysis/segments`);
    expect(response.status).toBe(404);
  });
});

describe('search and statistics', () => {
  let s: Awaited<ReturnType<typeof studyWithCodings>>;
  const get = async (path: string) => {
    const response = await s.cast.viewer.client.get(`/api/projects/${s.p}/analysis/${path}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  beforeAll(async () => {
    s = await studyWithCodings();
  });

  it('finds text across transcripts, in context, with speaker and the codes at the hit', async () => {
    const body = await get('search?q=sister&context=12');
    expect(body.hits.map((h: any) => [h.title, h.before, h.match, h.after, h.speaker])).toEqual([
      ['Interview 1', 'alone.\nMy ', 'sister', '. She paid', 'P1'],
      ['Interview 2', 'away. My ', 'sister', ' drove me.', 'P2'],
    ]);
    expect(body.hits[0].codes).toEqual([s.codes.family]);
  });

  it('counts codes per attribute value with subcodes rolled up', async () => {
    const body = await get('frequency?scope=consensus&by=attribute&attribute=age&rollUp=true');
    expect(body.columns).toEqual([
      { id: '18-30', label: '18-30', transcripts: 1 },
      { id: '31-50', label: '31-50', transcripts: 1 },
    ]);
    const care = body.codes.findIndex((c: any) => c.id === s.codes.care);
    expect(body.cells[care].map((c: any) => c.codings)).toEqual([2, 2]);
    expect(body.codes[care].path).toEqual(['Care']);
  });

  it('counts codes per transcript and per speaker', async () => {
    const byTranscript = await get('frequency');
    expect(byTranscript.columns.map((c: any) => c.label)).toEqual(['Interview 1', 'Interview 2']);
    const bySpeaker = await get('frequency?by=speaker');
    const family = bySpeaker.codes.findIndex((c: any) => c.id === s.codes.family);
    expect(bySpeaker.columns.map((c: any) => c.id)).toEqual(['Interviewer', 'P1', 'P2']);
    expect(bySpeaker.cells[family].map((c: any) => c.codings)).toEqual([0, 1, 1]);
  });

  it('gives the co-occurrence matrix and the segments behind a cell', async () => {
    const body = await get('cooccurrence');
    const at = (code: string) => body.codes.findIndex((c: any) => c.id === code);
    expect(body.counts[at(s.codes.family!)][at(s.codes.cost!)]).toBe(1);
    expect(body.counts[at(s.codes.cost!)][at(s.codes.family!)]).toBe(1);
    expect(body.counts[at(s.codes.cost!)][at(s.codes.cost!)]).toBe(3);
    expect(body.counts[at(s.codes.mood!)][at(s.codes.cost!)]).toBe(0);
    const cell = await get(`cooccurrence/segments?a=${s.codes.family}&b=${s.codes.cost}`);
    expect(cell.pairs).toHaveLength(1);
    expect(cell.pairs[0]).toMatchObject({ title: 'Interview 1', overlap: 'She paid', speakers: ['P1'] });
    expect(cell.pairs[0].a.text).toBe('My sister. She paid');
    expect(cell.pairs[0].b.text).toBe('She paid the fees');
  });
});

describe('a coder in a running blind round', () => {
  let s: Awaited<ReturnType<typeof studyWithCodings>>;
  beforeAll(async () => {
    s = await studyWithCodings();
    const round = await s.cast.owner.client.post(`/api/projects/${s.p}/rounds`, {
      name: 'Blind 1',
      mode: 'blind',
      transcripts: { ids: [s.t1] },
      coders: [s.cast.coder.id, s.cast.coder2.id],
    });
    expect(round.status, JSON.stringify(round.body)).toBe(201);
  });

  const as = (who: 'coder' | 'owner' | 'viewer', path: string) =>
    s.cast[who].client.get(`/api/projects/${s.p}/analysis/${path}`).then((response) => {
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    });

  it('gets only their own layer, and nothing from another coder’s layer or the consensus of that transcript', async () => {
    expect(texts(await as('coder', `segments?scope=coder:${s.cast.coder.id}`))).toEqual(['Hard at first']);
    expect(texts(await as('coder', `segments?coder=${s.cast.coder2.id}`))).toEqual([]);
    // The default (all coding they can see): their own layer, and only the other transcript's consensus.
    expect(texts(await as('coder', 'segments'))).toEqual([
      'Hard at first',
      'Care was far away',
      'My sister drove me',
      'The fees were fine',
    ]);
  });

  it('gets nothing of them through statistics, co-occurrence or search', async () => {
    const frequency = await as('coder', `frequency?code=${s.codes.care}&rollUp=true&transcript=${s.t1}`);
    expect(frequency.totals[0].codings).toBe(0);
    const matrix = await as('coder', `cooccurrence?transcript=${s.t1}`);
    expect(matrix.counts.flat().reduce((a: number, b: number) => a + b, 0)).toBe(1);
    const search = await as('coder', 'search?q=Hard');
    expect(search.hits[0].codes).toEqual([s.codes.mood]);
  });

  it('keeps those layers from the owner and a viewer too (no blind-round look through analysis)', async () => {
    expect(texts(await as('owner', `segments?transcript=${s.t1}`))).toEqual([]);
    expect(texts(await as('viewer', `segments?coder=${s.cast.coder2.id}`))).toEqual([]);
  });

  it('refuses to quote from a layer the owner may not read, as if it did not exist', async () => {
    const theme = await reviewedTheme(test, s.p, 'Isolation', [s.codes.mood!]);
    const quote = { transcript: s.t1, layer: s.cast.coder2.id, start: 0, end: 5 };
    const path = `/api/projects/${s.p}/analysis/themes/${theme}/quotes`;
    expect((await s.cast.owner.client.post(path, quote)).status).toBe(404);
    // A coder may not edit themes while the blind round runs at all: the live codebook is locked for coders.
    expect((await s.cast.coder.client.post(path, quote)).status).toBe(403);
  });
});

describe('finalisation gate and final report', () => {
  let cast: Cast;
  let p: string;
  let codes: Record<string, string>;
  let roundId: string;
  beforeAll(async () => {
    cast = await seedProject(test, T1);
    p = cast.project.id;
    codes = await addCodesTree(test, p, [
      { key: 'hard', name: 'Hardship' },
      { key: 'alone', name: 'Loneliness' },
      { key: 'fees', name: 'Fees' },
      { key: 'late', name: 'Added later' },
    ]);
  });

  it('warns that every code was never double-coded before any round was revealed, and records no round', async () => {
    const theme = await reviewedTheme(test, p, 'Early', [codes.hard!]);
    const gate = await cast.coder.client.get(`/api/projects/${p}/analysis/themes/${theme}/gate`);
    expect(gate.body).toMatchObject({
      round: null,
      warns: true,
      codes: [{ name: 'Hardship', reliability: 'neverDoubleCoded' }],
    });
    const refused = await cast.coder.client.post(`/api/projects/${p}/analysis/themes/${theme}/finalise`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('gate_warnings');
    const done = await cast.coder.client.post(`/api/projects/${p}/analysis/themes/${theme}/finalise`, {
      acknowledgeWarnings: true,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.evidence).toMatchObject({
      round: null,
      report: null,
      warningsAcknowledged: true,
      by: cast.coder.id,
    });
  });

  it('shows the latest revealed round’s agreement per code and records the round and report it relied on', async () => {
    const round = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Round 1',
      mode: 'blind',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    roundId = round.body.round.id;
    await codePassages(test, p, cast.transcript.id, cast.coder.id, [
      { code: codes.hard!, text: 'Hard at first' },
      { code: codes.alone!, text: 'I felt alone' },
      { code: codes.fees!, text: 'The fees were high' },
    ]);
    await codePassages(test, p, cast.transcript.id, cast.coder2.id, [
      { code: codes.hard!, text: 'Hard at first' },
      { code: codes.alone!, text: 'My sister' },
      { code: codes.fees!, text: 'The fees were high' },
    ]);
    const revealed = await cast.owner.client.post(`/api/projects/${p}/rounds/${roundId}/reveal`, { force: true });
    expect(revealed.status, JSON.stringify(revealed.body)).toBe(200);

    const good = await reviewedTheme(test, p, 'Money', [codes.hard!, codes.fees!]);
    const gate = await cast.coder.client.get(`/api/projects/${p}/analysis/themes/${good}/gate`);
    expect(gate.body).toMatchObject({ round: { id: roundId, name: 'Round 1' }, warns: false });
    expect(gate.body.codes.map((c: any) => [c.name, c.reliability, c.kappa])).toEqual([
      ['Hardship', 'ok', 1],
      ['Fees', 'ok', 1],
    ]);
    const finalised = await cast.coder.client.post(`/api/projects/${p}/analysis/themes/${good}/finalise`, {});
    expect(finalised.status, JSON.stringify(finalised.body)).toBe(200);
    const stored = await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: p }), (doc) =>
      readThemes(doc).find((t) => t.id === good),
    );
    expect(stored?.status).toBe('final');
    expect(stored?.finalisedWith).toMatchObject({
      round: roundId,
      warningsAcknowledged: false,
      report: { unit: 'character' },
    });
    expect(stored?.finalisedWith?.report?.digest).toMatch(/^[0-9a-f]{64}$/);

    const mixed = await reviewedTheme(test, p, 'Alone', [codes.alone!, codes.late!]);
    const warned = await cast.coder.client.get(`/api/projects/${p}/analysis/themes/${mixed}/gate`);
    expect(warned.body.warns).toBe(true);
    expect(warned.body.codes.map((c: any) => [c.name, c.reliability])).toEqual([
      ['Loneliness', 'belowThreshold'],
      ['Added later', 'neverDoubleCoded'],
    ]);
  });

  it('lets a viewer see the gate but not finalise, and refuses a theme that is not reviewed', async () => {
    const theme = await reviewedTheme(test, p, 'Viewer test', [codes.hard!]);
    expect((await cast.viewer.client.get(`/api/projects/${p}/analysis/themes/${theme}/gate`)).status).toBe(200);
    expect((await cast.viewer.client.post(`/api/projects/${p}/analysis/themes/${theme}/finalise`, {})).status).toBe(
      403,
    );
    await cast.owner.client.post(`/api/projects/${p}/analysis/themes/${theme}/finalise`, {});
    const again = await cast.owner.client.post(`/api/projects/${p}/analysis/themes/${theme}/finalise`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_reviewed');
    expect((await cast.owner.client.get(`/api/projects/${p}/analysis/themes/nope/gate`)).status).toBe(404);
  });

  it('prints the final report: themes, definitions, codes, chosen quotes, counts and reliability', async () => {
    // The reveal carried the coders' identical "The fees were high" into the consensus layer; add one more.
    await codePassages(test, p, cast.transcript.id, 'consensus', [{ code: codes.fees!, text: 'She paid the fees' }]);
    const theme = await reviewedTheme(test, p, 'Paying <for> care', [codes.fees!]);
    const start = T1.indexOf('She paid');
    const quote = await cast.coder.client.post(`/api/projects/${p}/analysis/themes/${theme}/quotes`, {
      transcript: cast.transcript.id,
      layer: 'consensus',
      start,
      end: start + 'She paid the fees'.length,
    });
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    const json = await cast.viewer.client.get(`/api/projects/${p}/analysis/report?format=json`);
    const paying = json.body.themes.find((t: any) => t.id === theme);
    expect(paying).toMatchObject({
      name: 'Paying <for> care',
      definition: 'Paying <for> care: what it means',
      counts: { codings: 2, transcripts: 1, participants: 1 },
      codes: [{ path: ['Fees'], codings: 2, transcripts: 1 }],
      quotes: [{ text: 'She paid the fees', participant: 'P1', speakers: ['P1'], asChosen: false }],
    });
    expect(json.body.reliability).toMatchObject({ round: { id: roundId }, unavailable: null });
    const html = await cast.viewer.client.get(`/api/projects/${p}/analysis/report`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.body).toContain('Paying &lt;for&gt; care');
    expect(html.body).toContain('<blockquote>She paid the fees</blockquote>');
    expect(html.body).toContain('Latest revealed round: <strong>Round 1</strong>');
    expect(html.body).not.toContain('<for>');
  });
});

describe('what is analysed: the scope', () => {
  /** Open coding only: two coders, no round, no consensus (the usual case before any round). */
  let cast: Cast;
  let p: string;
  let codes: Record<string, string>;
  const as = async (path: string, who: 'owner' | 'viewer' | 'coder' = 'viewer') => {
    const response = await cast[who].client.get(`/api/projects/${p}/analysis/${path}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  beforeAll(async () => {
    cast = await seedProject(test, T1);
    p = cast.project.id;
    codes = await addCodesTree(test, p, [
      { key: 'hard', name: 'Hardship' },
      { key: 'fees', name: 'Fees' },
      { key: 'family', name: 'Family' },
    ]);
    // The same passage and code by both coders (counts once when merged), and one passage each.
    await codePassages(test, p, cast.transcript.id, cast.coder.id, [
      { code: codes.fees!, text: 'The fees were high' },
      { code: codes.hard!, text: 'Hard at first' },
    ]);
    await codePassages(test, p, cast.transcript.id, cast.coder2.id, [
      { code: codes.fees!, text: 'The fees were high' },
      { code: codes.family!, text: 'My sister. She paid' },
    ]);
  });

  it('includes open coding by default in retrieval, statistics, co-occurrence, search and the final report', async () => {
    const segments = await as('segments');
    expect(segments.segments.map((x: any) => [x.text, x.layers])).toEqual([
      ['Hard at first', [cast.coder.id]],
      ['The fees were high', [cast.coder.id, cast.coder2.id].sort()],
      ['My sister. She paid', [cast.coder2.id]],
    ]);
    expect(segments.counted.scope).toBe('all coding you can see (consensus and every coder, merged)');
    const frequency = await as('frequency');
    const row = (code: string) => frequency.codes.findIndex((c: any) => c.id === code);
    expect(frequency.totals[row(codes.fees!)]).toEqual({ codings: 1, characters: 18, transcripts: 1 });
    expect(frequency.totals[row(codes.hard!)].codings).toBe(1);
    const matrix = await as('cooccurrence');
    const at = (code: string) => matrix.codes.findIndex((c: any) => c.id === code);
    expect(matrix.counts[at(codes.fees!)][at(codes.fees!)]).toBe(1);
    expect(matrix.counts[at(codes.hard!)][at(codes.hard!)]).toBe(1);
    const search = await as('search?q=fees were');
    expect(search.hits[0].codes).toEqual([codes.fees]);
    const report = await as('report?format=json');
    const fees = report.unthemedCodes.find((c: any) => c.id === codes.fees);
    expect(fees).toMatchObject({ codings: 1, transcripts: 1 });
    expect(report.counted.layers).toEqual(['Cody Coder', 'Cora Coder']);
  });

  it('states in the final report what it counted, and the counting rule', async () => {
    const html = await cast.viewer.client.get(`/api/projects/${p}/analysis/report`);
    expect(html.body).toContain('<strong>What is counted.</strong> Counted: all coding you can see');
    expect(html.body).toContain('layers read: Cody Coder, Cora Coder');
    expect(html.body).toContain('counts once');
    const one = await as(`report?format=json&scope=coder:${cast.coder2.id}`);
    expect(one.counted).toMatchObject({ scope: 'the coding of Cora Coder', rule: null });
    expect(one.unthemedCodes.find((c: any) => c.id === codes.hard)).toMatchObject({ codings: 0 });
  });

  it('analyses one coder, or the consensus where a transcript has one and its coders elsewhere', async () => {
    expect(texts(await as(`segments?scope=coder:${cast.coder.id}`))).toEqual(['Hard at first', 'The fees were high']);
    expect(texts(await as('segments?scope=consensus'))).toEqual([]);
    expect(texts(await as('segments?scope=consensus-else-coders'))).toEqual([
      'Hard at first',
      'The fees were high',
      'My sister. She paid',
    ]);
    const t2 = (
      await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
        title: 'Interview 2',
        participant: 'P2',
        text: T2,
      })
    ).body.transcript.id as string;
    await codePassages(test, p, t2, cast.coder.id, [{ code: codes.fees!, text: 'The fees were fine' }]);
    await codePassages(test, p, cast.transcript.id, 'consensus', [{ code: codes.family!, text: 'My sister' }]);
    // Transcript 1 has a consensus now: only it counts there; transcript 2 still counts its coder.
    expect(texts(await as('segments?scope=consensus-else-coders'))).toEqual(['My sister', 'The fees were fine']);
  });

  it('analyses a revealed round’s snapshot, not what was coded since, and refuses a running round', async () => {
    const created = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Pilot',
      mode: 'open',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    const round = created.body.round.id as string;
    const running = await cast.viewer.client.get(`/api/projects/${p}/analysis/segments?scope=round:${round}`);
    expect(running.status).toBe(409);
    expect((await cast.owner.client.post(`/api/projects/${p}/rounds/${round}/reveal`, { force: true })).status).toBe(
      200,
    );
    await codePassages(test, p, cast.transcript.id, cast.coder.id, [
      { code: codes.family!, text: 'She paid the fees' },
    ]);
    const snapshot = await as(`segments?scope=round:${round}`);
    expect(texts(snapshot)).toEqual(['Hard at first', 'The fees were high', 'My sister. She paid']);
    expect(snapshot.counted.scope).toBe('the reveal snapshots of round “Pilot” (its coders’ coding, merged)');
    expect(texts(await as('segments'))).toContain('She paid the fees');
  });

  it('refuses an unknown scope with a 400', async () => {
    const bad = await cast.viewer.client.get(`/api/projects/${p}/analysis/segments?scope=everything`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/scope must be/);
  });
});
