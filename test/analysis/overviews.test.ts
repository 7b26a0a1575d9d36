import type { CodeMatrixResponse, GroupComparisonResponse } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodesTree, codePassages } from './helpers.js';

/**
 * The visual overviews' endpoints through the real server: the code x transcript matrix and codes compared across
 * groups. What a cell counts must be exactly what retrieving that cell gives (the client's drill-down relies on
 * it), by default over all coding the caller may see, open coding outside any round included.
 */
const T1 =
  'Interviewer: How was treatment?\nP1: Hard at first. The fees were high and I felt alone.\n' +
  'My sister. She paid the fees.\n';
const T2 = 'Interviewer: And for you?\nP2: Care was far away. My sister drove me. The fees were fine.\n';
const T3 = 'Interviewer: Anything else?\nP3: Nothing to add.\n';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.close();
});

/**
 * Three transcripts (age 18-30, 31-50, none); Care > Cost, Mood, Family. The consensus and Cody code Interview 1
 * (one passage both, "The fees were high"); Cora codes Interview 2 in open coding, no round anywhere.
 */
async function study() {
  const cast = await seedProject(test, T1);
  const p = cast.project.id;
  const t1 = cast.transcript.id as string;
  await cast.owner.client.patch(`/api/projects/${p}/transcripts/${t1}`, { attributes: { age: '18-30' } });
  const add = async (title: string, participant: string, text: string, attributes: Record<string, string>) =>
    (
      await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
        title,
        participant,
        attributes,
        text,
        turns: [
          { start: 0, speaker: 'Interviewer' },
          { start: text.indexOf(`${participant}:`), speaker: participant },
        ],
      })
    ).body.transcript.id as string;
  const t2 = await add('Interview 2', 'P2', T2, { age: '31-50' });
  const t3 = await add('Interview 3', 'P3', T3, {});
  const codes = await addCodesTree(test, p, [
    { key: 'care', name: 'Care' },
    { key: 'cost', name: 'Cost', parent: 'care' },
    { key: 'mood', name: 'Mood' },
    { key: 'family', name: 'Family' },
  ]);
  await codePassages(test, p, t1, 'consensus', [
    { code: codes.cost!, text: 'The fees were high' },
    { code: codes.mood!, text: 'I felt alone' },
  ]);
  await codePassages(test, p, t1, cast.coder.id, [
    { code: codes.cost!, text: 'The fees were high' },
    { code: codes.family!, text: 'My sister. She paid' },
  ]);
  await codePassages(test, p, t2, cast.coder2.id, [
    { code: codes.care!, text: 'Care was far away' },
    { code: codes.cost!, text: 'The fees were fine' },
    { code: codes.family!, text: 'My sister drove me' },
  ]);
  return { cast, p, t1, t2, t3, codes };
}

type Study = Awaited<ReturnType<typeof study>>;
type Who = 'owner' | 'coder' | 'coder2' | 'viewer';

const get = async (s: Study, who: Who, path: string) => {
  const response = await s.cast[who].client.get(`/api/projects/${s.p}/analysis/${path}`);
  expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
};

/** Matrix rows as `indented name: segments per transcript | total`. */
const matrixRows = (m: CodeMatrixResponse) =>
  m.codes.map(
    (code, i) =>
      `${'  '.repeat(code.depth)}${code.path.at(-1)}: ${m.cells[i]!.map((c) => c.segments).join(' ')} | ${m.codeTotals[i]!.segments}`,
  );

