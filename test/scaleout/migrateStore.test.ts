import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccordDatabase, openDatabase } from '../../server/src/db/index.js';
import { silentLogger } from '../../server/src/log.js';
import {
  type Fingerprint,
  fingerprint,
  mismatches,
  openDataDirView,
  withPostgresView,
} from '../../server/src/metadata/postgres/transfer.js';
import { codePassages } from '../analysis/helpers.js';
import { runCli } from '../helpers/cli.js';
import { ApiClient, seedProject, startTestServer, type TestServer, tempDataDir } from '../helpers/server.js';
import { fetchMedia, uploadMedia } from '../media/helpers.js';
import { wav } from '../media/mediaFiles.js';
import { addCodes } from '../rounds/helpers.js';
import { startPostgres, type TestPostgres } from '../setup/postgres.js';

/**
 * `accord migrate-store` on a real embedded data folder (made by a real server: a project, a blind round coded by
 * two coders and revealed with its snapshots, a recording, an invitation, audit entries) into a real PostgreSQL
 * database: everything arrives, both sides are compared kind by kind, and a server started on the database
 * serves the same agreement numbers, recording and sessions. Then backups go both ways: a backup of the database
 * restores into a data folder and into another database, with the same data; damage in the database is named by
 * `accord check --postgres`.
 */
const text = (i: number) =>
  `Interviewer: How was it, ${i}?\nP${i}: Hard at first. I felt alone and nobody called me back.\n` +
  `Interviewer: What helped?\nP${i}: My sister. She came every week and we talked about it.\n`;
const CLI_TIMEOUT = 180_000;

let cluster: TestPostgres;
let dataDir: string;
let url: string;
/** What the embedded server answered, to compare with what the PostgreSQL one answers. */
let before: { agreement: unknown; spans: unknown; audio: Uint8Array; project: string; roundBase: string };
let cast: Awaited<ReturnType<typeof seedProject>>;
const cleanup: string[] = [];

const databaseName = (of: string) => new URL(of).pathname.slice(1);
const ok = (result: { code: number | null; stdout: string; stderr: string }) =>
  `exit ${result.code}\n${result.stdout}\n${result.stderr}`;

/** The count printed for `kind` on the source and destination lines, and whether they were said to match. */
function printed(stdout: string, kind: string): { source: number; destination: number; match: boolean } {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`${kind} `) && line.includes(' source '));
  const count = (line: string | undefined) => Number(/\s(\d+)\s+[0-9a-f]{64}/.exec(line ?? '')?.[1]);
  return {
    source: count(lines[at]),
    destination: count(lines[at + 1]),
    match: lines[at + 1]?.trimEnd().endsWith(' match') ?? false,
  };
}

async function postgresFingerprint(of: string): Promise<Fingerprint> {
  const database: AccordDatabase = await openDatabase({ url: of, logger: silentLogger });
  try {
    return await withPostgresView(database, (view) => fingerprint(view));
  } finally {
    await database.close();
  }
}

async function folderFingerprint(dir: string): Promise<Fingerprint> {
  const view = await openDataDirView(dir, silentLogger);
  try {
    return await fingerprint(view);
  } finally {
    await view.close();
  }
}

