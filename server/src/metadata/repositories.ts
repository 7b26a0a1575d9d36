import type { Role } from '@accord/shared';
import type { AuditEntry } from './audit.js';
import type {
  Invitation,
  MetadataSnapshot,
  Project,
  ProjectSettings,
  Round,
  ServerSettings,
  Session,
  SnapshotRecord,
  TranscriptMedia,
  TranscriptMeta,
  User,
} from './schema.js';

/**
 * The metadata seam (docs/architecture.md, "Metadata repositories"): everything Accord knows besides document
 * content — accounts, sessions, projects with their members and settings, the transcript index, rounds,
 * invitations, server settings and the audit log — behind asynchronous repositories, one per kind of record.
 *
 * Rules every implementation keeps (checked by server/test/metadata/contract, run against each of them):
 * - Every method is asynchronous and answers plain records of the types in schema.ts. A record answered is a
 *   value: the caller must not modify it, and it does not change when the metadata changes later.
 * - Each writing method is one atomic step: its precondition is checked in the same step as its change, so of two
 *   concurrent calls that exclude each other exactly one wins (the other is refused with the error named in its
 *   comment, from failures.ts). A write is durable when its promise resolves.
 * - Lists are in insertion order (creation order), which is what the REST API shows.
 * - Nothing here decides who may do what: callers authorise first (projects/docAccess.ts, http/projectAuth.ts).
 */

/** Accounts. Emails are stored normalised (trimmed, lower-cased) by the caller and are unique. */
export interface UsersRepo {
  count(): Promise<number>;
  list(): Promise<User[]>;
  get(id: string): Promise<User | null>;
  /** `email` must be normalised already. */
  findByEmail(email: string): Promise<User | null>;
  /** Inserts the account; refuses `email_taken` (409) when an account has its email. */
  create(user: User): Promise<User>;
  /**
   * First-run setup: inserts the account only while there is no account at all (`setup_done`, 409, otherwise),
   * so that of any number of concurrent setups exactly one wins.
   */
  createFirstAdministrator(user: User): Promise<User>;
  /** `no such user` (404). */
  rename(id: string, name: string): Promise<User>;
  /** Sets the account's interface language (a validated BCP 47 tag), or clears it with null. `no such user` (404). */
  setLocale(id: string, locale: string | null): Promise<User>;
  /**
   * Sets a new password hash and deletes every session of the account in the same step; answers the ids
   * (`tokenHash`) of the sessions ended, whose sockets the caller closes. `no such user` (404).
   */
  setPasswordHash(id: string, passwordHash: string): Promise<string[]>;
  /**
   * Deactivates the account, deletes all its sessions and revokes its unused reset links, in one step.
   * Refuses `no such user` (404), `already_deactivated` (409), and `last_admin` (409) when it is the last
   * active administrator. Answers the account as it is now and the ids of the sessions ended.
   */
  deactivate(id: string, now: number): Promise<{ user: User; ended: string[] }>;
  /** `no such user` (404), `not_deactivated` (409). */
  reactivate(id: string): Promise<User>;
}

export interface SessionsRepo {
  /**
   * Starts a session for an account whose password was just checked against `verifiedHash`; expired sessions are
   * deleted on the way. Written only if the account still exists with that hash (`bad_credentials`, 401: a
   * sign-in that raced a password change) and is active (`account_deactivated`, 403).
   */
  create(session: Session, verifiedHash: string, now: number): Promise<Session>;
  /** The live session with this id and its account: null when unknown, expired at `now`, or its account is gone or deactivated. */
  find(tokenHash: string, now: number): Promise<{ session: Session; user: User } | null>;
  /** Sessions of one account, live or expired. */
  listForUser(userId: string): Promise<Session[]>;
  count(): Promise<number>;
  /** Deletes one session; answers the ids deleted (none or it). */
  remove(tokenHash: string): Promise<string[]>;
  /** Deletes every session of the account; answers their ids. */
  removeForUser(userId: string): Promise<string[]>;
  /** Deletes the sessions expired at `now`; answers their ids. */
  removeExpired(now: number): Promise<string[]>;
  /** Ids of the sessions live at `now`: not expired, of an account that exists and is active. */
  liveIds(now: number): Promise<Set<string>>;
}

export interface ProjectPatch {
  name?: string;
  description?: string;
  archived?: boolean;
  settings?: Partial<ProjectSettings>;
}

/** Projects with their members (a project answered always holds all its members) and settings. */
export interface ProjectsRepo {
  list(): Promise<Project[]>;
  /** Projects the account is a member of, in any role. */
  listForMember(userId: string): Promise<Project[]>;
  get(id: string): Promise<Project | null>;
  create(project: Project): Promise<Project>;
  /** Applies the fields given (settings merge into the current ones); `no such project` (404). */
  update(id: string, patch: ProjectPatch): Promise<Project>;
  /** Deletes the project with its transcript index entries and rounds; answers it, or null if there was none. */
  delete(id: string): Promise<Project | null>;
  /**
   * Adds a member, changes a member's role or (role null) removes a member; answers the role before. Refuses
   * `no such project` / `no such user` (404) and `last_owner` (409) when it would leave the project without owner.
   */
  setMemberRole(projectId: string, userId: string, role: Role | null, now: number): Promise<Role | null>;
}

export interface TranscriptPatch {
  title?: string;
  participant?: string;
  attributes?: Record<string, string>;
  /** A canonical BCP 47 tag, or null to clear it. */
  language?: string | null;
}

