import type { Role } from '@accord/shared';
import { sql } from 'kysely';
import { checkUsable, failures, invitationStatus } from '../failures.js';
import type {
  InvitationsRepo,
  MetadataRepos,
  ProjectsRepo,
  RoundsRepo,
  ServerSettingsRepo,
  SessionsRepo,
  TranscriptsRepo,
  UsersRepo,
} from '../repositories.js';
import type { Invitation, Project, Round, User } from '../schema.js';
import {
  type Db,
  insertCodebookChange,
  insertInvitationRow,
  insertProjectRows,
  insertRevealSnapshots,
  insertRoundRows,
  insertSessionRow,
  insertTranscriptRow,
  insertUserRow,
  json,
  selectInvitations,
  selectProjects,
  selectRounds,
  selectServerSettings,
  selectSessions,
  selectTranscripts,
  selectUsers,
} from './rows.js';

/**
 * Where the repositories run their statements: `db` for reads, `atomic` for a write's statements, which must
 * commit together. Outside a transaction `atomic` opens one per call; inside `Metadata.transaction` every call runs
 * in that one transaction.
 */
export interface Scope {
  db: Db;
  atomic<T>(work: (db: Db) => Promise<T>): Promise<T>;
}

/**
 * Advisory locks (transaction-scoped) for the conditions that span rows of a table: "there is no account yet"
 * (the first administrator) and "another active administrator is left". Plain account creation takes the first
 * one shared, so that a setup and a creation cannot both see an empty table.
 */
const LOCK_CLASS = 0x41434344; // "ACCD"
const ACCOUNTS_LOCK = 1;
const ADMINS_LOCK = 2;