describe('the code x transcript matrix', () => {
  let s: Study;
  beforeAll(async () => {
    s = await study();
  });

  it('counts all coding the caller can see by default, open coding included, in tree order with parents rolled up', async () => {
    const m: CodeMatrixResponse = await get(s, 'viewer', 'matrix');
    expect(m.counted.text).toMatch(/^Counted: all coding you can see/);
    expect(m.counted.layers).toEqual(['Consensus', 'Cody Coder', 'Cora Coder']);
    expect(m.rollUp).toBe(true);
    expect(m.transcripts.map((t) => [t.title, t.participant, t.attributes, t.length])).toEqual([
      ['Interview 1', 'P1', { age: '18-30' }, T1.length],
      ['Interview 2', 'P2', { age: '31-50' }, T2.length],
      ['Interview 3', 'P3', {}, T3.length],
    ]);
    // "The fees were high" is coded Cost by the consensus and by Cody: one segment (the merged scope's rule).
    expect(matrixRows(m)).toEqual(['Care: 1 2 0 | 3', '  Cost: 1 1 0 | 2', 'Mood: 1 0 0 | 1', 'Family: 1 1 0 | 2']);
    expect(m.codes.map((c) => [c.path, c.parent === null, c.hasChildren])).toEqual([
      [['Care'], true, true],
      [['Care', 'Cost'], false, false],
      [['Mood'], true, false],
      [['Family'], true, false],
    ]);
    const cost = m.cells[1]![0]!;
    expect(cost.characters).toBe('The fees were high'.length);
    expect(cost.coverage).toBeCloseTo('The fees were high'.length / T1.length, 10);
    expect(m.codeTotals[0]).toEqual({
      segments: 3,
      characters: 'The fees were high'.length + 'Care was far away'.length + 'The fees were fine'.length,
      transcripts: 2,
    });
    expect(m.transcriptTotals.map((t) => t.segments)).toEqual([3, 3, 0]);
    expect(m.transcriptTotals[2]).toEqual({ segments: 0, characters: 0, coverage: 0 });
  });

  it('counts a parent’s own segments only with rollUp=false', async () => {
    const m: CodeMatrixResponse = await get(s, 'viewer', 'matrix?rollUp=false');
    expect(m.rollUp).toBe(false);
    expect(matrixRows(m)).toEqual(['Care: 0 1 0 | 1', '  Cost: 1 1 0 | 2', 'Mood: 1 0 0 | 1', 'Family: 1 1 0 | 2']);
  });

  it('honours the scope and the filters: one coder, consensus, codes, attributes, transcripts', async () => {
    expect(matrixRows(await get(s, 'viewer', `matrix?scope=coder:${s.cast.coder.id}`))).toEqual([
      'Care: 1 0 0 | 1',
      '  Cost: 1 0 0 | 1',
      'Mood: 0 0 0 | 0',
      'Family: 1 0 0 | 1',
    ]);
    const consensus: CodeMatrixResponse = await get(s, 'viewer', 'matrix?scope=consensus');
    expect(consensus.counted.layers).toEqual(['Consensus']);
    expect(matrixRows(consensus)).toEqual([
      'Care: 1 0 0 | 1',
      '  Cost: 1 0 0 | 1',
      'Mood: 1 0 0 | 1',
      'Family: 0 0 0 | 0',
    ]);
    // A code filter keeps the code and its subcodes as rows; an attribute filter keeps the matching transcripts.
    const filtered: CodeMatrixResponse = await get(s, 'viewer', `matrix?code=${s.codes.care}&attr=age%3D31-50`);
    expect(filtered.transcripts.map((t) => t.title)).toEqual(['Interview 2']);
    expect(matrixRows(filtered)).toEqual(['Care: 2 | 2', '  Cost: 1 | 1']);
    const one: CodeMatrixResponse = await get(s, 'viewer', `matrix?transcript=${s.t3}&transcript=${s.t2}`);
    expect(one.transcripts.map((t) => t.title)).toEqual(['Interview 2', 'Interview 3']);
  });

  it('counts in every cell exactly the segments that retrieving that cell gives', async () => {
    for (const [scope, rollUp] of [
      ['all', true],
      ['all', false],
      [`coder:${s.cast.coder2.id}`, true],
      ['consensus', false],
    ] as const) {
      const m: CodeMatrixResponse = await get(s, 'owner', `matrix?scope=${scope}&rollUp=${rollUp}`);
      for (const [row, code] of m.codes.entries()) {
        for (const [column, transcript] of m.transcripts.entries()) {
          const query = `scope=${scope}&code=${code.id}&subcodes=${rollUp}&transcript=${transcript.id}`;
          const { segments } = await get(s, 'owner', `segments?${query}`);
          expect(segments.length, `${scope} ${code.path.join('>')} × ${transcript.title}`).toBe(
            m.cells[row]![column]!.segments,
          );
        }
      }
    }
  });

  it('refuses bad input with a 400 and outsiders with a 404', async () => {
    const bad = await s.cast.viewer.client.get(`/api/projects/${s.p}/analysis/matrix?scope=everyone`);
    expect(bad.status).toBe(400);
    expect((await s.cast.viewer.client.get(`/api/projects/${s.p}/analysis/matrix?rollUp=maybe`)).status).toBe(400);
    const outsider = await test.addUser(`outsider-${Date.now()}@example.org`, 'Otto Outsider');
    const client = await test.login(outsider.email);
    expect((await client.get(`/api/projects/${s.p}/analysis/matrix`)).status).toBe(404);
    expect((await client.get(`/api/projects/${s.p}/analysis/groups?attribute=age`)).status).toBe(404);
  });
});

