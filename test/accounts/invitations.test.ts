import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAudit } from '../../server/src/metadata/audit.js';
import { editMetadata, metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { openDoc } from '../security/helpers.js';
import { adminOf, stranger, tokenOf } from './helpers.js';

/** Issue 23 item 1: one-time links (invitations and password resets), their rules, their audit. */
let test: TestServer | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

const NEW_PASSWORD = 'a password of my own 7';

describe('invitations made by an administrator', () => {
  it('an invited person chooses name and password, is signed in, and the link works once', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const made = await admin.client.post('/api/invitations', { email: 'New.Person@Example.org' });
    expect(made.status).toBe(201);
    expect(made.body.sent).toBeNull();
    expect(made.body.link).toMatch(new RegExp(`^${test.url}/invite#[A-Za-z0-9_-]{43}$`));
    expect(made.body.invitation).toMatchObject({ email: 'new.person@example.org', status: 'pending', kind: 'invite' });
    const token = tokenOf(made.body.link);

    const browser = stranger(test);
    const lookup = await browser.post('/api/invite/lookup', { token });
    expect(lookup.body).toMatchObject({ kind: 'invite', email: 'new.person@example.org', invitedBy: 'Ada Admin' });
    const accepted = await browser.post('/api/invite/accept', { token, name: 'Nia New', password: NEW_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: 'new.person@example.org', name: 'Nia New', admin: false });
    // Signed in: the session works, and the new password signs in elsewhere too.
    expect((await browser.get('/api/session')).body.user.name).toBe('Nia New');
    await test.login('new.person@example.org', NEW_PASSWORD);

    const again = await stranger(test).post('/api/invite/accept', { token, name: 'Eve', password: NEW_PASSWORD });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('invitation_used');
    const listed = await admin.client.get('/api/invitations');
    expect(listed.body.invitations[0]).toMatchObject({ status: 'used', email: 'new.person@example.org' });
  });

  it('of two concurrent acceptances of one link exactly one creates an account', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const token = tokenOf((await admin.client.post('/api/invitations', { email: 'race@example.org' })).body.link);
    const answers = await Promise.all(
      ['A', 'B', 'C'].map((name) =>
        stranger(test!).post('/api/invite/accept', { token, name, password: NEW_PASSWORD }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410]);
    expect((await metadataOf(test.server.ctx)).users.filter((u) => u.email === 'race@example.org')).toHaveLength(1);
  });

  it('an expired link is refused and creates nothing', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const made = await admin.client.post('/api/invitations', { email: 'late@example.org' });
    await editMetadata(test.server.ctx, (data) => {
      data.invitations.find((i) => i.id === made.body.invitation.id)!.expiresAt = Date.now() - 1;
    });
    const token = tokenOf(made.body.link);
    expect((await stranger(test).post('/api/invite/lookup', { token })).body.status).toBe('expired');
    const accepted = await stranger(test).post('/api/invite/accept', { token, name: 'Late', password: NEW_PASSWORD });
    expect(accepted.status).toBe(410);
    expect(accepted.body.error.code).toBe('invitation_expired');
    expect((await metadataOf(test.server.ctx)).users.some((u) => u.email === 'late@example.org')).toBe(false);
  });

  it('a revoked link is refused; only administrators (or the project owner) may revoke', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    const made = await admin.client.post('/api/invitations', { email: 'revoked@example.org' });
    expect((await cast.owner.client.delete(`/api/invitations/${made.body.invitation.id}`)).status).toBe(404);
    expect((await admin.client.delete(`/api/invitations/${made.body.invitation.id}`)).status).toBe(204);
    const accepted = await stranger(test).post('/api/invite/accept', {
      token: tokenOf(made.body.link),
      name: 'R',
      password: NEW_PASSWORD,
    });
    expect(accepted.body.error.code).toBe('invitation_revoked');
  });

  it('only administrators invite from the Accounts page; an email that has an account is refused', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    expect((await cast.owner.client.post('/api/invitations', { email: 'x@example.org' })).status).toBe(403);
    expect((await cast.owner.client.get('/api/invitations')).status).toBe(403);
    const taken = await admin.client.post('/api/invitations', { email: cast.coder.email });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('email_taken');
  });

  it('keeps only the hash of a token, and audits creation and acceptance', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const made = await admin.client.post('/api/invitations', { email: 'audit@example.org', admin: true });
    const token = tokenOf(made.body.link);
    const meta = fs.readFileSync(path.join(test.dataDir, 'meta.json'), 'utf8');
    expect(meta).not.toContain(token);
    expect(meta).toContain('audit@example.org');
    const accepted = await stranger(test).post('/api/invite/accept', { token, name: 'Aud', password: NEW_PASSWORD });
    expect(accepted.body.user.admin).toBe(true);
    const actions = readAudit(test.dataDir).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.create', 'user.create', 'invitation.accept']));
    const created = readAudit(test.dataDir).find((entry) => entry.action === 'invitation.create')!;
    expect(created).toMatchObject({ actor: admin.id, details: { email: 'audit@example.org', admin: true } });
    expect(JSON.stringify(readAudit(test.dataDir))).not.toContain(token);
  });

  it('limits attempts with unknown tokens per address; real tokens do not count', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const token = tokenOf((await admin.client.post('/api/invitations', { email: 'limit@example.org' })).body.link);
    const browser = stranger(test);
    for (let i = 0; i < 5; i++) expect((await browser.post('/api/invite/lookup', { token })).status).toBe(200);
    for (let i = 0; i < 20; i++) {
      const guess = await browser.post('/api/invite/accept', { token: `guess${i}`.padEnd(43, 'x'), password: 'x' });
      expect(guess.status).toBe(404);
    }
    const limited = await browser.post('/api/invite/accept', { token, name: 'Lim', password: NEW_PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await metadataOf(test.server.ctx)).users.some((u) => u.email === 'limit@example.org')).toBe(false);
  });

  it('refuses a weak password without using the link', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const token = tokenOf((await admin.client.post('/api/invitations', { email: 'weak@example.org' })).body.link);
    const weak = await stranger(test).post('/api/invite/accept', { token, name: 'W', password: 'short' });
    expect(weak.body.error.code).toBe('weak_password');
    const ok = await stranger(test).post('/api/invite/accept', { token, name: 'W', password: NEW_PASSWORD });
    expect(ok.status).toBe(200);
  });
});

