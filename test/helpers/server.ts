import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createUser } from '../../server/src/accounts/users.js';
import { type AccordServer, startServer } from '../../server/src/app.js';
import { type Config, resolveConfig } from '../../server/src/config.js';

/** A real Accord server on an ephemeral loopback port with its own temporary data directory. */
export interface TestServer {
  server: AccordServer;
  url: string;
  wsUrl: string;
  dataDir: string;
  /** Creates an account directly in the store (no HTTP), for test set-up. */
  addUser(
    email: string,
    name: string,
    options?: { admin?: boolean; password?: string },
  ): Promise<{ id: string; email: string; password: string }>;
  /** A signed-in API client for an existing account. */
  login(email: string, password?: string): Promise<ApiClient>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'accord-test-'));
}

export async function startTestServer(
  options: {
    dataDir?: string;
    keepData?: boolean;
    /** More settings, as flags (`metricsToken`, `sessionTtlHours`, ...). */
    config?: Partial<Record<keyof Config, string>>;
    sessionSweepMs?: number;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  // ACCORD_TEST_CLIENT_DIR points browser tests at a client build other than client/dist (a private build per worker).
  const clientDir = process.env.ACCORD_TEST_CLIENT_DIR;
  const flags = {
    host: '127.0.0.1',
    port: '0',
    dataDir,
    logLevel: 'silent',
    ...(clientDir ? { clientDir } : {}),
    ...options.config,
  };
  const server = await startServer(
    resolveConfig(flags, {}),
    options.sessionSweepMs === undefined ? {} : { sessionSweepMs: options.sessionSweepMs },
  );
  const url = server.url;
  return {
    server,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    dataDir,
    addUser: async (email, name, { admin = false, password = TEST_PASSWORD } = {}) => {
      const user = await createUser(server.ctx.metadata, { email, name, password, admin });
      return { id: user.id, email: user.email, password };
    },
    login: async (email, password = TEST_PASSWORD) => {
      const client = new ApiClient(url);
      const response = await client.post('/api/auth/login', { email, password });
      if (response.status !== 200)
        throw new Error(`login of ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
      return client;
    },
    close: async () => {
      await server.close();
      if (!options.keepData && options.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A cookie-holding HTTP client that behaves like the web client: it sends the CSRF token it was given. */
export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const sent: Record<string, string> = { ...headers };
    if (this.cookie) sent.cookie = this.cookie;
    if (this.csrfToken && !('x-csrf-token' in sent)) sent['x-csrf-token'] = this.csrfToken;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      sent['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers: sent, body: payload });
    const setCookie = response.headers.getSetCookie();
    for (const cookie of setCookie) {
      const pair = cookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await response.text();
    const parsed = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (parsed && typeof parsed === 'object' && 'csrfToken' in parsed) this.csrfToken = parsed.csrfToken;
    return { status: response.status, body: parsed, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

/** An owner, a coder and a viewer in one project with one transcript: the cast most tests need. */
export async function seedProject(test: TestServer, text = 'Interviewer: How was treatment?\nP1: Hard at first.\n') {
  const suffix = Math.random().toString(36).slice(2, 8);
  const owner = await test.addUser(`owner-${suffix}@example.org`, 'Olive Owner');
  const coder = await test.addUser(`coder-${suffix}@example.org`, 'Cody Coder');
  const coder2 = await test.addUser(`coder2-${suffix}@example.org`, 'Cora Coder');
  const viewer = await test.addUser(`viewer-${suffix}@example.org`, 'Vic Viewer');
  const ownerClient = await test.login(owner.email);
  const project = (await ownerClient.post('/api/projects', { name: `Study ${suffix}` })).body.project;
  for (const [user, role] of [
    [coder, 'coder'],
    [coder2, 'coder'],
    [viewer, 'viewer'],
  ] as const) {
    const added = await ownerClient.post(`/api/projects/${project.id}/members`, { email: user.email, role });
    if (added.status !== 201) throw new Error(`adding member failed: ${JSON.stringify(added.body)}`);
  }
  const transcript = (
    await ownerClient.post(`/api/projects/${project.id}/transcripts`, {
      title: 'Interview 1',
      participant: 'P1',
      text,
      turns: [
        { start: 0, speaker: 'Interviewer' },
        { start: text.indexOf('P1:'), speaker: 'P1' },
      ],
    })
  ).body.transcript;
  return {
    project,
    transcript,
    owner: { ...owner, client: ownerClient },
    coder: { ...coder, client: await test.login(coder.email) },
    coder2: { ...coder2, client: await test.login(coder2.email) },
    viewer: { ...viewer, client: await test.login(viewer.email) },
  };
}
