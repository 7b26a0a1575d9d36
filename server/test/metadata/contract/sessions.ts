import { describe, expect, it } from 'vitest';
import { aSession, aUser, NOW, refused } from './fixtures.js';
import type { ContractContext } from './index.js';

export function sessionsContract(t: ContractContext): void {
  describe('SessionsRepo', () => {
    it('[MC-S1] a session is found with its account while live, not once expired', async () => {
      const { users, sessions } = t.metadata;
      const a = await users.create(aUser());
      const session = await sessions.create(aSession(a.id, { expiresAt: NOW + 1000 }), a.passwordHash, NOW);
      expect(await sessions.find(session.tokenHash, NOW)).toEqual({ session, user: a });
      expect(await sessions.find(session.tokenHash, NOW + 1000)).toBeNull();
      expect(await sessions.find('unknown', NOW)).toBeNull();
      expect(await sessions.count()).toBe(1);
    });

    it('[MC-S2] a sign-in that raced a password change or a deactivation writes no session', async () => {
      const { users, sessions } = t.metadata;
      const admin = await users.create(aUser({ admin: true }));
      const a = await users.create(aUser());
      await users.setPasswordHash(a.id, 'changed');
      await refused(sessions.create(aSession(a.id), a.passwordHash, NOW), 401, 'bad_credentials');
      await users.deactivate(a.id, NOW);
      await refused(sessions.create(aSession(a.id), 'changed', NOW), 403, 'account_deactivated');
      await refused(sessions.create(aSession('nobody'), 'x', NOW), 401, 'bad_credentials');
      expect(await sessions.count()).toBe(0);
      expect(await sessions.listForUser(admin.id)).toEqual([]);
    });

    it('[MC-S3] a session of a deactivated account is not found', async () => {
      const { users, sessions } = t.metadata;
      await users.create(aUser({ admin: true }));
      const a = await users.create(aUser());
      const session = await sessions.create(aSession(a.id), a.passwordHash, NOW);
      expect(await sessions.liveIds(NOW)).toEqual(new Set([session.tokenHash]));
      await users.deactivate(a.id, NOW);
      expect(await sessions.find(session.tokenHash, NOW)).toBeNull();
      expect(await sessions.liveIds(NOW)).toEqual(new Set());
    });

    it('[MC-S4] removes one session, an account’s sessions, or the expired ones, answering their ids', async () => {
      const { users, sessions } = t.metadata;
      const a = await users.create(aUser());
      const b = await users.create(aUser());
      const a1 = await sessions.create(aSession(a.id, { expiresAt: NOW + 10 }), a.passwordHash, NOW);
      const a2 = await sessions.create(aSession(a.id, { expiresAt: NOW + 100 }), a.passwordHash, NOW);
      const b1 = await sessions.create(aSession(b.id, { expiresAt: NOW + 10 }), b.passwordHash, NOW);
      const b2 = await sessions.create(aSession(b.id, { expiresAt: NOW + 100 }), b.passwordHash, NOW);
      expect(await sessions.liveIds(NOW + 50)).toEqual(new Set([a2.tokenHash, b2.tokenHash]));
      expect((await sessions.removeExpired(NOW + 50)).sort()).toEqual([a1.tokenHash, b1.tokenHash].sort());
      expect(await sessions.removeExpired(NOW + 50)).toEqual([]);
      expect(await sessions.remove(a2.tokenHash)).toEqual([a2.tokenHash]);
      expect(await sessions.remove(a2.tokenHash)).toEqual([]);
      expect(await sessions.removeForUser(b.id)).toEqual([b2.tokenHash]);
      expect(await sessions.count()).toBe(0);
    });

    it('[MC-S5] starting a session deletes expired ones on the way', async () => {
      const { users, sessions } = t.metadata;
      const a = await users.create(aUser());
      await sessions.create(aSession(a.id, { expiresAt: NOW + 10 }), a.passwordHash, NOW);
      const fresh = await sessions.create(aSession(a.id, { expiresAt: NOW + 1000 }), a.passwordHash, NOW + 20);
      expect((await sessions.listForUser(a.id)).map((s) => s.tokenHash)).toEqual([fresh.tokenHash]);
    });
  });
}
