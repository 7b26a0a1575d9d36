import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { ApiClient } from '../helpers/server.js';
import { type Client, connect, sleep, tempDir } from './helpers.js';

const PASSWORD = 'crash test battery staple';
const WRITERS = 6;
const WRITE_INTERVAL_MS = 10;
const WRITE_FOR_MS = 1500;
/** The codebook's code redirects: a map of strings, which the server accepts from any codebook writer. */
const KEYS = 'redirects';

interface Served {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** `accord serve` as a child process, so that it can be killed -9 like a crashing production server. */
async function serve(dataDir: string): Promise<Served> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b)`);
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir], {
    env: { ...process.env, ACCORD_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no listening line: ${buffered}`)), 15_000);
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
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

async function session(url: string): Promise<ApiClient> {
  const api = new ApiClient(url);
  const login = await api.post('/api/auth/login', { email: 'lead@example.org', password: PASSWORD });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  return api;
}

describe('durability of a server process that dies', () => {
  const children: ChildProcess[] = [];
  const clients: Client[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  const open = (served: Served, docName: string, api: ApiClient) => {
    const client = connect(`${served.url.replace('http', 'ws')}/ws`, docName, {
      user: '',
      headers: { cookie: api.cookie!, origin: served.url },
    });
    clients.push(client);
    return client;
  };

  /** Writers at a steady rate; an observer's receipt time marks an update as accepted (the server relayed it). */
  async function writeUntil(served: Served, docName: string, api: ApiClient, stop: () => void) {
    const writers = Array.from({ length: WRITERS }, () => open(served, docName, api));
    const observer = open(served, docName, api);
    await Promise.all([...writers, observer].map((c) => c.synced));
    const accepted = new Map<string, number>();
    observer.doc.getMap(KEYS).observe((event) => {
      const now = Date.now();
      for (const key of event.keysChanged) if (!accepted.has(key)) accepted.set(key, now);
    });
    let seq = 0;
    const timers = writers.map((writer, i) =>
      setInterval(() => writer.doc.getMap(KEYS).set(`${i}-${seq++}`, String(Date.now())), WRITE_INTERVAL_MS),
    );
    await sleep(WRITE_FOR_MS);
    const stoppedAt = Date.now();
    stop();
    for (const timer of timers) clearInterval(timer);
    // The clients must not re-send their state after the restart: what counts is what the server kept.
    for (const client of clients.splice(0)) client.destroy();
    return { accepted, stoppedAt };
  }

  async function survivors(dataDir: string, docName: string): Promise<Set<string>> {
    const served = await serve(dataDir);
    children.push(served.child);
    const reader = open(served, docName, await session(served.url));
    await reader.synced;
    const keys = new Set(reader.doc.getMap(KEYS).keys());
    served.child.kill('SIGTERM');
    await served.exited;
    return keys;
  }

  it('after kill -9 at most 100 ms of accepted updates is missing; SIGTERM loses nothing', async () => {
    const dataDir = tempDir();
    const added = await runCli(
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
      { stdin: `${PASSWORD}\n` },
    );
    expect(added.code, added.stderr).toBe(0);

    const first = await serve(dataDir);
    children.push(first.child);
    const api = await session(first.url);
    const project = (await api.post('/api/projects', { name: 'Crash study' })).body.project;
    const docName = `p/${project.id}/codebook`;

    const crash = await writeUntil(first, docName, api, () => first.child.kill('SIGKILL'));
    await first.exited;
    const kept = await survivors(dataDir, docName);
    const accepted = [...crash.accepted].filter(([, at]) => at <= crash.stoppedAt);
    const missing = accepted.filter(([key]) => !kept.has(key));
    const rate = accepted.length / (WRITE_FOR_MS / 1000);
    const windowMs = missing.length === 0 ? 0 : crash.stoppedAt - Math.min(...missing.map(([, at]) => at));
    console.log(
      `crash (kill -9): ${accepted.length} updates accepted at ~${Math.round(rate)}/s, ${missing.length} missing after restart ` +
        `= ${((missing.length / rate) * 1000).toFixed(1)} ms worth; oldest missing was accepted ${windowMs} ms before the kill`,
    );
    expect(accepted.length).toBeGreaterThan(300);
    expect(windowMs).toBeLessThanOrEqual(100);

    const second = await serve(dataDir);
    children.push(second.child);
    const graceful = await writeUntil(second, docName, await session(second.url), () => second.child.kill('SIGTERM'));
    expect(await second.exited).toBe(0);
    const keptAfterTerm = await survivors(dataDir, docName);
    const lostOnTerm = [...graceful.accepted.keys()].filter((key) => !keptAfterTerm.has(key));
    console.log(
      `graceful (SIGTERM): ${graceful.accepted.size} updates accepted, ${lostOnTerm.length} missing after restart`,
    );
    expect(lostOnTerm).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
});
