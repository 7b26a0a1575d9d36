import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, stranger, tokenOf } from '../accounts/helpers.js';
import { expectError } from '../helpers/answers.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The exact answers of the member, transcript and link routes: status, error code and message, headers, the keys of
 * the bodies, and which check answers first when several would refuse. Routes only parse, authorise, call a domain
 * function and serialise (docs/architecture.md, "How a REST request flows"); this pins what moving their logic into
 * the domain modules (projects/members.ts, projects/transcripts.ts, accounts/link*.ts) must leave unchanged.
 */
let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
let admin: Awaited<ReturnType<typeof adminOf>>;
const p = () => `/api/projects/${cast.project.id}`;

beforeAll(async () => {
  test = await startTestServer();
  admin = await adminOf(test);
  cast = await seedProject(test);
});
afterAll(() => test.close());

describe('members', () => {
  it('adding an email without an account is 404, naming the email as typed', async () => {
    const answer = await cast.owner.client.post(`${p()}/members`, { email: 'Nobody@Example.org', role: 'coder' });
    expectError(answer, 404, 'not_found', 'no account with email Nobody@Example.org; an administrator must create it');
  });

  it('changing or removing someone who is not a member is 404, before the body is read', async () => {
    const other = await test.addUser('outsider@example.org', 'Otto Outsider');
    for (const answer of [
      await cast.owner.client.patch(`${p()}/members/${other.id}`, { role: 'coder' }),
      await cast.owner.client.patch(`${p()}/members/${other.id}`, { role: 'emperor' }),
      await cast.owner.client.delete(`${p()}/members/${other.id}`),
    ]) {
      expectError(answer, 404, 'not_found', 'no such member');
    }
    expect((await cast.owner.client.patch(`${p()}/members/${cast.viewer.id}`, { role: 'emperor' })).status).toBe(400);
  });

  it('answers the members as they are after a change', async () => {
    const changed = await cast.owner.client.patch(`${p()}/members/${cast.viewer.id}`, { role: 'coder' });
    expect(changed.status).toBe(200);
    expect(Object.keys(changed.body)).toEqual(['members']);
    expect(changed.body.members.find((m: { userId: string }) => m.userId === cast.viewer.id)).toEqual({
      userId: cast.viewer.id,
      name: 'Vic Viewer',
      email: cast.viewer.email,
      role: 'coder',
      addedAt: expect.any(Number),
      deactivated: false,
    });
    await cast.owner.client.patch(`${p()}/members/${cast.viewer.id}`, { role: 'viewer' });
  });
});

