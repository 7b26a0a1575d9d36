import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 26 item 3: the interface language a user chooses is kept on their account (`PATCH /api/users/me`,
 * `locale`), so that every browser they sign in with starts in it; null goes back to the browser's language.
 */
describe("the user's interface language on the server", () => {
  let test: TestServer;

  beforeAll(async () => {
    test = await startTestServer();
  });

  afterAll(async () => {
    await test?.close();
  });

  it('is null until chosen, follows the account to a new session, and is cleared with null', async () => {
    const user = await test.addUser('locale-user@example.org', 'Lena Locale');
    const first = await test.login(user.email);
    expect((await first.get('/api/session')).body.user.locale).toBeNull();

    const set = await first.patch('/api/users/me', { locale: 'DE' });
    expect(set.status).toBe(200);
    expect(set.body.user).toMatchObject({ name: 'Lena Locale', locale: 'de' });

    // Another browser: a new session of the same account is told the choice at sign-in and on reload.
    const second = await test.login(user.email);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await second.get('/api/session')).body.user.locale).toBe('de');

    // Renaming leaves the language alone, and the language leaves the name alone.
    expect((await second.patch('/api/users/me', { name: 'Lena L.' })).body.user).toMatchObject({ locale: 'de' });
    const cleared = await second.patch('/api/users/me', { locale: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.user).toMatchObject({ name: 'Lena L.', locale: null });
    expect((await first.get('/api/session')).body.user.locale).toBeNull();
  });

  it('takes only a shipped catalogue tag, needs the CSRF token, and a session', async () => {
    const user = await test.addUser('locale-checks@example.org', 'Carl Checks');
    const client = await test.login(user.email);
    for (const locale of ['fr', 'not a language!', 42, '']) {
      const bad = await client.patch('/api/users/me', { locale });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_input');
    }
    expect((await client.patch('/api/users/me', {})).status).toBe(400);
    const forged = await client.request('PATCH', '/api/users/me', { locale: 'de' }, { 'x-csrf-token': 'forged' });
    expect(forged.status).toBe(403);
    const anonymous = await new ApiClient(test.url).patch('/api/users/me', { locale: 'de' });
    expect(anonymous.status).toBe(401);
    expect((await client.get('/api/session')).body.user.locale).toBeNull();
  });
});