describe('invitations into a project, by its owner', () => {
  it('carries the project and role: accepting makes the person a member, audited', async () => {
    test = await startTestServer();
    const cast = await seedProject(test);
    const made = await cast.owner.client.post(`/api/projects/${cast.project.id}/invitations`, {
      email: 'joiner@example.org',
      role: 'coder',
    });
    expect(made.status).toBe(201);
    expect(made.body.invitation.project).toMatchObject({ id: cast.project.id, role: 'coder' });
    const listed = await cast.owner.client.get(`/api/projects/${cast.project.id}/invitations`);
    expect(listed.body.invitations).toHaveLength(1);
    expect((await cast.coder.client.get(`/api/projects/${cast.project.id}/invitations`)).status).toBe(403);
    const browser = stranger(test);
    const token = tokenOf(made.body.link);
    expect((await browser.post('/api/invite/lookup', { token })).body.project).toEqual({
      name: cast.project.name,
      role: 'coder',
    });
    const accepted = await browser.post('/api/invite/accept', { token, name: 'Jo', password: NEW_PASSWORD });
    const members = (await browser.get(`/api/projects/${cast.project.id}/members`)).body.members;
    expect(members.find((m: { userId: string }) => m.userId === accepted.body.user.id).role).toBe('coder');
    const added = readAudit(test.dataDir, cast.project.id).find(
      (entry) => entry.action === 'member.add' && entry.details?.via,
    );
    expect(added).toMatchObject({ actor: cast.owner.id, details: { user: accepted.body.user.id, to: 'coder' } });
  });

  it('an email that has an account adds that account at once', async () => {
    test = await startTestServer();
    const cast = await seedProject(test);
    const other = await test.addUser('known@example.org', 'Kim Known');
    const made = await cast.owner.client.post(`/api/projects/${cast.project.id}/invitations`, {
      email: 'KNOWN@example.org',
      role: 'viewer',
    });
    expect(made.status).toBe(201);
    expect(made.body.added).toMatchObject({ userId: other.id, role: 'viewer' });
    expect((await metadataOf(test.server.ctx)).invitations).toHaveLength(0);
  });

  it('an administrator may restrict inviting new people to administrators', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    expect((await cast.owner.client.patch('/api/server-settings', { ownersInvite: false })).status).toBe(403);
    expect((await admin.client.patch('/api/server-settings', { ownersInvite: false })).body.settings).toEqual({
      ownersInvite: false,
    });
    const refused = await cast.owner.client.post(`/api/projects/${cast.project.id}/invitations`, {
      email: 'new@example.org',
      role: 'coder',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('invitations_restricted');
    // Existing accounts can still be added.
    const known = await test.addUser('known2@example.org', 'Known');
    const added = await cast.owner.client.post(`/api/projects/${cast.project.id}/invitations`, {
      email: known.email,
      role: 'coder',
    });
    expect(added.status).toBe(201);
    expect(readAudit(test.dataDir).some((entry) => entry.action === 'server.settings')).toBe(true);
  });

  it("an owner's invitations of unknown emails count against the lookup limit (no email probing)", async () => {
    test = await startTestServer();
    const cast = await seedProject(test);
    for (let i = 0; i < 20; i++) {
      const made = await cast.owner.client.post(`/api/projects/${cast.project.id}/invitations`, {
        email: `probe${i}@example.org`,
        role: 'viewer',
      });
      expect(made.status).toBe(201);
    }
    const limited = await cast.owner.client.post(`/api/projects/${cast.project.id}/invitations`, {
      email: cast.coder.email,
      role: 'viewer',
    });
    expect(limited.status).toBe(429);
  });
});

describe('the accounts an owner may pick from', () => {
  it('administrators get every active account; other owners only the people they share a project with', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    const stranger1 = await test.addUser('stranger@example.org', 'Stan Stranger');
    const gone = await test.addUser('gone@example.org', 'Gone');
    await admin.client.post(`/api/users/${gone.id}/deactivate`);
    // The owner starts a second project: the candidates are the members of the first one.
    const second = (await cast.owner.client.post('/api/projects', { name: 'Second' })).body.project;
    const forOwner = await cast.owner.client.get(`/api/projects/${second.id}/candidates`);
    expect(forOwner.body.accounts.map((a: { email: string }) => a.email).sort()).toEqual(
      [cast.coder.email, cast.coder2.email, cast.viewer.email].sort(),
    );
    expect((await cast.coder.client.get(`/api/projects/${cast.project.id}/candidates`)).status).toBe(403);
    // An administrator who owns a project sees every active account not in it.
    const adminProject = (await admin.client.post('/api/projects', { name: 'Admin study' })).body.project;
    const forAdmin = await admin.client.get(`/api/projects/${adminProject.id}/candidates`);
    const emails = forAdmin.body.accounts.map((a: { email: string }) => a.email);
    expect(emails).toContain(stranger1.email);
    expect(emails).toContain(cast.owner.email);
    expect(emails).not.toContain(gone.email);
    expect(emails).not.toContain(admin.email);
  });
});

