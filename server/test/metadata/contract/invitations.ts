import { describe, expect, it } from 'vitest';
import { aInvitationFor, anInvitation, aProject, aSession, aUser, NOW, refused } from './fixtures.js';
import type { ContractContext } from './index.js';

export function invitationsContract(t: ContractContext): void {
  describe('InvitationsRepo', () => {
    it('[MC-I1] creates invitations; lists all, per project; finds by id and token hash', async () => {
      const { users, projects, invitations } = t.metadata;
      const a = await users.create(aUser());
      const p = await projects.create(aProject(a.id));
      const i1 = await invitations.createInvite(anInvitation());
      const i2 = await invitations.createInvite(
        anInvitation({ project: { id: p.id, role: 'coder' }, createdBy: a.id }),
      );
      expect((await invitations.list()).map((i) => i.id)).toEqual([i1.id, i2.id]);
      expect((await invitations.listForProject(p.id)).map((i) => i.id)).toEqual([i2.id]);
      expect(await invitations.get(i1.id)).toEqual(i1);
      expect(await invitations.findByTokenHash(i2.tokenHash)).toEqual(i2);
      expect(await invitations.findByTokenHash('unknown')).toBeNull();
      await refused(invitations.createInvite(anInvitation({ email: a.email })), 409, 'email_taken');
      await refused(
        invitations.createInvite(anInvitation({ project: { id: 'none', role: 'coder' } })),
        404,
        'not_found',
      );
    });

    it('[MC-I2] revokes a pending link only', async () => {
      const i = await t.metadata.invitations.createInvite(anInvitation());
      const revoked = await t.metadata.invitations.revoke(i.id, NOW + 1);
      expect(revoked.revokedAt).toBe(NOW + 1);
      await refused(t.metadata.invitations.revoke(i.id, NOW + 2), 409, 'invitation_revoked');
      const old = await t.metadata.invitations.createInvite(anInvitation({ expiresAt: NOW + 5 }));
      await refused(t.metadata.invitations.revoke(old.id, NOW + 5), 409, 'invitation_expired');
      await refused(t.metadata.invitations.revoke('none', NOW), 404, 'not_found');
    });

    it('[MC-I3] accepting an invitation creates the account, joins the project and uses the link, once', async () => {
      const { users, projects, invitations } = t.metadata;
      const owner = await users.create(aUser());
      const p = await projects.create(aProject(owner.id));
      const i = await invitations.createInvite(
        anInvitation({ project: { id: p.id, role: 'viewer' }, createdBy: owner.id }),
      );
      const racing = await Promise.allSettled([
        invitations.acceptInvite(i.id, aUser({ email: i.email, name: 'First' }), NOW + 1),
        invitations.acceptInvite(i.id, aUser({ email: i.email, name: 'Second' }), NOW + 1),
      ]);
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const accepted = (
        racing.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
          user: { id: string };
          invitation: { usedAt: number | null; usedBy: string | null };
          joined: unknown;
        }>
      ).value;
      expect(accepted.joined).toEqual({ project: p.id, role: 'viewer' });
      expect(accepted.invitation).toMatchObject({ usedAt: NOW + 1, usedBy: accepted.user.id });
      expect((await users.list()).filter((u) => u.email === i.email)).toHaveLength(1);
      expect((await projects.get(p.id))?.members).toContainEqual({
        userId: accepted.user.id,
        role: 'viewer',
        addedAt: NOW + 1,
      });
      await refused(invitations.acceptInvite(i.id, aUser({ email: i.email }), NOW + 2), 410, 'invitation_used');
      await refused(invitations.acceptInvite('none', aUser(), NOW), 404, 'not_found');
    });

    it('[MC-I4] an invitation accepted after its project was deleted creates the account only', async () => {
      const { users, projects, invitations } = t.metadata;
      const owner = await users.create(aUser());
      const p = await projects.create(aProject(owner.id));
      const i = await invitations.createInvite(anInvitation({ project: { id: p.id, role: 'coder' } }));
      await projects.delete(p.id);
      const accepted = await invitations.acceptInvite(i.id, aUser({ email: i.email }), NOW);
      expect(accepted.joined).toBeNull();
      const expired = await invitations.createInvite(anInvitation({ expiresAt: NOW + 1 }));
      await refused(
        invitations.acceptInvite(expired.id, aUser({ email: expired.email }), NOW + 1),
        410,
        'invitation_expired',
      );
      const taken = await invitations.createInvite(anInvitation());
      await users.create(aUser({ email: taken.email }));
      await refused(invitations.acceptInvite(taken.id, aUser({ email: taken.email }), NOW), 409, 'email_taken');
      expect((await invitations.get(taken.id))?.usedAt).toBeNull();
    });

    it('[MC-I5] a reset link revokes earlier ones; accepting it sets the hash and ends sessions, once', async () => {
      const { users, sessions, invitations } = t.metadata;
      const a = await users.create(aUser());
      const session = await sessions.create(aSession(a.id), a.passwordHash, NOW);
      const first = await invitations.createReset(aInvitationFor(a, { createdAt: NOW }));
      const second = await invitations.createReset(aInvitationFor(a, { createdAt: NOW + 1 }));
      expect((await invitations.get(first.id))?.revokedAt).toBe(NOW + 1);
      await refused(invitations.acceptReset(first.id, 'h', NOW + 2), 410, 'invitation_revoked');
      const accepted = await invitations.acceptReset(second.id, 'new-hash', NOW + 2);
      expect(accepted.ended).toEqual([session.tokenHash]);
      expect(accepted.user.passwordHash).toBe('new-hash');
      expect((await users.get(a.id))?.passwordHash).toBe('new-hash');
      expect(await sessions.count()).toBe(0);
      await refused(invitations.acceptReset(second.id, 'again', NOW + 3), 410, 'invitation_used');
      await refused(invitations.createReset(aInvitationFor(aUser())), 404, 'not_found');
    });

    it('[MC-I6] no reset link for, or reset of, a deactivated account', async () => {
      const { users, invitations } = t.metadata;
      await users.create(aUser({ admin: true }));
      const a = await users.create(aUser());
      const link = await invitations.createReset(aInvitationFor(a));
      await users.deactivate(a.id, NOW);
      await refused(invitations.createReset(aInvitationFor(a)), 403, 'account_deactivated');
      // Deactivation revoked the account's unused link, so it cannot reset the password of a deactivated account.
      await refused(invitations.acceptReset(link.id, 'h', NOW), 410, 'invitation_revoked');
      expect((await users.get(a.id))?.passwordHash).toBe(a.passwordHash);
    });
  });
}
