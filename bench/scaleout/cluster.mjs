// The processes `pnpm bench scale-out` measures, all on loopback in temporary directories: a throwaway PostgreSQL
// cluster (Debian's binaries; as root they run as the `postgres` user, which PostgreSQL requires), a throwaway
// redis-server with nothing persisted, `accord serve` processes (the built CLI, as in production), and nginx with
// the site docs/deploy.md shows (test/setup/nginxSite.mjs). The same recipe as test/setup/{postgres,redis,nginx,
// cluster}.ts, in plain JavaScript because the benchmark runs without a TypeScript loader.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listenerBody, upstreamBlocks } from '../../test/setup/nginxSite.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(root, 'server/dist/cli/main.js');
// The flags `accord serve` runs with in production (server/src/nodeFlags.ts says why).
const { SERVE_NODE_FLAGS } = await import(pathToFileURL(path.join(root, 'server/dist/nodeFlags.js')).href);
const asRoot = process.getuid?.() === 0;

/** Every process started here, killed when the benchmark exits however it exits. */
const started = new Set();
const cleanups = [];
process.on('exit', () => {
  for (const child of started) child.kill('SIGKILL');
  for (const cleanup of cleanups) cleanup();
});

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function until(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const connects = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** CPU time (user + system, ms) of a process and its threads, and of its children it has reaped, from /proc. */
export function processCpuMs(pid, { withReaped = false } = {}) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of stat (utime, stime, cutime, cstime), counted from "state" as field 3.
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    const ticks = utime + stime + (withReaped ? cutime + cstime : 0);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

export function processRssBytes(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The pids whose parent is `pid` (PostgreSQL's backends and helpers under the postmaster). */
function childrenOf(pid) {
  const children = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {}
  }
  return children;
}

/** A throwaway PostgreSQL on a free port; `cpuMs()` is the CPU of the postmaster and every backend, live or gone. */
export async function startPostgres() {
  const base = '/usr/lib/postgresql';
  const major = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((m) => fs.existsSync(path.join(base, m, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (major === undefined) throw new Error('PostgreSQL is not installed: bash test/setup/system-packages.sh');
  const bin = path.join(base, major, 'bin');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-pg-'));
  const dataDir = path.join(dir, 'data');
  if (asRoot) spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  const command = (tool, args) =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  const run = (tool, args) => {
    const result = spawnSync(...command(tool, args), { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr}`);
    return result.stdout;
  };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Durable as in production (fsync, synchronous commit).
  const flags = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=200 -c fsync=on -c synchronous_commit=on`;
  run('pg_ctl', ['start', '-D', dataDir, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '30', '-o', flags]);
  const stop = () => {
    spawnSync(...command('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']), {
      stdio: 'ignore',
      timeout: 20_000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let databases = 0;
  return {
    port,
    async createDatabase() {
      const name = `bench_${++databases}`;
      run('psql', [
        '-h',
        dir,
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-qc',
        `CREATE DATABASE ${name}`,
      ]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    cpuMs: () =>
      processCpuMs(postmaster, { withReaped: true }) +
      childrenOf(postmaster).reduce((sum, pid) => sum + processCpuMs(pid), 0),
    stop() {
      stop();
      cleanups.splice(cleanups.indexOf(stop), 1);
    },
  };
}

/** A throwaway redis-server, nothing persisted. */
export async function startRedis() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-redis-'));
  const port = await freePort();
  const child = spawn(
    fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server',
    ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    { stdio: 'ignore' },
  );
  started.add(child);
  await until(() => connects(port), 'redis-server');
  return {
    url: `redis://127.0.0.1:${port}`,
    cpuMs: () => processCpuMs(child.pid),
    async stop() {
      child.kill('SIGKILL');
      started.delete(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * nginx with the documented proxying over plain HTTP (TLS would measure OpenSSL, the same for every deployment):
 * with `byDocument`, each document's WebSockets to one instance as docs/deploy.md shows; without, every socket by
 * round robin (the worst case for the relay: a document's sockets spread over every instance).
 */
export async function startNginx(upstreams, { byDocument = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-nginx-'));
  const port = await freePort();
  const at = (name) => path.join(dir, name);
  const config = `${asRoot ? 'user root;\n' : ''}worker_processes 1;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path ${at('client_body')};
    proxy_temp_path ${at('proxy')};
    fastcgi_temp_path ${at('fastcgi')};
    uwsgi_temp_path ${at('uwsgi')};
    scgi_temp_path ${at('scgi')};
    add_header X-Accord-Upstream $upstream_addr always;
${upstreamBlocks(upstreams)}
    server {
        listen 127.0.0.1:${port};
${listenerBody('        ', { byDocument })}
    }
}
`;
  fs.writeFileSync(at('nginx.conf'), config);
  const child = spawn(
    '/usr/sbin/nginx',
    ['-p', dir, '-c', at('nginx.conf'), '-e', at('error.log'), '-g', `daemon off; pid ${at('nginx.pid')};`],
    { stdio: 'ignore' },
  );
  started.add(child);
  await until(() => connects(port), 'nginx');
  return {
    url: `http://127.0.0.1:${port}`,
    /** The master and its worker. */
    cpuMs: () =>
      processCpuMs(child.pid, { withReaped: true }) +
      childrenOf(child.pid).reduce((sum, pid) => sum + processCpuMs(pid), 0),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      started.delete(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `accord serve` with `args` on a free port; resolves once it logs "listening". */
export async function startAccord(args = []) {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-instance-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...SERVE_NODE_FLAGS, CLI, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir, ...args],
    { env: { ...process.env, ACCORD_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  started.add(child);
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`accord serve did not start: ${log.slice(-2000)}`)), 60_000);
    child.stderr.on('data', (chunk) => {
      log = (log + chunk).slice(-20_000);
      if (log.includes('"event":"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`accord serve exited ${code}: ${log.slice(-2000)}`)));
  });
  const address = `127.0.0.1:${port}`;
  return {
    address,
    url: `http://${address}`,
    pid: child.pid,
    cpuMs: () => processCpuMs(child.pid),
    rssBytes: () => processRssBytes(child.pid),
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      const exited = await Promise.race([
        new Promise((resolve) => child.once('exit', () => resolve(true))),
        new Promise((resolve) => setTimeout(() => resolve(false), 20_000)),
      ]);
      if (!exited) child.kill('SIGKILL');
      started.delete(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cookie-holding JSON client, as the web client talks to the REST API (CSRF token included). */
export class Api {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookie = undefined;
    this.csrfToken = undefined;
  }

  async request(method, route, body) {
    const headers = { 'content-type': 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const cookie of response.headers.getSetCookie()) this.cookie = cookie.split(';')[0];
    const text = await response.text();
    const parsed = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (parsed && typeof parsed === 'object' && 'csrfToken' in parsed) this.csrfToken = parsed.csrfToken;
    if (response.status >= 400) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 300)}`);
    return parsed;
  }
}

const PASSWORD = 'bench battery staple horse';

/**
 * The session workload's people and documents, made over REST: an owner (first-run setup), `coders` coder accounts
 * signed in, one project with `transcripts` transcripts. Answers the doc names and each coder's cookie.
 */
export async function seed(baseUrl, { transcripts, coders }) {
  const owner = new Api(baseUrl);
  await owner.request('POST', '/api/setup', { email: 'owner@bench.example', name: 'Owner', password: PASSWORD });
  const project = (await owner.request('POST', '/api/projects', { name: 'Scale-out bench' })).project;
  const people = [];
  for (let i = 0; i < coders; i++) {
    const email = `coder${i}@bench.example`;
    const { user } = await owner.request('POST', '/api/users', { email, name: `Coder ${i}`, password: PASSWORD });
    await owner.request('POST', `/api/projects/${project.id}/members`, { email, role: 'coder' });
    const api = new Api(baseUrl);
    await api.request('POST', '/api/auth/login', { email, password: PASSWORD });
    people.push({ id: user.id, cookie: api.cookie });
  }
  const ids = [];
  for (let t = 0; t < transcripts; t++) {
    const text = `Interviewer: How was treatment? P1: Hard at first, then a nurse listened. (${t})\n`;
    const { transcript } = await owner.request('POST', `/api/projects/${project.id}/transcripts`, {
      title: `Interview ${t + 1}`,
      text,
    });
    ids.push(transcript.id);
  }
  return {
    owner: { cookie: owner.cookie },
    coders: people,
    text: (t) => `p/${project.id}/t/${ids[t]}/text`,
    layer: (t, coder) => `p/${project.id}/t/${ids[t]}/c/${people[coder].id}`,
  };
}
