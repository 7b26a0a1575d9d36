import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPool } from '../../server/src/db/index.js';
import { silentLogger } from '../../server/src/log.js';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster for tests, from the Debian package's binaries: `initdb` in a temporary directory,
 * `postgres` on a free loopback port with its socket in that directory, trust authentication for the `postgres`
 * superuser. PostgreSQL refuses to run as root, so as root every binary runs as the `postgres` OS user. `stop()`
 * shuts it down and removes the directory; a test process that dies leaves nothing running either (exit hook).
 */
export interface TestPostgres {
  port: number;
  /** The data directory (for tests that look at or damage files). */
  dataDir: string;
  /** A connection URL for `database` as the superuser. */
  url(database: string): string;
  /** Creates an empty database (a fresh random name by default) and answers its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Runs one statement as the superuser in `database` (default: the maintenance database "postgres"). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[], database?: string): Promise<T[]>;
  /** What a power cut or `kill -9` of the server does (`pg_ctl stop -m immediate`), then a start with recovery. */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Extra `postgres -c name=value` settings. */
  settings?: Record<string, string>;
}

/** Every step (initdb, start, stop) is bounded by this. */
const STEP_TIMEOUT_MS = 60_000;

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const bin = findBinaries();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'postgres.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The cluster's files belong to the postgres user, who must be able to write the whole temporary directory.
    spawnSync('chown', ['-R', 'postgres:postgres', root]);
  }
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  const exec = async (tool: string, args: string[]) => {
    const [file, argv] = command(tool, args);
    try {
      return await run(file, argv, { timeout: STEP_TIMEOUT_MS, cwd: root });
    } catch (error) {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      const { stderr } = error as { stderr?: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${(error as Error).message}\n${stderr ?? ''}\n${log}`);
    }
  };
  const removeAll = () => {
    spawnSync(...command('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '10']), {
      stdio: 'ignore',
      timeout: 15_000,
    });
    fs.rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', removeAll);

  let port = 0;
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: root,
    max_connections: '200',
    shared_buffers: '32MB',
    // Durability as in production: every commit is flushed (the crash tests rely on it).
    fsync: 'on',
    synchronous_commit: 'on',
    ...options.settings,
  };
  const start = async () => {
    const flags = [`-p ${port}`, ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`)];
    await exec('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '30', '-o', flags.join(' ')]);
  };
  try {
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        // Another process may have taken the port between our probe and the start.
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    removeAll();
    process.removeListener('exit', removeAll);
    throw error;
  }

  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const query = async <T>(text: string, params: unknown[] = [], database = 'postgres'): Promise<T[]> => {
    const pool = createPool({ url: url(database), logger: silentLogger, maxConnections: 1 });
    try {
      return (await pool.query(text, params)).rows as T[];
    } finally {
      await pool.end();
    }
  };
  let stopped = false;
  return {
    port,
    dataDir,
    url,
    query,
    async createDatabase(name = `t_${randomBytes(6).toString('hex')}`) {
      await query(`CREATE DATABASE "${name}"`);
      return url(name);
    },
    async crashAndRestart() {
      await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '30']);
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']).catch(() => {});
      removeAll();
      process.removeListener('exit', removeAll);
    },
  };
}

/** The newest installed server's binaries (Debian: /usr/lib/postgresql/<major>/bin). */
function findBinaries(): string {
  const base = '/usr/lib/postgresql';
  const majors = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((major) => fs.existsSync(path.join(base, major, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error(
      `PostgreSQL's server binaries (initdb, pg_ctl, postgres) are not installed under ${base}/<major>/bin: ` +
        'run `bash test/setup/system-packages.sh` (as root, or with sudo) to install the Debian package postgresql.',
    );
  }
  return path.join(base, majors[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
