import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataOf } from '../helpers/metadata.js';
import { ApiClient, seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { rawRequest, upgradeRequest } from '../security/helpers.js';
import { fuzzParams } from './params.js';

/**
 * Random requests from outside against the real server, with and without a session: methods, paths (malformed
 * %-escapes included), query strings, JSON and non-JSON bodies, and the headers the server reads (Cookie, Origin,
 * Content-Type, X-CSRF-Token, Authorization). Whatever comes in, the server never answers 5xx, keeps serving, and
 * a request it refused (4xx) changes nothing in the metadata.
 */
let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
beforeAll(async () => {
  test = await startTestServer();
  cast = await seedProject(test);
});
afterAll(async () => {
  await test.close();
});

const MALFORMED = ['%', '%E0%A4%A', '%ZZ', '%C0%AF', '%00', '%2F', '%%', '%u0041', '..', '%2e%2e', '%FF%FE'];
/** Characters a request target may hold as they are (RFC 3986 pchar and the query's extra "/?"). */
const PCHAR = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";

const segment = fc.oneof(
  fc.constantFrom(...MALFORMED),
  fc.string({ unit: fc.constantFrom(...PCHAR.split('')), maxLength: 12 }),
  fc.constantFrom('projects', 'members', 'transcripts', 'docs', 'audit', 'export', 'import', 'files', 'rounds'),
);

/** Paths that reach real routes (ids of the seeded project included), with random or malformed tails. */
function pathOf(): fc.Arbitrary<string> {
  const known = () => [
    '/api/setup',
    '/api/session',
    '/api/auth/login',
    '/api/users',
    '/api/users/me',
    '/api/users/me/password',
    `/api/users/${cast.viewer.id}/deactivate`,
    `/api/users/${cast.viewer.id}/reset-link`,
    '/api/invitations',
    '/api/invite/lookup',
    '/api/invite/accept',
    '/api/server-settings',
    '/api/health',
    '/api/projects',
    `/api/projects/${cast.project.id}`,
    `/api/projects/${cast.project.id}/members`,
    `/api/projects/${cast.project.id}/members/${cast.viewer.id}`,
    `/api/projects/${cast.project.id}/transcripts`,
    `/api/projects/${cast.project.id}/transcripts/${cast.transcript.id}`,
    `/api/projects/${cast.project.id}/docs`,
    `/api/projects/${cast.project.id}/import/files`,
    `/api/projects/${cast.project.id}/import`,
    `/api/projects/${cast.project.id}/export`,
    `/api/projects/${cast.project.id}/rounds`,
    `/api/projects/${cast.project.id}/candidates`,
    `/api/projects/${cast.project.id}/invitations`,
    '/ws/p',
    '/',
    '/assets',
  ];
  return fc
    .tuple(fc.constantFrom(...known()), fc.array(segment, { maxLength: 3 }))
    .map(([base, tail]) => [base, ...tail].join('/').replace(/\/+/g, '/'));
}

const queryValue = fc.oneof(
  fc.constantFrom(...MALFORMED),
  fc.string({ unit: fc.constantFrom(...PCHAR.split('')), maxLength: 20 }),
  fc.constantFrom('csv', 'qdpx', 'matrix', 'codebook-html', 'true', 'x.qdpx', ''),
);
const query = fc
  .array(
    fc.tuple(fc.constantFrom('name', 'kind', 'format', 'code', 'unit', 'a', 'a[b]', '__proto__', '%'), queryValue),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const jsonBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        email: fc.oneof(fc.emailAddress(), fc.string()),
        name: fc.string({ maxLength: 30 }),
        password: fc.string({ maxLength: 30 }),
        role: fc.constantFrom('owner', 'coder', 'viewer', 'admin', ''),
        title: fc.string({ maxLength: 30 }),
        text: fc.string({ maxLength: 200 }),
        currentPassword: fc.string({ maxLength: 30 }),
        __proto__: fc.json(),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);
const body = fc.oneof(
  fc.constant(undefined),
  jsonBody,
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

interface Case {
  method: string;
  path: string;
  query: string;
  body: string | undefined;
  session: 'none' | 'owner' | 'viewer' | 'malformed' | 'forged';
  csrf: 'right' | 'wrong' | 'none';
  origin: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
}

const caseOf: fc.Arbitrary<Case> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  path: fc.constant(null).chain(() => pathOf()),
  query,
  body,
  session: fc.constantFrom('none', 'owner', 'viewer', 'malformed', 'forged'),
  csrf: fc.constantFrom('right', 'wrong', 'none'),
  origin: fc.option(fc.constantFrom('https://evil.example', 'null', 'not a url', '%E0%A4%A'), { nil: undefined }),
  contentType: fc.option(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=nope',
      ';;;',
    ),
    { nil: undefined },
  ),
  authorization: fc.option(fc.constantFrom('Bearer x', 'Bearer %', 'Basic Og==', 'Bearer'), { nil: undefined }),
});

