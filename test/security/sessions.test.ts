import { memoText } from '@accord/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { endUserSessions } from '../../server/src/accounts/sessionEnds.js';
import { editMetadata, metadataOf } from '../helpers/metadata.js';
import { ApiClient, seedProject, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { type DocSocket, openDoc } from './helpers.js';

/**
 * Issue 21 item 4: ending a session (sign-out, password change, expiry, account removal) closes every WebSocket it
 * opened at once, with 4401, and nothing sent on such a socket afterwards reaches the document.
 */
let test: TestServer | undefined;
const sockets: DocSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await test?.close();
  test = undefined;
});

async function start(options: { sessionSweepMs?: number } = {}) {
  test = await startTestServer(options);
  const cast = await seedProject(test);
  const memo = `p/${cast.project.id}/memos/session-test`;
  const open = async (client: ApiClient) => {
    const socket = openDoc(test!.wsUrl, memo, client.cookie!, test!.url);
    sockets.push(socket);
    await socket.synced;
    return socket;
  };
  const memoContent = () => test!.server.ctx.sync.withDoc(memo, (doc) => memoText(doc).toString());
  return { test, cast, open, memoContent };
}

describe('ending a session closes its sockets', () => {
  it('sign-out: the socket closes with 4401 and a write sent after it never lands', async () => {
    const { cast, open, memoContent } = await start();
    const socket = await open(cast.coder.client);
    socket.write('before;');
    await expect.poll(memoContent).toBe('before;');
    const other = await open(cast.owner.client);
    expect((await cast.coder.client.post('/api/auth/logout')).status).toBe(204);
    // The session is over when the answer comes: anything still sent on the socket is dropped by the server.
    socket.write('after;');
    expect(await socket.closed).toEqual({ code: 4401, reason: 'signed out' });
    // The client saw the close, so everything it sent before it reached the server (TCP keeps order).
    expect(await memoContent()).toBe('before;');
    expect(other.ws.readyState).toBe(other.ws.OPEN);
  });

  it('sign-out closes only the sockets of that session, not of the same user signed in elsewhere', async () => {
    const { test, cast, open } = await start();
    const laptop = await open(cast.coder.client);
    const desktopClient = await test.login(cast.coder.email);
    const desktop = await open(desktopClient);
    await desktopClient.post('/api/auth/logout');
    expect((await desktop.closed).code).toBe(4401);
    const probe = await open(cast.coder.client);
    expect(laptop.ws.readyState).toBe(laptop.ws.OPEN);
    expect(probe.ws.readyState).toBe(probe.ws.OPEN);
  });

  it("password change: every session of the account ends, other users' sockets stay", async () => {
    const { test, cast, open, memoContent } = await start();
    const second = await test.login(cast.coder.email);
    const mine = [await open(cast.coder.client), await open(second)];
    const others = [await open(cast.owner.client), await open(cast.coder2.client)];
    const changed = await cast.coder.client.post('/api/users/me/password', {
      currentPassword: TEST_PASSWORD,
      password: 'another good password',
    });
    expect(changed.status).toBe(204);
    for (const socket of mine) socket.write('stale;');
    for (const socket of mine) expect(await socket.closed).toEqual({ code: 4401, reason: 'password changed' });
    for (const socket of others) expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    others[0]!.write('owner;');
    await expect.poll(memoContent).toBe('owner;');
    expect((await second.get('/api/session')).status).toBe(401);
  });

  it('expiry: the sweep closes the sockets of an expired session and deletes it', async () => {
    const { test, cast, open } = await start({ sessionSweepMs: 25 });
    const socket = await open(cast.coder.client);
    const other = await open(cast.owner.client);
    await editMetadata(test.server.ctx, (data) => {
      for (const session of data.sessions) if (session.userId === cast.coder.id) session.expiresAt = Date.now() - 1;
    });
    expect(await socket.closed).toEqual({ code: 4401, reason: 'session expired' });
    expect((await metadataOf(test.server.ctx)).sessions.some((session) => session.userId === cast.coder.id)).toBe(
      false,
    );
    expect(other.ws.readyState).toBe(other.ws.OPEN);
  });

  it('account removal: the domain function ends every session and socket of the account', async () => {
    const { test, cast, open } = await start();
    const socket = await open(cast.coder.client);
    const ended = await endUserSessions(test.server.ctx, cast.coder.id, 'account removed');
    expect(ended).toHaveLength(1);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'account removed' });
    expect((await cast.coder.client.get('/api/session')).status).toBe(401);
  });

  it('an account deleted from the store loses its sockets at the next sweep', async () => {
    const { test, cast, open } = await start({ sessionSweepMs: 25 });
    const socket = await open(cast.viewer.client);
    await editMetadata(test.server.ctx, (data) => {
      data.users = data.users.filter((user) => user.id !== cast.viewer.id);
    });
    expect((await socket.closed).code).toBe(4401);
  });

  it('a socket cannot be opened with a session that has ended', async () => {
    const { test, cast } = await start();
    const cookie = cast.coder.client.cookie!;
    await cast.coder.client.post('/api/auth/logout');
    const socket = openDoc(test.wsUrl, `p/${cast.project.id}/memos/session-test`, cookie, test.url);
    await expect(socket.opened).rejects.toThrow(/401/);
    expect((await new ApiClient(test.url).get('/api/health')).status).toBe(200);
  });
});
