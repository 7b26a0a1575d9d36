import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { makeRealMedia, type RealMedia } from '../setup/media.js';
import { fetchMedia, mediaPath, uploadMedia } from './helpers.js';

/** Recordings encoded by ffmpeg in the setup (a sine tone; a counter video with sound), through the real server. */
let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
let p: string;
let made: Awaited<ReturnType<typeof makeRealMedia>>;

beforeAll(async () => {
  made = await makeRealMedia();
  test = await startTestServer();
  cast = await seedProject(test);
  p = cast.project.id as string;
}, 60_000);
afterAll(async () => {
  await test?.close();
  made?.remove();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const file = (name: string): RealMedia => made.files.find((f) => f.name === name)!;
const NAMES = ['tone.mp3', 'tone.m4a', 'tone.ogg', 'tone.wav', 'counter.mp4', 'counter.webm'];

async function newTranscript(title: string): Promise<string> {
  const made = await cast.owner.client.post(`/api/projects/${p}/transcripts`, { title, text: 'P1: hello there' });
  expect(made.status).toBe(201);
  return made.body.transcript.id as string;
}

describe('real recordings made by ffmpeg', () => {
  it('the setup made every format', () => {
    expect(made.files.map((f) => f.name)).toEqual(NAMES);
    for (const f of made.files) expect(f.bytes.length).toBeGreaterThan(1000);
  });

  it.each(NAMES)('%s is stored byte for byte and served whole and in ranges', async (name) => {
    const media = file(name);
    const bytes = media.bytes;
    const t = await newTranscript(name);
    const uploaded = await uploadMedia(cast.owner.client, p, t, name, bytes, media.type);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body.media).toMatchObject({ name, type: media.served, bytes: bytes.length, sha256: sha256(bytes) });
    const onDisk = path.join(test.dataDir, 'media', p, t, `${sha256(bytes)}.media`);
    expect(new Uint8Array(fs.readFileSync(onDisk))).toEqual(bytes);

    const whole = await fetchMedia(cast.owner.client, p, t);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe(media.served);
    expect(whole.bytes).toEqual(bytes);

    // A player's requests: the start, a seek into the middle, the tail (where MP4 players look for the index).
    const middle = Math.floor(bytes.length / 2);
    expect(bytes.length).toBeGreaterThan(middle + 2048);
    for (const [range, from, to] of [
      ['bytes=0-1023', 0, 1023],
      [`bytes=${middle}-${middle + 2047}`, middle, middle + 2047],
      [`bytes=${middle}-`, middle, bytes.length - 1],
      ['bytes=-500', bytes.length - 500, bytes.length - 1],
      [`bytes=${bytes.length - 10}-${bytes.length + 1000}`, bytes.length - 10, bytes.length - 1],
    ] as const) {
      const piece = await fetchMedia(cast.coder.client, p, t, { range });
      expect(piece.status, range).toBe(206);
      expect(piece.headers.get('content-range')).toBe(`bytes ${from}-${to}/${bytes.length}`);
      expect(piece.headers.get('content-length')).toBe(String(to - from + 1));
      expect(piece.bytes).toEqual(bytes.subarray(from, to + 1));
    }
    const outside = await fetchMedia(cast.coder.client, p, t, { range: `bytes=${bytes.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
  });

  it.each([
    ['counter.mp4', 'audio/mpeg'],
    ['counter.webm', 'video/mp4'],
    ['tone.mp3', 'video/mp4'],
    ['tone.m4a', 'audio/ogg'],
    ['tone.ogg', 'audio/wav'],
    ['tone.wav', 'video/webm'],
  ])('%s sent as %s is refused and nothing is stored', async (name, claimed) => {
    const t = await newTranscript(`wrong ${name}`);
    const refused = await uploadMedia(cast.owner.client, p, t, name, file(name).bytes, claimed);
    expect(refused.status).toBe(415);
    expect(refused.body.error.code).toBe('media_type_mismatch');
    expect(refused.body.error.message).toContain(name);
    expect(fs.existsSync(path.join(test.dataDir, 'media', p, t))).toBe(false);
    expect((await fetchMedia(cast.owner.client, p, t)).status).toBe(404);
  });

  it('each role: members hear the video, only owners attach it, outsiders are told it does not exist', async () => {
    const video = file('counter.mp4').bytes;
    const t = await newTranscript('roles');
    expect((await uploadMedia(cast.coder.client, p, t, 'counter.mp4', video, 'video/mp4')).status).toBe(403);
    expect((await uploadMedia(cast.viewer.client, p, t, 'counter.mp4', video, 'video/mp4')).status).toBe(403);
    expect((await uploadMedia(cast.owner.client, p, t, 'counter.mp4', video, 'video/mp4')).status).toBe(201);
    for (const member of [cast.owner, cast.coder, cast.viewer]) {
      const piece = await fetchMedia(member.client, p, t, { range: 'bytes=100-199' });
      expect(piece.status).toBe(206);
      expect(piece.bytes).toEqual(video.subarray(100, 200));
    }
    expect((await cast.viewer.client.delete(mediaPath(p, t))).status).toBe(403);
    const stranger = await test.addUser(`stranger-${Date.now()}@example.org`, 'Stranger');
    const strangerClient = await test.login(stranger.email);
    const refused = await fetchMedia(strangerClient, p, t, { range: 'bytes=0-99' });
    expect(refused.status).toBe(404);
    expect(Buffer.from(refused.bytes).includes(Buffer.from(video.subarray(0, 32)))).toBe(false);
    expect((await fetch(`${test.url}${mediaPath(p, t)}`, { headers: { range: 'bytes=0-99' } })).status).toBe(401);
  });

  it('during a blind round its coders hear the recording, and it cannot be replaced or removed', async () => {
    const video = file('counter.webm').bytes;
    const t = await newTranscript('blind');
    expect((await uploadMedia(cast.owner.client, p, t, 'counter.webm', video, 'video/webm')).status).toBe(201);
    const round = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Blind with video',
      mode: 'blind',
      transcripts: { ids: [t] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(round.status).toBe(201);
    for (const coder of [cast.coder, cast.coder2]) {
      const piece = await fetchMedia(coder.client, p, t, { range: 'bytes=0-4095' });
      expect(piece.status).toBe(206);
      expect(piece.bytes).toEqual(video.subarray(0, 4096));
      expect((await uploadMedia(coder.client, p, t, 'x.wav', file('tone.wav').bytes, 'audio/wav')).status).toBe(403);
    }
    const replaced = await uploadMedia(cast.owner.client, p, t, 'tone.wav', file('tone.wav').bytes, 'audio/wav');
    expect(replaced.status).toBe(409);
    expect(replaced.body.error.code).toBe('in_round');
    expect((await cast.owner.client.delete(mediaPath(p, t))).status).toBe(409);
    expect((await fetchMedia(cast.owner.client, p, t)).bytes).toEqual(video);
  });
});
