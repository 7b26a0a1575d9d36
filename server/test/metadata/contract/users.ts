import { describe, expect, it } from 'vitest';
import { aInvitationFor, aSession, aUser, NOW, refused } from './fixtures.js';
import type { ContractContext } from './index.js';

export function usersContract(t: ContractContext): void {
  describe('UsersRepo', () => {
    it('[MC-U1] creates, lists in creation order, finds by id and by email', async () => {
      const { users } = t.metadata;
      expect(await users.count()).toBe(0);
      const a = await users.create(aUser({ name: 'Ada' }));
      const b = await users.create(aUser({ name: 'Bo' }));
      expect(await users.count()).toBe(2);
      expect((await users.list()).map((u) => u.id)).toEqual([a.id, b.id]);
      expect(await users.get(a.id)).toEqual(a);
      expect(await users.get('nobody')).toBeNull();
      expect(await users.findByEmail(b.email)).toEqual(b);
      expect(await users.findByEmail('missing@example.org')).toBeNull();
    });

    it('[MC-U2] keeps emails unique: email_taken', async () => {
      const a = await t.metadata.users.create(aUser());
      await refused(t.metadata.users.create(aUser({ email: a.email })), 409, 'email_taken');
      expect(await t.metadata.users.count()).toBe(1);
    });

    it('[MC-U3] the first administrator is created only while there is no account, once of many racing', async () => {
      const racing = await Promise.allSettled(
        Array.from({ length: 5 }, () => t.metadata.users.createFirstAdministrator(aUser({ admin: true }))),
      );
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of racing.filter((r) => r.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'setup_done' });
      }
      expect(await t.metadata.users.count()).toBe(1);
    });

    it('[MC-U4] renames; a missing account is not found', async () => {
      const a = await t.metadata.users.create(aUser({ name: 'Old' }));
      expect((await t.metadata.users.rename(a.id, 'New')).name).toBe('New');
      expect((await t.metadata.users.get(a.id))?.name).toBe('New');
      await refused(t.metadata.users.rename('nobody', 'X'), 404, 'not_found');
    });

    it('[MC-U8] sets and clears the interface language; it survives a reopen; a missing account is not found', async () => {
      const a = await t.metadata.users.create(aUser());
      expect((await t.metadata.users.get(a.id))?.locale).toBeUndefined();
      expect((await t.metadata.users.setLocale(a.id, 'de')).locale).toBe('de');
      expect((await t.metadata.users.get(a.id))?.locale).toBe('de');
      expect((await t.metadata.users.findByEmail(a.email))?.locale).toBe('de');
      if (t.reopen !== undefined) {
        const reopened = await t.reopen();
        expect((await reopened.users.get(a.id))?.locale).toBe('de');
      }
      const cleared = await t.metadata.users.setLocale(a.id, null);
      expect(cleared.locale).toBeUndefined();
      expect(await t.metadata.users.get(a.id)).toEqual({ ...a });
      await refused(t.metadata.users.setLocale('nobody', 'de'), 404, 'not_found');
    });

    it('[MC-U5] a password change ends every session of the account, and only of it, in the same step', async () => {
      const { users, sessions } = t.metadata;
      const a = await users.create(aUser());
      const b = await users.create(aUser());
      const s1 = await sessions.create(aSession(a.id), a.passwordHash, NOW);
      const s2 = await sessions.create(aSession(a.id), a.passwordHash, NOW);
      const other = await sessions.create(aSession(b.id), b.passwordHash, NOW);
      const ended = await users.setPasswordHash(a.id, 'new-hash');
      expect(ended.sort()).toEqual([s1.tokenHash, s2.tokenHash].sort());
      expect((await users.get(a.id))?.passwordHash).toBe('new-hash');
      expect(await sessions.listForUser(a.id)).toEqual([]);
      expect(await sessions.find(other.tokenHash, NOW)).not.toBeNull();
      await refused(users.setPasswordHash('nobody', 'x'), 404, 'not_found');
    });

    it('[MC-U6] deactivation ends sessions and revokes unused reset links; reactivation undoes the flag', async () => {
      const { users, sessions, invitations } = t.metadata;
      const admin = await users.create(aUser({ admin: true }));
      const a = await users.create(aUser());
      const session = await sessions.create(aSession(a.id), a.passwordHash, NOW);
      const reset = await invitations.createReset(aInvitationFor(a, { createdAt: NOW }));
      const { user, ended } = await users.deactivate(a.id, NOW + 5);
      expect(user.deactivatedAt).toBe(NOW + 5);
      expect(ended).toEqual([session.tokenHash]);
      expect(await sessions.listForUser(a.id)).toEqual([]);
      expect((await invitations.get(reset.id))?.revokedAt).toBe(NOW + 5);
      await refused(users.deactivate(a.id, NOW), 409, 'already_deactivated');
      const back = await users.reactivate(a.id);
      expect(back.deactivatedAt).toBeUndefined();
      expect((await users.get(a.id))?.deactivatedAt).toBeUndefined();
      await refused(users.reactivate(a.id), 409, 'not_deactivated');
      await refused(users.deactivate('nobody', NOW), 404, 'not_found');
      await refused(users.reactivate('nobody'), 404, 'not_found');
      expect((await users.get(admin.id))?.deactivatedAt).toBeUndefined();
    });

    it('[MC-U7] the last active administrator cannot be deactivated, even by two racing deactivations', async () => {
      const { users } = t.metadata;
      const a = await users.create(aUser({ admin: true }));
      const b = await users.create(aUser({ admin: true }));
      const racing = await Promise.allSettled([users.deactivate(a.id, NOW), users.deactivate(b.id, NOW)]);
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((racing.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
        code: 'last_admin',
      });
      const active = (await users.list()).filter((u) => u.admin && u.deactivatedAt === undefined);
      expect(active).toHaveLength(1);
    });
  });
}
