import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodesTree, codePassages } from './helpers.js';

/**
 * Search and retrieval through the real server on transcripts in several scripts: Unicode case folding and
 * normalisation, diacritics optional, whole words by the platform's word segmentation, exact offsets.
 */
const GERMAN = 'Interviewer: Wo wohnen Sie?\nP1: In der STRASSE am Fluss. Die Straße ist laut.\n';
const ARABIC = 'المحاور: أين تسكن؟\nالمشارك: قال مُحَمَّد إنه بخير. محمد كتب.\n';
const THAI = 'ผู้สัมภาษณ์: ไปไหนมา\nผู้ให้ข้อมูล: ผมไปตลาด ผมซื้อผลไม้\n';

let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
let p: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  test = await startTestServer();
  cast = await seedProject(test, GERMAN);
  p = cast.project.id;
  ids.de = cast.transcript.id;
  for (const [key, text, language] of [
    ['ar', ARABIC, 'ar'],
    ['th', THAI, undefined],
  ] as const) {
    const created = await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
      title: key,
      text,
      ...(language ? { language } : {}),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    ids[key] = created.body.transcript.id;
  }
  const codes = await addCodesTree(test, p, [{ key: 'place', name: 'Place' }]);
  await codePassages(test, p, ids.de!, 'consensus', [{ code: codes.place!, text: 'Die Straße ist laut' }]);
});
afterAll(async () => {
  await test.close();
});

const get = async (path: string) => {
  const response = await cast.viewer.client.get(`/api/projects/${p}/analysis/${path}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
};
const textOf = (id: string) => ({ [ids.de!]: GERMAN, [ids.ar!]: ARABIC, [ids.th!]: THAI })[id]!;

describe('search in any script', () => {
  it('case-folds by Unicode: STRASSE and Straße are one word, at their exact offsets', async () => {
    const body = await get(`search?q=${encodeURIComponent('straße')}&context=8`);
    expect(body.hits.map((hit: any) => hit.match)).toEqual(['STRASSE', 'Straße']);
    for (const hit of body.hits) expect(textOf(hit.transcript).slice(hit.start, hit.end)).toBe(hit.match);
    expect(body.hits[1].codes).toHaveLength(1);
  });

  it('Arabic harakat are ignored on request', async () => {
    const plain = await get(`search?q=${encodeURIComponent('محمد')}`);
    expect(plain.hits.map((hit: any) => hit.match)).toEqual(['محمد']);
    const folded = await get(`search?q=${encodeURIComponent('محمد')}&ignoreDiacritics=true`);
    expect(folded.hits.map((hit: any) => hit.match)).toEqual(['مُحَمَّد', 'محمد']);
  });

  it('whole words in Thai come from the word segmentation', async () => {
    const word = await get(`search?q=${encodeURIComponent('ตลาด')}&wholeWord=true`);
    expect(word.hits.map((hit: any) => hit.match)).toEqual(['ตลาด']);
    const inside = await get(`search?q=${encodeURIComponent('ลา')}&wholeWord=true`);
    expect(inside.hits).toEqual([]);
  });
});

describe('retrieval in any script', () => {
  it('filters coded segments by text folded by Unicode', async () => {
    const response = await cast.viewer.client.get(
      `/api/projects/${p}/analysis/segments?scope=consensus&contains=${encodeURIComponent('STRASSE')}`,
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.segments.map((segment: any) => segment.text)).toEqual(['Die Straße ist laut']);
  });
});