function headersFor(c: Case): Record<string, string> {
  const headers: Record<string, string> = {};
  const client = c.session === 'owner' ? cast.owner.client : c.session === 'viewer' ? cast.viewer.client : null;
  if (client !== null) headers.cookie = client.cookie!;
  if (c.session === 'malformed') headers.cookie = 'accord_session=%E0%A4%A; other=%';
  if (c.session === 'forged') headers.cookie = 'accord_session=forged-token-value';
  if (c.csrf === 'right' && client !== null) headers['x-csrf-token'] = client.csrfToken!;
  if (c.csrf === 'wrong') headers['x-csrf-token'] = 'guess';
  if (c.origin !== undefined) headers.origin = c.origin;
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.authorization !== undefined) headers.authorization = c.authorization;
  return headers;
}

function send(c: Case): Promise<number> {
  const { hostname, port } = new URL(test.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: hostname, port, method: c.method, path: `${c.path}${c.query}`, headers: headersFor(c), agent: false },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(c.body === undefined ? undefined : Buffer.from(c.body, 'latin1'));
  });
}

/** The metadata as it would be written (sessions included): a refused request must leave it exactly so. */
const snapshot = async () => JSON.stringify(await metadataOf(test.server.ctx));

describe('random HTTP requests', () => {
  it('never answer 5xx, and a refused request changes nothing', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(caseOf, async (c) => {
        const before = await snapshot();
        const status = await send(c);
        expect(status, `${c.method} ${c.path}${c.query}`).toBeGreaterThanOrEqual(100);
        expect(status, `${c.method} ${c.path}${c.query}`).toBeLessThan(500);
        if (status >= 400) expect(await snapshot(), `${c.method} ${c.path}${c.query} -> ${status}`).toBe(before);
      }),
      fuzzParams(2000, 20_000),
    );
    expect((await new ApiClient(test.url).get('/api/health')).body.status).toBe('ok');
    expect((await cast.owner.client.get('/api/session')).status).toBe(200);
  });

  it('random WebSocket upgrade requests are answered, never thrown', { timeout: 30_000 }, async () => {
    const upgrade = fc.record({
      path: fc
        .array(fc.oneof(segment, fc.constantFrom('p', cast.project.id, 'memos', 'codebook', 't', 'c')), {
          maxLength: 5,
        })
        .map((parts) => `/ws/${parts.join('/')}`),
      cookie: fc.constantFrom(
        'accord_session=%E0%A4%A',
        'accord_session=%',
        `${cast.viewer.client.cookie!}`,
        `x=%; ${cast.viewer.client.cookie!}`,
        '',
      ),
      origin: fc.option(fc.constantFrom('https://evil.example', '%', 'null'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(upgrade, async ({ path, cookie, origin }) => {
        const headers: Record<string, string> = { Cookie: cookie };
        if (origin !== undefined) headers.Origin = origin;
        const { status } = await rawRequest(test.url, upgradeRequest(path, headers));
        // 101 when the path names a document the viewer may open; otherwise a 4xx, never silence or a 5xx.
        expect([101, 400, 401, 403, 404]).toContain(status);
      }),
      fuzzParams(300, 8_000),
    );
    expect((await new ApiClient(test.url).get('/api/health')).status).toBe(200);
  });
});
