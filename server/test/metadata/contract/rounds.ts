import { describe, expect, it } from 'vitest';
import { aProject, aRound, aTranscript, aUser, NOW, refused } from './fixtures.js';
import type { ContractContext } from './index.js';

const HASH = 'c'.repeat(64);

export function roundsContract(t: ContractContext): void {
  async function cast() {
    const { users, projects, transcripts } = t.metadata;
    const a = await users.create(aUser());
    const b = await users.create(aUser());
    const p = await projects.create(aProject(a.id));
    const t1 = await transcripts.create(aTranscript(p.id));
    const t2 = await transcripts.create(aTranscript(p.id));
    return { a, b, p, t1, t2 };
  }

  describe('RoundsRepo', () => {
    it('[MC-R1] creates rounds, lists them per project, gets them by id', async () => {
      const { a, b, p, t1, t2 } = await cast();
      const r1 = await t.metadata.rounds.create(aRound(p.id, [t1.id], [a.id, b.id]));
      const r2 = await t.metadata.rounds.create(aRound(p.id, [t2.id], [a.id, b.id], { mode: 'open' }));
      expect((await t.metadata.rounds.listByProject(p.id)).map((r) => r.id)).toEqual([r1.id, r2.id]);
      expect(await t.metadata.rounds.get(r2.id)).toEqual(r2);
      expect(await t.metadata.rounds.get('none')).toBeNull();
      await refused(t.metadata.rounds.create(aRound('none', [t1.id], [a.id, b.id])), 404, 'not_found');
    });

    it('[MC-R2] a transcript is in at most one running round, even against racing creations', async () => {
      const { a, b, p, t1, t2 } = await cast();
      const racing = await Promise.allSettled([
        t.metadata.rounds.create(aRound(p.id, [t1.id], [a.id, b.id])),
        t.metadata.rounds.create(aRound(p.id, [t1.id, t2.id], [a.id, b.id])),
      ]);
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((racing.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
        status: 409,
        code: 'in_round',
      });
      expect(await t.metadata.rounds.listByProject(p.id)).toHaveLength(1);
    });

    it('[MC-R3] done marks are set and cleared per coder and transcript while running', async () => {
      const { a, b, p, t1, t2 } = await cast();
      const r = await t.metadata.rounds.create(aRound(p.id, [t1.id, t2.id], [a.id, b.id]));
      await t.metadata.rounds.setDone(r.id, t1.id, a.id, true, NOW + 1);
      await t.metadata.rounds.setDone(r.id, t1.id, a.id, true, NOW + 2);
      const marked = await t.metadata.rounds.setDone(r.id, t2.id, b.id, true, NOW + 3);
      expect(marked.done).toEqual([
        { transcriptId: t1.id, coder: a.id, at: NOW + 2 },
        { transcriptId: t2.id, coder: b.id, at: NOW + 3 },
      ]);
      const cleared = await t.metadata.rounds.setDone(r.id, t1.id, a.id, false, NOW + 4);
      expect(cleared.done).toEqual([{ transcriptId: t2.id, coder: b.id, at: NOW + 3 }]);
      expect((await t.metadata.rounds.get(r.id))?.done).toEqual(cleared.done);
      await refused(t.metadata.rounds.setDone('none', t1.id, a.id, true, NOW), 404, 'not_found');
    });

    it('[MC-R4] a reveal is one state change from running, once; afterwards done marks are refused', async () => {
      const { a, b, p, t1 } = await cast();
      const r = await t.metadata.rounds.create(aRound(p.id, [t1.id], [a.id, b.id]));
      const reveal = {
        revealedAt: NOW + 10,
        revealedBy: a.id,
        forced: true,
        snapshots: [{ docName: `p/${p.id}/t/${t1.id}/text`, snapshotId: 'reveal', sha256: HASH, bytes: 5 }],
        languages: { [t1.id]: 'en' },
      };
      const racing = await Promise.allSettled([
        t.metadata.rounds.reveal(r.id, reveal),
        t.metadata.rounds.reveal(r.id, { ...reveal, revealedBy: b.id }),
      ]);
      expect(racing.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      expect((racing.find((x) => x.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
        status: 409,
        code: 'revealed',
      });
      const stored = (await t.metadata.rounds.get(r.id))!;
      expect(stored).toMatchObject({ status: 'revealed', revealedAt: NOW + 10, forced: true });
      expect(stored.snapshots).toEqual(reveal.snapshots);
      expect(stored.languages).toEqual(reveal.languages);
      await refused(t.metadata.rounds.setDone(r.id, t1.id, a.id, true, NOW), 409, 'revealed');
      await refused(t.metadata.rounds.reveal('none', reveal), 404, 'not_found');
      // Revealed, the transcript may go into a new round.
      await t.metadata.rounds.create(aRound(p.id, [t1.id], [a.id, b.id]));
    });

    it('[MC-R5] codebook changes made during review are appended to the round', async () => {
      const { a, b, p, t1 } = await cast();
      const r = await t.metadata.rounds.create(aRound(p.id, [t1.id], [a.id, b.id]));
      const change = {
        code: 'code1',
        fields: { definition: { before: 'old', after: 'new' } },
        memo: 'clearer',
        by: a.id,
        at: NOW,
      };
      await t.metadata.rounds.addCodebookChange(r.id, change);
      const second = await t.metadata.rounds.addCodebookChange(r.id, { ...change, memo: 'again' });
      expect(second.codebookChanges.map((c) => c.memo)).toEqual(['clearer', 'again']);
      expect((await t.metadata.rounds.get(r.id))?.codebookChanges[0]).toEqual(change);
      await refused(t.metadata.rounds.addCodebookChange('none', change), 404, 'not_found');
    });
  });
}
