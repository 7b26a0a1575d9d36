import { afterEach, describe, expect, it } from 'vitest';
import { metadataOf } from '../helpers/metadata.js';
import { ApiClient, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

/**
 * Issue 21 items 2 and 3, and "login, setup, sign-out and password change tested concurrently": every request of
 * a burst is sent at once to the real server, and the outcome must be the one a sequential run would allow.
 */
let test: TestServer | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

const statuses = (responses: { status: number }[]) => responses.map((response) => response.status).sort();
const count = (list: number[], status: number) => list.filter((value) => value === status).length;

/** Resolves once the server has received `n` requests to `path` (a barrier on the real server, not a sleep). */
function received(server: TestServer, path: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    // Express's own listener runs first and strips the mount point from `url`; `originalUrl` keeps it.
    const onRequest = (req: { url?: string; originalUrl?: string }) => {
      if ((req.originalUrl ?? req.url) === path && ++seen >= n) {
        server.server.http.off('request', onRequest);
        resolve();
      }
    };
    server.server.http.on('request', onRequest);
  });
}

describe('first-run setup', () => {
  it('six simultaneous setups on a fresh server create exactly one administrator', async () => {
    test = await startTestServer();
    const server = test;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        new ApiClient(server.url).post('/api/setup', {
          email: `admin${i}@example.org`,
          name: `Admin ${i}`,
          password: TEST_PASSWORD,
        }),
      ),
    );
    expect(statuses(answers)).toEqual([200, 409, 409, 409, 409, 409]);
    for (const answer of answers.filter((a) => a.status === 409)) expect(answer.body.error.code).toBe('setup_done');
    expect((await metadataOf(server.server.ctx)).users).toHaveLength(1);
    expect((await metadataOf(server.server.ctx)).users[0]!.admin).toBe(true);
    const winner = answers.find((a) => a.status === 200)!;
    expect((await metadataOf(server.server.ctx)).users[0]!.email).toBe(winner.body.user.email);
    expect((await new ApiClient(server.url).get('/api/setup')).body).toEqual({ needed: false });
  });
});

describe('the sign-in limit holds whatever the concurrency', () => {
  it('40 simultaneous wrong passwords for one account: 10 are checked, 30 are refused unchecked', async () => {
    test = await startTestServer();
    const server = test;
    await server.addUser('target@example.org', 'Target');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        new ApiClient(server.url).post('/api/auth/login', { email: 'target@example.org', password: `wrong-${i}-x` }),
      ),
    );
    const got = statuses(answers);
    expect(count(got, 401)).toBe(10);
    expect(count(got, 429)).toBe(30);
    for (const answer of answers.filter((a) => a.status === 429)) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const { readAudit } = await import('../../server/src/metadata/audit.js');
    expect(readAudit(server.dataDir).filter((entry) => entry.action === 'login.fail')).toHaveLength(10);
  });

  it('a right password inside a parallel burst, after the limit is reached, is refused', async () => {
    test = await startTestServer();
    const server = test;
    await server.addUser('victim@example.org', 'Victim');
    const path = '/api/auth/login';
    const burstArrived = received(server, path, 30);
    const burst = Array.from({ length: 30 }, (_, i) =>
      new ApiClient(server.url).post(path, { email: 'victim@example.org', password: `guess-${i}-guess` }),
    );
    // The right guess comes while the 30 wrong ones are still being hashed (before any failure is recorded).
    await burstArrived;
    const right = await new ApiClient(server.url).post(path, { email: 'victim@example.org', password: TEST_PASSWORD });
    expect(right.status).toBe(429);
    expect(right.headers.get('set-cookie')).toBeNull();
    const got = statuses(await Promise.all(burst));
    expect(count(got, 401)).toBe(10);
    expect((await metadataOf(server.server.ctx)).sessions).toHaveLength(0);
  });
});

describe('sign-out and password change, concurrently', () => {
  it('parallel sign-ins get distinct sessions; signing one out leaves the others', async () => {
    test = await startTestServer();
    const server = test;
    await server.addUser('many@example.org', 'Many');
    const clients = await Promise.all(Array.from({ length: 5 }, () => server.login('many@example.org')));
    expect(new Set(clients.map((client) => client.cookie)).size).toBe(5);
    const [first, ...others] = clients;
    const outs = await Promise.all([first!.post('/api/auth/logout'), first!.post('/api/auth/logout')]);
    expect(statuses(outs)).toEqual([204, 204]);
    expect((await first!.get('/api/session')).status).toBe(401);
    for (const client of others) expect((await client.get('/api/session')).status).toBe(200);
    expect((await metadataOf(server.server.ctx)).sessions).toHaveLength(4);
  });

  it('no sign-in with the old password outlives a password change made at the same time', async () => {
    test = await startTestServer();
    const server = test;
    const user = await server.addUser('mover@example.org', 'Mover');
    const changer = await server.login(user.email);
    const newPassword = 'a brand new passphrase';
    const logins = Array.from({ length: 8 }, () =>
      new ApiClient(server.url).post('/api/auth/login', { email: user.email, password: TEST_PASSWORD }),
    );
    const change = changer.post('/api/users/me/password', { currentPassword: TEST_PASSWORD, password: newPassword });
    const more = Array.from({ length: 8 }, () =>
      new ApiClient(server.url).post('/api/auth/login', { email: user.email, password: TEST_PASSWORD }),
    );
    expect((await change).status).toBe(204);
    await Promise.all([...logins, ...more]);
    // Whatever each old-password sign-in answered, none of its sessions is valid now.
    expect((await metadataOf(server.server.ctx)).sessions.filter((s) => s.userId === user.id)).toHaveLength(0);
    expect((await changer.get('/api/session')).status).toBe(401);
    expect((await server.login(user.email, newPassword).then((c) => c.get('/api/session'))).status).toBe(200);
  });

  it('a session cannot be started from a password that changed while it was being checked', async () => {
    test = await startTestServer();
    const { createSession } = await import('../../server/src/accounts/sessions.js');
    const { setPassword } = await import('../../server/src/accounts/users.js');
    const metadata = test.server.ctx.metadata;
    const user = await test.addUser('stale@example.org', 'Stale');
    const verifiedHash = (await metadata.users.get(user.id))!.passwordHash;
    await setPassword(metadata, user.id, 'another long password');
    await expect(createSession(metadata, user.id, 1, verifiedHash)).rejects.toMatchObject({ status: 401 });
    expect(await metadata.sessions.count()).toBe(0);
  });

  it('parallel wrong current passwords in password change are limited like sign-ins', async () => {
    test = await startTestServer();
    const server = test;
    await server.addUser('stolen@example.org', 'Stolen');
    const thief = await server.login('stolen@example.org');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        thief.post('/api/users/me/password', { currentPassword: `guess-${i}-guess`, password: 'taken over now!' }),
      ),
    );
    const got = statuses(answers);
    expect(count(got, 401)).toBe(10);
    expect(count(got, 429)).toBe(10);
  });
});