/** The transcript index (the texts themselves are documents, see persistence/). */
export interface TranscriptsRepo {
  list(): Promise<TranscriptMeta[]>;
  listByProject(projectId: string): Promise<TranscriptMeta[]>;
  /** The transcript if it exists in that project. */
  get(projectId: string, id: string): Promise<TranscriptMeta | null>;
  /** `no such project` (404). */
  create(transcript: TranscriptMeta): Promise<TranscriptMeta>;
  /** `no such transcript` (404). */
  update(projectId: string, id: string, patch: TranscriptPatch): Promise<TranscriptMeta>;
  /** Answers whether there was one. */
  delete(projectId: string, id: string): Promise<boolean>;
  /** Sets (or, with null, clears) the recording; `no such transcript` (404) when setting one. */
  setMedia(projectId: string, id: string, media: TranscriptMedia | null): Promise<void>;
}

export interface RevealRecord {
  revealedAt: number;
  revealedBy: string;
  forced: boolean;
  snapshots: SnapshotRecord[];
  languages: Record<string, string>;
}

export type CodebookChangeRecord = Round['codebookChanges'][number];

export interface RoundsRepo {
  listByProject(projectId: string): Promise<Round[]>;
  /** The round with this id, in whichever project. */
  get(id: string): Promise<Round | null>;
  /**
   * Records a new round; refuses `in_round` (409) naming the transcripts of it that are already in a running round
   * of the project (a transcript is in at most one running round), and `no such project` (404).
   */
  create(round: Round): Promise<Round>;
  /** Marks (or unmarks) a coder's transcript done. `no such round` (404), `revealed` (409) once revealed. */
  setDone(id: string, transcriptId: string, coder: string, done: boolean, at: number): Promise<Round>;
  /** The running round becomes revealed with its snapshots: `no such round` (404), `revealed` (409) if it is already. */
  reveal(id: string, reveal: RevealRecord): Promise<Round>;
  /** Appends a codebook change made during its review; `no such round` (404). */
  addCodebookChange(id: string, change: CodebookChangeRecord): Promise<Round>;
}

/** One-time links (invitations and password resets); only the SHA-256 of a token is stored. */
export interface InvitationsRepo {
  list(): Promise<Invitation[]>;
  listForProject(projectId: string): Promise<Invitation[]>;
  get(id: string): Promise<Invitation | null>;
  findByTokenHash(tokenHash: string): Promise<Invitation | null>;
  /** An invitation (kind `invite`): `email_taken` (409) if an account has the email, `no such project` (404). */
  createInvite(invitation: Invitation): Promise<Invitation>;
  /**
   * A reset link (kind `reset`) for `invitation.userId`, revoking (at `invitation.createdAt`) the account's earlier
   * unused reset links in the same step: `no such user` (404), `account_deactivated` (403).
   */
  createReset(invitation: Invitation): Promise<Invitation>;
  /** `no such invitation` (404); `invitation_used`/`_revoked`/`_expired` (409) unless it is pending. */
  revoke(id: string, now: number): Promise<Invitation>;
  /**
   * Accepts an invitation: the link must be usable (`this link is not valid`, 404; `invitation_used` /
   * `_revoked` / `_expired`, 410), the account is inserted (`email_taken`, 409), joins the invitation's project
   * with its role if the project still exists, and the link is marked used by it — all one step, so that of two
   * concurrent acceptances exactly one wins.
   */
  acceptInvite(
    id: string,
    user: User,
    now: number,
  ): Promise<{ user: User; invitation: Invitation; joined: { project: string; role: Role } | null }>;
  /**
   * Accepts a reset link: usable as above; the account must exist (404) and be active (403); its password hash is
   * set, its sessions are deleted and the link marked used, in one step. Answers the ids of the sessions ended.
   */
  acceptReset(
    id: string,
    passwordHash: string,
    now: number,
  ): Promise<{ user: User; invitation: Invitation; ended: string[] }>;
}

export interface ServerSettingsRepo {
  get(): Promise<ServerSettings>;
  update(patch: Partial<ServerSettings>): Promise<ServerSettings>;
}

/** The audit log: append-only; an entry is durable when `record` resolves. */
export interface AuditRepo {
  record(entry: Omit<AuditEntry, 'at'>): Promise<void>;
  /** Entries in the order recorded, optionally of one project. */
  list(filter?: { project?: string }): Promise<AuditEntry[]>;
}

/** The record repositories, as a transaction sees them. */
export interface MetadataRepos {
  users: UsersRepo;
  sessions: SessionsRepo;
  projects: ProjectsRepo;
  transcripts: TranscriptsRepo;
  rounds: RoundsRepo;
  invitations: InvitationsRepo;
  settings: ServerSettingsRepo;
}

/** One metadata store: the composition root (app.ts, cli/offline.ts) opens one and hands it to everything else. */
export interface Metadata extends MetadataRepos {
  /** Which implementation this is, for logs and `accord check`: `embedded` (meta.json), `memory`, `postgres`. */
  readonly kind: string;
  audit: AuditRepo;
  /**
   * Runs `work` as one atomic step over the repositories it is given: every change it makes is written together
   * when it resolves, none if it throws. Other writes wait until it ends; do only metadata calls inside (no
   * document I/O), and never call the outer repositories from within.
   */
  transaction<T>(work: (tx: MetadataRepos) => Promise<T>): Promise<T>;
  /**
   * Everything, as one consistent value (the audit log aside): what `accord check` verifies against the storage,
   * what `accord migrate-store` copies, and what tests look at.
   */
  snapshot(): Promise<MetadataSnapshot>;
  close(): Promise<void>;
}
