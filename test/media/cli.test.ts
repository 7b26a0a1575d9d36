import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { ApiClient, seedProject, startTestServer, type TestServer, tempDataDir } from '../helpers/server.js';
import { fetchMedia, uploadMedia } from './helpers.js';
import { mp3, wav } from './mediaFiles.js';

const running: TestServer[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const server of running.splice(0)) await server.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('recordings in backups and checks', () => {
  it('a backup holds the recordings; the restore serves them; check finds a damaged one', async () => {
    const dataDir = tempDataDir();
    const source = await startTestServer({ dataDir });
    running.push(source);
    const { project, transcript, owner } = await seedProject(source);
    const audio = wav(1.5);
    expect(
      (await uploadMedia(owner.client, project.id, transcript.id, 'Interview 1.wav', audio, 'audio/wav')).status,
    ).toBe(201);
    const backupFile = path.join(tempDataDir(), 'backup.tar.gz');
    const backup = await runCli(['backup', '--out', backupFile, '--data', dataDir]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);

    const target = path.join(tempDataDir(), 'restored');
    const restore = await runCli(['restore', backupFile, '--data', target]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const checked = await runCli(['check', '--data', target]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/media: {5}1 recordings, 23\.5 KiB/);
    expect(checked.stdout).toMatch(/intact$/m);
    const restored = await startTestServer({ dataDir: target });
    running.push(restored);
    const client = await restored.login(owner.email);
    const got = await fetchMedia(client, project.id, transcript.id, { range: 'bytes=44-' });
    expect(got.status).toBe(206);
    expect(got.bytes).toEqual(audio.subarray(44));

    // Damage: one byte of the stored recording changes (a disk error, a hand edit).
    await source.close();
    running.splice(running.indexOf(source), 1);
    const stored = path.join(dataDir, 'media', project.id, transcript.id, `${sha256(audio)}.media`);
    const bytes = fs.readFileSync(stored);
    bytes[1000] ^= 0xff;
    fs.writeFileSync(stored, bytes);
    const damaged = await runCli(['check', '--data', dataDir]);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain(
      `DAMAGED media/${project.id}/${transcript.id}/${sha256(audio)}.media: the recording "Interview 1.wav" of transcript "Interview 1" (${transcript.id}) its SHA-256 is ${sha256(bytes)}, ${sha256(audio)} was recorded at upload`,
    );
    expect(damaged.stdout).toMatch(/1 damaged: these recordings cannot be played as uploaded/);
    // Cut short, it is found by its size before anything is read.
    fs.truncateSync(stored, 100);
    expect((await runCli(['check', '--data', dataDir])).stdout).toMatch(/has 100 bytes, 24044 were recorded at upload/);
    // A backup of the damaged directory is refused on restore, and changes nothing.
    const damagedBackup = path.join(tempDataDir(), 'damaged.tar.gz');
    expect((await runCli(['backup', '--out', damagedBackup, '--data', dataDir])).code).toBe(0);
    const elsewhere = path.join(tempDataDir(), 'elsewhere');
    const refused = await runCli(['restore', damagedBackup, '--data', elsewhere]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is damaged: media\/.*has 100 bytes/);
    expect(fs.existsSync(path.join(elsewhere, 'meta.json'))).toBe(false);
  });
});

/** `accord serve` as a child process, so that it can be killed -9 mid-upload like a crashing server. */
async function serve(dataDir: string): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir], {
    env: { ...process.env, ACCORD_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) if (line.includes('"event":"listening"')) resolve(JSON.parse(line).port);
    });
    child.on('exit', () => reject(new Error(`server exited: ${buffered}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

describe('a crash during an upload', () => {
  it('leaves nothing visible, and the next start deletes the part received', async () => {
    const dataDir = tempDataDir();
    const add = await runCli(
      [
        'user',
        'add',
        '--email',
        'lead@example.org',
        '--name',
        'Lead',
        '--admin',
        '--password-stdin',
        '--data',
        dataDir,
      ],
      { stdin: 'crash test battery staple\n' },
    );
    expect(add.code).toBe(0);
    const served = await serve(dataDir);
    const lead = new ApiClient(served.url);
    expect(
      (await lead.post('/api/auth/login', { email: 'lead@example.org', password: 'crash test battery staple' })).status,
    ).toBe(200);
    const project = (await lead.post('/api/projects', { name: 'Crash' })).body.project;
    const transcript = (await lead.post(`/api/projects/${project.id}/transcripts`, { title: 'One', text: 'P1: hi' }))
      .body.transcript;
    const audio = wav(3);
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(audio.subarray(0, 30_000));
        }
      },
    });
    // Settled from the start: it fails when the server dies, which happens while this test waits on something else.
    const upload = uploadMedia(lead, project.id, transcript.id, 'crash.wav', body, 'audio/wav').then(
      () => null,
      (error: unknown) => error,
    );
    const staging = path.join(dataDir, 'media', '.staging');
    await vi.waitFor(
      () => {
        const parts = fs.existsSync(staging) ? fs.readdirSync(staging) : [];
        expect(parts).toHaveLength(1);
        expect(fs.statSync(path.join(staging, parts[0]!)).size).toBe(30_000);
      },
      { timeout: 10_000, interval: 20 },
    );
    served.child.kill('SIGKILL');
    await served.exited;
    expect(await upload).toBeInstanceOf(Error);

    // The half file is in staging only: never a recording, and check says so without calling it damage.
    const checked = await runCli(['check', '--data', dataDir]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/note: media\/\.staging\/[0-9a-f]+\.part: an upload a crash interrupted/);
    expect(checked.stdout).toMatch(/media: {5}0 recordings/);

    const again = await startTestServer({ dataDir });
    running.push(again);
    const client = await again.login('lead@example.org', 'crash test battery staple');
    const listed = (await client.get(`/api/projects/${project.id}/transcripts`)).body.transcripts;
    expect(listed[0].media).toBeUndefined();
    expect((await fetchMedia(client, project.id, transcript.id)).status).toBe(404);
    await vi.waitFor(() => expect(fs.readdirSync(staging)).toEqual([]), { timeout: 10_000, interval: 20 });
    // And the upload, sent again whole, works.
    expect((await uploadMedia(client, project.id, transcript.id, 'crash.wav', audio, 'audio/wav')).status).toBe(201);
  });
});

describe('accord import with recordings', () => {
  async function dataDirWithAdmin() {
    const dir = tempDataDir();
    const add = await runCli(
      ['user', 'add', '--email', 'lead@example.org', '--name', 'Lead', '--admin', '--password-stdin', '--data', dir],
      { stdin: 'a long password\n' },
    );
    expect(add.code).toBe(0);
    return dir;
  }

  it('attaches the recording lying next to a .vtt, and one named beside a .txt', async () => {
    const dir = await dataDirWithAdmin();
    const files = tempDataDir();
    const vtt = path.join(files, 'Interview 3.vtt');
    fs.writeFileSync(
      vtt,
      'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana>Hello there.\n\n00:00:04.000 --> 00:00:06.000\n<v Ben>Hi Ana.\n',
    );
    const audio = wav(1);
    fs.writeFileSync(path.join(files, 'Interview 3.wav'), audio);
    const txt = path.join(files, 'Notes.txt');
    fs.writeFileSync(txt, 'P1: notes\nP2: more\n');
    const music = mp3(8);
    const named = path.join(tempDataDir(), 'notes.MP3');
    fs.writeFileSync(named, music);
    const imported = await runCli(['import', vtt, txt, named, '--project', 'Pilot', '--data', dir]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(
      `attached Interview 3.wav (audio/wav, ${audio.length} bytes) to transcript "Interview 3"`,
    );
    expect(imported.stdout).toContain(`attached notes.MP3 (audio/mpeg, ${music.length} bytes) to transcript "Notes"`);
    const checked = await runCli(['check', '--data', dir]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/media: {5}2 recordings/);
    const server = await startTestServer({ dataDir: dir });
    running.push(server);
    const client = await server.login('lead@example.org', 'a long password');
    const project = (await client.get('/api/projects')).body.projects[0];
    const transcripts = (await client.get(`/api/projects/${project.id}/transcripts`)).body.transcripts;
    const interview = transcripts.find((t: { title: string }) => t.title === 'Interview 3');
    expect(interview.media).toMatchObject({ name: 'Interview 3.wav', type: 'audio/wav', sha256: sha256(audio) });
    expect((await fetchMedia(client, project.id, interview.id)).bytes).toEqual(audio);
  });

  it('refuses the whole import when a recording is not what its name says', async () => {
    const dir = await dataDirWithAdmin();
    const files = tempDataDir();
    const vtt = path.join(files, 'Call.vtt');
    fs.writeFileSync(vtt, 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHello.\n');
    fs.writeFileSync(path.join(files, 'Call.mp4'), wav(0.5));
    const imported = await runCli(['import', vtt, '--project', 'Pilot', '--data', dir]);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/Call\.mp4: sent as MP4 video \(video\/mp4\), but its bytes are WAV audio/);
    const checked = await runCli(['check', '--data', dir]);
    expect(checked.stdout).toMatch(/0 projects, 0 transcripts/);
    expect(fs.readdirSync(path.join(dir, 'media', '.staging'))).toEqual([]);
    const orphan = await runCli(['import', path.join(files, 'Call.mp4'), '--project', 'Pilot', '--data', dir]);
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toMatch(/attaches to the transcript of the same name/);
  });
});