/** Group rows as `name: segments/transcripts-with-code of group-size ...`. */
const groupRows = (g: GroupComparisonResponse) =>
  g.codes.map(
    (code, i) =>
      `${'  '.repeat(code.depth)}${code.path.at(-1)}: ${g.cells[i]!.map((c) => `${c.segments}/${c.transcripts}`).join(' ')}`,
  );

describe('codes compared across groups', () => {
  let s: Study;
  beforeAll(async () => {
    s = await study();
  });

  it('compares the values of an attribute, transcripts without it as (none), with each group’s size and share', async () => {
    const g: GroupComparisonResponse = await get(s, 'coder', 'groups?attribute=age');
    expect(g.by).toBe('attribute');
    expect(g.attribute).toBe('age');
    expect(g.counted.text).toMatch(/^Counted: all coding you can see/);
    expect(g.groups).toEqual([
      { value: '', label: '(none)', transcripts: 1 },
      { value: '18-30', label: '18-30', transcripts: 1 },
      { value: '31-50', label: '31-50', transcripts: 1 },
    ]);
    expect(groupRows(g)).toEqual([
      'Care: 0/0 1/1 2/1',
      '  Cost: 0/0 1/1 1/1',
      'Mood: 0/0 1/1 0/0',
      'Family: 0/0 1/1 1/1',
    ]);
    expect(g.cells[0]!.map((c) => c.share)).toEqual([0, 1, 1]);
    expect(g.codeTotals[0]).toMatchObject({ segments: 3, transcripts: 2 });
  });

  it('compares speakers, and counts a parent’s own segments only with rollUp=false', async () => {
    const g: GroupComparisonResponse = await get(s, 'coder', 'groups?by=speaker&rollUp=false');
    expect(g.attribute).toBeNull();
    expect(g.groups.map((group) => [group.label, group.transcripts])).toEqual([
      ['Interviewer', 3],
      ['P1', 1],
      ['P2', 1],
      ['P3', 1],
    ]);
    expect(groupRows(g)).toEqual([
      'Care: 0/0 0/0 1/1 0/0',
      '  Cost: 0/0 1/1 1/1 0/0',
      'Mood: 0/0 1/1 0/0 0/0',
      'Family: 0/0 1/1 1/1 0/0',
    ]);
  });

  it('counts in every cell exactly the segments that retrieving that group gives', async () => {
    const g: GroupComparisonResponse = await get(s, 'owner', 'groups?attribute=age');
    for (const [row, code] of g.codes.entries()) {
      for (const [column, group] of g.groups.entries()) {
        const attr = encodeURIComponent(`age=${group.value}`);
        const { segments } = await get(s, 'owner', `segments?code=${code.id}&attr=${attr}`);
        expect(segments.length, `${code.path.join('>')} × ${group.label}`).toBe(g.cells[row]![column]!.segments);
      }
    }
  });

  it('refuses by=attribute without an attribute', async () => {
    const response = await s.cast.coder.client.get(`/api/projects/${s.p}/analysis/groups?by=attribute`);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/attribute/);
  });
});

describe('a coder in a running blind round', () => {
  let s: Study;
  beforeAll(async () => {
    s = await study();
    const round = await s.cast.owner.client.post(`/api/projects/${s.p}/rounds`, {
      name: 'Blind 1',
      mode: 'blind',
      transcripts: { ids: [s.t2] },
      coders: [s.cast.coder.id, s.cast.coder2.id],
    });
    expect(round.status, JSON.stringify(round.body)).toBe(201);
  });

  it('sees nothing of the other coder’s layer in the matrix or the comparison', async () => {
    const m: CodeMatrixResponse = await get(s, 'coder', 'matrix');
    expect(matrixRows(m)).toEqual(['Care: 1 0 0 | 1', '  Cost: 1 0 0 | 1', 'Mood: 1 0 0 | 1', 'Family: 1 0 0 | 1']);
    expect(m.counted.layers).not.toContain('Cora Coder');
    const g: GroupComparisonResponse = await get(s, 'coder', 'groups?attribute=age');
    expect(g.cells.map((row) => row[2]!.segments)).toEqual([0, 0, 0, 0]);
    // The owner neither: analysis never takes a look into a running blind round.
    expect(matrixRows(await get(s, 'owner', 'matrix'))).toEqual(matrixRows(m));
  });
});
