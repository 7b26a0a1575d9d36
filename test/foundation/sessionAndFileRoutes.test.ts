import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeQdpx } from '../../server/src/export/refiQda.js';
import { errorHandler } from '../../server/src/http/errorHandler.js';
import { importExportRoutes } from '../../server/src/http/routes/importExport.js';
import { csrfProtection, readSession } from '../../server/src/http/session.js';
import { HeldUploads } from '../../server/src/import/uploads.js';
import { summariseBundle } from '../../server/src/interchange/bundle.js';
import { readAudit } from '../../server/src/metadata/audit.js';
import { readBundle } from '../../server/src/projects/bundleIo.js';
import { sampleBundle, USERS } from '../../server/test/export/sampleBundle.js';
import { adminOf, stranger } from '../accounts/helpers.js';
import { expectError } from '../helpers/answers.js';
import { runCli } from '../helpers/cli.js';
import { metadataOf } from '../helpers/metadata.js';
import {
  ApiClient,
  type ApiResponse,
  seedProject,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  tempDataDir,
} from '../helpers/server.js';
import { fetchMedia, mediaPath, uploadMedia } from '../media/helpers.js';
import { wav } from '../media/mediaFiles.js';

/**
 * The exact answers of the sign-in, setup, account, import/export and recording routes: status, error code and
 * message, headers, the keys of the bodies, the audit entries they write (keys in order), and which check answers
 * first when several would refuse. Routes only parse, authorise, call a domain function and serialise
 * (docs/architecture.md, "How a REST request flows"); this pins what moving their logic into the domain modules
 * (auth/login.ts, accounts/, import/uploads.ts, export/download.ts, media/) must leave unchanged.
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

type Entry = { actor: string | null; action: string; project?: string; details?: Record<string, unknown> };

/** Every audit entry written by `work`, without its time: values and the order of every key. */
async function audited(dataDir: string, work: () => Promise<unknown>): Promise<Entry[]> {
  const before = readAudit(dataDir).length;
  await work();
  return readAudit(dataDir)
    .slice(before)
    .map(({ at: _at, ...entry }) => entry);
}

/** The key paths of a value in order, so that a test can pin the order in which an entry's keys are written. */
function keyOrder(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keyOrder(inner).map((k) => `${key}.${k}`)]);
}

function expectEntries(actual: Entry[], expected: Entry[]) {
  expect(actual).toEqual(expected);
  expect(actual.map(keyOrder)).toEqual(expected.map(keyOrder));
}

/** The client address the server records (the same for every request of these tests). */
let ip: string;

