import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CLI } from '../helpers/cli.js';
import { ApiClient, TEST_PASSWORD } from '../helpers/server.js';
import { startNginx, type TestNginx } from './nginx.js';
import { startPostgres, type TestPostgres } from './postgres.js';
import { startRedis, type TestRedis } from './redis.js';

/**
 * A multi-instance Accord as docs/deploy.md sets it up, on loopback: one throwaway PostgreSQL (test/setup/postgres.ts),
 * one throwaway Redis (test/setup/redis.ts), N real `accord serve --postgres URL --redis URL` processes (the built
 * CLI, server/dist/cli/main.js, so that an instance can be killed -9 like a crashing production server), and nginx
 * in front (test/setup/nginx.ts). The instances share nothing but PostgreSQL and Redis: each has its own empty data
 * folder, and they trust the X-Forwarded-* headers of nginx's address only (`--trust-proxy 127.0.0.1`).
 */
export interface ClusterInstance {
  readonly index: number;
  readonly port: number;
  /** `127.0.0.1:<port>`, as nginx names it in `X-Accord-Upstream`. */
  readonly address: string;
  readonly url: string;
  readonly wsUrl: string;
  readonly pid: number | undefined;
  running(): boolean;
  /** kill -9; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it listens. */
  restart(): Promise<void>;
  /** SIGTERM (a clean stop that flushes everything); resolves once it exited. */
  stop(): Promise<void>;
  /** The last lines it logged (JSON, stderr). */
  log(): string;
}

export interface TestCluster {
  postgres: TestPostgres;
  /** The database every instance uses. */
  databaseUrl: string;
  redis: TestRedis;
  nginx: TestNginx;
  instances: ClusterInstance[];
  /** The instance nginx says answered (from `X-Accord-Upstream`), or undefined. */
  instanceAt(address: string | null | undefined): ClusterInstance | undefined;
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  instances?: number;
  /** More environment for every instance (ACCORD_*). */
  env?: NodeJS.ProcessEnv;
}

/** How long an instance may take to start (migrating an empty database included) on a loaded machine. */
const START_TIMEOUT_MS = 45_000;

export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b)`);
  const count = options.instances ?? 2;
  const postgres = await startPostgres();
  const redis = await startRedis().catch(async (error) => {
    await postgres.stop();
    throw error;
  });
  const databaseUrl = await postgres.createDatabase();
  const instances: ServedInstance[] = [];
  let nginx: TestNginx | undefined;
  const stopAll = async () => {
    await nginx?.stop();
    await Promise.all(instances.map((instance) => instance.stop()));
    for (const instance of instances) instance.removeData();
    await redis.stop();
    await postgres.stop();
  };
  try {
    const ports = await freePorts(count);
    for (let index = 0; index < count; index++) {
      instances.push(
        new ServedInstance(index, ports[index]!, [
          '--postgres',
          databaseUrl,
          '--redis',
          redis.url,
          '--trust-proxy',
          '127.0.0.1',
        ]),
      );
    }
    // The first one migrates the empty database; the others find it migrated.
    await instances[0]!.start(options.env);
    await Promise.all(instances.slice(1).map((instance) => instance.start(options.env)));
    nginx = await startNginx({ upstreams: instances.map((instance) => instance.address) });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    postgres,
    databaseUrl,
    redis,
    nginx,
    instances,
    instanceAt: (address) => instances.find((instance) => instance.address === address),
    stop: stopAll,
  };
}

class ServedInstance implements ClusterInstance {
  readonly address: string;
  readonly url: string;
  readonly wsUrl: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private lines: string[] = [];
  private env: NodeJS.ProcessEnv | undefined;
  private readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-instance-'));
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly args: string[],
  ) {
    this.address = `127.0.0.1:${port}`;
    this.url = `http://${this.address}`;
    this.wsUrl = `ws://${this.address}/ws`;
  }

  get pid() {
    return this.child?.pid;
  }

  running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(env?: NodeJS.ProcessEnv): Promise<void> {
    this.env = env;
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--host', '127.0.0.1', '--port', String(this.port), '--data', this.dataDir, ...this.args],
      { env: { ...process.env, ACCORD_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    process.once('exit', this.killOnExit);
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let partial = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`instance ${this.index} did not listen within ${START_TIMEOUT_MS} ms:\n${this.log()}`));
      }, START_TIMEOUT_MS);
      child.stderr!.on('data', (chunk: Buffer) => {
        partial += chunk.toString();
        const complete = partial.split('\n');
        partial = complete.pop()!;
        for (const line of complete) {
          this.lines.push(line);
          if (line.includes('"event":"listening"')) {
            clearTimeout(timer);
            resolve();
          }
        }
        if (this.lines.length > 400) this.lines.splice(0, this.lines.length - 200);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`instance ${this.index} exited (${code ?? signal}) before listening:\n${this.log()}`));
      });
    });
  }

  async kill(): Promise<void> {
    if (!this.running()) return;
    this.child!.kill('SIGKILL');
    await this.exited;
    process.removeListener('exit', this.killOnExit);
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start(this.env);
  }

  async stop(): Promise<void> {
    if (!this.running()) return;
    this.child!.kill('SIGTERM');
    const stopped = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000)),
    ]);
    if (!stopped) await this.kill();
    process.removeListener('exit', this.killOnExit);
  }

  removeData(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  log(): string {
    return this.lines.slice(-40).join('\n');
  }
}

