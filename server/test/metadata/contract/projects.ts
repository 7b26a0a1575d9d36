import { describe, expect, it } from 'vitest';
import { aProject, aRound, aTranscript, aUser, NOW, refused } from './fixtures.js';
import type { ContractContext } from './index.js';

export function projectsContract(t: ContractContext): void {
  describe('ProjectsRepo', () => {
    it('[MC-P1] creates and lists projects, all and per member', async () => {
      const { users, projects } = t.metadata;
      const a = await users.create(aUser());
      const b = await users.create(aUser());
      const p1 = await projects.create(aProject(a.id, { name: 'One' }));
      const p2 = await projects.create(aProject(b.id, { name: 'Two' }));
      expect((await projects.list()).map((p) => p.id)).toEqual([p1.id, p2.id]);
      expect((await projects.listForMember(a.id)).map((p) => p.id)).toEqual([p1.id]);
      expect(await projects.listForMember('nobody')).toEqual([]);
      expect(await projects.get(p2.id)).toEqual(p2);
      expect(await projects.get('none')).toBeNull();
    });

    it('[MC-P2] updates the fields given; settings merge', async () => {
      const { users, projects } = t.metadata;
      const a = await users.create(aUser());
      const p = await projects.create(aProject(a.id));
      const updated = await projects.update(p.id, {
        name: 'Renamed',
        archived: true,
        settings: { kappaThreshold: 0.8 },
      });
      expect(updated).toEqual({
        ...p,
        name: 'Renamed',
        archived: true,
        settings: { ...p.settings, kappaThreshold: 0.8 },
      });
      expect(await projects.get(p.id)).toEqual(updated);
      await refused(projects.update('none', { name: 'x' }), 404, 'not_found');
    });

    it('[MC-P3] adds members, changes roles, removes members, answering the role before', async () => {
      const { users, projects } = t.metadata;
      const owner = await users.create(aUser());
      const coder = await users.create(aUser());
      const p = await projects.create(aProject(owner.id));
      expect(await projects.setMemberRole(p.id, coder.id, 'coder', NOW + 1)).toBeNull();
      expect((await projects.get(p.id))?.members).toEqual([
        { userId: owner.id, role: 'owner', addedAt: NOW },
        { userId: coder.id, role: 'coder', addedAt: NOW + 1 },
      ]);
      expect(await projects.setMemberRole(p.id, coder.id, 'viewer', NOW + 2)).toBe('coder');
      expect((await projects.get(p.id))?.members[1]).toEqual({ userId: coder.id, role: 'viewer', addedAt: NOW + 1 });
      expect(await projects.setMemberRole(p.id, coder.id, null, NOW + 3)).toBe('viewer');
      expect((await projects.get(p.id))?.members.map((m) => m.userId)).toEqual([owner.id]);
      expect(await projects.setMemberRole(p.id, coder.id, null, NOW + 4)).toBeNull();
      await refused(projects.setMemberRole('none', coder.id, 'coder', NOW), 404, 'not_found');
      await refused(projects.setMemberRole(p.id, 'nobody', 'coder', NOW), 404, 'not_found');
    });

    it('[MC-P4] a project keeps an owner, even against racing demotions', async () => {
      const { users, projects } = t.metadata;
      const a = await users.create(aUser());
      const b = await users.create(aUser());
      const p = await projects.create(aProject(a.id));
      await refused(projects.setMemberRole(p.id, a.id, 'coder', NOW), 409, 'last_owner');
      await refused(projects.setMemberRole(p.id, a.id, null, NOW), 409, 'last_owner');
      await projects.setMemberRole(p.id, b.id, 'owner', NOW);
      const racing = await Promise.allSettled([
        projects.setMemberRole(p.id, a.id, 'coder', NOW),
        projects.setMemberRole(p.id, b.id, null, NOW),
      ]);
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await projects.get(p.id))?.members.filter((m) => m.role === 'owner')).toHaveLength(1);
    });

    it('[MC-P5] deleting a project deletes its transcripts and rounds, and nothing of other projects', async () => {
      const { users, projects, transcripts, rounds } = t.metadata;
      const a = await users.create(aUser());
      const b = await users.create(aUser());
      const p = await projects.create(aProject(a.id));
      const q = await projects.create(aProject(a.id));
      const tp = await transcripts.create(aTranscript(p.id));
      const tq = await transcripts.create(aTranscript(q.id));
      const rp = await rounds.create(aRound(p.id, [tp.id], [a.id, b.id]));
      const rq = await rounds.create(aRound(q.id, [tq.id], [a.id, b.id]));
      expect((await projects.delete(p.id))?.id).toBe(p.id);
      expect(await projects.delete(p.id)).toBeNull();
      expect(await projects.get(p.id)).toBeNull();
      expect(await transcripts.listByProject(p.id)).toEqual([]);
      expect(await rounds.listByProject(p.id)).toEqual([]);
      expect(await rounds.get(rp.id)).toBeNull();
      expect(await transcripts.get(q.id, tq.id)).toEqual(tq);
      expect(await rounds.get(rq.id)).toEqual(rq);
    });
  });
}
