import { type DocEntry, type DocRef, docName } from '@accord/shared';
import type { AppContext } from '../context.js';
import type { Project, Round, TranscriptMeta } from '../metadata/schema.js';
import { AccessReader } from './docAccess.js';
import { transcriptsOf } from './transcripts.js';

/**
 * The documents of a project that may exist for `userId`, in the order they are listed: the codebook, each round's
 * frozen codebook, then per transcript its text, its consensus and a coding layer for the user and for every member
 * who codes (viewers have none). Which of them the user may open is the access rule's to decide (`openableDocs`).
 */
export function projectDocRefs(
  project: Pick<Project, 'id' | 'members'>,
  rounds: readonly Pick<Round, 'id'>[],
  transcripts: readonly Pick<TranscriptMeta, 'id'>[],
  userId: string,
): DocRef[] {
  const layerOwners = new Set([userId, ...project.members.filter((m) => m.role !== 'viewer').map((m) => m.userId)]);
  const refs: DocRef[] = [{ kind: 'codebook', project: project.id }];
  for (const round of rounds) refs.push({ kind: 'roundCodebook', project: project.id, round: round.id });
  for (const transcript of transcripts) {
    refs.push({ kind: 'text', project: project.id, transcript: transcript.id });
    refs.push({ kind: 'consensus', project: project.id, transcript: transcript.id });
    for (const coder of layerOwners) {
      refs.push({ kind: 'codings', project: project.id, transcript: transcript.id, coder });
    }
  }
  return refs;
}

/**
 * The documents of `project` that `userId` may open, with their access: the only place a client learns document
 * names (docs/architecture.md, "Documents").
 */
export async function openableDocs(ctx: AppContext, userId: string, project: Project): Promise<DocEntry[]> {
  const reader = new AccessReader(ctx.metadata);
  const rounds = await reader.roundsOf(project.id);
  const refs = projectDocRefs(project, rounds, await transcriptsOf(ctx, project.id), userId);
  const docs: DocEntry[] = [];
  for (const ref of refs) {
    const decision = await reader.decide(userId, ref);
    if (decision.access !== 'none') docs.push({ name: docName(ref), ...ref, access: decision.access });
  }
  return docs;
}