/** An administrator, an owner, two coders and a viewer in one project with one transcript, made over HTTP. */
export interface ClusterCast {
  project: { id: string; name: string };
  transcript: { id: string; title: string };
  admin: Person;
  owner: Person;
  coder: Person;
  coder2: Person;
  viewer: Person;
}

export interface Person {
  id: string;
  email: string;
  /** Signed in (on the instance `seedCluster` was given); the session is valid on every instance. */
  client: ApiClient;
}

/** The same signed-in person talking to another address (an instance, or nginx). */
export function signedInAt(baseUrl: string, who: Person): ApiClient {
  const client = new ApiClient(baseUrl);
  client.cookie = who.client.cookie;
  client.csrfToken = who.client.csrfToken;
  return client;
}

export async function login(baseUrl: string, email: string, password = TEST_PASSWORD): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  const answer = await client.post('/api/auth/login', { email, password });
  if (answer.status !== 200)
    throw new Error(`login of ${email} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return client;
}

/** First-run setup, accounts, a project with members and a transcript, all through the REST API of `baseUrl`. */
export async function seedCluster(
  baseUrl: string,
  text = 'Interviewer: How was treatment?\nP1: Hard at first.\n',
): Promise<ClusterCast> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const adminClient = new ApiClient(baseUrl);
  const adminEmail = `admin-${suffix}@example.org`;
  const setup = await adminClient.post('/api/setup', { email: adminEmail, name: 'Ada Admin', password: TEST_PASSWORD });
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  const admin: Person = { id: setup.body.user.id, email: adminEmail, client: adminClient };
  const person = async (name: string, label: string): Promise<Person> => {
    const email = `${label}-${suffix}@example.org`;
    const created = await adminClient.post('/api/users', { email, name, password: TEST_PASSWORD });
    if (created.status !== 201) throw new Error(`creating ${email} failed: ${JSON.stringify(created.body)}`);
    return { id: created.body.user.id, email, client: await login(baseUrl, email) };
  };
  const owner = await person('Olive Owner', 'owner');
  const coder = await person('Cody Coder', 'coder');
  const coder2 = await person('Cora Coder', 'coder2');
  const viewer = await person('Vic Viewer', 'viewer');
  const project = (await owner.client.post('/api/projects', { name: `Study ${suffix}` })).body.project;
  for (const [who, role] of [
    [coder, 'coder'],
    [coder2, 'coder'],
    [viewer, 'viewer'],
  ] as const) {
    const added = await owner.client.post(`/api/projects/${project.id}/members`, { email: who.email, role });
    if (added.status !== 201) throw new Error(`adding a member failed: ${JSON.stringify(added.body)}`);
  }
  const transcript = (
    await owner.client.post(`/api/projects/${project.id}/transcripts`, {
      title: 'Interview 1',
      participant: 'P1',
      text,
      turns: [
        { start: 0, speaker: 'Interviewer' },
        { start: text.indexOf('P1:'), speaker: 'P1' },
      ],
    })
  ).body.transcript;
  return { project, transcript, admin, owner, coder, coder2, viewer };
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}