describe('password reset links', () => {
  it('an administrator issues a link; using it sets the password, ends every session and closes its sockets', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    const memo = `p/${cast.project.id}/memos/reset-test`;
    const socket = openDoc(test.wsUrl, memo, cast.coder.client.cookie!, test.url);
    await socket.synced;
    expect((await cast.coder.client.post(`/api/users/${admin.id}/reset-link`)).status).toBe(403);
    const made = await admin.client.post(`/api/users/${cast.coder.id}/reset-link`);
    expect(made.status).toBe(201);
    expect(made.body.invitation).toMatchObject({ kind: 'reset', email: cast.coder.email });
    // Until the link is used the old password still works (an admin suspecting abuse deactivates instead).
    await test.login(cast.coder.email);
    const browser = stranger(test);
    const token = tokenOf(made.body.link);
    expect((await browser.post('/api/invite/lookup', { token })).body.kind).toBe('reset');
    const reset = await browser.post('/api/invite/accept', { token, password: NEW_PASSWORD });
    expect(reset.status).toBe(200);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'password reset' });
    expect((await cast.coder.client.get('/api/session')).status).toBe(401);
    expect(
      (await stranger(test).post('/api/auth/login', { email: cast.coder.email, password: TEST_PASSWORD })).status,
    ).toBe(401);
    await test.login(cast.coder.email, NEW_PASSWORD);
    const audit = readAudit(test.dataDir);
    expect(audit.find((entry) => entry.action === 'password.reset')).toMatchObject({
      actor: admin.id,
      details: { user: cast.coder.id },
    });
    expect(audit.find((entry) => entry.action === 'invitation.accept')).toMatchObject({ details: { kind: 'reset' } });
  });

  it('a new reset link revokes the previous one', async () => {
    test = await startTestServer();
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    const first = await admin.client.post(`/api/users/${cast.coder.id}/reset-link`);
    await admin.client.post(`/api/users/${cast.coder.id}/reset-link`);
    const used = await stranger(test).post('/api/invite/accept', {
      token: tokenOf(first.body.link),
      password: NEW_PASSWORD,
    });
    expect(used.body.error.code).toBe('invitation_revoked');
  });
});
