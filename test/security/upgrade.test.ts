import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { openDoc, rawRequest, upgradeRequest } from './helpers.js';

/**
 * Issue 21 item 1: nothing a request holds may throw out of the upgrade handler (an uncaught exception there stops
 * the process). Every request here was sent to the real server; after each the server must still serve.
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

const memo = () => `p/${cast.project.id}/memos/upgrade-test`;

/** The server still answers: REST, and a real WebSocket that syncs. */
async function stillServing(): Promise<void> {
  expect((await new ApiClient(test.url).get('/api/health')).status).toBe(200);
  const socket = openDoc(test.wsUrl, memo(), cast.coder.client.cookie!, test.url);
  await socket.synced;
  socket.ws.close();
  await socket.closed;
}

describe('the WebSocket upgrade never throws', () => {
  it.each([
    ['a malformed %-escape in the session cookie', '%E0%A4%A'],
    ['a lone %', '%'],
    ['an invalid UTF-8 sequence', '%C0%AF'],
  ])('%s is no session: 401, and the server keeps serving', async (_what, value) => {
    const answer = await rawRequest(test.url, upgradeRequest(`/ws/${memo()}`, { Cookie: `accord_session=${value}` }));
    expect(answer.status).toBe(401);
    await stillServing();
  });

  it('a malformed %-escape in the document path of a signed-in user is a 400', async () => {
    const cookie = cast.coder.client.cookie!;
    for (const path of [`/ws/p/${cast.project.id}/memos/%E0%A4%A`, '/ws/%', '/ws/p/%ZZ/codebook']) {
      const answer = await rawRequest(test.url, upgradeRequest(path, { Cookie: cookie }));
      expect(answer.status, path).toBe(400);
    }
    await stillServing();
  });

  it('a request target that is not a URL is a 400', async () => {
    const answer = await rawRequest(test.url, upgradeRequest('//[', { Cookie: cast.coder.client.cookie! }));
    expect(answer.status).toBe(400);
    await stillServing();
  });

  it('a cookie header full of junk around a valid session still finds the session', async () => {
    const cookie = `a=%E0; ${cast.coder.client.cookie!}; b=%`;
    const socket = openDoc(test.wsUrl, memo(), cookie, test.url);
    await socket.synced;
    socket.ws.close();
    await socket.closed;
  });

  it('a client that resets the connection during a refused upgrade does not stop the server', async () => {
    const { hostname, port } = new URL(test.url);
    const net = await import('node:net');
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write(upgradeRequest(`/ws/${memo()}`, { Cookie: 'accord_session=%E0%A4%A' }));
        socket.resetAndDestroy();
        resolve();
      });
      socket.on('error', () => {});
    });
    await stillServing();
  });
});

describe('REST never answers 500 for unreadable request data', () => {
  it('a malformed session cookie is no session (401 where one is needed, 200 where not)', async () => {
    const headers = { cookie: 'accord_session=%E0%A4%A' };
    const projects = await fetch(`${test.url}/api/projects`, { headers });
    expect(projects.status).toBe(401);
    expect((await fetch(`${test.url}/api/health`, { headers })).status).toBe(200);
  });

  it('a malformed %-escape in a route parameter is a 400 bad_path', async () => {
    for (const path of ['/api/projects/%E0%A4%A', `/api/projects/${cast.project.id}/members/%`]) {
      const response = await cast.owner.client.get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.error.code).toBe('bad_path');
    }
    const write = await cast.owner.client.delete(`/api/projects/${cast.project.id}/members/%E0%A4%A`);
    expect(write.status).toBe(400);
    await stillServing();
  });
});
