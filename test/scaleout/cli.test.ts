import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { docName, readCodes } from '@accord/shared';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { readImport } from '../../server/src/import/index.js';
import { DEFAULT_LIMITS } from '../../server/src/import/limits.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { ApiClient, TEST_PASSWORD } from '../helpers/server.js';
import { type ClusterInstance, login, startCluster, type TestCluster } from '../setup/cluster.js';
import { waitFor, whenSynced } from '../sync/helpers.js';

/**
 * `accord user`, `accord import` and `accord export` on a running multi-instance deployment (docs/deploy.md,
 * "Accounts, imports and exports on PostgreSQL"): two real `accord serve --postgres URL --redis URL` instances
 * behind nginx (test/setup/cluster.ts) and the built CLI run beside them against the same PostgreSQL, with and
 * without the same Redis. The tests share the cluster and run in order: the first adds the administrator the
 * others use.
 */
const FIXTURES = new URL('../fixtures/', import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;
const QDPX = fixture('refi-qda/atlasti-23.2.3_codes-only.qdpx');
const DOCX = fixture('transcripts/qualcoder-examples/ID1.docx');
const TXT = fixture('transcripts/qualcoder-examples/transcript.txt');
const NEW_PASSWORD = 'a new password for the cluster';

describe('accord user, import and export on PostgreSQL while the instances run', () => {
  let cluster: TestCluster;
  let instances: ClusterInstance[];
  let database: string;
  let admin: ApiClient;
  const adminEmail = 'lead@example.org';
  const tabs: Tab[] = [];
  const folders: string[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ instances: 2 });
    instances = cluster.instances;
    database = new URL(cluster.databaseUrl).pathname.slice(1);
  }, 240_000);
  afterEach(() => {
    for (const tab of tabs.splice(0)) tab.destroy();
  });
  afterAll(async () => {
    for (const tab of tabs.splice(0)) tab.destroy();
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
    await cluster?.stop();
  }, 120_000);

  /**
   * The built CLI with nothing from this process's environment naming a database or a Redis (so each test says
   * which it uses: flags, or the variables in `env`).
   */
  const accord = (args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> =>
    runCli(args, {
      stdin: options.stdin,
      env: { ACCORD_POSTGRES_URL: '', ACCORD_REDIS_URL: '', ...options.env },
      timeoutMs: 60_000,
    });

  const audit = (action: string) =>
    cluster.postgres.query<{ actor: string | null; project: string | null; details: Record<string, unknown> }>(
      'SELECT actor, project, details FROM audit_log WHERE action = $1 ORDER BY seq',
      [action],
      database,
    );

  const tempFolder = () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-cli-pg-'));
    folders.push(folder);
    return folder;
  };

  /** A stock y-websocket provider with `who`'s session, through nginx or straight to an instance. */
  interface Tab {
    doc: Y.Doc;
    provider: WebsocketProvider;
    synced: Promise<void>;
    /** Sockets it opened, and close codes of those that closed, in order. */
    opened: () => number;
    closes: number[];
    closed: Promise<number>;
    destroy(): void;
  }
  const open = (via: ClusterInstance | 'nginx', name: string, who: ApiClient): Tab => {
    const base = via === 'nginx' ? cluster.nginx.wsUrl : via.wsUrl;
    const origin = via === 'nginx' ? cluster.nginx.url : via.url;
    let opened = 0;
    const Polyfill = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie: who.cookie!, origin } });
        this.on('open', () => opened++);
      }
    };
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(base, name, doc, {
      WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 300,
    });
    const closes: number[] = [];
    const closed = new Promise<number>((resolve) =>
      provider.on('connection-close', (event: CloseEvent | null) => {
        closes.push(event?.code ?? 0);
        resolve(event?.code ?? 0);
      }),
    );
    const synced = whenSynced(provider);
    const tab: Tab = {
      doc,
      provider,
      synced,
      opened: () => opened,
      closes,
      closed,
      destroy: () => {
        provider.destroy();
        doc.destroy();
      },
    };
    tabs.push(tab);
    return tab;
  };

  /** `GET /api/session` on `instance` with `who`'s session cookie. */
  const sessionOf = (instance: ClusterInstance, who: ApiClient) => {
    const client = new ApiClient(instance.url);
    client.cookie = who.cookie;
    return client.get('/api/session');
  };

  const newProject = async (name: string) => {
    const made = await admin.post('/api/projects', { name });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body.project as { id: string; name: string };
  };

  it('user add makes the first administrator, who signs in on every instance; user invite works there too', async () => {
    const added = await accord(
      ['user', 'add', '--admin', '--email', adminEmail, '--name', 'Lead', '--password-stdin'],
      // ACCORD_POSTGRES_URL, as a deployment's environment file gives it; Redis is not needed to add an account.
      { stdin: `${TEST_PASSWORD}\n`, env: { ACCORD_POSTGRES_URL: cluster.databaseUrl } },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^added administrator lead@example\.org \(id [\w-]+\)\n$/);
    for (const instance of instances) {
      const client = await login(instance.url, adminEmail);
      expect((await client.get('/api/session')).body.user).toMatchObject({ admin: true, name: 'Lead' });
    }
    admin = await login(instances[0]!.url, adminEmail);
    // The setup page is closed on every instance: there is an account now.
    expect((await admin.get('/api/setup')).body).toMatchObject({ needed: false });
    expect(await audit('user.create')).toEqual([
      { actor: null, project: null, details: expect.objectContaining({ email: adminEmail, admin: true, via: 'cli' }) },
    ]);

    const invited = await accord(
      ['user', 'invite', '--email', 'Guest@Example.org', '--url', cluster.nginx.url, '--postgres', cluster.databaseUrl],
      { env: { ACCORD_REDIS_URL: cluster.redis.url } },
    );
    expect(invited.stderr).toBe('');
    expect(invited.code).toBe(0);
    const link = invited.stdout.split('\n')[0]!;
    expect(link.startsWith(`${cluster.nginx.url}/invite#`)).toBe(true);
    const guest = new ApiClient(instances[1]!.url);
    const accepted = await guest.post('/api/invite/accept', {
      token: link.split('#')[1],
      name: 'Gia Guest',
      password: TEST_PASSWORD,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: 'guest@example.org', admin: false });
    expect(await audit('invitation.create')).toEqual([
      { actor: null, project: null, details: expect.objectContaining({ email: 'guest@example.org', via: 'cli' }) },
    ]);
  });

  it('user passwd ends the sessions on every instance; with Redis it closes their sockets on every instance', async () => {
    const email = 'cody@example.org';
    expect((await admin.post('/api/users', { email, name: 'Cody', password: TEST_PASSWORD })).status).toBe(201);
    const project = await newProject('Passwords');
    expect((await admin.post(`/api/projects/${project.id}/members`, { email, role: 'coder' })).status).toBe(201);
    const codebook = docName({ kind: 'codebook', project: project.id });
    const cody = await login(instances[1]!.url, email);
    const sockets = instances.map((instance) => open(instance, codebook, cody));
    await Promise.all(sockets.map((tab) => tab.synced));

    const changed = await accord(
      ['user', 'passwd', '--email', email, '--password-stdin', '--postgres', cluster.databaseUrl],
      { stdin: `${NEW_PASSWORD}\n`, env: { ACCORD_REDIS_URL: cluster.redis.url } },
    );
    expect(changed.stderr).toBe('');
    expect(changed.code).toBe(0);
    expect(changed.stdout).toBe(
      `password of ${email} changed; their sessions were ended; the instances close their open connections at once\n`,
    );
    // Both sockets closed with "session ended" (4401), which y-websocket does not retry; the session is gone.
    expect(await Promise.all(sockets.map((tab) => tab.closed))).toEqual([4401, 4401]);
    for (const instance of instances) expect((await sessionOf(instance, cody)).status).toBe(401);
    await expect(login(instances[0]!.url, email)).rejects.toThrow(/401/);
    expect((await audit('user.password')).at(-1)).toMatchObject({ actor: null, details: { via: 'cli' } });

    // Without Redis the sessions still end at once everywhere (they are rows); sockets wait for the sweep.
    const again = await login(instances[0]!.url, email, NEW_PASSWORD);
    const quiet = await accord(
      ['user', 'passwd', '--email', email, '--password-stdin', '--postgres', cluster.databaseUrl],
      {
        stdin: `${TEST_PASSWORD}\n`,
      },
    );
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/at its next session sweep \(within a minute\)\n$/);
    for (const instance of instances) expect((await sessionOf(instance, again)).status).toBe(401);
    const nobody = await accord(['user', 'passwd', '--email', 'nobody@example.org', '--password-stdin'], {
      stdin: `${TEST_PASSWORD}\n`,
      env: { ACCORD_POSTGRES_URL: cluster.databaseUrl },
    });
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('accord user passwd: no account with email nobody@example.org\n');
  });

  it('import through Redis reaches a client connected to the codebook on an instance, without a reconnect', async () => {
    const project = await newProject('Live import');
    const codebook = docName({ kind: 'codebook', project: project.id });
    // The owner has the codebook open through nginx, and a second tab straight on each instance.
    const watching = [open('nginx', codebook, admin), ...instances.map((instance) => open(instance, codebook, admin))];
    await Promise.all(watching.map((tab) => tab.synced));
    const { bundle } = await readImport([{ name: 'codes.qdpx', bytes: new Uint8Array(fs.readFileSync(QDPX)) }], {
      limits: DEFAULT_LIMITS,
    });
    const expected = bundle.codes.map((code) => code.name).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(readCodes(watching[0]!.doc)).toEqual([]);

    const imported = await accord(['import', DOCX, QDPX, '--project', project.id, '--postgres', cluster.databaseUrl], {
      env: { ACCORD_REDIS_URL: cluster.redis.url },
    });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`imported into project ${project.id}`);
    for (const tab of watching) {
      await waitFor(
        () =>
          readCodes(tab.doc)
            .map((code) => code.name)
            .sort()
            .join('|') === expected.join('|'),
        'the imported codes in a connected client',
      );
    }
    // Seen live: every tab is on the socket it opened first.
    expect(watching.map((tab) => [tab.opened(), tab.closes.length])).toEqual(watching.map(() => [1, 0]));
    // The transcripts are there on every instance, and the import is audited as the administrator's.
    for (const instance of instances) {
      const client = await login(instance.url, adminEmail);
      const listed = await client.get(`/api/projects/${project.id}/transcripts`);
      expect(listed.status).toBe(200);
      expect(listed.body.transcripts.length).toBe(1 + bundle.transcripts.length);
    }
    expect((await audit('project.import')).at(-1)).toMatchObject({ project: project.id });
  });

  it('export from PostgreSQL writes the same REFI-QDA project as the web route', async () => {
    const project = await newProject('Export study');
    const imported = await accord(['import', TXT, DOCX, QDPX, '--project', project.id], {
      env: { ACCORD_POSTGRES_URL: cluster.databaseUrl, ACCORD_REDIS_URL: cluster.redis.url },
    });
    expect(imported.code, imported.stderr).toBe(0);
    const folder = tempFolder();
    const out = path.join(folder, 'cli.qdpx');
    // No Redis: an export reads what the instances committed.
    const exported = await accord(['export', 'Export study', '--format', 'qdpx', '--out', out], {
      env: { ACCORD_POSTGRES_URL: cluster.databaseUrl },
    });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^exported qdpx to /);

    const web = await fetch(`${instances[1]!.url}/api/projects/${project.id}/export?format=qdpx`, {
      headers: { cookie: admin.cookie! },
    });
    expect(web.status).toBe(200);
    const fromWeb = unzipSync(new Uint8Array(await web.arrayBuffer()));
    const fromCli = unzipSync(new Uint8Array(fs.readFileSync(out)));
    expect(Object.keys(fromCli).sort()).toEqual(Object.keys(fromWeb).sort());
    // Entry by entry, byte for byte: the project file (codes, transcripts, every coder's codings) and the sources.
    for (const [name, bytes] of Object.entries(fromCli)) {
      expect(Buffer.from(bytes).equals(Buffer.from(fromWeb[name]!)), name).toBe(true);
    }
    expect(strFromU8(fromCli['project.qde']!)).toContain('<Code ');
    const exports = await audit('project.export');
    expect(exports.map((entry) => entry.details)).toEqual([{ format: 'qdpx', via: 'cli' }, { format: 'qdpx' }]);
  });

  it('refuses both --data and --postgres, and an import on PostgreSQL without Redis or --offline: nothing changes', async () => {
    const project = await newProject('Untouched');
    const codebook = docName({ kind: 'codebook', project: project.id });
    const before = {
      users: (await admin.get('/api/users')).body.users.length as number,
      transcripts: (await admin.get(`/api/projects/${project.id}/transcripts`)).body.transcripts.length as number,
      audit: (await cluster.postgres.query('SELECT count(*)::int AS n FROM audit_log', [], database))[0]!.n,
      updates: await documentRows(codebook),
    };
    const folder = path.join(tempFolder(), 'data');
    const both = await accord(
      [
        'user',
        'add',
        '--email',
        'y@example.org',
        '--name',
        'Y',
        '--password-stdin',
        '--data',
        folder,
        '--postgres',
        cluster.databaseUrl,
      ],
      { stdin: `${TEST_PASSWORD}\n` },
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('accord user: give either --data DIR or --postgres URL, not both\n');
    const liveRule =
      'accord import: on PostgreSQL, running instances see what is written only through their Redis: give ' +
      '--redis URL (or ACCORD_REDIS_URL), or --offline if no instance is running on this database\n';
    const refusals: { args: string[]; env?: NodeJS.ProcessEnv; says: string }[] = [
      { args: ['import', DOCX, QDPX, '--project', project.id, '--postgres', cluster.databaseUrl], says: liveRule },
      {
        args: ['import', DOCX, '--project', project.id],
        env: { ACCORD_POSTGRES_URL: cluster.databaseUrl },
        says: liveRule,
      },
      {
        args: ['import', DOCX, '--project', project.id, '--offline', '--redis', cluster.redis.url],
        env: { ACCORD_POSTGRES_URL: cluster.databaseUrl },
        says: 'accord import: give either --redis URL (instances are running) or --offline (none is), not both\n',
      },
      {
        args: ['import', DOCX, '--project', project.id, '--data', folder, '--postgres', cluster.databaseUrl],
        env: { ACCORD_REDIS_URL: cluster.redis.url },
        says: 'accord import: give either --data DIR or --postgres URL, not both\n',
      },
      {
        args: [
          'export',
          project.id,
          '--format',
          'qdc',
          '--out',
          `${folder}.qdc`,
          '--data',
          folder,
          '--redis',
          cluster.redis.url,
        ],
        says:
          'accord export: --redis joins the instances of a PostgreSQL deployment (with --postgres URL); no server ' +
          'may run on a data directory\n',
      },
    ];
    for (const { args, env, says } of refusals) {
      const result = await accord(args, { env });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toBe(says);
    }
    // Redis named but not answering: one line, exit 1, before anything is imported.
    const unreachable = await accord(['import', DOCX, '--project', project.id], {
      env: { ACCORD_POSTGRES_URL: cluster.databaseUrl, ACCORD_REDIS_URL: `redis://127.0.0.1:${await closedPort()}` },
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^accord import: Redis at redis:\/\/127\.0\.0\.1:\d+[^\n]*\n$/);
    const after = {
      users: (await admin.get('/api/users')).body.users.length,
      transcripts: (await admin.get(`/api/projects/${project.id}/transcripts`)).body.transcripts.length,
      audit: (await cluster.postgres.query('SELECT count(*)::int AS n FROM audit_log', [], database))[0]!.n,
      updates: await documentRows(codebook),
    };
    expect(after).toEqual(before);
    expect(fs.existsSync(folder)).toBe(false);
    expect(fs.existsSync(`${folder}.qdc`)).toBe(false);
  });

  it('--offline writes into a database no instance runs on: first administrator, import, export', async () => {
    const other = await cluster.postgres.createDatabase();
    // An empty database: the command gives it the schema, as the first `accord serve` would.
    const added = await accord(
      ['user', 'add', '--admin', '--email', adminEmail, '--name', 'Lead', '--password-stdin'],
      {
        stdin: `${TEST_PASSWORD}\n`,
        env: { ACCORD_POSTGRES_URL: other },
      },
    );
    expect(added.code, added.stderr).toBe(0);
    const imported = await accord([
      'import',
      TXT,
      QDPX,
      '--project',
      'Offline study',
      '--offline',
      '--postgres',
      other,
    ]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported into project [\w-]+ in [\d.]+ s:\n1 transcript\(s\), \d+ code\(s\)/);
    const out = path.join(tempFolder(), 'codebook.csv');
    const exported = await accord(['export', 'Offline study', '--format', 'codebook-csv', '--out', out], {
      env: { ACCORD_POSTGRES_URL: other },
    });
    expect(exported.code, exported.stderr).toBe(0);
    const { bundle } = await readImport([{ name: 'codes.qdpx', bytes: new Uint8Array(fs.readFileSync(QDPX)) }], {
      limits: DEFAULT_LIMITS,
    });
    const written = fs.readFileSync(out, 'utf8');
    for (const code of bundle.codes) expect(written).toContain(code.name);
    // The deployment's database saw none of it.
    const projects = await cluster.postgres.query<{ name: string }>('SELECT name FROM projects', [], database);
    expect(projects.map((p) => p.name)).not.toContain('Offline study');
  });

  /** What the shared storage holds of one document: a hash of its base and of every update row, in order. */
  async function documentRows(name: string): Promise<string> {
    const rows = await cluster.postgres.query<{ hash: string }>(
      `SELECT md5(coalesce(encode(d.base, 'hex'), '') || ':' ||
         coalesce((SELECT string_agg(encode(u.payload, 'hex'), ',' ORDER BY u.id) FROM document_updates u
                   WHERE u.doc_name = d.name), '')) AS hash
       FROM documents d WHERE d.name = $1`,
      [name],
      database,
    );
    return rows[0]?.hash ?? 'no document';
  }
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
