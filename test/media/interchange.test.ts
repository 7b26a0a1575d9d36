import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { readImport } from '../../server/src/import/index.js';
import { DEFAULT_LIMITS } from '../../server/src/import/limits.js';
import { addCodesTree, codePassages } from '../analysis/helpers.js';
import { metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { fetchMedia, uploadMedia } from './helpers.js';
import { isoMedia, wav } from './mediaFiles.js';

const XSD = fs.readFileSync(new URL('../fixtures/refi-qda/Project-mrt2019.xsd', import.meta.url), 'utf8');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const VTT = [
  'WEBVTT',
  '',
  '00:00:01.000 --> 00:00:03.500',
  '<v Ana>Hello there, thanks for coming.',
  '',
  '00:00:04.000 --> 00:00:09.000',
  '<v Ben>Hi Ana. It was a long drive.',
  '',
  '00:00:09.500 --> 00:00:12.000',
  '<v Ana>Tell me about the drive.',
  '',
].join('\n');

/** A project with a timed transcript (from a VTT), its recording, and two codings by the owner. */
async function timedProject() {
  const test = await startTestServer();
  servers.push(test);
  const cast = await seedProject(test);
  const p = cast.project.id as string;
  const client = cast.owner.client;
  const upload = async (name: string, bytes: Uint8Array) => {
    const response = await fetch(`${test.url}/api/projects/${p}/import/files?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: {
        cookie: client.cookie!,
        'x-csrf-token': client.csrfToken!,
        'content-type': 'application/octet-stream',
      },
      body: Buffer.from(bytes),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { upload: { id: string } }).upload.id;
  };
  const confirmed = await client.post(`/api/projects/${p}/import`, {
    uploads: [await upload('Drive.vtt', strToU8(VTT))],
  });
  expect(confirmed.status).toBe(201);
  const transcript = (await metadataOf(test.server.ctx)).transcripts.find((t) => t.title === 'Drive')!;
  const audio = wav(2);
  expect((await uploadMedia(client, p, transcript.id, 'Drive.wav', audio, 'audio/wav')).status).toBe(201);
  const codes = await addCodesTree(test, p, [
    { key: 'welcome', name: 'Welcome' },
    { key: 'travel', name: 'Travel' },
  ]);
  await codePassages(test, p, transcript.id, cast.owner.id, [
    { code: codes.welcome!, text: 'thanks for coming' },
    { code: codes.travel!, text: 'It was a long drive.' },
    { code: codes.travel!, text: 'about the drive' },
  ]);
  return { test, cast, p, audio };
}

describe('codings of a timed transcript carry their times', () => {
  it('in retrieval, in the segment CSV, and in the .qdpx with its recording, which imports back', async () => {
    const { test, cast, p, audio } = await timedProject();
    const client = cast.owner.client;

    const retrieved = await client.get(`/api/projects/${p}/analysis/segments?coder=${cast.owner.id}`);
    expect(retrieved.status).toBe(200);
    expect(
      retrieved.body.segments.map((s: { text: string; startTime?: number; endTime?: number }) => [
        s.text,
        s.startTime,
        s.endTime,
      ]),
    ).toEqual([
      ['thanks for coming', 1, 4],
      ['It was a long drive.', 4, 9.5],
      // In the last turn: it starts at 9.5 s; nothing says when it ends.
      ['about the drive', 9.5, undefined],
    ]);

    const csv = await client.get(`/api/projects/${p}/export?format=csv`);
    const lines = (csv.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe(
      'transcript,participant,speaker,codePath,coder,start,end,text,memo,createdAt,startTime,endTime',
    );
    expect(lines.slice(1).map((line) => line.split(',').slice(-2).join(','))).toEqual(['1,4', '4,9.5', '9.5,']);

    const download = await fetch(`${test.url}/api/projects/${p}/export?format=qdpx`, {
      headers: { cookie: client.cookie! },
    });
    expect(download.status).toBe(200);
    const qdpx = new Uint8Array(await download.arrayBuffer());
    const entries = unzipSync(qdpx);
    const qde = strFromU8(entries['project.qde']!);
    const validation = await validateXML({
      xml: [{ fileName: 'project.qde', contents: qde }],
      schema: [XSD],
    });
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(qde).toMatch(
      /<AudioSource guid="[0-9a-f-]{36}" name="Drive" path="internal:\/\/[0-9a-f-]{36}\.wav"><Transcript /,
    );
    // The seeded transcript without a recording stays a text source.
    expect(qde.match(/<TextSource /g)).toHaveLength(1);
    // A sync point with its time for each turn (ms), and sync points without a time at the codings' ends.
    expect([...qde.matchAll(/timeStamp="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([1000, 4000, 9500]);
    expect(qde.match(/<TranscriptSelection /g)).toHaveLength(3);
    const media = Object.entries(entries).find(([name]) => name.endsWith('.wav'))!;
    expect(media[1]).toEqual(audio);

    // Into another project: the same text, turns with times, codings, and the recording.
    const other = (await client.post('/api/projects', { name: 'Copy' })).body.project;
    const response = await fetch(`${test.url}/api/projects/${other.id}/import/files?name=copy.qdpx`, {
      method: 'POST',
      headers: {
        cookie: client.cookie!,
        'x-csrf-token': client.csrfToken!,
        'content-type': 'application/octet-stream',
      },
      body: Buffer.from(qdpx),
    });
    expect(response.status).toBe(201);
    const id = ((await response.json()) as { upload: { id: string; warnings: string[] } }).upload.id;
    const imported = await client.post(`/api/projects/${other.id}/import`, {
      uploads: [id],
      users: { [cast.owner.id]: { account: cast.owner.id } },
    });
    expect(imported.status).toBe(201);
    expect(imported.body.warnings).toEqual([]);
    const copies = (await client.get(`/api/projects/${other.id}/transcripts`)).body.transcripts;
    expect(copies.map((t: { title: string; media?: unknown }) => [t.title, t.media !== undefined])).toEqual([
      ['Interview 1', false],
      ['Drive', true],
    ]);
    const copy = copies[1];
    expect(copy.title).toBe('Drive');
    expect(copy.media).toMatchObject({
      name: 'Drive.wav',
      type: 'audio/wav',
      bytes: audio.length,
      sha256: sha256(audio),
    });
    expect((await fetchMedia(client, other.id, copy.id, { range: 'bytes=0-11' })).bytes).toEqual(audio.subarray(0, 12));
    const again = await client.get(`/api/projects/${other.id}/analysis/segments?coder=${cast.owner.id}`);
    expect(again.body.segments.map((s: { text: string; startTime?: number }) => [s.text, s.startTime])).toEqual([
      ['thanks for coming', 1],
      ['It was a long drive.', 4],
      ['about the drive', 9.5],
    ]);
  });
});

describe('REFI-QDA audio and video sources from other tools', () => {
  const USER = '11111111-1111-4111-8111-111111111111';
  const CODE = '22222222-2222-4222-8222-222222222222';
  const project = (sources: string) =>
    `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Media">` +
    `<Users><User guid="${USER}" name="Ana"/></Users>` +
    `<CodeBook><Codes><Code guid="${CODE}" name="Travel" isCodable="true"/></Codes></CodeBook>` +
    `<Sources>${sources}</Sources></Project>`;
  const text = 'Interviewer: How did you get here?\nP1: By train, it took hours.\n';

  it('reads a video source with its transcript, sync points and selections, and brings the recording', async () => {
    const video = isoMedia('mp42');
    const sources =
      `<VideoSource guid="33333333-3333-4333-8333-333333333333" name="Session 2" path="internal://rec.mp4">` +
      `<Transcript guid="44444444-4444-4444-8444-444444444444" plainTextPath="internal://t.txt">` +
      `<SyncPoint guid="55555555-5555-4555-8555-000000000001" timeStamp="0" position="0"/>` +
      `<SyncPoint guid="55555555-5555-4555-8555-000000000002" timeStamp="12500" position="35"/>` +
      `<SyncPoint guid="55555555-5555-4555-8555-000000000003" position="39"/>` +
      `<SyncPoint guid="55555555-5555-4555-8555-000000000004" position="47"/>` +
      `<TranscriptSelection guid="66666666-6666-4666-8666-000000000001" name="By train" creatingUser="${USER}" ` +
      `fromSyncPoint="55555555-5555-4555-8555-000000000003" toSyncPoint="55555555-5555-4555-8555-000000000004">` +
      `<Coding guid="77777777-7777-4777-8777-000000000001" creatingUser="${USER}"><CodeRef targetGUID="${CODE}"/></Coding>` +
      `</TranscriptSelection></Transcript>` +
      `<VideoSelection guid="88888888-8888-4888-8888-000000000001" begin="0" end="5000">` +
      `<Coding guid="77777777-7777-4777-8777-000000000002" creatingUser="${USER}"><CodeRef targetGUID="${CODE}"/></Coding>` +
      `</VideoSelection></VideoSource>` +
      `<AudioSource guid="99999999-9999-4999-8999-999999999999" name="No transcript" path="relative:///x.mp3"/>`;
    const qdpx = zipSync({
      'project.qde': strToU8(project(sources)),
      'sources/t.txt': strToU8(text),
      'sources/rec.mp4': video,
    });
    const { bundle, recordings, warnings } = await readImport([{ name: 'media.qdpx', bytes: qdpx }], {
      limits: DEFAULT_LIMITS,
    });
    const [transcript] = bundle.transcripts;
    expect(bundle.transcripts).toHaveLength(1);
    expect(transcript).toMatchObject({ guid: '33333333-3333-4333-8333-333333333333', title: 'Session 2', text });
    expect(transcript!.turns).toEqual([
      { start: 0, speaker: 'Interviewer', time: 0 },
      { start: 35, speaker: 'P1', time: 12.5 },
    ]);
    expect(transcript!.layers).toEqual([
      {
        userGuid: USER,
        codings: [{ guid: '77777777-7777-4777-8777-000000000001', codeGuid: CODE, start: 39, end: 47, createdAt: 0 }],
      },
    ]);
    expect(text.slice(39, 47)).toBe('By train');
    expect(recordings).toEqual([{ transcriptGuid: transcript!.guid, name: 'Session 2.mp4', bytes: video }]);
    expect(warnings).toEqual([
      'media.qdpx: AudioSource "No transcript" skipped: it has no transcript, and Accord codes text',
      'media.qdpx: VideoSource "Session 2": 1 coding(s) of the recording itself (by time) skipped; Accord codes its transcript',
    ]);
  });

  it('refuses a selection that names a sync point the transcript does not have', async () => {
    const sources =
      `<AudioSource guid="33333333-3333-4333-8333-333333333333" name="A" path="internal://a.mp3">` +
      `<Transcript guid="44444444-4444-4444-8444-444444444444"><PlainTextContent>${text}</PlainTextContent>` +
      `<TranscriptSelection guid="66666666-6666-4666-8666-000000000001" fromSyncPoint="55555555-5555-4555-8555-000000000009" ` +
      `toSyncPoint="55555555-5555-4555-8555-000000000008"/></Transcript></AudioSource>`;
    const qdpx = zipSync({ 'project.qde': strToU8(project(sources)) });
    await expect(readImport([{ name: 'bad.qdpx', bytes: qdpx }], { limits: DEFAULT_LIMITS })).rejects.toMatchObject({
      code: 'unknown_reference',
      message: expect.stringMatching(/refers to sync point 55555555-5555-4555-8555-000000000009/),
    });
  });
});