describe('transcripts in a running round', () => {
  it('are read-only: 409 in_round, before the body is read', async () => {
    const t = (await cast.owner.client.post(`${p()}/transcripts`, { title: 'In a round', text: 'Some text.\n' })).body
      .transcript.id;
    const round = await cast.owner.client.post(`${p()}/rounds`, {
      name: 'Pinned',
      mode: 'open',
      transcripts: { ids: [t] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(round.status).toBe(201);
    const message = 'the transcript is part of a running round; it is read-only until the round ends';
    expectError(await cast.owner.client.patch(`${p()}/transcripts/${t}`, { title: 'x' }), 409, 'in_round', message);
    expectError(await cast.owner.client.patch(`${p()}/transcripts/${t}`, { title: 7 }), 409, 'in_round', message);
    expectError(await cast.owner.client.delete(`${p()}/transcripts/${t}`), 409, 'in_round', message);
    expectError(
      await cast.owner.client.patch(`${p()}/transcripts/unknown123`, { title: 7 }),
      404,
      'not_found',
      'no such transcript',
    );
  });
});

describe('links', () => {
  it("an administrator's invitation answers the link, its view and whether it was mailed", async () => {
    const made = await admin.client.post('/api/invitations', { email: 'pinned@example.org' });
    expect(made.status).toBe(201);
    expect(Object.keys(made.body).sort()).toEqual(['invitation', 'link', 'sent']);
    const info = await stranger(test).post('/api/invite/lookup', { token: tokenOf(made.body.link) });
    expect(info.body).toEqual({
      kind: 'invite',
      email: 'pinned@example.org',
      project: null,
      invitedBy: 'Ada Admin',
      expiresAt: made.body.invitation.expiresAt,
      status: 'pending',
    });
    expectError(
      await cast.coder.client.delete(`/api/invitations/${made.body.invitation.id}`),
      404,
      'not_found',
      'no such invitation',
    );
  });

  it('an unknown token is 404 with a hint', async () => {
    const answer = await stranger(test).post('/api/invite/lookup', { token: 'x'.repeat(43) });
    expectError(answer, 404, 'not_found', 'this link is not valid; check that it was copied whole');
  });

  it("an owner's invitation of an existing account adds it, or says why not", async () => {
    const known = await test.addUser('known@example.org', 'Kim Known');
    const added = await cast.owner.client.post(`${p()}/invitations`, { email: 'Known@example.org', role: 'viewer' });
    expect({ status: added.status, body: added.body }).toEqual({
      status: 201,
      body: { added: { userId: known.id, name: 'Kim Known', email: 'known@example.org', role: 'viewer' } },
    });
    expectError(
      await cast.owner.client.post(`${p()}/invitations`, { email: cast.coder.email, role: 'viewer' }),
      409,
      'already_member',
      'Cody Coder is a member already',
    );
    const gone = await test.addUser('gone@example.org', 'Gus Gone');
    expect((await admin.client.post(`/api/users/${gone.id}/deactivate`)).status).toBe(200);
    expectError(
      await cast.owner.client.post(`${p()}/invitations`, { email: gone.email, role: 'viewer' }),
      409,
      'account_deactivated',
      'the account with this email is deactivated; ask an administrator',
    );
    expect((await admin.client.patch('/api/server-settings', { ownersInvite: false })).body).toEqual({
      settings: { ownersInvite: false },
    });
    expectError(
      await cast.owner.client.post(`${p()}/invitations`, { email: 'New@Example.org', role: 'viewer' }),
      403,
      'invitations_restricted',
      'no account has the email new@example.org, and on this server only administrators invite new people',
    );
    expect((await admin.client.patch('/api/server-settings', { ownersInvite: true })).status).toBe(200);
  });
});

describe('the lookup limit of owners', () => {
  it('counts lookups that find nobody, gives known ones back, and refuses with Retry-After', async () => {
    const owner = await test.addUser('limited@example.org', 'Lee Limited');
    const client = await test.login(owner.email);
    const project = (await client.post('/api/projects', { name: 'Limited' })).body.project.id;
    // Earlier refusals (the tests above) were the other owner's: each owner has a limit of their own.
    for (let i = 0; i < 5; i++) {
      expect(
        (await client.post(`/api/projects/${project}/members`, { email: cast.coder.email, role: 'coder' })).status,
      ).toBe(201);
    }
    for (let i = 0; i < 20; i++) {
      const unknown = await client.post(`/api/projects/${project}/members`, {
        email: `nobody${i}@example.org`,
        role: 'coder',
      });
      expect(unknown.status).toBe(404);
    }
    for (const [path, what] of [
      ['members', 'lookups of unknown accounts'],
      ['invitations', 'invitations and lookups of unknown accounts'],
    ]) {
      const refused = await client.post(`/api/projects/${project}/${path}`, {
        email: cast.coder2.email,
        role: 'coder',
      });
      const wait = refused.headers.get('retry-after');
      expect(Number(wait)).toBeGreaterThan(0);
      expectError(refused, 429, 'too_many_attempts', `too many ${what}; try again in ${wait} s`);
    }
    // Administrators are not limited.
    const adminProject = (await admin.client.post('/api/projects', { name: 'Unlimited' })).body.project.id;
    for (let i = 0; i < 22; i++) {
      const unknown = await admin.client.post(`/api/projects/${adminProject}/members`, {
        email: `none${i}@example.org`,
        role: 'coder',
      });
      expect(unknown.status).toBe(404);
    }
  });
});
