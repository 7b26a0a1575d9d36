import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../server/src/config.js';
import { metadataOf } from '../helpers/metadata.js';
import { ApiClient, seedProject, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 21 item 12 (health, member lookup) and item 13 (a too-large body names the limit and the file).
 */
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
beforeAll(async () => {
  test = await startTestServer({ config: { metricsToken: METRICS_TOKEN } });
  cast = await seedProject(test);
});
afterAll(async () => {
  await test.close();
});

describe('GET /api/health', () => {
  it('tells anyone only that the server is alive, and its version', async () => {
    const anonymous = await new ApiClient(test.url).get('/api/health');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ status: 'ok', version: expect.any(String) });
    const member = await cast.owner.client.get('/api/health');
    expect(member.body).toEqual({ status: 'ok', version: expect.any(String) });
    expect(JSON.stringify(member.body)).not.toContain(test.dataDir);
  });

  it('shows the details to an administrator', async () => {
    await test.addUser('health-admin@example.org', 'Admin', { admin: true });
    const admin = await test.login('health-admin@example.org');
    const health = await admin.get('/api/health');
    expect(health.body).toMatchObject({ status: 'ok', uptimeSeconds: expect.any(Number) });
    expect(health.body.storage.dataDir).toBe(test.dataDir);
    expect(health.body.storage.sync).toBeTypeOf('object');
  });

  it('shows the details to a monitor with the metrics token, and refuses a wrong one', async () => {
    const right = await new ApiClient(test.url).request('GET', '/api/health', undefined, {
      authorization: `Bearer ${METRICS_TOKEN}`,
    });
    expect(right.status).toBe(200);
    expect(right.body.storage.sync.connections).toBeTypeOf('number');
    for (const authorization of [
      `Bearer ${METRICS_TOKEN}x`,
      'Bearer ',
      'Basic abc',
      `Bearer ${METRICS_TOKEN.slice(1)}`,
    ]) {
      const wrong = await new ApiClient(test.url).request('GET', '/api/health', undefined, { authorization });
      expect(wrong.status, authorization).toBe(401);
      expect(wrong.body.storage).toBeUndefined();
    }
  });

  it('without a configured token, a bearer header opens nothing', async () => {
    const plain = await startTestServer();
    try {
      const answer = await new ApiClient(plain.url).request('GET', '/api/health', undefined, {
        authorization: `Bearer ${METRICS_TOKEN}`,
      });
      expect(answer.status).toBe(401);
      expect(answer.body.storage).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it.each([
    ['unset', {}, null],
    ['from the environment', { env: METRICS_TOKEN }, METRICS_TOKEN],
    ['the flag wins', { flag: `${METRICS_TOKEN}-flag`, env: METRICS_TOKEN }, `${METRICS_TOKEN}-flag`],
    ['empty is unset', { env: '' }, null],
    ['too short', { env: 'short' }, ConfigError],
    ['with spaces', { env: 'a token with spaces in it' }, ConfigError],
  ] as const)('the metrics token setting: %s', (_what, given, expected) => {
    const env = 'env' in given ? { ACCORD_METRICS_TOKEN: given.env } : {};
    const resolve = () => resolveConfig({ metricsToken: 'flag' in given ? given.flag : undefined }, env);
    if (expected === ConfigError) expect(resolve).toThrow(ConfigError);
    else expect(resolve().metricsToken).toBe(expected);
  });
});

describe('adding a member by email', () => {
  it('limits lookups that find no account, per user; lookups that find one are not counted', async () => {
    const prober = await test.addUser('prober@example.org', 'Prober');
    const client = await test.login(prober.email);
    const project = (await client.post('/api/projects', { name: 'Probe' })).body.project;
    const add = (email: string) => client.post(`/api/projects/${project.id}/members`, { email, role: 'viewer' });
    for (let i = 0; i < 20; i++) {
      const miss = await add(`nobody-${i}@example.org`);
      expect(miss.status).toBe(404);
      expect(miss.body.error.code).toBe('not_found');
      // Hits in between give their reservation back: a lab adding many colleagues is never limited.
      if (i < 19) expect((await add(cast.coder.email)).status).toBe(201);
    }
    const limited = await add('nobody-else@example.org');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Once limited, an existing account gets the same answer as a missing one: nothing more is learned.
    const existing = await add(cast.coder2.email);
    expect(existing.status).toBe(429);
    expect(existing.body.error.code).toBe(limited.body.error.code);
    const members = (await metadataOf(test.server.ctx)).projects.find((p) => p.id === project.id)!.members;
    expect(members.map((member) => member.userId)).not.toContain(cast.coder2.id);
  });

  it('does not limit administrators, who may list every account anyway', async () => {
    await test.addUser('lookup-admin@example.org', 'Admin', { admin: true });
    const admin = await test.login('lookup-admin@example.org');
    const project = (await admin.post('/api/projects', { name: 'Admin project' })).body.project;
    for (let i = 0; i < 25; i++) {
      const miss = await admin.post(`/api/projects/${project.id}/members`, {
        email: `x${i}@example.org`,
        role: 'coder',
      });
      expect(miss.status).toBe(404);
    }
  });

  it('a coder cannot look accounts up at all', async () => {
    const answer = await cast.coder.client.post(`/api/projects/${cast.project.id}/members`, {
      email: cast.viewer.email,
      role: 'coder',
    });
    expect(answer.status).toBe(403);
  });
});

describe('a body over the limit', () => {
  it('a JSON body over 1 MiB is a 413 that names the limit', async () => {
    const answer = await cast.owner.client.post('/api/projects', { name: 'x'.repeat(1_100_000) });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('too_large');
    expect(answer.body.error.message).toMatch(/request body is too large.*limit of 1 MiB/);
  });

  it('an upload over the limit is a 413 that names the file and the limit', async () => {
    const path = `/api/projects/${cast.project.id}/import/files?name=Interviews%202024.qdpx`;
    const answer = await upload(path, 70 * 1024 * 1024);
    expect(answer.status).toBe(413);
    const { error } = JSON.parse(answer.body);
    expect(error.code).toBe('too_large');
    expect(error.message).toContain('"Interviews 2024.qdpx"');
    expect(error.message).toMatch(/\(70 MiB\).*limit of 64 MiB/);
    expect((await new ApiClient(test.url).get('/api/health')).status).toBe(200);
  });
});

/** Streams `size` bytes as an upload, as a browser would (the server reads the body to its end before answering). */
function upload(path: string, size: number): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(test.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: hostname,
        port,
        path,
        method: 'POST',
        headers: {
          cookie: cast.owner.client.cookie!,
          'x-csrf-token': cast.owner.client.csrfToken!,
          'content-type': 'application/octet-stream',
          'content-length': size,
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      request.end();
    };
    pump();
  });
}
