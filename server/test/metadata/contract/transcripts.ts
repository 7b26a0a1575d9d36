import { describe, expect, it } from 'vitest';
import { aProject, aTranscript, aUser, NOW, refused } from './fixtures.js';
import type { ContractContext } from './index.js';

const MEDIA = {
  name: 'interview.mp3',
  type: 'audio/mpeg',
  bytes: 1234,
  sha256: 'b'.repeat(64),
  uploadedBy: 'someone',
  uploadedAt: NOW,
};

export function transcriptsContract(t: ContractContext): void {
  describe('TranscriptsRepo', () => {
    it('[MC-T1] creates in a project, lists all and per project, gets only within its project', async () => {
      const { users, projects, transcripts } = t.metadata;
      const a = await users.create(aUser());
      const p = await projects.create(aProject(a.id));
      const q = await projects.create(aProject(a.id));
      const t1 = await transcripts.create(aTranscript(p.id, { title: 'One', language: 'de' }));
      const t2 = await transcripts.create(aTranscript(q.id, { title: 'Two' }));
      const t3 = await transcripts.create(aTranscript(p.id, { title: 'Three' }));
      expect((await transcripts.list()).map((x) => x.id)).toEqual([t1.id, t2.id, t3.id]);
      expect((await transcripts.listByProject(p.id)).map((x) => x.id)).toEqual([t1.id, t3.id]);
      expect(await transcripts.get(p.id, t1.id)).toEqual(t1);
      expect(await transcripts.get(q.id, t1.id)).toBeNull();
      await refused(transcripts.create(aTranscript('none')), 404, 'not_found');
    });

    it('[MC-T2] updates the fields given; a null language clears it', async () => {
      const { users, projects, transcripts } = t.metadata;
      const a = await users.create(aUser());
      const p = await projects.create(aProject(a.id));
      const t1 = await transcripts.create(aTranscript(p.id, { language: 'de' }));
      const renamed = await transcripts.update(p.id, t1.id, { title: 'New', attributes: { age: '30' } });
      expect(renamed).toEqual({ ...t1, title: 'New', attributes: { age: '30' } });
      const cleared = await transcripts.update(p.id, t1.id, { language: null });
      expect(cleared.language).toBeUndefined();
      expect('language' in (await transcripts.get(p.id, t1.id))!).toBe(false);
      expect((await transcripts.update(p.id, t1.id, { language: 'fr-CA' })).language).toBe('fr-CA');
      await refused(transcripts.update(p.id, 'none', { title: 'x' }), 404, 'not_found');
    });

    it('[MC-T3] sets and clears a recording; deletes', async () => {
      const { users, projects, transcripts } = t.metadata;
      const a = await users.create(aUser());
      const p = await projects.create(aProject(a.id));
      const t1 = await transcripts.create(aTranscript(p.id));
      await transcripts.setMedia(p.id, t1.id, MEDIA);
      expect((await transcripts.get(p.id, t1.id))?.media).toEqual(MEDIA);
      await transcripts.setMedia(p.id, t1.id, null);
      expect((await transcripts.get(p.id, t1.id))?.media).toBeUndefined();
      await refused(transcripts.setMedia(p.id, 'none', MEDIA), 404, 'not_found');
      await transcripts.setMedia(p.id, 'none', null);
      expect(await transcripts.delete(p.id, t1.id)).toBe(true);
      expect(await transcripts.delete(p.id, t1.id)).toBe(false);
      expect(await transcripts.get(p.id, t1.id)).toBeNull();
    });
  });
}