beforeAll(async () => {
  cluster = await startPostgres();
  dataDir = tempDataDir();
  cleanup.push(dataDir);
  const test: TestServer = await startTestServer({ dataDir });
  try {
    cast = await seedProject(test, text(1));
    const p = cast.project.id;
    const codes = await addCodes(test, p, ['isolation', 'support']);
    const transcripts = [cast.transcript.id];
    for (let i = 1; i < 3; i++) {
      const created = await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
        title: `Interview ${i + 1}`,
        participant: `P${i + 1}`,
        text: text(i + 1),
      });
      transcripts.push(created.body.transcript.id);
    }
    const round = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Pilot',
      mode: 'blind',
      transcripts: { ids: transcripts },
      coders: [cast.coder.id, cast.coder2.id],
      adjudicators: [cast.owner.id],
    });
    expect(round.status, JSON.stringify(round.body)).toBe(201);
    for (const [i, transcript] of transcripts.entries()) {
      await codePassages(test, p, transcript, cast.coder.id, [
        { code: codes.isolation!, text: 'I felt alone' },
        { code: codes.support!, text: i % 2 === 0 ? 'My sister. She came every week' : 'She came every week' },
      ]);
      await codePassages(test, p, transcript, cast.coder2.id, [
        { code: codes.isolation!, text: i === 1 ? 'I felt alone and nobody called me back' : 'I felt alone' },
        { code: codes.support!, text: 'She came every week' },
      ]);
    }
    const roundBase = `/api/projects/${p}/rounds/${round.body.round.id}`;
    const done = await cast.coder.client.request('PUT', `${roundBase}/transcripts/${transcripts[0]}/done`, {
      done: true,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await cast.owner.client.post(`${roundBase}/reveal`, { force: true })).status).toBe(200);
    const audio = wav(1);
    const uploaded = await uploadMedia(cast.owner.client, p, cast.transcript.id, 'Interview 1.wav', audio, 'audio/wav');
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const invited = await cast.owner.client.post(`/api/projects/${p}/invitations`, {
      email: 'newcomer@example.org',
      role: 'coder',
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const agreement = (await cast.owner.client.get(`${roundBase}/agreement`)).body;
    expect(agreement.source).toBe('snapshot');
    before = {
      agreement,
      spans: (await cast.owner.client.get(`${roundBase}/spans`)).body,
      audio,
      project: p,
      roundBase,
    };
  } finally {
    await test.close();
  }
  url = await cluster.createDatabase();
}, 180_000);

afterAll(async () => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
  await cluster?.stop();
}, 120_000);

