import { describe, expect, it } from 'vitest';
import type { ContractContext } from './index.js';

export function auditContract(t: ContractContext): void {
  describe('AuditRepo and ServerSettingsRepo', () => {
    it('[MC-A1] audit entries are kept in order, with a time, and filter by project', async () => {
      const before = Date.now();
      await t.metadata.audit.record({ actor: 'u1', action: 'login' });
      await t.metadata.audit.record({ actor: 'u1', action: 'project.create', project: 'p1', details: { name: 'x' } });
      await t.metadata.audit.record({ actor: null, action: 'member.add', project: 'p2' });
      const all = await t.metadata.audit.list();
      expect(all.map((e) => e.action)).toEqual(['login', 'project.create', 'member.add']);
      expect(all[1]).toMatchObject({ actor: 'u1', project: 'p1', details: { name: 'x' } });
      expect(all.every((e) => e.at >= before)).toBe(true);
      expect((await t.metadata.audit.list({ project: 'p1' })).map((e) => e.action)).toEqual(['project.create']);
    });

    it('[MC-A2] server settings default to owners inviting, and change by patch', async () => {
      expect(await t.metadata.settings.get()).toEqual({ ownersInvite: true });
      expect(await t.metadata.settings.update({ ownersInvite: false })).toEqual({ ownersInvite: false });
      expect(await t.metadata.settings.get()).toEqual({ ownersInvite: false });
    });
  });
}
