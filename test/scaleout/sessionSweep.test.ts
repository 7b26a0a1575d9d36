import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { seedProject, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { type DocSocket, openDoc } from '../security/helpers.js';
import { startPostgres, type TestPostgres } from '../setup/postgres.js';

/**
 * `accord user passwd` on a PostgreSQL deployment without Redis (docs/deploy.md, "Accounts, imports and exports on
 * PostgreSQL"): the sessions end at once (they are rows every instance reads), and a running instance, which nobody
 * tells, closes the sockets they opened at its next session sweep. The instance runs in this process so that its
 * sweep interval can be made short; the CLI is the built one, as an operator runs it.
 */
describe('accord user passwd on PostgreSQL without Redis', () => {
  let postgres: TestPostgres;
  let test: TestServer;
  let url: string;
  const sockets: DocSocket[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase();
    test = await startTestServer({ config: { postgresUrl: url }, sessionSweepMs: 50 });
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.ws.terminate();
    await test?.close();
    await postgres?.stop();
  }, 60_000);

  it("closes the account's open sockets at the instance's next sweep, and only theirs", async () => {
    const cast = await seedProject(test);
    const memo = `p/${cast.project.id}/memos/sweep-test`;
    const open = async (cookie: string) => {
      const socket = openDoc(test.wsUrl, memo, cookie, test.url);
      sockets.push(socket);
      await socket.synced;
      return socket;
    };
    const coder = await open(cast.coder.client.cookie!);
    const owner = await open(cast.owner.client.cookie!);

    const changed = await runCli(['user', 'passwd', '--email', cast.coder.email, '--password-stdin'], {
      stdin: 'a new password for the sweep\n',
      env: { ACCORD_POSTGRES_URL: url, ACCORD_REDIS_URL: '' },
      timeoutMs: 60_000,
    });
    expect(changed.stderr).toBe('');
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/at its next session sweep \(within a minute\)\n$/);

    // Ended as a row at once; the socket it opened closes at the sweep, as an expired session's does.
    expect((await cast.coder.client.get('/api/session')).status).toBe(401);
    expect(await coder.closed).toEqual({ code: 4401, reason: 'session expired' });
    expect(owner.ws.readyState).toBe(owner.ws.OPEN);
    expect((await cast.owner.client.get('/api/session')).status).toBe(200);
    await expect(test.login(cast.coder.email, TEST_PASSWORD)).rejects.toThrow(/401/);
  });
});
