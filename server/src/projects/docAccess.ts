import {
  type Access,
  type AwarenessPolicy,
  access,
  awarenessPolicy,
  type DocRef,
  isBlindLook,
  type ProjectState,
  type Role,
  type RoundState,
} from '@accord/shared';
import type { Project } from '../metadata/schema.js';
import type { MetadataStore } from '../metadata/store.js';

/** The bridge from stored metadata to the pure access rule: every REST route and WebSocket join ends here. */
export function roleOf(project: Project | undefined, userId: string): Role | null {
  return project?.members.find((member) => member.userId === userId)?.role ?? null;
}

/** The running round that contains a transcript, if any (a transcript is in at most one running round). */
export function runningRound(store: MetadataStore, projectId: string, transcriptId: string): RoundState | null {
  for (const round of store.data.rounds) {
    if (round.projectId !== projectId || round.status !== 'running') continue;
    const assignment = round.assignments.find((candidate) => candidate.transcriptId === transcriptId);
    if (assignment) {
      return { mode: round.mode, phase: 'running', coders: assignment.coders, ownerMayLook: round.ownerMayLook };
    }
  }
  return null;
}

export function projectState(store: MetadataStore, project: Project, transcriptId: string | null): ProjectState {
  return {
    archived: project.archived,
    codersEditCodebook: project.settings.codersEditCodebook,
    round: transcriptId === null ? null : runningRound(store, project.id, transcriptId),
    blindRoundInProject: store.data.rounds.some(
      (round) => round.projectId === project.id && round.status === 'running' && round.mode === 'blind',
    ),
  };
}

export interface DocDecision {
  access: Access;
  awareness: AwarenessPolicy;
  /** An owner looking into a running blind round: allowed by the round, but audited. */
  blindLook: boolean;
}

const NONE: DocDecision = { access: 'none', awareness: 'full', blindLook: false };

export function decideDocAccess(store: MetadataStore, userId: string, ref: DocRef): DocDecision {
  const project = store.data.projects.find((candidate) => candidate.id === ref.project);
  if (project === undefined) return NONE;
  const transcriptId = 'transcript' in ref ? ref.transcript : null;
  if (
    transcriptId !== null &&
    !store.data.transcripts.some((t) => t.id === transcriptId && t.projectId === project.id)
  ) {
    return NONE;
  }
  if (
    ref.kind === 'roundCodebook' &&
    !store.data.rounds.some((r) => r.id === ref.round && r.projectId === project.id)
  ) {
    return NONE;
  }
  const role = roleOf(project, userId);
  const state = projectState(store, project, transcriptId);
  const owner = ref.kind === 'codings' ? ref.coder : null;
  const deactivated = store.data.users.find((candidate) => candidate.id === userId)?.deactivatedAt !== undefined;
  const user = { id: userId, deactivated };
  // A layer survives its coder leaving the project, so any account may own one; made-up coder ids may not.
  if (owner !== null && !store.data.users.some((candidate) => candidate.id === owner)) return NONE;
  return {
    access: access(user, role, state, ref.kind, owner),
    awareness: awarenessPolicy(state, ref.kind),
    blindLook: isBlindLook(user, role, state, ref.kind, owner),
  };
}
