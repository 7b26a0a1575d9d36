import fs from 'node:fs';
import path from 'node:path';
import { sentenceSegments } from '@accord/shared/agreement/index';
import { LATEST_SEGMENTATION, sentences } from '@accord/shared/text/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metadata } from '../../server/src/metadata/schema.js';
import { serializeMetadata } from '../../server/src/metadata/store.js';
import { codePassages } from '../analysis/helpers.js';
import { runCli } from '../helpers/cli.js';
import { seedProject, startTestServer, type TestServer, tempDataDir } from '../helpers/server.js';
import { addCodes } from './helpers.js';

/**
 * Units are versioned: a round keeps the segmentation version it was created with. A round stored before versions
 * existed (no `segmentation` in meta.json) is computed with the legacy rule, so it reports the numbers it always
 * did; a new round cuts Unicode sentences with the transcript's language, fixed at reveal.
 */
const TEXT = '主持人：出事以后你们怎么想？\n受访者：我们都说没事。没有人受伤！所以我以为我们是无敌的？是的。\n';

const dataDir = tempDataDir();
let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
let p: string;
let transcript: string;
let guessed: string;
const rounds: Record<'old' | 'current', string> = { old: '', current: '' };

const base = (round: string) => `/api/projects/${p}/rounds/${round}`;
const report = async (round: string, query = 'unit=sentence') =>
  (await cast.viewer.client.get(`${base(round)}/report?${query}`)).body;

async function revealedRound(name: string, ids: string[]): Promise<string> {
  const created = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
    name,
    mode: 'blind',
    transcripts: { ids },
    coders: [cast.coder.id, cast.coder2.id],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.round.segmentation).toBe(LATEST_SEGMENTATION);
  const id = created.body.round.id;
  expect((await cast.owner.client.post(`${base(id)}/reveal`, { force: true })).status).toBe(200);
  return id;
}