const lockShared = (db: Db, key: number) => sql`SELECT pg_advisory_xact_lock_shared(${LOCK_CLASS}, ${key})`.execute(db);
const lockExclusive = (db: Db, key: number) => sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${key})`.execute(db);

const UNIQUE_VIOLATION = '23505';

/** Turns a unique violation of `constraint` (a concurrent writer got there first) into `refusal`. */
async function refusingDuplicate<T>(constraint: string, refusal: () => Error, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const e = error as { code?: string; constraint?: string };
    if (e.code === UNIQUE_VIOLATION && e.constraint === constraint) throw refusal();
    throw error;
  }
}

const first = <T>(rows: T[]): T | null => rows[0] ?? null;

async function endSessions(db: Db, where: ReturnType<typeof sql>): Promise<string[]> {
  const { rows } = await sql<{ token_hash: string; seq: string }>`
    DELETE FROM sessions WHERE ${where} RETURNING token_hash, seq`.execute(db);
  return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((row) => row.token_hash);
}

/** The account, its row locked for the rest of the transaction (FOR UPDATE, or FOR SHARE to only keep it as is). */
async function lockedUser(db: Db, id: string, mode: 'UPDATE' | 'SHARE'): Promise<User | null> {
  return first(await selectUsers(db, sql`id = ${id}`, sql`FOR ${sql.raw(mode)}`));
}

async function insertUser(db: Db, user: User): Promise<User> {
  // Taken shared: a concurrent first-run setup (exclusive) either sees this account or runs before it.
  await lockShared(db, ACCOUNTS_LOCK);
  const { rows } = await sql`SELECT 1 FROM users WHERE email = ${user.email}`.execute(db);
  if (rows.length > 0) throw failures.emailTaken(user.email);
  await refusingDuplicate(
    'users_email_unique',
    () => failures.emailTaken(user.email),
    () => insertUserRow(db, user),
  );
  return structuredClone(user);
}

function users(scope: Scope): UsersRepo {
  return {
    count: async () => {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM users`.execute(scope.db);
      return Number(rows[0]?.n ?? 0);
    },
    list: () => selectUsers(scope.db),
    get: async (id) => first(await selectUsers(scope.db, sql`id = ${id}`)),
    findByEmail: async (email) => first(await selectUsers(scope.db, sql`email = ${email}`)),
    create: (user) => scope.atomic((db) => insertUser(db, user)),
    createFirstAdministrator: (user) =>
      scope.atomic(async (db) => {
        // Exclusive across every instance: of racing setups, exactly one finds the table empty.
        await lockExclusive(db, ACCOUNTS_LOCK);
        const { rows } = await sql`SELECT 1 FROM users LIMIT 1`.execute(db);
        if (rows.length > 0) throw failures.setupDone();
        await insertUserRow(db, user);
        return structuredClone(user);
      }),
    rename: (id, name) =>
      scope.atomic(async (db) => {
        const { rows } = await sql`UPDATE users SET name = ${name} WHERE id = ${id} RETURNING id`.execute(db);
        if (rows.length === 0) throw failures.noUser();
        return (await selectUsers(db, sql`id = ${id}`))[0]!;
      }),
    setLocale: (id, locale) =>
      scope.atomic(async (db) => {
        const { rows } = await sql`UPDATE users SET locale = ${locale} WHERE id = ${id} RETURNING id`.execute(db);
        if (rows.length === 0) throw failures.noUser();
        return (await selectUsers(db, sql`id = ${id}`))[0]!;
      }),
    setPasswordHash: (id, passwordHash) =>
      scope.atomic(async (db) => {
        // The row lock the UPDATE takes makes a racing sign-in (sessions.create locks it FOR SHARE) wait, then
        // see the new hash; a sign-in that got there first has its session deleted below.
        const { rows } = await sql`
          UPDATE users SET password_hash = ${passwordHash} WHERE id = ${id} RETURNING id`.execute(db);
        if (rows.length === 0) throw failures.noUser();
        return endSessions(db, sql`user_id = ${id}`);
      }),
    deactivate: (id, now) =>
      scope.atomic(async (db) => {
        // Deactivations queue here, so two of them cannot each see the other administrator still active.
        await lockExclusive(db, ADMINS_LOCK);
        const user = await lockedUser(db, id, 'UPDATE');
        if (user === null) throw failures.noUser();
        if (user.deactivatedAt !== undefined) throw failures.alreadyDeactivated();
        if (user.admin) {
          const { rows } = await sql<{ n: string }>`
            SELECT count(*) AS n FROM users WHERE admin AND deactivated_at IS NULL`.execute(db);
          if (Number(rows[0]?.n) === 1) throw failures.lastAdmin();
        }
        await sql`UPDATE users SET deactivated_at = ${now} WHERE id = ${id}`.execute(db);
        const ended = await endSessions(db, sql`user_id = ${id}`);
        await sql`
          UPDATE invitations SET revoked_at = ${now}
          WHERE user_id = ${id} AND used_at IS NULL AND revoked_at IS NULL`.execute(db);
        return { user: { ...user, deactivatedAt: now }, ended };
      }),
    reactivate: (id) =>
      scope.atomic(async (db) => {
        const user = await lockedUser(db, id, 'UPDATE');
        if (user === null) throw failures.noUser();
        if (user.deactivatedAt === undefined) throw failures.notDeactivated();
        await sql`UPDATE users SET deactivated_at = NULL WHERE id = ${id}`.execute(db);
        const { deactivatedAt: _, ...active } = user;
        return active;
      }),
  };
}

