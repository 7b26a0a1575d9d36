import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../server/src/metadata/audit.js';
import { editMetadata, metadataOf } from '../helpers/metadata.js';
import { ApiClient, seedProject, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.close();
});

describe('first run and sessions', () => {
  it('lets the setup page create the first administrator once, then never again', async () => {
    const anonymous = new ApiClient(test.url);
    expect((await anonymous.get('/api/setup')).body).toEqual({ needed: true });
    const created = await anonymous.post('/api/setup', {
      email: 'Lead@Example.org',
      name: 'Lead',
      password: TEST_PASSWORD,
    });
    expect(created.status).toBe(200);
    expect(created.body.user).toMatchObject({ email: 'lead@example.org', admin: true });
    expect(created.headers.getSetCookie()[0]).toMatch(/accord_session=.+; .*HttpOnly/);
    expect(created.headers.getSetCookie()[0]).toMatch(/SameSite=Lax/);
    expect((await anonymous.get('/api/setup')).body).toEqual({ needed: false });
    const again = await new ApiClient(test.url).post('/api/setup', {
      email: 'x@example.org',
      name: 'X',
      password: TEST_PASSWORD,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('setup_done');
  });

  it('signs in, reports the session, signs out', async () => {
    await test.addUser('sam@example.org', 'Sam');
    const client = await test.login('sam@example.org');
    const session = await client.get('/api/session');
    expect(session.status).toBe(200);
    expect(session.body.user.name).toBe('Sam');
    expect(typeof session.body.csrfToken).toBe('string');
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    const after = await client.get('/api/session');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });

  it('answers a wrong password and an unknown account identically', async () => {
    await test.addUser('pat@example.org', 'Pat');
    const wrongPassword = await new ApiClient(test.url).post('/api/auth/login', {
      email: 'pat@example.org',
      password: 'nope-nope-nope',
    });
    const unknown = await new ApiClient(test.url).post('/api/auth/login', {
      email: 'nobody@example.org',
      password: 'nope-nope-nope',
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknown.body);
  });

  it('expires sessions', async () => {
    await test.addUser('eve@example.org', 'Eve');
    const client = await test.login('eve@example.org');
    await editMetadata(test.server.ctx, (data) => {
      for (const session of data.sessions) session.expiresAt = Date.now() - 1;
    });
    const response = await client.get('/api/projects');
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/expired/);
  });

  it('rate-limits failed sign-ins, even with the right password afterwards', async () => {
    await test.addUser('rita@example.org', 'Rita');
    const client = new ApiClient(test.url);
    for (let i = 0; i < 10; i++) {
      expect(
        (await client.post('/api/auth/login', { email: 'rita@example.org', password: `wrong-${i}-wrong` })).status,
      ).toBe(401);
    }
    const blocked = await client.post('/api/auth/login', { email: 'rita@example.org', password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    await test.addUser('rob@example.org', 'Rob');
    expect((await client.post('/api/auth/login', { email: 'rob@example.org', password: TEST_PASSWORD })).status).toBe(
      200,
    );
  });
});

describe('CSRF and origin checks', () => {
  it('refuses cookie-authenticated writes without the session CSRF token', async () => {
    await test.addUser('cass@example.org', 'Cass');
    const client = await test.login('cass@example.org');
    const missing = await client.post('/api/projects', { name: 'No token' }, { 'x-csrf-token': '' });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('csrf');
    const wrong = await client.post('/api/projects', { name: 'Wrong token' }, { 'x-csrf-token': 'guess' });
    expect(wrong.status).toBe(403);
    const right = await client.post('/api/projects', { name: 'Right token' });
    expect(right.status).toBe(201);
    const names = (await client.get('/api/projects')).body.projects.map((p: { name: string }) => p.name);
    expect(names).toEqual(['Right token']);
  });

  it('refuses writes from a foreign origin', async () => {
    const client = await test.login('cass@example.org');
    const response = await client.post('/api/projects', { name: 'Evil' }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('bad_origin');
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['malformed JSON', '{"name": ', 400, 'bad_json'],
    ['an unknown field', { name: 'P', colour: 'red' }, 400, 'invalid_input'],
    ['a wrong type', { name: 42 }, 400, 'invalid_input'],
    ['an empty name', { name: '   ' }, 400, 'invalid_input'],
    ['an oversize body', { name: 'x'.repeat(2_000_000) }, 413, 'too_large'],
  ])('%s -> %i %s', async (_what, body, status, code) => {
    await test.addUser(`bad-${code}-${status}-${Math.random()}@example.org`.replace(/0\./, ''), 'Bad');
    const email = (await metadataOf(test.server.ctx)).users.at(-1)!.email;
    const client = await test.login(email);
    const before = (await metadataOf(test.server.ctx)).projects.length;
    const response = await client.post('/api/projects', body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(typeof response.body.error.message).toBe('string');
    expect((await metadataOf(test.server.ctx)).projects.length).toBe(before);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const response = await new ApiClient(test.url).get('/api/nope');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});

describe('projects, members and what each role sees', () => {
  it('gives owner, coder and viewer exactly what the access table says', async () => {
    const { project, transcript, owner, coder, viewer } = await seedProject(test);
    const base = `/api/projects/${project.id}`;

    for (const member of [owner, coder, viewer]) {
      expect((await member.client.get(base)).status).toBe(200);
      expect((await member.client.get(`${base}/transcripts`)).body.transcripts).toHaveLength(1);
    }
    expect((await coder.client.post(`${base}/members`, { email: 'sam@example.org', role: 'coder' })).status).toBe(403);
    expect((await viewer.client.post(`${base}/transcripts`, { title: 'T2', text: 'x' })).status).toBe(403);
    expect((await coder.client.patch(base, { name: 'Renamed' })).status).toBe(403);
    expect((await owner.client.patch(base, { name: 'Renamed' })).body.project.name).toBe('Renamed');

    const docs = async (client: ApiClient) =>
      Object.fromEntries(
        (await client.get(`${base}/docs`)).body.docs.map((d: { name: string; access: string }) => [d.name, d.access]),
      );
    const p = `p/${project.id}`;
    const t = `${p}/t/${transcript.id}`;
    expect(await docs(coder.client)).toMatchObject({
      [`${p}/codebook`]: 'write',
      [`${t}/text`]: 'read',
      [`${t}/c/${coder.id}`]: 'write',
      [`${t}/c/${owner.id}`]: 'read',
      [`${t}/consensus`]: 'read',
    });
    expect(await docs(viewer.client)).toMatchObject({
      [`${p}/codebook`]: 'read',
      [`${t}/text`]: 'read',
      [`${t}/consensus`]: 'read',
    });
    expect(await docs(owner.client)).toMatchObject({ [`${t}/text`]: 'write', [`${t}/consensus`]: 'write' });
  });

  it('shows a non-member the same 404 as a project that does not exist', async () => {
    const { project } = await seedProject(test);
    await test.addUser('outsider@example.org', 'Outsider');
    const outsider = await test.login('outsider@example.org');
    const existing = await outsider.get(`/api/projects/${project.id}`);
    const missing = await outsider.get('/api/projects/doesnotexist00');
    expect(existing.status).toBe(404);
    expect(existing.body).toEqual(missing.body);
    expect((await outsider.get(`/api/projects/${project.id}/transcripts`)).body).toEqual(missing.body);
  });

  it('keeps at least one owner and audits role changes and deletion', async () => {
    const { project, owner, coder } = await seedProject(test);
    const base = `/api/projects/${project.id}`;
    const lastOwner = await owner.client.patch(`${base}/members/${owner.id}`, { role: 'coder' });
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.error.code).toBe('last_owner');
    expect((await owner.client.patch(`${base}/members/${coder.id}`, { role: 'viewer' })).status).toBe(200);
    expect(
      (await coder.client.get(`${base}/docs`)).body.docs.every((d: { access: string }) => d.access === 'read'),
    ).toBe(true);
    expect((await owner.client.delete(`${base}/members/${coder.id}`)).status).toBe(204);
    expect((await coder.client.get(base)).status).toBe(404);
    expect((await owner.client.delete(base)).status).toBe(204);
    expect((await owner.client.get(base)).status).toBe(404);
    const actions = readAudit(test.dataDir, project.id).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['member.add', 'member.role', 'member.remove', 'project.delete']));
    expect(readAudit(test.dataDir).some((entry) => entry.action === 'login')).toBe(true);
  });

  it('lets an administrator create accounts and nobody else', async () => {
    const admin = await test.login('lead@example.org');
    const created = await admin.post('/api/users', { email: 'new@example.org', name: 'New', password: TEST_PASSWORD });
    expect(created.status).toBe(201);
    const nonAdmin = await test.login('new@example.org');
    expect(
      (await nonAdmin.post('/api/users', { email: 'n2@example.org', name: 'N2', password: TEST_PASSWORD })).status,
    ).toBe(403);
    expect((await nonAdmin.get('/api/users')).status).toBe(403);
    const weak = await admin.post('/api/users', { email: 'weak@example.org', name: 'Weak', password: 'short' });
    expect(weak.body.error.code).toBe('weak_password');
  });

  it('reports health: liveness to anyone, the details to an administrator', async () => {
    const health = await new ApiClient(test.url).get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', version: expect.any(String) });
    const admin = await (await test.login('lead@example.org')).get('/api/health');
    expect(admin.body).toMatchObject({ status: 'ok', version: expect.any(String), uptimeSeconds: expect.any(Number) });
    expect(admin.body.storage.sync).toBeTypeOf('object');
  });
});
