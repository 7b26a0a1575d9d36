import type { Role } from '@accord/shared';
import type { AuditEntry } from './audit.js';
import { checkUsable, failures, invitationStatus } from './failures.js';
import type {
  AuditRepo,
  InvitationsRepo,
  Metadata,
  MetadataRepos,
  ProjectsRepo,
  RoundsRepo,
  ServerSettingsRepo,
  SessionsRepo,
  TranscriptsRepo,
  UsersRepo,
} from './repositories.js';
import type { MetadataSnapshot, Project, Round, Session, User } from './schema.js';

/**
 * The repositories over metadata held as one value in this process: the embedded store (meta.json, embedded.ts)
 * and the in-memory store (memory.ts) are this with a different `persist`. A write applies its change to a copy,
 * checks its precondition on that copy, makes the copy current and persists it, so a refused write changes nothing.
 * Records are answered by reference: the current value is never modified in place (every write replaces it), so a
 * record answered stays as it was.
 */
export interface Backing {
  read<T>(fn: (data: Readonly<MetadataSnapshot>) => T): Promise<T>;
  write<T>(fn: (draft: MetadataSnapshot) => T): Promise<T>;
}

const copy = <T>(value: T): T => structuredClone(value);

function endSessions(data: MetadataSnapshot, match: (session: Session) => boolean): string[] {
  const ended = data.sessions.filter(match).map((session) => session.tokenHash);
  if (ended.length > 0) data.sessions = data.sessions.filter((session) => !match(session));
  return ended;
}

function userIn(data: MetadataSnapshot, id: string): User {
  const user = data.users.find((candidate) => candidate.id === id);
  if (user === undefined) throw failures.noUser();
  return user;
}

function projectIn(data: MetadataSnapshot, id: string): Project {
  const project = data.projects.find((candidate) => candidate.id === id);
  if (project === undefined) throw failures.noProject();
  return project;
}

function roundIn(data: MetadataSnapshot, id: string): Round {
  const round = data.rounds.find((candidate) => candidate.id === id);
  if (round === undefined) throw failures.noRound();
  return round;
}

function insertUser(data: MetadataSnapshot, user: User): User {
  if (data.users.some((existing) => existing.email === user.email)) throw failures.emailTaken(user.email);
  data.users.push(copy(user));
  return copy(user);
}

function users(db: Backing): UsersRepo {
  return {
    count: () => db.read((data) => data.users.length),
    list: () => db.read((data) => [...data.users]),
    get: (id) => db.read((data) => data.users.find((user) => user.id === id) ?? null),
    findByEmail: (email) => db.read((data) => data.users.find((user) => user.email === email) ?? null),
    create: (user) => db.write((data) => insertUser(data, user)),
    createFirstAdministrator: (user) =>
      db.write((data) => {
        if (data.users.length > 0) throw failures.setupDone();
        return insertUser(data, user);
      }),
    rename: (id, name) =>
      db.write((data) => {
        const user = userIn(data, id);
        user.name = name;
        return copy(user);
      }),
    setLocale: (id, locale) =>
      db.write((data) => {
        const user = userIn(data, id);
        if (locale === null) delete user.locale;
        else user.locale = locale;
        return copy(user);
      }),
    setPasswordHash: (id, passwordHash) =>
      db.write((data) => {
        userIn(data, id).passwordHash = passwordHash;
        return endSessions(data, (session) => session.userId === id);
      }),
    deactivate: (id, now) =>
      db.write((data) => {
        const user = userIn(data, id);
        if (user.deactivatedAt !== undefined) throw failures.alreadyDeactivated();
        if (user.admin && data.users.filter((u) => u.admin && u.deactivatedAt === undefined).length === 1) {
          throw failures.lastAdmin();
        }
        user.deactivatedAt = now;
        const ended = endSessions(data, (session) => session.userId === id);
        for (const link of data.invitations) {
          if (link.userId === id && link.usedAt === null && link.revokedAt === null) link.revokedAt = now;
        }
        return { user: copy(user), ended };
      }),
    reactivate: (id) =>
      db.write((data) => {
        const user = userIn(data, id);
        if (user.deactivatedAt === undefined) throw failures.notDeactivated();
        delete user.deactivatedAt;
        return copy(user);
      }),
  };
}

