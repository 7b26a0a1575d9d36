import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { addCode, addCoding, codesMap, codingsMap, docName } from '@accord/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLI, runCli } from '../helpers/cli.js';
import { ApiClient, tempDataDir } from '../helpers/server.js';
import { startPostgres, type TestPostgres } from '../setup/postgres.js';
import { type Client, connect, sleep, waitFor } from '../sync/helpers.js';

/**
 * `accord serve --postgres URL` for real: the built CLI as child processes on a throwaway PostgreSQL cluster, with
 * metadata, documents, snapshots and sessions in the database and nothing in the data folder that matters (two
 * instances even share one folder: no lock is taken). Coders co-code, a blind round is enforced, a restart keeps
 * everything, sessions are valid on every instance, kill -9 loses no update older than 100 ms, and a database a
 * newer Accord migrated is refused.
 */
const PASSWORD = 'postgres test battery staple';
const TEXT = 'Interviewer: How was it?\nP1: Hard at first. I felt alone and nobody called me back.\n';

interface Served {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  exited: Promise<number | null>;
}

let cluster: TestPostgres;
const children: ChildProcess[] = [];
const clients: Client[] = [];
const folders: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b)`);
  cluster = await startPostgres();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(async () => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  await cluster?.stop();
}, 120_000);

/** `accord serve --postgres` as a child process, so that it can be stopped, restarted and killed -9. */
async function serve(url: string, dataDir: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--postgres', url],
    { env: { ...process.env, ACCORD_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no listening line: ${buffered}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (!line.includes('"event":"listening"')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line).port);
      }
    });
    child.on('exit', () => reject(new Error(`server exited: ${buffered}`)));
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  return { child, url: httpUrl, wsUrl: `ws://127.0.0.1:${port}/ws`, exited };
}

async function stop(served: Served): Promise<void> {
  served.child.kill('SIGTERM');
  expect(await served.exited).toBe(0);
}

/** A client of `served` holding `api`'s session: its cookie and CSRF token, nothing else. */
function sameSession(served: Served, api: ApiClient): ApiClient {
  const client = new ApiClient(served.url);
  client.cookie = api.cookie;
  client.csrfToken = api.csrfToken;
  return client;
}

function open(served: Served, name: string, api: ApiClient): Client {
  const client = connect(served.wsUrl, name, { user: '', headers: { cookie: api.cookie!, origin: served.url } });
  clients.push(client);
  return client;
}

/** The HTTP status of a WebSocket upgrade with `api`'s session: 101 when it was accepted. */
function upgradeStatus(served: Served, api: ApiClient, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${served.wsUrl}/${name}`, { headers: { cookie: api.cookie!, origin: served.url } });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => {
      if (!String(error).includes('Unexpected server response')) reject(error);
    });
  });
}

async function login(served: Served, email: string): Promise<ApiClient> {
  const api = new ApiClient(served.url);
  const answer = await api.post('/api/auth/login', { email, password: PASSWORD });
  if (answer.status !== 200)
    throw new Error(`login of ${email} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return api;
}

