import { type Access, access, docName, type ProjectState, type Role } from '@accord/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepSessions } from '../../server/src/accounts/sessionEnds.js';
import { readAudit } from '../../server/src/metadata/audit.js';
import { decideDocAccess } from '../../server/src/projects/docAccess.js';
import { editMetadata, metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { openDoc } from '../security/helpers.js';
import { adminOf, stranger } from './helpers.js';

/** Issue 23 item 1: a deactivated account ends at once, cannot sign in, stays a member, and has no access. */
let test: TestServer | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('the access rule for a deactivated account', () => {
  const open: ProjectState = { archived: false, codersEditCodebook: true, round: null };
  const rows: [Role, Parameters<typeof access>[3], string | null, Access][] = [
    ['owner', 'codebook', null, 'none'],
    ['owner', 'text', null, 'none'],
    ['owner', 'consensus', null, 'none'],
    ['coder', 'codings', 'me', 'none'],
    ['coder', 'memo', null, 'none'],
    ['viewer', 'codebook', null, 'none'],
  ];
  it.each(rows)('%s, %s (owner %s): %s', (role, kind, owner, expected) => {
    expect(access({ id: 'me', deactivated: true }, role, open, kind, owner)).toBe(expected);
    // The same member, active, has access: the flag alone takes it away.
    expect(access({ id: 'me' }, role, open, kind, owner)).not.toBe('none');
  });
});

describe('deactivating an account', () => {
  it('closes every socket of the account at once and ends every session', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    const text = docName({ kind: 'text', project: cast.project.id, transcript: cast.transcript.id });
    const memo = `p/${cast.project.id}/memos/deactivation`;
    const laptop = openDoc(test.wsUrl, text, cast.coder.client.cookie!, test.url);
    const desktopClient = await test.login(cast.coder.email);
    const desktop = openDoc(test.wsUrl, memo, desktopClient.cookie!, test.url);
    const bystander = openDoc(test.wsUrl, memo, cast.coder2.client.cookie!, test.url);
    await Promise.all([laptop.synced, desktop.synced, bystander.synced]);

    const answer = await admin.client.post(`/api/users/${cast.coder.id}/deactivate`);
    expect(answer.status).toBe(200);
    expect(answer.body.user.deactivatedAt).toEqual(expect.any(Number));
    // Closed by the time the answer came: both sockets report the close.
    expect(await laptop.closed).toEqual({ code: 4401, reason: 'account deactivated' });
    expect(await desktop.closed).toEqual({ code: 4401, reason: 'account deactivated' });
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
    expect((await cast.coder.client.get('/api/session')).status).toBe(401);
    expect((await desktopClient.get('/api/session')).status).toBe(401);
    expect((await metadataOf(test.server.ctx)).sessions.some((s) => s.userId === cast.coder.id)).toBe(false);
    bystander.ws.terminate();
  });

  it('refuses sign-in: "deactivated" only after the right password, the usual answer otherwise', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    await admin.client.post(`/api/users/${cast.coder.id}/deactivate`);
    const wrong = await stranger(test).post('/api/auth/login', {
      email: cast.coder.email,
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: 'bad_credentials', message: 'wrong email or password' });
    const right = await stranger(test).post('/api/auth/login', { email: cast.coder.email, password: TEST_PASSWORD });
    expect(right.status).toBe(403);
    expect(right.body.error).toEqual({
      code: 'account_deactivated',
      message: 'this account is deactivated; ask an administrator',
    });
    expect(right.headers.get('set-cookie')).toBeNull();
    expect(readAudit(test.dataDir).some((entry) => entry.action === 'login.deactivated')).toBe(true);
  });

  it('keeps the account a member (codings stay attributed) with no access to any document', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    await admin.client.post(`/api/users/${cast.coder.id}/deactivate`);
    const members = (await cast.owner.client.get(`/api/projects/${cast.project.id}/members`)).body.members;
    expect(members.find((m: { userId: string }) => m.userId === cast.coder.id)).toMatchObject({
      role: 'coder',
      deactivated: true,
    });
    const store = test.server.ctx.metadata;
    for (const ref of [
      { kind: 'codebook', project: cast.project.id },
      { kind: 'text', project: cast.project.id, transcript: cast.transcript.id },
      { kind: 'codings', project: cast.project.id, transcript: cast.transcript.id, coder: cast.coder.id },
    ] as const) {
      expect((await decideDocAccess(store, cast.coder.id, ref)).access).toBe('none');
    }
    // Others still read the deactivated coder's layer.
    const layer = { kind: 'codings', project: cast.project.id, transcript: cast.transcript.id, coder: cast.coder.id };
    expect((await decideDocAccess(store, cast.owner.id, layer as never)).access).toBe('read');
  });

  it('a session left behind for a deactivated account (a racing sign-in) opens nothing; the sweep closes its sockets', async () => {
    test = await startTestServer();
    const cast = await seedProject(test);
    const memo = `p/${cast.project.id}/memos/race`;
    const socket = openDoc(test.wsUrl, memo, cast.coder.client.cookie!, test.url);
    await socket.synced;
    // The flag set behind the session's back, as a write racing a sign-in could leave it.
    await editMetadata(test.server.ctx, (data) => {
      data.users.find((u) => u.id === cast.coder.id)!.deactivatedAt = Date.now();
    });
    expect((await cast.coder.client.get('/api/session')).status).toBe(401);
    await expect(openDoc(test.wsUrl, memo, cast.coder.client.cookie!, test.url).opened).rejects.toThrow(
      'refused with 401',
    );
    await sweepSessions(test.server.ctx);
    expect((await socket.closed).code).toBe(4401);
  });

  it('reactivation lets the person sign in again with their password; both are audited', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    expect((await cast.owner.client.post(`/api/users/${cast.coder.id}/deactivate`)).status).toBe(403);
    await admin.client.post(`/api/users/${cast.coder.id}/deactivate`);
    const again = await admin.client.post(`/api/users/${cast.coder.id}/deactivate`);
    expect(again.body.error.code).toBe('already_deactivated');
    const listed = await admin.client.get('/api/users');
    expect(listed.body.users.find((u: { id: string }) => u.id === cast.coder.id).deactivatedAt).toEqual(
      expect.any(Number),
    );
    const back = await admin.client.post(`/api/users/${cast.coder.id}/reactivate`);
    expect(back.body.user.deactivatedAt).toBeNull();
    await test.login(cast.coder.email);
    const actions = readAudit(test.dataDir)
      .filter((entry) => entry.details?.user === cast.coder.id)
      .map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['user.deactivate', 'user.reactivate']));
  });

  it('an administrator cannot deactivate themselves (so an active administrator always remains)', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const self = await admin.client.post(`/api/users/${admin.id}/deactivate`);
    expect(self.body.error.code).toBe('self_deactivation');
    const other = await test.addUser('admin2@example.org', 'Second Admin', { admin: true });
    expect((await admin.client.post(`/api/users/${other.id}/deactivate`)).status).toBe(200);
  });

  it('refuses a reset link for a deactivated account and revokes its pending ones', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    const link = await admin.client.post(`/api/users/${cast.coder.id}/reset-link`);
    await admin.client.post(`/api/users/${cast.coder.id}/deactivate`);
    expect((await admin.client.post(`/api/users/${cast.coder.id}/reset-link`)).body.error.code).toBe(
      'account_deactivated',
    );
    const listed = await admin.client.get('/api/invitations');
    expect(listed.body.invitations.find((i: { id: string }) => i.id === link.body.invitation.id).status).toBe(
      'revoked',
    );
  });
});
