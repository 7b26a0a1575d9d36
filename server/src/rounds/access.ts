import {
  type Access,
  type DocRef,
  docName,
  isId,
  type ProjectAction,
  projectPermission,
  type Role,
  type RoundView,
} from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError, notFound } from '../errors.js';
import type { Project, Round } from '../metadata/schema.js';
import { AccessReader, decideDocAccess } from '../projects/docAccess.js';
import { DocReads } from '../projects/docReads.js';
import { memberProject } from '../projects/projects.js';

/**
 * Round routes decide access exactly as a WebSocket join does (decideDocAccess), per document the answer would
 * be computed from. A round whose data the user may not read answers as if it did not exist: a blind round's
 * agreement, disagreements, spans or report are never a side channel into another coder's layer.
 */
export interface RoundActor {
  userId: string;
  project: Project;
  role: Role;
}

export async function projectActor(
  ctx: AppContext,
  userId: string,
  projectId: string,
  action: ProjectAction,
): Promise<RoundActor> {
  if (!isId(projectId)) throw notFound('no such project');
  const { project, role } = await memberProject(ctx, projectId, userId);
  if (!projectPermission(role, project, action)) {
    throw new AccordError(403, 'forbidden', `your role (${role}) does not allow this`);
  }
  return { userId, project, role };
}

export async function findRound(ctx: AppContext, project: Project, roundId: string): Promise<Round> {
  const round = isId(roundId) ? await ctx.metadata.rounds.get(roundId) : null;
  if (round === null || round.projectId !== project.id) throw notFound('no such round');
  return round;
}

/** Every coder layer and transcript text of the round, as DocRefs. */
export function roundDocRefs(round: Round): DocRef[] {
  const refs: DocRef[] = [];
  for (const { transcriptId, coders } of round.assignments) {
    refs.push({ kind: 'text', project: round.projectId, transcript: transcriptId });
    for (const coder of coders)
      refs.push({ kind: 'codings', project: round.projectId, transcript: transcriptId, coder });
  }
  return refs;
}

/**
 * Requires read access to every layer and text of the round (what agreement, spans, disagreements and reports
 * are computed from); an owner's permitted look into a running blind round is written to the audit log (one
 * `round.look` naming the layers), before any of it is read.
 */
export async function requireRoundData(
  ctx: AppContext,
  actor: RoundActor,
  round: Round,
  purpose: string,
): Promise<void> {
  const reads = new DocReads(ctx, actor.userId, purpose);
  for (const ref of roundDocRefs(round)) {
    if ((await reads.access(ref)) === 'none') throw notFound('no such round');
  }
  await reads.recordLooks();
}

export async function docAccess(ctx: AppContext, userId: string, ref: DocRef): Promise<Access> {
  return (await decideDocAccess(ctx.metadata, userId, ref)).access;
}

/** The coder layers of the round this user may open now, by name: the only way a client learns them. */
export async function visibleLayers(ctx: AppContext, userId: string, round: Round): Promise<RoundView['layers']> {
  const layers: RoundView['layers'] = [];
  const reader = new AccessReader(ctx.metadata);
  for (const ref of roundDocRefs(round)) {
    if (ref.kind !== 'codings') continue;
    const { access } = await reader.decide(userId, ref);
    if (access !== 'none')
      layers.push({ transcriptId: ref.transcript, coder: ref.coder, docName: docName(ref), access });
  }
  return layers;
}