function sessions(scope: Scope): SessionsRepo {
  return {
    create: (session, verifiedHash, now) =>
      scope.atomic(async (db) => {
        // FOR SHARE: a password change or deactivation committing meanwhile is waited for and then seen.
        const user = await lockedUser(db, session.userId, 'SHARE');
        if (user?.passwordHash !== verifiedHash) throw failures.passwordChanged();
        if (user.deactivatedAt !== undefined) throw failures.deactivated();
        await sql`DELETE FROM sessions WHERE expires_at <= ${now}`.execute(db);
        await insertSessionRow(db, session);
        return structuredClone(session);
      }),
    find: async (tokenHash, now) => {
      const { rows } = await sql<{ session: Record<string, unknown>; user: Record<string, unknown> }>`
        SELECT row_to_json(s) AS session, row_to_json(u) AS user
        FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ${tokenHash} AND s.expires_at > ${now} AND u.deactivated_at IS NULL`.execute(scope.db);
      const row = rows[0];
      if (row === undefined) return null;
      const s = row.session as { token_hash: string; user_id: string; csrf_token: string };
      const u = row.user as { id: string; email: string; name: string; password_hash: string; admin: boolean };
      const n = (value: unknown) => Number(value);
      return {
        session: {
          tokenHash: s.token_hash,
          userId: s.user_id,
          csrfToken: s.csrf_token,
          createdAt: n(row.session.created_at),
          expiresAt: n(row.session.expires_at),
        },
        user: {
          id: u.id,
          email: u.email,
          name: u.name,
          passwordHash: u.password_hash,
          admin: u.admin,
          createdAt: n(row.user.created_at),
        },
      };
    },
    listForUser: (userId) => selectSessions(scope.db, sql`user_id = ${userId}`),
    count: async () => {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM sessions`.execute(scope.db);
      return Number(rows[0]?.n ?? 0);
    },
    remove: (tokenHash) => scope.atomic((db) => endSessions(db, sql`token_hash = ${tokenHash}`)),
    removeForUser: (userId) => scope.atomic((db) => endSessions(db, sql`user_id = ${userId}`)),
    removeExpired: (now) => scope.atomic((db) => endSessions(db, sql`expires_at <= ${now}`)),
    liveIds: async (now) => {
      const { rows } = await sql<{ token_hash: string }>`
        SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.expires_at > ${now} AND u.deactivated_at IS NULL`.execute(scope.db);
      return new Set(rows.map((row) => row.token_hash));
    },
  };
}

/** The project with its members, its row locked FOR UPDATE: changes to it and its members queue up. */
async function lockedProject(db: Db, id: string): Promise<Project> {
  const { rows } = await sql`SELECT id FROM projects WHERE id = ${id} FOR UPDATE`.execute(db);
  if (rows.length === 0) throw failures.noProject();
  return (await selectProjects(db, sql`p.id = ${id}`))[0]!;
}

function projects(scope: Scope): ProjectsRepo {
  return {
    list: () => selectProjects(scope.db),
    listForMember: (userId) =>
      selectProjects(
        scope.db,
        sql`EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ${userId})`,
      ),
    get: async (id) => first(await selectProjects(scope.db, sql`p.id = ${id}`)),
    create: (project) =>
      scope.atomic(async (db) => {
        await insertProjectRows(db, project);
        return structuredClone(project);
      }),
    update: (id, patch) =>
      scope.atomic(async (db) => {
        const project = await lockedProject(db, id);
        const next: Project = {
          ...project,
          name: patch.name ?? project.name,
          description: patch.description ?? project.description,
          archived: patch.archived ?? project.archived,
          settings: patch.settings === undefined ? project.settings : { ...project.settings, ...patch.settings },
        };
        await sql`
          UPDATE projects SET name = ${next.name}, description = ${next.description}, archived = ${next.archived},
                 settings = ${json(next.settings)}::jsonb
          WHERE id = ${id}`.execute(db);
        return next;
      }),
    delete: (id) =>
      scope.atomic(async (db) => {
        const project = first(await selectProjects(db, sql`p.id = ${id}`));
        if (project === null) return null;
        // Members, transcripts and rounds (with their sub-records) go with it: ON DELETE CASCADE.
        const { rows } = await sql`DELETE FROM projects WHERE id = ${id} RETURNING id`.execute(db);
        return rows.length === 0 ? null : project;
      }),
    setMemberRole: (projectId, userId, role, now) =>
      scope.atomic(async (db) => {
        // Changes to one project's members queue on its row: two demotions cannot both see another owner left.
        const project = await lockedProject(db, projectId);
        const { rows: found } = await sql`SELECT 1 FROM users WHERE id = ${userId}`.execute(db);
        if (found.length === 0) throw failures.noUser();
        const member = project.members.find((candidate) => candidate.userId === userId);
        const before: Role | null = member?.role ?? null;
        const owners = project.members.filter((m) => m.role === 'owner').length;
        if (before === 'owner' && role !== 'owner' && owners === 1) throw failures.lastOwner();
        if (role === null) {
          await sql`DELETE FROM project_members WHERE project_id = ${projectId} AND user_id = ${userId}`.execute(db);
        } else if (member) {
          await sql`
            UPDATE project_members SET role = ${role}
            WHERE project_id = ${projectId} AND user_id = ${userId}`.execute(db);
        } else {
          await sql`
            INSERT INTO project_members (project_id, user_id, role, added_at)
            VALUES (${projectId}, ${userId}, ${role}, ${now})`.execute(db);
        }
        return before;
      }),
  };
}

function transcripts(scope: Scope): TranscriptsRepo {
  const one = async (db: Db, projectId: string, id: string) =>
    first(await selectTranscripts(db, sql`project_id = ${projectId} AND id = ${id}`));
  return {
    list: () => selectTranscripts(scope.db),
    listByProject: (projectId) => selectTranscripts(scope.db, sql`project_id = ${projectId}`),
    get: (projectId, id) => one(scope.db, projectId, id),
    create: (transcript) =>
      scope.atomic(async (db) => {
        // FOR KEY SHARE: the project cannot be deleted until this commits (nor does this wait on its updates).
        const { rows } = await sql`SELECT 1 FROM projects WHERE id = ${transcript.projectId} FOR KEY SHARE`.execute(db);
        if (rows.length === 0) throw failures.noProject();
        await insertTranscriptRow(db, transcript);
        return structuredClone(transcript);
      }),
    update: (projectId, id, patch) =>
      scope.atomic(async (db) => {
        const { rows } = await sql`
          SELECT 1 FROM transcripts WHERE project_id = ${projectId} AND id = ${id} FOR UPDATE`.execute(db);
        if (rows.length === 0) throw failures.noTranscript();
        const current = (await one(db, projectId, id))!;
        const next = { ...current };
        if (patch.title !== undefined) next.title = patch.title;
        if (patch.participant !== undefined) next.participant = patch.participant;
        if (patch.attributes !== undefined) next.attributes = { ...patch.attributes };
        if (patch.language === null) delete next.language;
        else if (patch.language !== undefined) next.language = patch.language;
        await sql`
          UPDATE transcripts SET title = ${next.title}, participant = ${next.participant},
                 attributes = ${json(next.attributes)}::json, language = ${next.language ?? null}
          WHERE project_id = ${projectId} AND id = ${id}`.execute(db);
        return next;
      }),
    delete: (projectId, id) =>
      scope.atomic(async (db) => {
        const { rows } = await sql`
          DELETE FROM transcripts WHERE project_id = ${projectId} AND id = ${id} RETURNING id`.execute(db);
        return rows.length > 0;
      }),
    setMedia: (projectId, id, media) =>
      scope.atomic(async (db) => {
        const { rows } = await sql`
          UPDATE transcripts SET media = ${media === null ? null : json(media)}::jsonb
          WHERE project_id = ${projectId} AND id = ${id} RETURNING id`.execute(db);
        if (rows.length === 0 && media !== null) throw failures.noTranscript();
      }),
  };
}

function rounds(scope: Scope): RoundsRepo {
  const one = async (db: Db, id: string) => first(await selectRounds(db, sql`r.id = ${id}`));
  /** The round's status, its row locked: `no such round` when there is none. */
  const lockedStatus = async (db: Db, id: string): Promise<Round['status']> => {
    const { rows } = await sql<{
      status: Round['status'];
    }>`SELECT status FROM rounds WHERE id = ${id} FOR UPDATE`.execute(db);
    if (rows[0] === undefined) throw failures.noRound();
    return rows[0].status;
  };
  return {
    listByProject: (projectId) => selectRounds(scope.db, sql`r.project_id = ${projectId}`),
    get: (id) => one(scope.db, id),
    create: (round) =>
      scope.atomic(async (db) => {
        // Round creations of one project queue on its row; the partial unique index on running assignments
        // (migration 0002) holds the rule even for a writer that did not.
        const { rows: project } = await sql`SELECT 1 FROM projects WHERE id = ${round.projectId} FOR UPDATE`.execute(
          db,
        );
        if (project.length === 0) throw failures.noProject();
        const wanted = round.assignments.map((a) => a.transcriptId);
        const { rows } = await sql<{ transcript_id: string }>`
          SELECT transcript_id FROM round_assignments
          WHERE project_id = ${round.projectId} AND running AND transcript_id = ANY(${wanted}::text[])`.execute(db);
        const taken = new Set(rows.map((row) => row.transcript_id));
        const busy = wanted.filter((id) => taken.has(id));
        if (busy.length > 0) throw failures.inRound(busy);
        await refusingDuplicate(
          'round_assignments_one_running',
          () => failures.inRound(wanted),
          () => insertRoundRows(db, round),
        );
        return structuredClone(round);
      }),
    setDone: (id, transcriptId, coder, done, at) =>
      scope.atomic(async (db) => {
        if ((await lockedStatus(db, id)) !== 'running') throw failures.revealed();
        await sql`
          DELETE FROM round_done WHERE round_id = ${id} AND transcript_id = ${transcriptId} AND coder = ${coder}`.execute(
          db,
        );
        if (done) {
          await sql`
            INSERT INTO round_done (round_id, transcript_id, coder, at)
            VALUES (${id}, ${transcriptId}, ${coder}, ${at})`.execute(db);
        }
        return (await one(db, id))!;
      }),
    reveal: (id, reveal) =>
      scope.atomic(async (db) => {
        // One statement with its precondition: of racing reveals exactly one finds the round running.
        const { rows } = await sql`
          UPDATE rounds SET status = 'revealed', revealed_at = ${reveal.revealedAt},
                 revealed_by = ${reveal.revealedBy}, forced = ${reveal.forced},
                 languages = ${json(reveal.languages)}::json
          WHERE id = ${id} AND status = 'running' RETURNING id`.execute(db);
        if (rows.length === 0) {
          const { rows: exists } = await sql`SELECT 1 FROM rounds WHERE id = ${id}`.execute(db);
          throw exists.length === 0 ? failures.noRound() : failures.revealed();
        }
        await sql`DELETE FROM round_snapshots WHERE round_id = ${id} AND kind = 'reveal'`.execute(db);
        await insertRevealSnapshots(db, id, reveal.snapshots);
        await sql`UPDATE round_assignments SET running = false WHERE round_id = ${id}`.execute(db);
        return (await one(db, id))!;
      }),
    addCodebookChange: (id, change) =>
      scope.atomic(async (db) => {
        // FOR KEY SHARE: the round stays while the change is added, without waiting on a reveal.
        const { rows } = await sql`SELECT 1 FROM rounds WHERE id = ${id} FOR KEY SHARE`.execute(db);
        if (rows.length === 0) throw failures.noRound();
        await insertCodebookChange(db, id, change);
        return (await one(db, id))!;
      }),
  };
}

function invitations(scope: Scope): InvitationsRepo {
  /** The link, its row locked, if it can be used at `now`. */
  const usable = async (db: Db, id: string, now: number): Promise<Invitation> => {
    const invitation = first(await selectInvitations(db, sql`id = ${id}`, sql`FOR UPDATE`));
    if (invitation === null) throw failures.invalidLink();
    checkUsable(invitation, now);
    return invitation;
  };
  return {
    list: () => selectInvitations(scope.db),
    listForProject: (projectId) => selectInvitations(scope.db, sql`project_id = ${projectId}`),
    get: async (id) => first(await selectInvitations(scope.db, sql`id = ${id}`)),
    findByTokenHash: async (tokenHash) => first(await selectInvitations(scope.db, sql`token_hash = ${tokenHash}`)),
    createInvite: (invitation) =>
      scope.atomic(async (db) => {
        const { rows: taken } = await sql`SELECT 1 FROM users WHERE email = ${invitation.email}`.execute(db);
        if (taken.length > 0) throw failures.emailTaken(invitation.email);
        if (invitation.project) {
          const { rows } = await sql`SELECT 1 FROM projects WHERE id = ${invitation.project.id}`.execute(db);
          if (rows.length === 0) throw failures.noProject();
        }
        await insertInvitationRow(db, invitation);
        return structuredClone(invitation);
      }),
    createReset: (invitation) =>
      scope.atomic(async (db) => {
        const user = await lockedUser(db, invitation.userId ?? '', 'SHARE');
        if (user === null) throw failures.noUser();
        if (user.deactivatedAt !== undefined) throw failures.deactivated();
        await sql`
          UPDATE invitations SET revoked_at = ${invitation.createdAt}
          WHERE kind = 'reset' AND user_id = ${user.id} AND used_at IS NULL AND revoked_at IS NULL`.execute(db);
        await insertInvitationRow(db, invitation);
        return structuredClone(invitation);
      }),
    revoke: (id, now) =>
      scope.atomic(async (db) => {
        const invitation = first(await selectInvitations(db, sql`id = ${id}`, sql`FOR UPDATE`));
        if (invitation === null) throw failures.noInvitation();
        const status = invitationStatus(invitation, now);
        if (status !== 'pending') throw failures.invitationNotPending(status);
        await sql`UPDATE invitations SET revoked_at = ${now} WHERE id = ${id}`.execute(db);
        return { ...invitation, revokedAt: now };
      }),
    acceptInvite: (id, user, now) =>
      scope.atomic(async (db) => {
        // The link's row lock: of two acceptances, the second waits and then finds it used.
        const invitation = await usable(db, id, now);
        const created = await insertUser(db, user);
        let joined: { project: string; role: Role } | null = null;
        if (invitation.project) {
          const { rows } = await sql`
            SELECT 1 FROM projects WHERE id = ${invitation.project.id} FOR KEY SHARE`.execute(db);
          if (rows.length > 0) {
            joined = { project: invitation.project.id, role: invitation.project.role };
            await sql`
              INSERT INTO project_members (project_id, user_id, role, added_at)
              VALUES (${joined.project}, ${user.id}, ${joined.role}, ${now})`.execute(db);
          }
        }
        await sql`UPDATE invitations SET used_at = ${now}, used_by = ${user.id} WHERE id = ${id}`.execute(db);
        return { user: created, invitation: { ...invitation, usedAt: now, usedBy: user.id }, joined };
      }),
    acceptReset: (id, passwordHash, now) =>
      scope.atomic(async (db) => {
        const invitation = await usable(db, id, now);
        const user = await lockedUser(db, invitation.userId ?? '', 'UPDATE');
        if (user === null) throw failures.linkAccountGone();
        if (user.deactivatedAt !== undefined) throw failures.deactivated();
        await sql`UPDATE users SET password_hash = ${passwordHash} WHERE id = ${user.id}`.execute(db);
        const ended = await endSessions(db, sql`user_id = ${user.id}`);
        await sql`UPDATE invitations SET used_at = ${now}, used_by = ${user.id} WHERE id = ${id}`.execute(db);
        return {
          user: { ...user, passwordHash },
          invitation: { ...invitation, usedAt: now, usedBy: user.id },
          ended,
        };
      }),
  };
}

function settings(scope: Scope): ServerSettingsRepo {
  return {
    get: () => selectServerSettings(scope.db),
    update: (patch) =>
      scope.atomic(async (db) => {
        const current = await selectServerSettings(db, sql`FOR UPDATE`);
        const next = { ...current, ...patch };
        await sql`
          INSERT INTO server_settings (id, settings) VALUES (true, ${json(next)}::jsonb)
          ON CONFLICT (id) DO UPDATE SET settings = EXCLUDED.settings`.execute(db);
        return next;
      }),
  };
}

export function reposIn(scope: Scope): MetadataRepos {
  return {
    users: users(scope),
    sessions: sessions(scope),
    projects: projects(scope),
    transcripts: transcripts(scope),
    rounds: rounds(scope),
    invitations: invitations(scope),
    settings: settings(scope),
  };
}