function sessions(db: Backing): SessionsRepo {
  return {
    create: (session, verifiedHash, now) =>
      db.write((data) => {
        const user = data.users.find((candidate) => candidate.id === session.userId);
        if (user?.passwordHash !== verifiedHash) throw failures.passwordChanged();
        // A deactivation that raced the sign-in wins: no session is written for the account.
        if (user.deactivatedAt !== undefined) throw failures.deactivated();
        data.sessions = data.sessions.filter((existing) => existing.expiresAt > now);
        data.sessions.push(copy(session));
        return copy(session);
      }),
    find: (tokenHash, now) =>
      db.read((data) => {
        const session = data.sessions.find((candidate) => candidate.tokenHash === tokenHash);
        if (session === undefined || session.expiresAt <= now) return null;
        const user = data.users.find((candidate) => candidate.id === session.userId);
        return user === undefined || user.deactivatedAt !== undefined ? null : { session, user };
      }),
    listForUser: (userId) => db.read((data) => data.sessions.filter((session) => session.userId === userId)),
    count: () => db.read((data) => data.sessions.length),
    remove: (tokenHash) => db.write((data) => endSessions(data, (session) => session.tokenHash === tokenHash)),
    removeForUser: (userId) => db.write((data) => endSessions(data, (session) => session.userId === userId)),
    removeExpired: async (now) => {
      // Most sweeps find nothing: only write when there is something to delete.
      if (!(await db.read((data) => data.sessions.some((session) => session.expiresAt <= now)))) return [];
      return db.write((data) => endSessions(data, (session) => session.expiresAt <= now));
    },
    liveIds: (now) =>
      db.read((data) => {
        const active = new Set(data.users.filter((user) => user.deactivatedAt === undefined).map((user) => user.id));
        return new Set(
          data.sessions
            .filter((session) => session.expiresAt > now && active.has(session.userId))
            .map((session) => session.tokenHash),
        );
      }),
  };
}

function projects(db: Backing): ProjectsRepo {
  return {
    list: () => db.read((data) => [...data.projects]),
    listForMember: (userId) =>
      db.read((data) => data.projects.filter((project) => project.members.some((m) => m.userId === userId))),
    get: (id) => db.read((data) => data.projects.find((project) => project.id === id) ?? null),
    create: (project) =>
      db.write((data) => {
        data.projects.push(copy(project));
        return copy(project);
      }),
    update: (id, patch) =>
      db.write((data) => {
        const project = projectIn(data, id);
        if (patch.name !== undefined) project.name = patch.name;
        if (patch.description !== undefined) project.description = patch.description;
        if (patch.archived !== undefined) project.archived = patch.archived;
        if (patch.settings !== undefined) project.settings = { ...project.settings, ...patch.settings };
        return copy(project);
      }),
    delete: (id) =>
      db.write((data) => {
        const project = data.projects.find((candidate) => candidate.id === id);
        if (project === undefined) return null;
        data.projects = data.projects.filter((candidate) => candidate.id !== id);
        data.transcripts = data.transcripts.filter((transcript) => transcript.projectId !== id);
        data.rounds = data.rounds.filter((round) => round.projectId !== id);
        return project;
      }),
    setMemberRole: (projectId, userId, role, now) =>
      db.write((data) => {
        const project = projectIn(data, projectId);
        userIn(data, userId);
        const member = project.members.find((candidate) => candidate.userId === userId);
        const before: Role | null = member?.role ?? null;
        if (before === 'owner' && role !== 'owner' && project.members.filter((m) => m.role === 'owner').length === 1) {
          throw failures.lastOwner();
        }
        if (role === null) project.members = project.members.filter((candidate) => candidate.userId !== userId);
        else if (member) member.role = role;
        else project.members.push({ userId, role, addedAt: now });
        return before;
      }),
  };
}

function transcripts(db: Backing): TranscriptsRepo {
  const find = (data: Readonly<MetadataSnapshot>, projectId: string, id: string) =>
    data.transcripts.find((t) => t.id === id && t.projectId === projectId);
  return {
    list: () => db.read((data) => [...data.transcripts]),
    listByProject: (projectId) => db.read((data) => data.transcripts.filter((t) => t.projectId === projectId)),
    get: (projectId, id) => db.read((data) => find(data, projectId, id) ?? null),
    create: (transcript) =>
      db.write((data) => {
        projectIn(data, transcript.projectId);
        data.transcripts.push(copy(transcript));
        return copy(transcript);
      }),
    update: (projectId, id, patch) =>
      db.write((data) => {
        const transcript = find(data, projectId, id);
        if (transcript === undefined) throw failures.noTranscript();
        if (patch.title !== undefined) transcript.title = patch.title;
        if (patch.participant !== undefined) transcript.participant = patch.participant;
        if (patch.attributes !== undefined) transcript.attributes = { ...patch.attributes };
        if (patch.language === null) delete transcript.language;
        else if (patch.language !== undefined) transcript.language = patch.language;
        return copy(transcript);
      }),
    delete: (projectId, id) =>
      db.write((data) => {
        const before = data.transcripts.length;
        data.transcripts = data.transcripts.filter((t) => !(t.id === id && t.projectId === projectId));
        return data.transcripts.length < before;
      }),
    setMedia: (projectId, id, media) =>
      db.write((data) => {
        const transcript = find(data, projectId, id);
        if (media === null) {
          if (transcript !== undefined) delete transcript.media;
          return;
        }
        if (transcript === undefined) throw failures.noTranscript();
        transcript.media = copy(media);
      }),
  };
}

