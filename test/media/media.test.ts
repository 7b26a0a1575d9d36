import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { fetchMedia, mediaPath, uploadMedia } from './helpers.js';
import { isoMedia, mp3, oggOpus, wav, webm } from './mediaFiles.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function castOf(test: TestServer) {
  const cast = await seedProject(test);
  const p = cast.project.id as string;
  const t = cast.transcript.id as string;
  const mediaFiles = () => {
    const root = path.join(test.dataDir, 'media');
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  };
  const listed = async () =>
    (await cast.owner.client.get(`/api/projects/${p}/transcripts`)).body.transcripts.find(
      (transcript: { id: string }) => transcript.id === t,
    );
  return { test, cast, p, t, mediaFiles, listed };
}

async function setUp(config: Record<string, string> = {}) {
  const test = await startTestServer({ config });
  servers.push(test);
  return castOf(test);
}

/** One server for the tables whose cases leave nothing behind (or replace what the case before left). */
let shared: ReturnType<typeof castOf> | undefined;
afterAll(async () => {
  if (shared !== undefined) await (await shared).test.close();
});
const sharedSetUp = () => {
  shared ??= startTestServer().then(castOf);
  return shared;
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('a recording per transcript', () => {
  it('is stored byte for byte, listed, and served whole and in ranges', async () => {
    const { test, cast, p, t, listed } = await setUp();
    const audio = wav(1);
    const uploaded = await uploadMedia(cast.owner.client, p, t, 'Interview 1.wav', audio, 'audio/wav');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.media).toMatchObject({
      name: 'Interview 1.wav',
      type: 'audio/wav',
      bytes: audio.length,
      sha256: sha256(audio),
      uploadedBy: cast.owner.id,
    });
    expect((await listed()).media).toEqual(uploaded.body.media);
    const onDisk = path.join(test.dataDir, 'media', p, t, `${sha256(audio)}.media`);
    expect(new Uint8Array(fs.readFileSync(onDisk))).toEqual(audio);

    const whole = await fetchMedia(cast.coder.client, p, t);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-length')).toBe(String(audio.length));
    expect(whole.bytes).toEqual(audio);

    const first = await fetchMedia(cast.coder.client, p, t, { range: 'bytes=0-99' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${audio.length}`);
    expect(first.headers.get('content-length')).toBe('100');
    expect(first.bytes).toEqual(audio.subarray(0, 100));

    const from = await fetchMedia(cast.viewer.client, p, t, { range: 'bytes=1000-' });
    expect(from.status).toBe(206);
    expect(from.headers.get('content-range')).toBe(`bytes 1000-${audio.length - 1}/${audio.length}`);
    expect(from.bytes).toEqual(audio.subarray(1000));

    const tail = await fetchMedia(cast.coder.client, p, t, { range: 'bytes=-16' });
    expect(tail.status).toBe(206);
    expect(tail.bytes).toEqual(audio.subarray(audio.length - 16));

    const outside = await fetchMedia(cast.coder.client, p, t, { range: `bytes=${audio.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${audio.length}`);
    expect(JSON.parse(new TextDecoder().decode(outside.bytes)).error.code).toBe('range_not_satisfiable');

    const head = await fetchMedia(cast.coder.client, p, t, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(audio.length));
    expect(head.bytes.length).toBe(0);

    const etag = whole.headers.get('etag')!;
    expect(etag).toBe(`"${sha256(audio)}"`);
    expect((await fetchMedia(cast.coder.client, p, t, { 'if-none-match': etag })).status).toBe(304);
    // A stale If-Range gets the whole (new) file rather than a piece of it.
    const stale = await fetchMedia(cast.coder.client, p, t, { range: 'bytes=0-9', 'if-range': '"old"' });
    expect(stale.status).toBe(200);
    expect(stale.bytes.length).toBe(audio.length);
  });

  it.each([
    ['talk.mp3', 'audio/mpeg', mp3(30), 'audio/mpeg'],
    ['talk.ogg', 'audio/ogg', oggOpus(1), 'audio/ogg'],
    ['talk.opus', 'audio/ogg; codecs=opus', oggOpus(1), 'audio/ogg'],
    ['talk.m4a', 'audio/x-m4a', isoMedia('M4A '), 'audio/mp4'],
    ['talk.m4a', 'audio/mp4', isoMedia('isom'), 'audio/mp4'],
    ['video.mp4', 'video/mp4', isoMedia('mp42'), 'video/mp4'],
    ['video.webm', 'video/webm', webm(), 'video/webm'],
    ['voice.webm', 'audio/webm', webm(), 'audio/webm'],
    ['by-name.mp3', 'application/octet-stream', mp3(10), 'audio/mpeg'],
  ])('takes %s sent as %s', async (name, type, bytes, served) => {
    const { cast, p, t } = await sharedSetUp();
    const uploaded = await uploadMedia(cast.owner.client, p, t, name, bytes, type);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body.media.type).toBe(served);
    const got = await fetchMedia(cast.coder.client, p, t);
    expect(got.headers.get('content-type')).toBe(served);
    expect(got.bytes).toEqual(bytes);
  });

  it('replacing a recording keeps only the new one; deleting it removes it', async () => {
    const { cast, p, t, mediaFiles, listed } = await setUp();
    expect((await uploadMedia(cast.owner.client, p, t, 'a.wav', wav(0.2, 300), 'audio/wav')).status).toBe(201);
    const second = mp3(12);
    expect((await uploadMedia(cast.owner.client, p, t, 'b.mp3', second, 'audio/mpeg')).status).toBe(201);
    expect(mediaFiles().map((entry) => entry.name)).toEqual([`${sha256(second)}.media`]);
    expect((await fetchMedia(cast.owner.client, p, t)).bytes).toEqual(second);
    expect((await cast.coder.client.delete(mediaPath(p, t))).status).toBe(403);
    expect((await cast.owner.client.delete(mediaPath(p, t))).status).toBe(204);
    expect(mediaFiles()).toEqual([]);
    expect((await listed()).media).toBeUndefined();
    expect((await fetchMedia(cast.owner.client, p, t)).status).toBe(404);
    expect((await cast.owner.client.delete(mediaPath(p, t))).status).toBe(404);
  });

  it('removing the transcript, or the project, removes its recording', async () => {
    const { test, cast, p, t, mediaFiles } = await setUp();
    expect((await uploadMedia(cast.owner.client, p, t, 'a.wav', wav(0.2), 'audio/wav')).status).toBe(201);
    expect((await cast.owner.client.delete(`/api/projects/${p}/transcripts/${t}`)).status).toBe(204);
    expect(mediaFiles()).toEqual([]);
    expect(fs.existsSync(path.join(test.dataDir, 'media', p, t))).toBe(false);

    const other = (await cast.owner.client.post(`/api/projects/${p}/transcripts`, { title: 'Two', text: 'P1: hello' }))
      .body.transcript;
    expect((await uploadMedia(cast.owner.client, p, other.id, 'b.wav', wav(0.2), 'audio/wav')).status).toBe(201);
    expect(mediaFiles()).toHaveLength(1);
    expect((await cast.owner.client.delete(`/api/projects/${p}`)).status).toBe(204);
    expect(mediaFiles()).toEqual([]);
    expect(fs.existsSync(path.join(test.dataDir, 'media', p))).toBe(false);
  });
});

describe('refused recordings leave nothing behind', () => {
  async function refused(
    setup: Awaited<ReturnType<typeof setUp>>,
    name: string,
    bytes: Uint8Array | ReadableStream<Uint8Array>,
    type: string | undefined,
  ) {
    const { cast, p, t, mediaFiles, listed } = setup;
    const answer = await uploadMedia(cast.owner.client, p, t, name, bytes, type);
    expect(mediaFiles()).toEqual([]);
    expect((await listed()).media).toBeUndefined();
    return answer;
  }

  it.each([
    ['WAV bytes sent as MP3', 'a.mp3', wav(0.2), 'audio/mpeg', 415, 'media_type_mismatch', /its bytes are WAV audio/],
    ['MP3 bytes sent as MP4', 'a.mp4', mp3(5), 'video/mp4', 415, 'media_type_mismatch', /its bytes are MP3 audio/],
    [
      'text sent as WebM',
      'a.webm',
      new TextEncoder().encode('P1: not a video at all\n'.repeat(20)),
      'video/webm',
      415,
      'media_type_mismatch',
      /not a recognisable audio or video file/,
    ],
    [
      'a PNG named as audio',
      'a.wav',
      Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(64)),
      'audio/wav',
      415,
      'media_type_mismatch',
      /its bytes are a PNG file/,
    ],
    ['an image type', 'a.png', wav(0.1), 'image/png', 415, 'unsupported_media_type', /does not keep image\/png/],
    [
      'no type and no usable name',
      'recording',
      wav(0.1),
      'application/octet-stream',
      415,
      'unsupported_media_type',
      /Content-Type/,
    ],
    ['zero bytes', 'a.wav', new Uint8Array(0), 'audio/wav', 400, 'empty_file', /empty \(0 bytes\)/],
    ['a truncated WAV', 'a.wav', wav(0.5).subarray(0, 3000), 'audio/wav', 400, 'truncated_media', /cut short/],
    [
      'a truncated MP3',
      'a.mp3',
      mp3(10).subarray(0, 417 * 6 + 50),
      'audio/mpeg',
      400,
      'truncated_media',
      /last audio frame/,
    ],
    ['a truncated Ogg', 'a.ogg', oggOpus(1).subarray(0, 120), 'audio/ogg', 400, 'truncated_media', /cut short/],
    ['a truncated MP4', 'a.mp4', isoMedia('isom').subarray(0, 600), 'video/mp4', 400, 'truncated_media', /"mdat" box/],
  ])('%s', async (_what, name, bytes, type, status, code, message) => {
    const setup = await sharedSetUp();
    if ((await setup.listed()).media !== undefined) {
      expect((await setup.cast.owner.client.delete(mediaPath(setup.p, setup.t))).status).toBe(204);
    }
    const answer = await refused(setup, name, bytes, type);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.message).toMatch(message);
    expect(answer.body.error.message).toContain(name);
  });

  it('a file over the configured limit, with or without a declared length', async () => {
    const setup = await setUp({ maxMediaBytes: String(64 * 1024) });
    const big = wav(5); // 80 KB
    const declared = await refused(setup, 'long.wav', big, 'audio/wav');
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({ code: 'too_large' });
    expect(declared.body.error.message).toMatch(/limit is 64\.0 KiB \(65536 bytes; ACCORD_MAX_MEDIA_BYTES\)/);
    // Streamed without a length: counted as it arrives and cut off at the limit.
    const chunks = [big.subarray(0, 40_000), big.subarray(40_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const streamed = await refused(setup, 'long.wav', stream, 'audio/wav');
    expect(streamed.status).toBe(413);
    expect(streamed.body.error.message).toMatch(/65536 bytes/);
    expect(fs.readdirSync(path.join(setup.test.dataDir, 'media', '.staging'))).toEqual([]);
    // Under the limit is fine.
    expect(
      (await uploadMedia(setup.cast.owner.client, setup.p, setup.t, 'short.wav', wav(1), 'audio/wav')).status,
    ).toBe(201);
  });

  it('an upload cut off by the client leaves no file, staged or visible', async () => {
    const setup = await setUp();
    const { cast, p, t, test, mediaFiles, listed } = setup;
    const staging = path.join(test.dataDir, 'media', '.staging');
    const audio = wav(2);
    const abort = new AbortController();
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(audio.subarray(0, 20_000));
        }
        // Then nothing more: the upload hangs half way until the client gives up.
      },
    });
    const upload = uploadMedia(cast.owner.client, p, t, 'half.wav', stream, 'audio/wav', { signal: abort.signal });
    // The server has received and written the first part.
    await vi.waitFor(
      () => {
        const parts = fs.existsSync(staging) ? fs.readdirSync(staging) : [];
        expect(parts.length).toBe(1);
        expect(fs.statSync(path.join(staging, parts[0]!)).size).toBe(20_000);
      },
      { timeout: 10_000, interval: 20 },
    );
    abort.abort();
    await expect(upload).rejects.toThrow();
    await vi.waitFor(() => expect(fs.readdirSync(staging)).toEqual([]), { timeout: 10_000, interval: 20 });
    expect(mediaFiles()).toEqual([]);
    expect((await listed()).media).toBeUndefined();
  });
});

describe('who may attach and hear a recording', () => {
  it('members hear it, outsiders are told it does not exist, only owners change it', async () => {
    const { test, cast, p, t } = await setUp();
    const audio = wav(0.3);
    expect((await uploadMedia(cast.coder.client, p, t, 'a.wav', audio, 'audio/wav')).status).toBe(403);
    expect((await uploadMedia(cast.viewer.client, p, t, 'a.wav', audio, 'audio/wav')).status).toBe(403);
    expect((await uploadMedia(cast.owner.client, p, t, 'a.wav', audio, 'audio/wav')).status).toBe(201);
    for (const member of [cast.owner, cast.coder, cast.viewer]) {
      expect((await fetchMedia(member.client, p, t)).bytes).toEqual(audio);
    }
    const stranger = await test.addUser('stranger@example.org', 'Stranger');
    const strangerClient = await test.login(stranger.email);
    const refused = await fetchMedia(strangerClient, p, t, { range: 'bytes=0-10' });
    expect(refused.status).toBe(404);
    expect(refused.bytes.length).toBeLessThan(200);
    expect((await uploadMedia(strangerClient, p, t, 'a.wav', audio, 'audio/wav')).status).toBe(404);
    const anonymous = await fetch(`${test.url}${mediaPath(p, t)}`);
    expect(anonymous.status).toBe(401);
    // A transcript of another project is not reachable through this one.
    const own = (await strangerClient.post('/api/projects', { name: 'Elsewhere' })).body.project;
    expect((await fetchMedia(strangerClient, own.id, t)).status).toBe(404);
  });

  it('during a blind round its coders hear it, and it cannot change until the round ends', async () => {
    const { cast, p, t } = await setUp();
    const audio = wav(0.3);
    expect((await uploadMedia(cast.owner.client, p, t, 'a.wav', audio, 'audio/wav')).status).toBe(201);
    const round = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Blind',
      mode: 'blind',
      transcripts: { ids: [t] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(round.status).toBe(201);
    for (const coder of [cast.coder, cast.coder2]) {
      const got = await fetchMedia(coder.client, p, t, { range: 'bytes=0-43' });
      expect(got.status).toBe(206);
      expect(got.bytes).toEqual(audio.subarray(0, 44));
    }
    const replaced = await uploadMedia(cast.owner.client, p, t, 'b.wav', wav(0.4), 'audio/wav');
    expect(replaced.status).toBe(409);
    expect(replaced.body.error.code).toBe('in_round');
    expect((await cast.owner.client.delete(mediaPath(p, t))).status).toBe(409);
    expect((await fetchMedia(cast.owner.client, p, t)).bytes).toEqual(audio);
  });

  it('an archived project keeps its recording playable and unchangeable', async () => {
    const { cast, p, t } = await setUp();
    const audio = wav(0.3);
    expect((await uploadMedia(cast.owner.client, p, t, 'a.wav', audio, 'audio/wav')).status).toBe(201);
    expect((await cast.owner.client.patch(`/api/projects/${p}`, { archived: true })).status).toBe(200);
    expect((await fetchMedia(cast.coder.client, p, t)).bytes).toEqual(audio);
    expect((await uploadMedia(cast.owner.client, p, t, 'b.wav', wav(0.4), 'audio/wav')).status).toBe(403);
  });
});
