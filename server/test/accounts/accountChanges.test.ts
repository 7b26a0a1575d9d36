import { describe, expect, it } from 'vitest';
import { addAccount, BY_COMMAND, type ChangedBy, setAccountPassword } from '../../src/accounts/accountChanges.js';
import { verifyPassword } from '../../src/auth/passwords.js';
import { memoryMetadata } from '../../src/metadata/memory.js';

const PASSWORD = 'correct horse battery staple';

/** The entries `work` audits, without their time. */
async function entriesOf(metadata: ReturnType<typeof memoryMetadata>) {
  return (await metadata.audit.list()).map(({ at: _at, ...entry }) => entry);
}

describe('addAccount', () => {
  it.each<[string, ChangedBy, (id: string) => unknown]>([
    [
      'an administrator on the web is the actor',
      { actor: 'admin1' },
      (id) => ({
        actor: 'admin1',
        action: 'user.create',
        details: { user: id, email: 'new@lab.example', admin: false },
      }),
    ],
    [
      'the command has no actor and says so',
      BY_COMMAND,
      (id) => ({
        actor: null,
        action: 'user.create',
        details: { user: id, email: 'new@lab.example', admin: false, via: 'cli' },
      }),
    ],
  ])('%s', async (_what, by, entry) => {
    const metadata = memoryMetadata();
    const user = await addAccount(
      metadata,
      { email: ' New@Lab.example', name: 'New', password: PASSWORD, admin: false },
      by,
    );
    expect(user.email).toBe('new@lab.example');
    expect(await entriesOf(metadata)).toEqual([entry(user.id)]);
    // Keys in the order written, too: the audit log is read by people.
    expect(JSON.stringify(await entriesOf(metadata))).toBe(JSON.stringify([entry(user.id)]));
  });

  it('audits nothing when the account is refused', async () => {
    const metadata = memoryMetadata();
    await expect(
      addAccount(metadata, { email: 'weak@lab.example', name: 'Weak', password: 'short', admin: false }, BY_COMMAND),
    ).rejects.toMatchObject({ status: 400, code: 'weak_password' });
    expect(await entriesOf(metadata)).toEqual([]);
  });
});

describe('setAccountPassword without a running server', () => {
  it.each<[string, ChangedBy, (id: string) => unknown]>([
    ['the account holder is the actor', { actor: 'self' }, () => ({ actor: 'self', action: 'user.password' })],
    [
      'the command has no actor and names the account',
      BY_COMMAND,
      (id) => ({ actor: null, action: 'user.password', details: { user: id, via: 'cli' } }),
    ],
  ])('%s; the sessions end', async (_what, by, entry) => {
    const metadata = memoryMetadata();
    const user = await addAccount(
      metadata,
      { email: 'a@lab.example', name: 'A', password: PASSWORD, admin: false },
      BY_COMMAND,
    );
    const now = Date.now();
    await metadata.sessions.create(
      { tokenHash: 'h', userId: user.id, csrfToken: 'c', createdAt: now, expiresAt: now + 3600_000 },
      user.passwordHash,
      now,
    );
    await setAccountPassword(metadata, null, user.id, 'another good passphrase', by);
    expect((await entriesOf(metadata)).slice(1)).toEqual([entry(user.id)]);
    expect(await metadata.sessions.find('h', now)).toBeNull();
    const changed = await metadata.users.get(user.id);
    expect(await verifyPassword('another good passphrase', changed!.passwordHash)).toBe(true);
  });
});