describe('sign-in', () => {
  it('a right password answers the session, sets the cookie and audits `login` with the address', async () => {
    const sam = await test.addUser('pin-sam@example.org', 'Sam Signin');
    const client = new ApiClient(test.url);
    let answer!: ApiResponse;
    const entries = await audited(test.dataDir, async () => {
      answer = await client.post('/api/auth/login', { email: 'PIN-Sam@example.org', password: TEST_PASSWORD });
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['user', 'csrfToken', 'expiresAt']);
    expect(answer.body.user).toEqual({
      id: sam.id,
      email: 'pin-sam@example.org',
      name: 'Sam Signin',
      admin: false,
      locale: null,
    });
    const [cookie, ...more] = answer.headers.getSetCookie();
    expect(more).toEqual([]);
    expect(cookie).toMatch(
      /^accord_session=[\w-]{43}; Max-Age=\d+; Path=\/; Expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} GMT; HttpOnly; SameSite=Lax$/,
    );
    ip = (entries[0]?.details?.ip as string) ?? '';
    expect(ip).toMatch(/127\.0\.0\.1/);
    expectEntries(entries, [{ actor: sam.id, action: 'login', details: { ip } }]);
    const session = await client.get('/api/session');
    expect(session.body).toEqual(answer.body);
  });

  it('a wrong password and an unknown email are the same 401, audited as `login.fail` with the normalised email', async () => {
    await test.addUser('pin-pat@example.org', 'Pat Wrong');
    const answers: ApiResponse[] = [];
    const entries = await audited(test.dataDir, async () => {
      answers.push(
        await stranger(test).post('/api/auth/login', { email: ' PIN-Pat@Example.org ', password: 'not the one' }),
      );
      answers.push(await stranger(test).post('/api/auth/login', { email: 'Nobody@Example.org', password: 'guess' }));
    });
    for (const answer of answers) {
      expectError(answer, 401, 'bad_credentials', 'wrong email or password');
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
    expectEntries(entries, [
      { actor: null, action: 'login.fail', details: { email: 'pin-pat@example.org', ip } },
      { actor: null, action: 'login.fail', details: { email: 'nobody@example.org', ip } },
    ]);
  });

  it('a deactivated account is told so only after the right password (403), audited as `login.deactivated`', async () => {
    const gone = await test.addUser('pin-gone@example.org', 'Gil Gone');
    expect((await admin.client.post(`/api/users/${gone.id}/deactivate`)).status).toBe(200);
    let wrong!: ApiResponse;
    let right!: ApiResponse;
    const entries = await audited(test.dataDir, async () => {
      wrong = await stranger(test).post('/api/auth/login', { email: gone.email, password: 'not the one' });
      right = await stranger(test).post('/api/auth/login', { email: gone.email, password: TEST_PASSWORD });
    });
    expectError(wrong, 401, 'bad_credentials', 'wrong email or password');
    expectError(right, 403, 'account_deactivated', 'this account is deactivated; ask an administrator');
    expect(right.headers.getSetCookie()).toEqual([]);
    expectEntries(entries, [
      { actor: null, action: 'login.fail', details: { email: gone.email, ip } },
      { actor: gone.id, action: 'login.deactivated', details: { ip } },
    ]);
    // The right password cleared the account's failures: the deactivated refusal is not a lockout.
    for (let i = 0; i < 3; i++) {
      expect(
        (await stranger(test).post('/api/auth/login', { email: gone.email, password: TEST_PASSWORD })).status,
      ).toBe(403);
    }
  });

  it('ten failures lock the account: 429 with Retry-After, not audited, even for the right password', async () => {
    const rita = await test.addUser('pin-rita@example.org', 'Rita Locked');
    for (let i = 0; i < 10; i++) {
      const answer = await stranger(test).post('/api/auth/login', { email: rita.email, password: `wrong ${i}` });
      expect(answer.status).toBe(401);
    }
    let locked!: ApiResponse;
    let malformed!: ApiResponse;
    const entries = await audited(test.dataDir, async () => {
      locked = await stranger(test).post('/api/auth/login', { email: 'Pin-Rita@example.org', password: TEST_PASSWORD });
      malformed = await stranger(test).post('/api/auth/login', { email: rita.email });
    });
    const wait = locked.headers.get('retry-after');
    expect(Number(wait)).toBeGreaterThan(0);
    expect(Number(wait)).toBeLessThanOrEqual(15 * 60);
    expectError(locked, 429, 'too_many_attempts', `too many sign-in attempts; try again in ${wait} s`);
    // The body is read before the limit is asked.
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_input');
    expect(malformed.headers.get('retry-after')).toBeNull();
    expectEntries(entries, []);
  });

  it('signing out ends the session, clears the cookie and audits `logout`; without a session it only clears', async () => {
    const lou = await test.addUser('pin-lou@example.org', 'Lou Logout');
    const client = await test.login(lou.email);
    let out!: ApiResponse;
    let again!: ApiResponse;
    const entries = await audited(test.dataDir, async () => {
      out = await client.post('/api/auth/logout');
      again = await client.post('/api/auth/logout');
    });
    for (const answer of [out, again]) {
      expect(answer.status).toBe(204);
      expect(answer.headers.getSetCookie()).toEqual(['accord_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    }
    expectEntries(entries, [{ actor: lou.id, action: 'logout' }]);
    expectError(await client.get('/api/session'), 401, 'unauthenticated', 'sign in first (no session, or it expired)');
  });
});

describe('first-run setup', () => {
  it('creates the first administrator once (audited `user.create` via setup), then answers 409 setup_done', async () => {
    const fresh = await startTestServer({ dataDir: tempDataDir() });
    try {
      expect((await stranger(fresh).get('/api/setup')).body).toEqual({ needed: true });
      expectError(
        await stranger(fresh).post('/api/setup', { email: 'lead@example.org', name: 'Lead', password: 'short' }),
        400,
        'weak_password',
        'a password needs at least 10 characters',
      );
      const client = new ApiClient(fresh.url);
      let made!: ApiResponse;
      const entries = await audited(fresh.dataDir, async () => {
        made = await client.post('/api/setup', {
          email: 'Lead@Example.org',
          name: ' Lee Lead ',
          password: TEST_PASSWORD,
        });
      });
      expect(made.status).toBe(200);
      expect(Object.keys(made.body)).toEqual(['user', 'csrfToken', 'expiresAt']);
      const id = made.body.user.id;
      expect(made.body.user).toEqual({ id, email: 'lead@example.org', name: 'Lee Lead', admin: true, locale: null });
      expect(made.headers.getSetCookie()[0]).toMatch(
        /^accord_session=[\w-]{43}; Max-Age=\d+; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/,
      );
      expect((await client.get('/api/session')).status).toBe(200);
      expectEntries(entries, [
        { actor: id, action: 'user.create', details: { email: 'lead@example.org', admin: true, via: 'setup' } },
      ]);
      const twice = await audited(fresh.dataDir, async () => {
        for (const body of [
          { email: 'x@example.org', name: 'X', password: TEST_PASSWORD },
          // Once set up, even a weak password is told that setup is done.
          { email: 'y@example.org', name: 'Y', password: 'short' },
        ]) {
          const again = await stranger(fresh).post('/api/setup', body);
          expectError(again, 409, 'setup_done', 'Accord is set up already; sign in');
          expect(again.headers.getSetCookie()).toEqual([]);
        }
      });
      expectEntries(twice, []);
      expect((await stranger(fresh).get('/api/setup')).body).toEqual({ needed: false });
    } finally {
      await fresh.close();
      fs.rmSync(fresh.dataDir, { recursive: true, force: true });
    }
  });
});

describe('accounts', () => {
  it('an administrator creates, deactivates and reactivates accounts; each is audited', async () => {
    let made!: ApiResponse;
    let off!: ApiResponse;
    let on!: ApiResponse;
    const entries = await audited(test.dataDir, async () => {
      made = await admin.client.post('/api/users', {
        email: 'Pin-New@Example.org',
        name: ' Nia New ',
        password: TEST_PASSWORD,
      });
      off = await admin.client.post(`/api/users/${made.body.user.id}/deactivate`);
      on = await admin.client.post(`/api/users/${made.body.user.id}/reactivate`);
    });
    const id = made.body.user.id;
    const account = {
      id,
      email: 'pin-new@example.org',
      name: 'Nia New',
      admin: false,
      locale: null,
      createdAt: expect.any(Number),
      deactivatedAt: null,
    };
    expect({ status: made.status, body: made.body }).toEqual({ status: 201, body: { user: account } });
    expect(keyOrder(made.body)).toEqual([
      'user',
      'user.id',
      'user.email',
      'user.name',
      'user.admin',
      'user.locale',
      'user.createdAt',
      'user.deactivatedAt',
    ]);
    expect({ status: off.status, body: off.body }).toEqual({
      status: 200,
      body: { user: { ...account, deactivatedAt: expect.any(Number) } },
    });
    expect({ status: on.status, body: on.body }).toEqual({ status: 200, body: { user: account } });
    expectEntries(entries, [
      { actor: admin.id, action: 'user.create', details: { user: id, email: 'pin-new@example.org', admin: false } },
      { actor: admin.id, action: 'user.deactivate', details: { user: id, email: 'pin-new@example.org' } },
      { actor: admin.id, action: 'user.reactivate', details: { user: id, email: 'pin-new@example.org' } },
    ]);
    const listed = await admin.client.get('/api/users');
    expect(Object.keys(listed.body)).toEqual(['users']);
    expect(listed.body.users.find((user: { id: string }) => user.id === id)).toEqual(account);
  });

  it('refusals: not an administrator, a taken email, a weak password, oneself, twice, unknown', async () => {
    const entries = await audited(test.dataDir, async () => {
      const body = { email: cast.coder.email, name: 'Dup', password: TEST_PASSWORD };
      expectError(
        await cast.owner.client.post('/api/users', body),
        403,
        'forbidden',
        'only an administrator may do this',
      );
      expectError(await cast.owner.client.get('/api/users'), 403, 'forbidden', 'only an administrator may do this');
      expectError(
        await admin.client.post('/api/users', body),
        409,
        'email_taken',
        `an account with email ${cast.coder.email} exists already`,
      );
      expectError(
        await admin.client.post('/api/users', { ...body, email: 'pin-weak@example.org', password: 'short' }),
        400,
        'weak_password',
        'a password needs at least 10 characters',
      );
      expectError(
        await admin.client.post(`/api/users/${admin.id}/deactivate`),
        409,
        'self_deactivation',
        'you cannot deactivate your own account',
      );
      expectError(
        await admin.client.post(`/api/users/${cast.viewer.id}/reactivate`),
        409,
        'not_deactivated',
        'this account is active',
      );
      expectError(await admin.client.post('/api/users/nobody123/deactivate'), 404, 'not_found', 'no such user');
      expectError(await admin.client.post('/api/users/nobody123/reactivate'), 404, 'not_found', 'no such user');
      expectError(
        await cast.owner.client.post(`/api/users/${cast.viewer.id}/deactivate`),
        403,
        'forbidden',
        'only an administrator may do this',
      );
    });
    expectEntries(entries, []);
  });

  it('anyone edits their own name and language', async () => {
    const kim = await test.addUser('pin-kim@example.org', 'Kim Profile');
    const client = await test.login(kim.email);
    const renamed = await client.patch('/api/users/me', { name: ' Kim Renamed ', locale: 'DE' });
    expect({ status: renamed.status, body: renamed.body }).toEqual({
      status: 200,
      body: { user: { id: kim.id, email: kim.email, name: 'Kim Renamed', admin: false, locale: 'de' } },
    });
    const back = await client.patch('/api/users/me', { locale: null });
    expect(back.body.user.locale).toBeNull();
    expect(back.body.user.name).toBe('Kim Renamed');
    expect((await client.patch('/api/users/me', {})).status).toBe(400);
  });
});

describe('changing one’s own password', () => {
  it('checks the current password first, ends every session, audits `user.password`', async () => {
    const cy = await test.addUser('pin-cy@example.org', 'Cy Change');
    const client = await test.login(cy.email);
    const other = await test.login(cy.email);
    const newPassword = 'a brand new passphrase';
    const entries = await audited(test.dataDir, async () => {
      expectError(
        await client.post('/api/users/me/password', { currentPassword: 'not it', password: 'short' }),
        401,
        'bad_credentials',
        'the current password is wrong',
      );
      expectError(
        await client.post('/api/users/me/password', { currentPassword: TEST_PASSWORD, password: 'short' }),
        400,
        'weak_password',
        'a password needs at least 10 characters',
      );
      const changed = await client.post('/api/users/me/password', {
        currentPassword: TEST_PASSWORD,
        password: newPassword,
      });
      expect({ status: changed.status, body: changed.body }).toEqual({ status: 204, body: '' });
    });
    expectEntries(entries, [{ actor: cy.id, action: 'user.password' }]);
    for (const session of [client, other]) expect((await session.get('/api/session')).status).toBe(401);
    expect((await stranger(test).post('/api/auth/login', { email: cy.email, password: newPassword })).status).toBe(200);
  });

  it('wrong current passwords count against the sign-in limit of the account', async () => {
    const lee = await test.addUser('pin-lee@example.org', 'Lee Limit');
    const client = await test.login(lee.email);
    for (let i = 0; i < 10; i++) {
      const answer = await client.post('/api/users/me/password', {
        currentPassword: `no ${i}`,
        password: 'x'.repeat(20),
      });
      expect(answer.status).toBe(401);
    }
    const refused = await client.post('/api/users/me/password', {
      currentPassword: TEST_PASSWORD,
      password: 'x'.repeat(20),
    });
    const wait = refused.headers.get('retry-after');
    expect(Number(wait)).toBeGreaterThan(0);
    expectError(refused, 429, 'too_many_attempts', `too many wrong passwords; try again in ${wait} s`);
    const signIn = await stranger(test).post('/api/auth/login', { email: lee.email, password: TEST_PASSWORD });
    expect(signIn.status).toBe(429);
    expect((await client.get('/api/session')).status).toBe(200);
  });
});

describe('accord user on a data directory', () => {
  it('audits `user.create` and `user.password` via the command, with no actor', async () => {
    const dataDir = tempDataDir();
    try {
      const added = await runCli(
        [
          'user',
          'add',
          '--admin',
          '--email',
          'Cli@Example.org',
          '--name',
          'Cli',
          '--password-stdin',
          '--data',
          dataDir,
        ],
        { stdin: `${TEST_PASSWORD}\n` },
      );
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      const id = /\(id ([\w-]+)\)/.exec(added.stdout)?.[1];
      expect(added.stdout).toBe(`added administrator cli@example.org (id ${id})\n`);
      const changed = await runCli(
        ['user', 'passwd', '--email', 'cli@example.org', '--password-stdin', '--data', dataDir],
        {
          stdin: 'another good passphrase\n',
        },
      );
      expect(changed.stderr).toBe('');
      expect(changed.code).toBe(0);
      expect(changed.stdout).toBe('password of cli@example.org changed; their sessions were ended\n');
      expectEntries(
        readAudit(dataDir).map(({ at: _at, ...entry }) => entry),
        [
          {
            actor: null,
            action: 'user.create',
            details: { user: id, email: 'cli@example.org', admin: true, via: 'cli' },
          },
          { actor: null, action: 'user.password', details: { user: id, via: 'cli' } },
        ],
      );
      const weak = await runCli(
        ['user', 'passwd', '--email', 'cli@example.org', '--password-stdin', '--data', dataDir],
        {
          stdin: 'short\n',
        },
      );
      expect({ code: weak.code, stderr: weak.stderr }).toEqual({
        code: 1,
        stderr: 'accord user passwd: a password needs at least 10 characters\n',
      });
      expect(readAudit(dataDir)).toHaveLength(2);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('imports', () => {
  const upload = async (
    name: string | null,
    body: string | Uint8Array,
    type = 'application/octet-stream',
    client = cast.owner.client,
    kind?: string,
  ): Promise<ApiResponse> => {
    const query = [name === null ? '' : `name=${encodeURIComponent(name)}`, kind === undefined ? '' : `kind=${kind}`]
      .filter(Boolean)
      .join('&');
    const response = await fetch(`${test.url}${p()}/import/files${query ? `?${query}` : ''}`, {
      method: 'POST',
      headers: { cookie: client.cookie!, 'x-csrf-token': client.csrfToken!, 'content-type': type },
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  it('refuses, in this order: who may import, the file name, the kind, the body type', async () => {
    expectError(
      await upload(null, 'x', 'text/plain', cast.viewer.client, 'nope'),
      403,
      'forbidden',
      'your role (viewer) does not allow this',
    );
    expectError(
      await upload(null, 'x', 'text/plain', cast.owner.client, 'nope'),
      400,
      'invalid_input',
      'the query needs ?name=FILE',
    );
    expectError(await upload('  ', 'x'), 400, 'invalid_input', 'the query needs ?name=FILE');
    expectError(await upload('x'.repeat(256), 'x'), 400, 'invalid_input', 'the query needs ?name=FILE');
    expectError(
      await upload('a.txt', 'x', 'text/plain', cast.owner.client, 'nope'),
      400,
      'invalid_input',
      'kind must be one of transcript, project, codebook, codebookList, attributes',
    );
    expectError(
      await upload('a.txt', 'x', 'text/plain'),
      415,
      'unsupported_format',
      'send the file as application/octet-stream',
    );
    expectError(
      await upload('a.exe', 'MZ'),
      415,
      'unsupported_format',
      'a.exe: Accord does not import ".exe" files (transcripts: .txt .md .docx .odt .vtt .srt .pdf; projects: .qdpx; codebooks: .qdc .csv)',
    );
  });

  it('a transcript previews its speakers; a codebook its codes; an exported project its coders and their accounts', async () => {
    const text = 'Interviewer: hello there\nP7: hi\nInterviewer: bye\n';
    const answer = await upload(' Interview 7.txt ', text);
    expect(answer.status).toBe(201);
    const id = answer.body.upload.id;
    expect(id).toMatch(/^[a-f0-9]{24}$/);
    expect(answer.body).toEqual({
      upload: {
        id,
        name: 'Interview 7.txt',
        summary: { transcripts: 1, codes: 0, users: 0, memos: 0, codingsPerCoder: {} },
        warnings: [],
        transcripts: [
          {
            title: 'Interview 7',
            characters: text.length,
            turns: 3,
            speakers: [
              { name: 'Interviewer', turns: 2 },
              { name: 'P7', turns: 1 },
            ],
            excerpt: text,
          },
        ],
        codes: [],
        coders: [],
      },
    });
    expect(keyOrder(answer.body).filter((key) => !key.includes('.summary.') && key.split('.').length <= 2)).toEqual([
      'upload',
      'upload.id',
      'upload.name',
      'upload.summary',
      'upload.warnings',
      'upload.transcripts',
      'upload.codes',
      'upload.coders',
    ]);

    const codebook = await upload(
      'codes.csv',
      'name,parent\nTrust,\nDistrust,Trust\n',
      undefined,
      undefined,
      'codebook',
    );
    expect(codebook.status, JSON.stringify(codebook.body)).toBe(201);
    const [trust, distrust] = codebook.body.upload.codes;
    expect(codebook.body.upload.codes).toEqual([
      { guid: expect.any(String), name: 'Trust', parentGuid: null },
      { guid: expect.any(String), name: 'Distrust', parentGuid: trust.guid },
    ]);
    expect(distrust.guid).not.toBe(trust.guid);
    expect(codebook.body.upload.transcripts).toEqual([]);

    const ana = await test.addUser('pin-ana@example.org', 'Ana');
    const project = await upload('Study.qdpx', writeQdpx(sampleBundle()));
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    expect(project.body.upload.coders).toEqual([
      { guid: USERS.ana, name: 'Ana', suggestedAccount: ana.id },
      { guid: USERS.ben, name: 'Ben', suggestedAccount: null },
      { guid: USERS.cy, name: 'Cy', suggestedAccount: null },
    ]);
    expect(project.body.upload.summary).toEqual(summariseBundle(sampleBundle()));
  });

  it('the import takes only the uploader’s own held files of this project, once, with pasted text and speaker choices', async () => {
    const first = await upload('Interview 8.txt', 'Interviewer: one\nPatricia: two\nPatrica: three\n');
    const id = first.body.upload.id;
    const confirm = (body: unknown, client = cast.owner.client, project = p()) =>
      client.post(`${project}/import`, body);
    const unknown = (upload: string) =>
      [404, 'not_found', `upload ${upload} is unknown or expired; upload the file again`] as const;

    expectError(await confirm({}), 400, 'invalid_input', 'nothing to import');
    expectError(await confirm({ uploads: ['a'.repeat(24)] }), ...unknown('a'.repeat(24)));
    const otherProject = (await cast.owner.client.post('/api/projects', { name: 'Elsewhere' })).body.project.id;
    expectError(await confirm({ uploads: [id] }, cast.owner.client, `/api/projects/${otherProject}`), ...unknown(id));
    expect((await cast.owner.client.patch(`${p()}/members/${cast.coder2.id}`, { role: 'owner' })).status).toBe(200);
    expectError(await confirm({ uploads: [id] }, cast.coder2.client), ...unknown(id));
    expect((await cast.owner.client.patch(`${p()}/members/${cast.coder2.id}`, { role: 'coder' })).status).toBe(200);

    const before = (await metadataOf(test.server.ctx)).transcripts.length;
    let done!: ApiResponse;
    const entries = await audited(test.dataDir, async () => {
      done = await confirm({
        uploads: [id],
        speakers: { 'Interview 8.txt': { Patrica: 'Patricia' }, Pasted: { Q: 'Interviewer' } },
        pasted: [{ title: ' Pasted ', text: 'Q: asked\r\nA: answered' }],
      });
    });
    expect(done.status).toBe(201);
    expect(done.body).toEqual({
      projectId: cast.project.id,
      summary: { transcripts: 2, codes: 0, users: 0, memos: 0, codingsPerCoder: {} },
      createdAccounts: [],
      reusedCodes: 0,
      transcriptIds: [
        { guid: expect.any(String), id: expect.any(String) },
        { guid: expect.any(String), id: expect.any(String) },
      ],
      warnings: [],
    });
    expect(Object.keys(done.body)).toEqual([
      'projectId',
      'summary',
      'createdAccounts',
      'reusedCodes',
      'transcriptIds',
      'warnings',
    ]);
    expect(entries.map((entry) => entry.action)).toEqual(['project.import']);
    const transcripts = (await metadataOf(test.server.ctx)).transcripts.slice(before);
    expect(transcripts.map((t) => t.title)).toEqual(['Interview 8', 'Pasted']);
    const bundle = await readBundle(test.server.ctx, cast.project.id);
    const speakers = (title: string) =>
      bundle.transcripts.find((t) => t.title === title)?.turns.map((turn) => turn.speaker);
    expect(speakers('Interview 8')).toEqual(['Interviewer', 'Patricia', 'Patricia']);
    expect(speakers('Pasted')).toEqual(['Interviewer', 'A']);
    expect(bundle.transcripts.find((t) => t.title === 'Pasted')?.text).toBe('Q: asked\nA: answered');
    expectError(await confirm({ uploads: [id] }), ...unknown(id));
  });
});

describe('the store of held uploads', () => {
  it('past its bytes an upload is 503 busy, after the file was read, and nothing more is held', async () => {
    // The server's store holds 1 GiB; a router of its own with a small one answers the same way sooner.
    const { ctx } = test.server;
    const app = express();
    const api = express.Router();
    api.use(express.json({ limit: '1mb' }));
    api.use(readSession(ctx));
    api.use(csrfProtection(ctx));
    api.use(importExportRoutes(ctx, new HeldUploads({ maxBytes: 35 })));
    api.use(errorHandler(ctx.logger));
    app.use('/api', api);
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = cast.owner.client;
      const upload = async (name: string, body: string) => {
        const response = await fetch(`${base}${p()}/import/files?name=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: {
            cookie: client.cookie!,
            'x-csrf-token': client.csrfToken!,
            'content-type': 'application/octet-stream',
          },
          body,
        });
        return { status: response.status, headers: response.headers, body: await response.json() } as ApiResponse;
      };
      const first = await upload('a.txt', `A: ${'x'.repeat(26)}\n`);
      expect(first.status).toBe(201);
      expectError(
        await upload('b.txt', 'B: eleven\n'),
        503,
        'busy',
        'too many uploads waiting (30 B); confirm or retry later',
      );
      // A bad file is refused for what it is, before the store is asked.
      expect((await upload('c.exe', 'MZ')).status).toBe(415);
      const confirmed = await fetch(`${base}${p()}/import`, {
        method: 'POST',
        headers: { cookie: client.cookie!, 'x-csrf-token': client.csrfToken!, 'content-type': 'application/json' },
        body: JSON.stringify({ uploads: [first.body.upload.id] }),
      });
      expect(confirmed.status).toBe(201);
      expect((await upload('b.txt', 'B: eleven\n')).status).toBe(201);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('exports', () => {
  beforeAll(async () => {
    const client = cast.owner.client;
    const codes = await fetch(`${test.url}${p()}/import/files?name=codes.csv&kind=codebook`, {
      method: 'POST',
      headers: {
        cookie: client.cookie!,
        'x-csrf-token': client.csrfToken!,
        'content-type': 'application/octet-stream',
      },
      body: 'name\nTrust\n',
    });
    const { upload } = (await codes.json()) as { upload: { id: string } };
    expect((await client.post(`${p()}/import`, { uploads: [upload.id] })).status).toBe(201);
  });

  const download = (query: string, client = cast.owner.client) => client.get(`${p()}/export?${query}`);
  const types: [string, string, string][] = [
    ['qdpx', 'application/zip', 'qdpx'],
    ['qdc', 'application/xml; charset=utf-8', 'qdc'],
    ['csv', 'text/csv; charset=utf-8', 'csv'],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
    ['codebook-csv', 'text/csv; charset=utf-8', 'csv'],
    ['codebook-md', 'text/markdown; charset=utf-8', 'md'],
    ['codebook-html', 'text/html; charset=utf-8', 'html'],
    ['matrix&code=Trust', 'text/csv; charset=utf-8', 'csv'],
  ];

  it.each(types)('format=%s is %s, named after the project, audited', async (format, type, extension) => {
    const name = cast.project.name.replace(' ', '_');
    let answer!: ApiResponse;
    const entries = await audited(test.dataDir, async () => {
      answer = await download(`format=${format}`);
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(type);
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="${name}.${extension}"`);
    expect(answer.headers.get('content-security-policy')).toBe(
      format === 'codebook-html' ? "default-src 'none'; style-src 'unsafe-inline'" : null,
    );
    expectEntries(entries, [
      {
        actor: cast.owner.id,
        action: 'project.export',
        project: cast.project.id,
        details: { format: format.split('&')[0]! },
      },
    ]);
  });

  it.each([
    ['Ünïcödé / "quoted" name', '_n_c_d_quoted_name'],
    ['ÄÖÜ', '_'],
    ['a.b-c_d e', 'a.b-c_d_e'],
    [`${'x'.repeat(79)} tail`, `${'x'.repeat(79)}_`],
  ])('a project named %j downloads as %s', async (projectName, fileName) => {
    const made = (await cast.owner.client.post('/api/projects', { name: projectName })).body.project.id;
    const answer = await cast.owner.client.get(`/api/projects/${made}/export?format=codebook-md`);
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="${fileName}.md"`);
  });

  it('refuses, in this order: who may export, the query, a matrix without a code, an unknown filter; none audited', async () => {
    const entries = await audited(test.dataDir, async () => {
      expectError(
        await download('format=nope', cast.coder.client),
        403,
        'forbidden',
        'your role (coder) does not allow this',
      );
      const bad = await download('format=nope');
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_input');
      expectError(await download('format=matrix'), 400, 'invalid_input', 'format matrix needs ?code=');
      expectError(await download('format=matrix&code=Nothing'), 404, 'not_found', 'no code "Nothing"');
      expectError(await download('format=csv&coder=Nobody'), 404, 'not_found', 'no coder "Nobody"');
    });
    expectEntries(entries, []);
  });
});

describe('recordings', () => {
  it('a range outside the recording is 416 with Content-Range and the caching headers; no recording is 404', async () => {
    const t = cast.transcript.id;
    const id = cast.project.id;
    expectError(await cast.coder.client.get(mediaPath(id, t)), 404, 'not_found', 'the transcript has no recording');
    expectError(await cast.coder.client.get(mediaPath(id, 'nosuch12345')), 404, 'not_found', 'no such transcript');
    const audio = wav(0.5);
    expect((await uploadMedia(cast.owner.client, id, t, 'Interview "1".wav', audio, 'audio/wav')).status).toBe(201);
    const outside = await fetchMedia(cast.coder.client, id, t, { range: `bytes=${audio.length}-` });
    expect(outside.status).toBe(416);
    expect(JSON.parse(new TextDecoder().decode(outside.bytes))).toEqual({
      error: {
        code: 'range_not_satisfiable',
        message: `the recording has ${audio.length} bytes; that range is outside it`,
      },
    });
    const headers = Object.fromEntries(
      [
        'content-range',
        'etag',
        'accept-ranges',
        'cache-control',
        'content-disposition',
        'content-security-policy',
        'content-type',
      ].map((name) => [name, outside.headers.get(name)]),
    );
    const whole = await fetchMedia(cast.coder.client, id, t);
    expect(headers).toEqual({
      'content-range': `bytes */${audio.length}`,
      etag: whole.headers.get('etag'),
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-cache',
      'content-disposition': `inline; filename="Interview _1_.wav"; filename*=UTF-8''Interview%20%221%22.wav`,
      'content-security-policy': "default-src 'none'; sandbox",
      'content-type': 'application/json; charset=utf-8',
    });
    const notModified = await fetchMedia(cast.coder.client, id, t, { 'if-none-match': whole.headers.get('etag')! });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('content-range')).toBeNull();
  });

  it('a recording whose file lost bytes is 500 media_damaged, before any header of the recording', async () => {
    const fresh = await seedProject(test);
    const [id, t] = [fresh.project.id, fresh.transcript.id];
    const audio = wav(0.5);
    const uploaded = await uploadMedia(fresh.owner.client, id, t, 'cut.wav', audio, 'audio/wav');
    expect(uploaded.status).toBe(201);
    const file = path.join(test.dataDir, 'media', id, t, `${uploaded.body.media.sha256}.media`);
    fs.truncateSync(file, audio.length - 1);
    const answer = await fetchMedia(fresh.coder.client, id, t, { range: 'bytes=0-9' });
    expect(answer.status).toBe(500);
    expect(JSON.parse(new TextDecoder().decode(answer.bytes))).toEqual({
      error: {
        code: 'media_damaged',
        message:
          'the recording is missing or damaged in the data folder; run "accord check" and restore it from a backup',
      },
    });
    for (const name of ['accept-ranges', 'content-range', 'content-disposition', 'content-security-policy']) {
      expect(answer.headers.get(name)).toBeNull();
    }
    expect(answer.headers.get('etag')).not.toBe(`"${uploaded.body.media.sha256}"`);
    fs.rmSync(file);
    expect((await fetchMedia(fresh.coder.client, id, t)).status).toBe(500);
  });
});
