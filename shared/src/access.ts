import type { DocKind } from './docNames.js';

export type Role = 'owner' | 'coder' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'coder', 'viewer'];

export type Access = 'none' | 'read' | 'write';

export interface AccessUser {
  id: string;
  /** A deactivated account keeps its memberships (its codings stay attributed) but may do nothing. */
  deactivated?: boolean;
}

/** The round that governs a transcript right now, as far as access is concerned. */
export interface RoundState {
  mode: 'blind' | 'open';
  phase: 'running' | 'revealed';
  /** Coders assigned to this transcript in the round. */
  coders: readonly string[];
  /** Round setting: may an owner who is not coding in the round look at coder layers before reveal? */
  ownerMayLook: boolean;
}

export interface ProjectState {
  archived: boolean;
  /** Project setting: coders may add and edit codes (inductive coding). Owners always may. */
  codersEditCodebook: boolean;
  /** The round containing the transcript of the document, or null (no round, or not a transcript doc). */
  round: RoundState | null;
  /**
   * A blind round is running on some transcript of the project. The codebook is every member's lobby (presence
   * lists who is on which transcript): during a blind round it relays only who is there. Absent: none is.
   */
  blindRoundInProject?: boolean;
}

/**
 * The single access rule of Accord (docs/architecture.md, "The access rule"): what `user`, holding `role` in a
 * project (null when not a member), may do with a document of `kind` owned by `docOwner` (the coder of a codings
 * doc, else null).
 * Every REST route and every WebSocket join asks this function; nothing else decides access.
 */
export function access(
  user: AccessUser,
  role: Role | null,
  state: ProjectState,
  kind: DocKind,
  docOwner: string | null,
): Access {
  if (role === null || user.deactivated === true) return 'none';
  const granted = accessWhileActive(user, role, state, kind, docOwner);
  return state.archived && granted === 'write' ? 'read' : granted;
}

function accessWhileActive(
  user: AccessUser,
  role: Role,
  state: ProjectState,
  kind: DocKind,
  docOwner: string | null,
): Access {
  const round = state.round;
  const blindRunning = round !== null && round.mode === 'blind' && round.phase === 'running';
  const roundRunning = round !== null && round.phase === 'running';
  switch (kind) {
    case 'codebook':
      // A blind round codes against its frozen codebook: coders may not change the live one meanwhile, so the
      // frozen codebook (and the report that cites it) means what it says. Owners may (changes are recorded).
      if (role === 'owner' || (role === 'coder' && state.codersEditCodebook && !state.blindRoundInProject))
        return 'write';
      return 'read';
    case 'roundCodebook':
      return 'read';
    case 'text':
      return role === 'owner' && !roundRunning ? 'write' : 'read';
    case 'memo':
      return role === 'viewer' ? 'read' : 'write';
    case 'codings':
      if (docOwner === user.id) return role === 'viewer' ? 'read' : 'write';
      if (!blindRunning) return 'read';
      return blindLook(user, role, round) ? 'read' : 'none';
    case 'consensus':
      if (!blindRunning) return role === 'owner' ? 'write' : 'read';
      return blindLook(user, role, round) ? 'write' : 'none';
  }
}

/** An owner who is not one of the round's coders may look before reveal when the round allows it (audited). */
function blindLook(user: AccessUser, role: Role, round: RoundState): boolean {
  return role === 'owner' && round.ownerMayLook && !round.coders.includes(user.id);
}

/**
 * Whether granting `kind`/`docOwner` to this user is an owner's look into a running blind round, which the
 * server must write to the audit log.
 */
export function isBlindLook(
  user: AccessUser,
  role: Role | null,
  state: ProjectState,
  kind: DocKind,
  docOwner: string | null,
): boolean {
  const round = state.round;
  if (role !== 'owner' || round === null || round.mode !== 'blind' || round.phase !== 'running') return false;
  if (kind === 'codings' && docOwner === user.id) return false;
  return (kind === 'codings' || kind === 'consensus') && blindLook(user, role, round);
}

/** What awareness (presence, cursors, selections) a document relays: a blind round hides where others are. */
export type AwarenessPolicy = 'full' | 'presence';

export function awarenessPolicy(state: ProjectState, kind: DocKind): AwarenessPolicy {
  if (kind === 'codebook' || kind === 'roundCodebook') return state.blindRoundInProject ? 'presence' : 'full';
  const round = state.round;
  const blindRunning = round !== null && round.mode === 'blind' && round.phase === 'running';
  return blindRunning && kind === 'text' ? 'presence' : 'full';
}

/** What a member may do with the project itself (not its documents). */
export type ProjectAction = 'view' | 'manage' | 'editTranscripts' | 'viewAudit';
export const PROJECT_ACTIONS: readonly ProjectAction[] = ['view', 'manage', 'editTranscripts', 'viewAudit'];

/**
 * `manage` covers members, roles, rounds, settings, rename, archive and delete; it stays open in an archived
 * project so that an owner can unarchive it. Transcripts cannot be added or changed in an archived project.
 */
export function projectPermission(
  role: Role | null,
  state: Pick<ProjectState, 'archived'>,
  action: ProjectAction,
): boolean {
  if (role === null) return false;
  switch (action) {
    case 'view':
      return true;
    case 'manage':
    case 'viewAudit':
      return role === 'owner';
    case 'editTranscripts':
      return role === 'owner' && !state.archived;
  }
}