/** First-run setup through the API (there is no data folder to add an account to), then two coders. */
async function bootstrap(served: Served) {
  const lead = new ApiClient(served.url);
  const setup = await lead.post('/api/setup', { email: 'lead@example.org', name: 'Lead', password: PASSWORD });
  expect(setup.status, JSON.stringify(setup.body)).toBe(200);
  const coders: { id: string; email: string }[] = [];
  for (const name of ['Cody', 'Cora']) {
    const email = `${name.toLowerCase()}@example.org`;
    const made = await lead.post('/api/users', { email, name, password: PASSWORD });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    coders.push({ id: made.body.user.id, email });
  }
  const project = (await lead.post('/api/projects', { name: 'Shared study' })).body.project;
  for (const coder of coders) {
    const added = await lead.post(`/api/projects/${project.id}/members`, { email: coder.email, role: 'coder' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  }
  const transcript = (
    await lead.post(`/api/projects/${project.id}/transcripts`, { title: 'Interview 1', participant: 'P1', text: TEXT })
  ).body.transcript;
  return { lead, coders, project, transcript };
}

describe('accord serve --postgres', () => {
  it('coders co-code, a blind round is enforced, a restart keeps everything, sessions hold on every instance', async () => {
    const url = await cluster.createDatabase();
    const folder = tempDataDir();
    folders.push(folder);
    const first = await serve(url, folder);
    const { lead, coders, project, transcript } = await bootstrap(first);
    const [cody, cora] = [await login(first, coders[0]!.email), await login(first, coders[1]!.email)];
    const codebook = docName({ kind: 'codebook', project: project.id });
    const text = docName({ kind: 'text', project: project.id, transcript: transcript.id });
    const layer = (coder: string) =>
      docName({ kind: 'codings', project: project.id, transcript: transcript.id, coder });

    // Co-coding: both coders edit the codebook at once and converge on both codes.
    const bookOfCody = open(first, codebook, cody);
    const bookOfCora = open(first, codebook, cora);
    await Promise.all([bookOfCody.synced, bookOfCora.synced]);
    const alone = addCode(bookOfCody.doc, { name: 'isolation' });
    const support = addCode(bookOfCora.doc, { name: 'support' });
    for (const book of [bookOfCody, bookOfCora]) {
      await waitFor(() => codesMap(book.doc).size === 2, 'both codes on both clients');
    }

    // A blind round: each coder codes their own layer and cannot open the other's.
    const round = await lead.post(`/api/projects/${project.id}/rounds`, {
      name: 'Blind pilot',
      mode: 'blind',
      transcripts: { ids: [transcript.id] },
      coders: coders.map((c) => c.id),
    });
    expect(round.status, JSON.stringify(round.body)).toBe(201);
    for (const [api, coder, code, passage] of [
      [cody, coders[0]!, alone, 'I felt alone'],
      [cora, coders[1]!, support, 'nobody called me back'],
    ] as const) {
      const textDoc = open(first, text, api);
      const own = open(first, layer(coder.id), api);
      await Promise.all([textDoc.synced, own.synced]);
      const start = TEXT.indexOf(passage);
      addCoding(own.doc, textDoc.doc, { code, start, end: start + passage.length });
      await waitFor(() => codingsMap(own.doc).size === 1, 'the coding');
    }
    expect(await upgradeStatus(first, cody, layer(coders[1]!.id))).not.toBe(101);
    expect(await upgradeStatus(first, cody, layer(coders[0]!.id))).toBe(101);
    for (const client of clients.splice(0)) client.destroy();

    // Restart, and a second instance on the same database and the same folder (no lock): everything is there,
    // the sessions are valid on both, and both still enforce the blind round.
    await stop(first);
    const second = await serve(url, folder);
    const third = await serve(url, folder);
    for (const served of [second, third]) {
      const me = await sameSession(served, cody).get('/api/session');
      expect(me.status, JSON.stringify(me.body)).toBe(200);
      expect(me.body.user.email).toBe(coders[0]!.email);
      expect(await upgradeStatus(served, cody, layer(coders[1]!.id))).not.toBe(101);
      const book = open(served, codebook, sameSession(served, cora));
      const own = open(served, layer(coders[1]!.id), sameSession(served, cora));
      await Promise.all([book.synced, own.synced]);
      expect([...codesMap(book.doc).keys()].sort()).toEqual([alone, support].sort());
      expect(codingsMap(own.doc).size).toBe(1);
    }
    const rounds = (await sameSession(third, lead).get(`/api/projects/${project.id}/rounds`)).body.rounds;
    expect(rounds).toHaveLength(1);
    expect(rounds[0]).toMatchObject({ name: 'Blind pilot', status: 'running' });

    // Revealed on one instance, the layers open on the other (its access decision reads the shared metadata).
    const reveal = await sameSession(second, lead).post(
      `/api/projects/${project.id}/rounds/${round.body.round.id}/reveal`,
      { force: true },
    );
    expect(reveal.status, JSON.stringify(reveal.body)).toBe(200);
    expect(await upgradeStatus(third, cody, layer(coders[1]!.id))).toBe(101);
    const agreement = await sameSession(third, cody).get(
      `/api/projects/${project.id}/rounds/${round.body.round.id}/agreement`,
    );
    expect(agreement.status, JSON.stringify(agreement.body)).toBe(200);
    expect(agreement.body.source).toBe('snapshot');
    await stop(second);
    await stop(third);
    const checked = await runCli(['check', '--postgres', url], { timeoutMs: 60_000 });
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  }, 180_000);

  it('after kill -9 no accepted update older than 100 ms is missing; SIGTERM loses nothing', async () => {
    const url = await cluster.createDatabase();
    const folder = tempDataDir();
    folders.push(folder);
    const first = await serve(url, folder);
    const { lead, project } = await bootstrap(first);
    const name = docName({ kind: 'codebook', project: project.id });
    // The codebook's code redirects: a map of strings, which the server accepts from any codebook writer.
    const KEYS = 'redirects';

    async function writeUntil(served: Served, api: ApiClient, end: () => void) {
      const writers = Array.from({ length: 6 }, () => open(served, name, api));
      const observer = open(served, name, api);
      await Promise.all([...writers, observer].map((c) => c.synced));
      const accepted = new Map<string, number>();
      observer.doc.getMap(KEYS).observe((event) => {
        const now = Date.now();
        for (const key of event.keysChanged) if (!accepted.has(key)) accepted.set(key, now);
      });
      let seq = 0;
      const timers = writers.map((writer, i) =>
        setInterval(() => writer.doc.getMap(KEYS).set(`${i}-${seq++}`, String(Date.now())), 10),
      );
      await sleep(1500);
      const stoppedAt = Date.now();
      end();
      for (const timer of timers) clearInterval(timer);
      // The clients must not send their state again after the restart: what counts is what the server kept.
      for (const client of clients.splice(0)) client.destroy();
      return { accepted, stoppedAt };
    }
    async function survivors(): Promise<Set<string>> {
      const served = await serve(url, folder);
      const reader = open(served, name, sameSession(served, lead));
      await reader.synced;
      const keys = new Set(reader.doc.getMap(KEYS).keys());
      await stop(served);
      return keys;
    }

    const crash = await writeUntil(first, lead, () => first.child.kill('SIGKILL'));
    await first.exited;
    const kept = await survivors();
    const accepted = [...crash.accepted].filter(([, at]) => at <= crash.stoppedAt);
    const missing = accepted.filter(([key]) => !kept.has(key));
    const windowMs = missing.length === 0 ? 0 : crash.stoppedAt - Math.min(...missing.map(([, at]) => at));
    console.log(
      `kill -9 on PostgreSQL: ${accepted.length} updates accepted, ${missing.length} missing after restart; ` +
        `the oldest missing was accepted ${windowMs} ms before the kill`,
    );
    expect(accepted.length).toBeGreaterThan(300);
    expect(windowMs).toBeLessThanOrEqual(100);

    const second = await serve(url, folder);
    const graceful = await writeUntil(second, sameSession(second, lead), () => second.child.kill('SIGTERM'));
    expect(await second.exited).toBe(0);
    const keptAfterTerm = await survivors();
    expect([...graceful.accepted.keys()].filter((key) => !keptAfterTerm.has(key))).toEqual([]);
  }, 120_000);

  it('first-run setups racing on two instances: exactly one creates the administrator', async () => {
    const url = await cluster.createDatabase();
    const folder = tempDataDir();
    folders.push(folder);
    const instances = await Promise.all([serve(url, folder), serve(url, folder)]);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        new ApiClient(instances[i % 2]!.url).post('/api/setup', {
          email: `admin${i}@example.org`,
          name: `Admin ${i}`,
          password: PASSWORD,
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('setup_done');
    }
    const users = await cluster.query<{ n: string }>(
      'SELECT count(*) AS n FROM users',
      [],
      new URL(url).pathname.slice(1),
    );
    expect(Number(users[0]?.n)).toBe(1);
    for (const served of instances) await stop(served);
  }, 120_000);

  it('refuses a database that a newer Accord migrated, changing nothing', async () => {
    const url = await cluster.createDatabase();
    const folder = tempDataDir();
    folders.push(folder);
    const first = await serve(url, folder);
    await bootstrap(first);
    await stop(first);
    const database = new URL(url).pathname.slice(1);
    await cluster.query(
      `INSERT INTO accord_migrations (name, timestamp) VALUES ('9001_from_a_newer_accord', now())`,
      [],
      database,
    );
    const tables = async () =>
      (
        await cluster.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
          [],
          database,
        )
      ).map((row) => row.name);
    const before = await tables();
    const refused = await runCli(['serve', '--port', '0', '--data', folder, '--postgres', url], { timeoutMs: 30_000 });
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/migrated by a newer version of Accord: migration 9001_from_a_newer_accord/);
    expect(refused.stderr).toMatch(/Nothing was changed/);
    expect(await tables()).toEqual(before);
    const users = await cluster.query<{ n: string }>('SELECT count(*) AS n FROM users', [], database);
    expect(Number(users[0]?.n)).toBe(3);
  }, 120_000);
});