function rounds(db: Backing): RoundsRepo {
  const running = (round: Round) => round.status === 'running';
  return {
    listByProject: (projectId) => db.read((data) => data.rounds.filter((round) => round.projectId === projectId)),
    get: (id) => db.read((data) => data.rounds.find((round) => round.id === id) ?? null),
    create: (round) =>
      db.write((data) => {
        projectIn(data, round.projectId);
        const busy = round.assignments
          .map((a) => a.transcriptId)
          .filter((transcriptId) =>
            data.rounds.some(
              (r) =>
                r.projectId === round.projectId &&
                running(r) &&
                r.assignments.some((a) => a.transcriptId === transcriptId),
            ),
          );
        if (busy.length > 0) throw failures.inRound(busy);
        data.rounds.push(copy(round));
        return copy(round);
      }),
    setDone: (id, transcriptId, coder, done, at) =>
      db.write((data) => {
        const round = roundIn(data, id);
        if (!running(round)) throw failures.revealed();
        round.done = round.done.filter((d) => !(d.transcriptId === transcriptId && d.coder === coder));
        if (done) round.done.push({ transcriptId, coder, at });
        return copy(round);
      }),
    reveal: (id, reveal) =>
      db.write((data) => {
        const round = roundIn(data, id);
        if (!running(round)) throw failures.revealed();
        round.status = 'revealed';
        round.revealedAt = reveal.revealedAt;
        round.revealedBy = reveal.revealedBy;
        round.forced = reveal.forced;
        round.snapshots = copy(reveal.snapshots);
        round.languages = { ...reveal.languages };
        return copy(round);
      }),
    addCodebookChange: (id, change) =>
      db.write((data) => {
        const round = roundIn(data, id);
        round.codebookChanges.push(copy(change));
        return copy(round);
      }),
  };
}

function invitations(db: Backing): InvitationsRepo {
  const usable = (data: MetadataSnapshot, id: string, now: number) => {
    const invitation = data.invitations.find((candidate) => candidate.id === id);
    if (invitation === undefined) throw failures.invalidLink();
    checkUsable(invitation, now);
    return invitation;
  };
  return {
    list: () => db.read((data) => [...data.invitations]),
    listForProject: (projectId) => db.read((data) => data.invitations.filter((i) => i.project?.id === projectId)),
    get: (id) => db.read((data) => data.invitations.find((i) => i.id === id) ?? null),
    findByTokenHash: (tokenHash) => db.read((data) => data.invitations.find((i) => i.tokenHash === tokenHash) ?? null),
    createInvite: (invitation) =>
      db.write((data) => {
        if (data.users.some((user) => user.email === invitation.email)) throw failures.emailTaken(invitation.email);
        if (invitation.project && !data.projects.some((project) => project.id === invitation.project!.id)) {
          throw failures.noProject();
        }
        data.invitations.push(copy(invitation));
        return copy(invitation);
      }),
    createReset: (invitation) =>
      db.write((data) => {
        const user = userIn(data, invitation.userId ?? '');
        if (user.deactivatedAt !== undefined) throw failures.deactivated();
        for (const link of data.invitations) {
          if (link.kind === 'reset' && link.userId === user.id && link.usedAt === null && link.revokedAt === null) {
            link.revokedAt = invitation.createdAt;
          }
        }
        data.invitations.push(copy(invitation));
        return copy(invitation);
      }),
    revoke: (id, now) =>
      db.write((data) => {
        const invitation = data.invitations.find((candidate) => candidate.id === id);
        if (invitation === undefined) throw failures.noInvitation();
        const status = invitationStatus(invitation, now);
        if (status !== 'pending') throw failures.invitationNotPending(status);
        invitation.revokedAt = now;
        return copy(invitation);
      }),
    acceptInvite: (id, user, now) =>
      db.write((data) => {
        const invitation = usable(data, id, now);
        const created = insertUser(data, user);
        const project = invitation.project && data.projects.find((p) => p.id === invitation.project!.id);
        const joined = invitation.project && project ? { project: project.id, role: invitation.project.role } : null;
        if (project && joined) project.members.push({ userId: user.id, role: joined.role, addedAt: now });
        invitation.usedAt = now;
        invitation.usedBy = user.id;
        return { user: created, invitation: copy(invitation), joined };
      }),
    acceptReset: (id, passwordHash, now) =>
      db.write((data) => {
        const invitation = usable(data, id, now);
        const user = data.users.find((candidate) => candidate.id === invitation.userId);
        if (user === undefined) throw failures.linkAccountGone();
        if (user.deactivatedAt !== undefined) throw failures.deactivated();
        user.passwordHash = passwordHash;
        const ended = endSessions(data, (session) => session.userId === user.id);
        invitation.usedAt = now;
        invitation.usedBy = user.id;
        return { user: copy(user), invitation: copy(invitation), ended };
      }),
  };
}