beforeAll(async () => {
  test = await startTestServer({ dataDir, keepData: true });
  cast = await seedProject(test);
  p = cast.project.id;
  const codes = await addCodes(test, p, ['safe']);
  const created = await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
    title: '访谈',
    text: TEXT,
    language: 'zh',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  transcript = created.body.transcript.id;
  // No language given: the units follow the guess from its script.
  guessed = (await cast.owner.client.post(`/api/projects/${p}/transcripts`, { title: '访谈 2', text: TEXT })).body
    .transcript.id;
  for (const id of [transcript, guessed]) {
    await codePassages(test, p, id, cast.coder.id, [{ code: codes.safe!, text: '我们都说没事。' }]);
    await codePassages(test, p, id, cast.coder2.id, [{ code: codes.safe!, text: '我们都说没事。没有人受伤！' }]);
  }
  // Two rounds over the same layers: one will be made to look as if it was stored before versions existed.
  rounds.old = await revealedRound('Pilot', [transcript, guessed]);
  rounds.current = await revealedRound('Main', [transcript, guessed]);

  await test.close();
  const file = path.join(dataDir, 'meta.json');
  const { sha256: _, ...meta } = JSON.parse(fs.readFileSync(file, 'utf8')) as Metadata & { sha256: string };
  const old = meta.rounds.find((round) => round.id === rounds.old)!;
  delete old.segmentation;
  delete old.languages;
  fs.writeFileSync(file, serializeMetadata(meta));
  test = await startTestServer({ dataDir });
  for (const who of [cast.owner, cast.viewer]) who.client = await test.login(who.email);
});
afterAll(async () => {
  await test.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('segmentation versions of rounds', () => {
  it('a round stored before versions reports the legacy units and the numbers they give', async () => {
    const old = await report(rounds.old);
    expect(old.segmentation.version).toBe(1);
    expect(old.input.unit.segments[transcript]).toEqual(sentenceSegments(TEXT));
    // One sentence per line, as before: both coders coded the second line, neither the first.
    expect(old.agreement.codes[0].pairs[0].pooled.table).toEqual({ both: 2, a_only: 0, b_only: 0, neither: 2 });
    expect(old.method).toContain('Accord segmentation version 1');
    // The figures are the engine's on the exported input: `accord agreement` reproduces them.
    const cli = await runCli(['agreement', '-'], { stdin: JSON.stringify(old.input) });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(old.agreement);
    const view = (await cast.viewer.client.get(base(rounds.old))).body.round;
    expect(view.segmentation).toBe(1);
  });

  it('a new round cuts Unicode sentences with the transcript language, and says so', async () => {
    const current = await report(rounds.current);
    expect(current.segmentation).toMatchObject({
      version: 2,
      method: expect.stringContaining('UAX #29'),
      languages: { [transcript]: 'zh', [guessed]: 'zh' },
      platform: { unicode: process.versions.unicode },
    });
    const units = sentences(TEXT, { version: 2, language: 'zh' });
    expect(units).toHaveLength(5);
    expect(current.input.unit.segments[transcript]).toEqual(units);
    expect(current.agreement.codes[0].pairs[0].pooled.table).toEqual({ both: 2, a_only: 0, b_only: 2, neither: 6 });
    expect(current.method).toMatch(/Unicode text segmentation rules \(UAX #29\).*Accord segmentation version 2/);
    const markdown = (await cast.viewer.client.get(`${base(rounds.current)}/report?unit=sentence&format=md`)).body;
    expect(markdown).toMatch(/Unit: the sentence \(.*Accord segmentation version 2\)/);
    const csv = (await cast.viewer.client.get(`${base(rounds.current)}/report?unit=sentence&format=csv`)).body;
    const [header, first] = (csv as string).trim().split('\n');
    expect(header!.split(',').at(-1)).toBe('segmentation');
    expect(first!.split(',').at(-1)).toBe('2');
    const agreement = (await cast.viewer.client.get(`${base(rounds.current)}/agreement?unit=sentence`)).body;
    expect(agreement.segmentation.version).toBe(2);
    expect(agreement.agreement).toEqual(current.agreement);
  });

  it('character figures do not depend on the version', async () => {
    const [old, current] = [await report(rounds.old, ''), await report(rounds.current, '')];
    expect(old.agreement).toEqual(current.agreement);
    expect(old.method).not.toContain('segmentation version');
  });

  it('a language changed after reveal changes no revealed figure', async () => {
    const before = await report(rounds.current);
    const patched = await cast.owner.client.patch(`/api/projects/${p}/transcripts/${transcript}`, { language: 'ja' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.transcript.language).toBe('ja');
    const after = await report(rounds.current);
    expect(after.segmentation.languages[transcript]).toBe('zh');
    expect(after.agreement).toEqual(before.agreement);
    expect(after.input).toEqual(before.input);
  });

  it('a new round may keep the legacy version, to stay comparable with older rounds', async () => {
    const created = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Comparable',
      mode: 'open',
      transcripts: { ids: [guessed] },
      coders: [cast.coder.id, cast.coder2.id],
      segmentation: 1,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.round.segmentation).toBe(1);
    const live = (await cast.owner.client.get(`${base(created.body.round.id)}/agreement?unit=sentence`)).body;
    expect(live.source).toBe('live');
    expect(live.segmentation.version).toBe(1);
    expect(live.agreement.codes[0].pairs[0].pooled.table).toEqual({ both: 1, a_only: 0, b_only: 0, neither: 1 });
    const refused = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Bad',
      mode: 'open',
      transcripts: { ids: [transcript] },
      coders: [cast.coder.id, cast.coder2.id],
      segmentation: 9,
    });
    expect(refused.status).toBe(400);
  });
});

describe('a transcript language', () => {
  it('is stored canonical, refused when not a BCP 47 tag, and cleared with null', async () => {
    const created = await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
      title: 'Traditional',
      text: '我們都說沒事。',
      language: 'ZH-hant',
    });
    expect(created.status).toBe(201);
    expect(created.body.transcript.language).toBe('zh-Hant');
    const id = created.body.transcript.id;
    expect(
      (
        await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
          title: 'x',
          text: 'y',
          language: 'not a tag!',
        })
      ).status,
    ).toBe(400);
    expect((await cast.owner.client.patch(`/api/projects/${p}/transcripts/${id}`, { language: '12' })).status).toBe(
      400,
    );
    const cleared = await cast.owner.client.patch(`/api/projects/${p}/transcripts/${id}`, { language: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.transcript).not.toHaveProperty('language');
    const listed = (await cast.viewer.client.get(`/api/projects/${p}/transcripts`)).body.transcripts;
    expect(listed.find((t: { id: string }) => t.id === transcript).language).toBe('ja');
  });
});