describe('accord migrate-store', () => {
  it('copies everything, prints counts and SHA-256 per kind for both sides, and they match', async () => {
    const result = await runCli(['migrate-store', '--from', dataDir, '--postgres', url], { timeoutMs: CLI_TIMEOUT });
    expect(result.code, ok(result)).toBe(0);
    expect(result.stdout).not.toContain('MISMATCH');
    const expected = {
      users: 4,
      projects: 1,
      transcripts: 3,
      rounds: 1,
      invitations: 1,
      // The recording.
      media: 1,
    };
    for (const [kind, count] of Object.entries(expected)) {
      expect(printed(result.stdout, kind), kind).toEqual({ source: count, destination: count, match: true });
    }
    for (const kind of ['sessions', 'audit', 'documents', 'snapshots', 'settings']) {
      const line = printed(result.stdout, kind);
      expect(line.match, kind).toBe(true);
      expect(line.source, kind).toBeGreaterThan(0);
    }
    // The reveal snapshotted every coder layer and text: 3 transcripts x (2 layers + text), plus the codebook.
    expect(printed(result.stdout, 'snapshots').source).toBeGreaterThanOrEqual(10);
    // Independently of the command's own comparison: both sides read back here give equal fingerprints.
    expect(mismatches(await folderFingerprint(dataDir), await postgresFingerprint(url))).toEqual([]);
  });

  it('refuses a destination that is not empty, changing nothing', async () => {
    const before = await postgresFingerprint(url);
    const again = await runCli(['migrate-store', '--from', dataDir, '--postgres', url], { timeoutMs: CLI_TIMEOUT });
    expect(again.code, ok(again)).toBe(1);
    expect(again.stderr).toMatch(/is not empty \(\d+ users/);
    expect(mismatches(before, await postgresFingerprint(url))).toEqual([]);
  });

  it('a server on the database serves the same agreement numbers, recording and sessions', async () => {
    const test = await startTestServer({ config: { postgresUrl: url } });
    try {
      // The owner's session from the embedded server was copied: the same cookie signs in here.
      const owner = new ApiClient(test.url);
      owner.cookie = cast.owner.client.cookie;
      owner.csrfToken = cast.owner.client.csrfToken;
      const me = await owner.get('/api/session');
      expect(me.status, JSON.stringify(me.body)).toBe(200);
      expect((await owner.get(`${before.roundBase}/agreement`)).body).toEqual(before.agreement);
      expect((await owner.get(`${before.roundBase}/spans`)).body).toEqual(before.spans);
      const played = await fetchMedia(owner, before.project, cast.transcript.id);
      expect(played.status).toBe(200);
      expect(Buffer.from(played.bytes).equals(Buffer.from(before.audio))).toBe(true);
      const ranged = await fetchMedia(owner, before.project, cast.transcript.id, { range: 'bytes=100-1099' });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(ranged.bytes).equals(Buffer.from(before.audio.subarray(100, 1100)))).toBe(true);
    } finally {
      await test.close();
    }
    const checked = await runCli(['check', '--postgres', url], { timeoutMs: CLI_TIMEOUT });
    expect(checked.code, ok(checked)).toBe(0);
    expect(checked.stdout).toMatch(/4 users, 1 projects, 3 transcripts, 1 rounds/);
    expect(checked.stdout.trim().endsWith('intact')).toBe(true);
  });

  it('a backup of the database restores into a data folder and into another database, the same data', async () => {
    const archive = path.join(tempDataDir(), 'pg.tar.gz');
    cleanup.push(path.dirname(archive));
    const backup = await runCli(['backup', '--postgres', url, '--out', archive], { timeoutMs: CLI_TIMEOUT });
    expect(backup.code, ok(backup)).toBe(0);
    const source = await postgresFingerprint(url);

    const folder = path.join(tempDataDir(), 'restored');
    cleanup.push(path.dirname(folder));
    const restored = await runCli(['restore', archive, '--data', folder], { timeoutMs: CLI_TIMEOUT });
    expect(restored.code, ok(restored)).toBe(0);
    const checked = await runCli(['check', '--data', folder], { timeoutMs: CLI_TIMEOUT });
    expect(checked.code, ok(checked)).toBe(0);
    expect(mismatches(source, await folderFingerprint(folder))).toEqual([]);

    const other = await cluster.createDatabase();
    const intoDatabase = await runCli(['restore', archive, '--postgres', other], { timeoutMs: CLI_TIMEOUT });
    expect(intoDatabase.code, ok(intoDatabase)).toBe(0);
    expect(intoDatabase.stdout).not.toContain('MISMATCH');
    expect(mismatches(source, await postgresFingerprint(other))).toEqual([]);
    // The embedded backup restores into a database too (the same archive format).
    const embedded = path.join(path.dirname(archive), 'embedded.tar.gz');
    expect((await runCli(['backup', '--data', dataDir, '--out', embedded], { timeoutMs: CLI_TIMEOUT })).code).toBe(0);
    const third = await cluster.createDatabase();
    const fromEmbedded = await runCli(['restore', embedded, '--postgres', third], { timeoutMs: CLI_TIMEOUT });
    expect(fromEmbedded.code, ok(fromEmbedded)).toBe(0);
    expect(mismatches(source, await postgresFingerprint(third))).toEqual([]);
  });

  it('accord check --postgres names damage: a changed recording chunk, a changed snapshot', async () => {
    const other = await cluster.createDatabase();
    const copied = await runCli(['migrate-store', '--from', dataDir, '--postgres', other], { timeoutMs: CLI_TIMEOUT });
    expect(copied.code, ok(copied)).toBe(0);
    // Damage as a disk fault would cause it: past the triggers that keep these rows from ever changing.
    await cluster.query(
      `ALTER TABLE media_chunks DISABLE TRIGGER media_chunks_immutable;
       UPDATE media_chunks SET data = decode(repeat('00', 16), 'hex') || substring(data from 17) WHERE n = 0;
       ALTER TABLE document_snapshots DISABLE TRIGGER document_snapshots_immutable;
       UPDATE document_snapshots SET state = state || '\\x00'::bytea
       WHERE snapshot_id = (SELECT min(snapshot_id) FROM document_snapshots WHERE doc_name LIKE '%/text')
         AND doc_name = (SELECT min(doc_name) FROM document_snapshots WHERE doc_name LIKE '%/text');`,
      [],
      databaseName(other),
    );
    const checked = await runCli(['check', '--postgres', other], { timeoutMs: CLI_TIMEOUT });
    expect(checked.code, ok(checked)).toBe(1);
    expect(checked.stdout).toMatch(/DAMAGED recording [a-z0-9_-]+\/[a-z0-9_-]+\/[0-9a-f]{64}: .*its SHA-256 is/);
    expect(checked.stdout).toMatch(/DAMAGED snapshot p\/.*\/text@[a-z0-9_-]+: its state does not match its SHA-256/);
  });
});
