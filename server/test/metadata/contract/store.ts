import { describe, expect, it } from 'vitest';
import { aProject, aSession, aTranscript, aUser, NOW } from './fixtures.js';
import type { ContractContext } from './index.js';

export function storeContract(t: ContractContext): void {
  describe('Metadata (the store)', () => {
    it('[MC-M1] a transaction writes all its changes together, or none when it throws', async () => {
      const { users } = t.metadata;
      const a = await users.create(aUser());
      const made = await t.metadata.transaction(async (tx) => {
        const p = await tx.projects.create(aProject(a.id));
        await tx.transcripts.create(aTranscript(p.id));
        await tx.users.create(aUser({ name: 'Imported' }));
        return p;
      });
      expect(await t.metadata.projects.get(made.id)).toEqual(made);
      expect(await t.metadata.transcripts.listByProject(made.id)).toHaveLength(1);
      expect(await t.metadata.users.count()).toBe(2);

      const failed = t.metadata.transaction(async (tx) => {
        const p = await tx.projects.create(aProject(a.id, { name: 'Never' }));
        await tx.transcripts.create(aTranscript(p.id));
        throw new Error('import failed');
      });
      await expect(failed).rejects.toThrow('import failed');
      expect((await t.metadata.projects.list()).map((p) => p.name)).not.toContain('Never');
      expect(await t.metadata.transcripts.list()).toHaveLength(1);
    });

    it('[MC-M2] a transaction sees its own writes; writes outside it wait until it ends', async () => {
      const a = await t.metadata.users.create(aUser());
      let outside: Promise<unknown> | undefined;
      await t.metadata.transaction(async (tx) => {
        const p = await tx.projects.create(aProject(a.id, { name: 'Inside' }));
        expect((await tx.projects.get(p.id))?.name).toBe('Inside');
        outside = t.metadata.projects.create(aProject(a.id, { name: 'Outside' }));
        await tx.projects.update(p.id, { description: 'done' });
      });
      await outside;
      expect((await t.metadata.projects.list()).map((p) => p.name).sort()).toEqual(['Inside', 'Outside']);
    });

    it('[MC-M3] a record answered does not change when the metadata changes later', async () => {
      const a = await t.metadata.users.create(aUser({ name: 'Before' }));
      const read = (await t.metadata.users.get(a.id))!;
      const p = await t.metadata.projects.create(aProject(a.id));
      const project = (await t.metadata.projects.get(p.id))!;
      await t.metadata.users.rename(a.id, 'After');
      await t.metadata.projects.update(p.id, { settings: { codersEditCodebook: false } });
      expect(read.name).toBe('Before');
      expect(project.settings.codersEditCodebook).toBe(true);
    });

    it('[MC-M4] a snapshot holds everything, consistently', async () => {
      const a = await t.metadata.users.create(aUser());
      await t.metadata.sessions.create(aSession(a.id), a.passwordHash, NOW);
      const p = await t.metadata.projects.create(aProject(a.id));
      await t.metadata.transcripts.create(aTranscript(p.id));
      const snapshot = await t.metadata.snapshot();
      expect(snapshot.users).toEqual([a]);
      expect(snapshot.sessions).toHaveLength(1);
      expect(snapshot.projects).toEqual([p]);
      expect(snapshot.transcripts).toHaveLength(1);
      expect(snapshot.rounds).toEqual([]);
      expect(snapshot.invitations).toEqual([]);
      expect(snapshot.serverSettings).toEqual({ ownersInvite: true });
    });

    it('[MC-M5] what was written is there after a restart (durable stores)', async () => {
      if (t.reopen === undefined) return;
      const a = await t.metadata.users.create(aUser());
      const p = await t.metadata.projects.create(aProject(a.id));
      await t.metadata.projects.setMemberRole(p.id, a.id, 'owner', NOW);
      await t.metadata.audit.record({ actor: a.id, action: 'project.create', project: p.id });
      const before = await t.metadata.snapshot();
      const reopened = await t.reopen();
      expect(await reopened.snapshot()).toEqual(before);
      expect((await reopened.audit.list({ project: p.id })).map((e) => e.action)).toEqual(['project.create']);
    });
  });
}