function settings(db: Backing): ServerSettingsRepo {
  return {
    get: () => db.read((data) => data.serverSettings),
    update: (patch) =>
      db.write((data) => {
        data.serverSettings = { ...data.serverSettings, ...patch };
        return copy(data.serverSettings);
      }),
  };
}

export function reposOver(db: Backing): MetadataRepos {
  return {
    users: users(db),
    sessions: sessions(db),
    projects: projects(db),
    transcripts: transcripts(db),
    rounds: rounds(db),
    invitations: invitations(db),
    settings: settings(db),
  };
}

/** Audit entries kept in memory (the in-memory store; the embedded one appends to audit.jsonl). */
export class MemoryAudit implements AuditRepo {
  private readonly entries: AuditEntry[] = [];

  async record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    this.entries.push(copy({ at: Date.now(), ...entry }));
  }

  async list(filter: { project?: string } = {}): Promise<AuditEntry[]> {
    return this.entries.filter((entry) => filter.project === undefined || entry.project === filter.project);
  }
}

/**
 * Metadata held as one value in this process, persisted whole by `persist` after each change. Single writes apply
 * synchronously to a copy; a transaction holds every other write back until it has committed or failed.
 */
export class InProcessMetadata implements Metadata {
  private current: MetadataSnapshot;
  /** Settles when the running transaction ends; null when none runs. */
  private exclusive: Promise<void> | null = null;
  private readonly repos: MetadataRepos;

  constructor(
    readonly kind: string,
    initial: MetadataSnapshot,
    readonly audit: AuditRepo,
    private readonly persist: (data: MetadataSnapshot) => Promise<void>,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.current = initial;
    this.repos = reposOver({ read: async (fn) => fn(this.current), write: (fn) => this.write(fn) });
  }

  private async write<T>(fn: (draft: MetadataSnapshot) => T): Promise<T> {
    while (this.exclusive !== null) await this.exclusive;
    const draft = copy(this.current);
    const result = fn(draft);
    this.current = draft;
    await this.persist(draft);
    return result;
  }

  get users() {
    return this.repos.users;
  }
  get sessions() {
    return this.repos.sessions;
  }
  get projects() {
    return this.repos.projects;
  }
  get transcripts() {
    return this.repos.transcripts;
  }
  get rounds() {
    return this.repos.rounds;
  }
  get invitations() {
    return this.repos.invitations;
  }
  get settings() {
    return this.repos.settings;
  }

  async transaction<T>(work: (tx: MetadataRepos) => Promise<T>): Promise<T> {
    while (this.exclusive !== null) await this.exclusive;
    let release!: () => void;
    this.exclusive = new Promise((resolve) => {
      release = resolve;
    });
    try {
      const draft = copy(this.current);
      const result = await work(reposOver({ read: async (fn) => fn(draft), write: async (fn) => fn(draft) }));
      this.current = draft;
      await this.persist(draft);
      return result;
    } finally {
      this.exclusive = null;
      release();
    }
  }

  /**
   * A raw change of the whole value, bypassing every repository rule: for tests that set up what the API cannot
   * reach (a session expired, an account gone behind the server's back). Durable when it resolves.
   */
  edit<T>(change: (draft: MetadataSnapshot) => T): Promise<T> {
    return this.write(change);
  }

  async snapshot(): Promise<MetadataSnapshot> {
    return copy(this.current);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
