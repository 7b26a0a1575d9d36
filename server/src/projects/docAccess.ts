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
import type { MetadataRepos } from '../metadata/repositories.js';
import type { Project, Round, User } from '../metadata/schema.js';

/** The bridge from stored metadata to the pure access rule: every REST route and WebSocket join ends here. */
export function roleOf(project: Project | null | undefined, userId: string): Role | null {
  return project?.members.find((member) => member.userId === userId)?.role ?? null;
}

/** The running round of `rounds` (one project's) that contains a transcript (a transcript is in at most one). */
export function runningRoundOf(rounds: readonly Round[], transcriptId: string): Round | null {
  return (
    rounds.find(
      (round) => round.status === 'running' && round.assignments.some((a) => a.transcriptId === transcriptId),
    ) ?? null
  );
}

function roundState(rounds: readonly Round[], transcriptId: string): RoundState | null {
  const round = runningRoundOf(rounds, transcriptId);
  const assignment = round?.assignments.find((candidate) => candidate.transcriptId === transcriptId);
  if (!round || !assignment) return null;
  return { mode: round.mode, phase: 'running', coders: assignment.coders, ownerMayLook: round.ownerMayLook };
}

export function projectState(project: Project, rounds: readonly Round[], transcriptId: string | null): ProjectState {
  return {
    archived: project.archived,
    codersEditCodebook: project.settings.codersEditCodebook,
    round: transcriptId === null ? null : roundState(rounds, transcriptId),
    blindRoundInProject: rounds.some((round) => round.status === 'running' && round.mode === 'blind'),
  };
}

export interface DocDecision {
  access: Access;
  awareness: AwarenessPolicy;
  /** An owner looking into a running blind round: allowed by the round, but audited. */
  blindLook: boolean;
}

const NONE: DocDecision = { access: 'none', awareness: 'full', blindLook: false };

/**
 * Decides access to documents from the metadata as it is when each record is first read, reading each project,
 * its rounds, transcript and account once: one per request or per recheck of every socket, so that many decisions
 * in a row cost one read of each record. Make a new one for each request: it never sees later changes.
 */
export class AccessReader {
  private readonly projects = new Map<string, Promise<Project | null>>();
  private readonly rounds = new Map<string, Promise<Round[]>>();
  private readonly transcripts = new Map<string, Promise<boolean>>();
  private readonly users = new Map<string, Promise<User | null>>();

  constructor(private readonly metadata: MetadataRepos) {}

  project(id: string): Promise<Project | null> {
    return memo(this.projects, id, () => this.metadata.projects.get(id));
  }

  /** The rounds of a project. */
  roundsOf(projectId: string): Promise<Round[]> {
    return memo(this.rounds, projectId, () => this.metadata.rounds.listByProject(projectId));
  }

  user(id: string): Promise<User | null> {
    return memo(this.users, id, () => this.metadata.users.get(id));
  }

  private hasTranscript(projectId: string, transcriptId: string): Promise<boolean> {
    return memo(this.transcripts, `${projectId}/${transcriptId}`, async () => {
      return (await this.metadata.transcripts.get(projectId, transcriptId)) !== null;
    });
  }

  async decide(userId: string, ref: DocRef): Promise<DocDecision> {
    const project = await this.project(ref.project);
    if (project === null) return NONE;
    const transcriptId = 'transcript' in ref ? ref.transcript : null;
    if (transcriptId !== null && !(await this.hasTranscript(project.id, transcriptId))) return NONE;
    const rounds = await this.roundsOf(project.id);
    if (ref.kind === 'roundCodebook' && !rounds.some((r) => r.id === ref.round)) return NONE;
    const role = roleOf(project, userId);
    const state = projectState(project, rounds, transcriptId);
    const owner = ref.kind === 'codings' ? ref.coder : null;
    const deactivated = (await this.user(userId))?.deactivatedAt !== undefined;
    const user = { id: userId, deactivated };
    // A layer survives its coder leaving the project, so any account may own one; made-up coder ids may not.
    if (owner !== null && (await this.user(owner)) === null) return NONE;
    return {
      access: access(user, role, state, ref.kind, owner),
      awareness: awarenessPolicy(state, ref.kind),
      blindLook: isBlindLook(user, role, state, ref.kind, owner),
    };
  }
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (value === undefined) {
    value = load();
    cache.set(key, value);
  }
  return value;
}

/** One decision, from the metadata as it is now. */
export function decideDocAccess(metadata: MetadataRepos, userId: string, ref: DocRef): Promise<DocDecision> {
  return new AccessReader(metadata).decide(userId, ref);
}
