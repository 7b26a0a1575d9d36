import type { Role } from '@accord/shared';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AuditEntry } from '../audit.js';
import type {
  Invitation,
  Project,
  Round,
  ServerSettings,
  Session,
  SnapshotRecord,
  TranscriptMedia,
  TranscriptMeta,
  User,
} from '../schema.js';

/**
 * How the records of schema.ts are stored in the tables of migration 0002 (server/src/db/migrations) and read
 * back: each kind has one SELECT, used by every repository method that answers that kind, so that a record reads
 * the same whichever method answered it. Sub-records (members, a round's assignments, done marks, snapshot records
 * and codebook changes) come in the same statement, aggregated as JSON, so one read sees one consistent state.
 * `bigint` columns arrive as strings from node-postgres and are turned into numbers (milliseconds fit in 2^53).
 */

/** Any Kysely over the Accord database: the pool, or a transaction. */
// biome-ignore lint/suspicious/noExplicitAny: the metadata tables are queried with `sql`, not the typed builder.
export type Db = Kysely<any>;

const num = (value: string | number): number => Number(value);
const numOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

// --- users ---

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  admin: boolean;
  created_at: string;
  deactivated_at: string | null;
  locale: string | null;
}

export const USER_COLUMNS = sql.raw('id, email, name, password_hash, admin, created_at, deactivated_at, locale');

export function toUser(row: UserRow): User {
  const user: User = {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    admin: row.admin,
    createdAt: num(row.created_at),
  };
  if (row.deactivated_at !== null) user.deactivatedAt = num(row.deactivated_at);
  if (row.locale !== null) user.locale = row.locale;
  return user;
}

export async function selectUsers(
  db: Db,
  where: RawBuilder<unknown> = sql`true`,
  lock: RawBuilder<unknown> = sql``,
): Promise<User[]> {
  const { rows } = await sql<UserRow>`
    SELECT ${USER_COLUMNS} FROM users WHERE ${where} ORDER BY seq ${lock}`.execute(db);
  return rows.map(toUser);
}

export async function insertUserRow(db: Db, user: User): Promise<void> {
  await sql`
    INSERT INTO users (id, email, name, password_hash, admin, created_at, deactivated_at, locale)
    VALUES (${user.id}, ${user.email}, ${user.name}, ${user.passwordHash}, ${user.admin}, ${user.createdAt},
            ${user.deactivatedAt ?? null}, ${user.locale ?? null})`.execute(db);
}

// --- sessions ---

export interface SessionRow {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export const SESSION_COLUMNS = sql.raw('token_hash, user_id, csrf_token, created_at, expires_at');

export function toSession(row: SessionRow): Session {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
  };
}

export async function selectSessions(db: Db, where: RawBuilder<unknown> = sql`true`): Promise<Session[]> {
  const { rows } = await sql<SessionRow>`
    SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${where} ORDER BY seq`.execute(db);
  return rows.map(toSession);
}

export async function insertSessionRow(db: Db, session: Session): Promise<void> {
  await sql`
    INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
    VALUES (${session.tokenHash}, ${session.userId}, ${session.csrfToken}, ${session.createdAt},
            ${session.expiresAt})`.execute(db);
}

// --- projects ---

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  archived: boolean;
  created_at: string;
  created_by: string;
  settings: Project['settings'];
  members: { userId: string; role: Role; addedAt: number }[];
}

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    archived: row.archived,
    createdAt: num(row.created_at),
    createdBy: row.created_by,
    settings: row.settings,
    members: row.members,
  };
}

/** Projects with their members (in the order they joined), `where` over the alias `p`. */
export async function selectProjects(db: Db, where: RawBuilder<unknown> = sql`true`): Promise<Project[]> {
  const { rows } = await sql<ProjectRow>`
    SELECT p.id, p.name, p.description, p.archived, p.created_at, p.created_by, p.settings,
      COALESCE((SELECT json_agg(json_build_object('userId', m.user_id, 'role', m.role, 'addedAt', m.added_at)
                                ORDER BY m.seq)
                FROM project_members m WHERE m.project_id = p.id), '[]'::json) AS members
    FROM projects p WHERE ${where} ORDER BY p.seq`.execute(db);
  return rows.map(toProject);
}

export async function insertProjectRows(db: Db, project: Project): Promise<void> {
  await sql`
    INSERT INTO projects (id, name, description, archived, created_at, created_by, settings)
    VALUES (${project.id}, ${project.name}, ${project.description}, ${project.archived}, ${project.createdAt},
            ${project.createdBy}, ${json(project.settings)}::jsonb)`.execute(db);
  for (const member of project.members) {
    await sql`
      INSERT INTO project_members (project_id, user_id, role, added_at)
      VALUES (${project.id}, ${member.userId}, ${member.role}, ${member.addedAt})`.execute(db);
  }
}

// --- transcripts ---

interface TranscriptRow {
  project_id: string;
  id: string;
  title: string;
  participant: string;
  attributes: Record<string, string>;
  created_by: string;
  created_at: string;
  language: string | null;
  media: TranscriptMedia | null;
}

function toTranscript(row: TranscriptRow): TranscriptMeta {
  const transcript: TranscriptMeta = {
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    participant: row.participant,
    attributes: row.attributes,
    createdBy: row.created_by,
    createdAt: num(row.created_at),
  };
  if (row.language !== null) transcript.language = row.language;
  if (row.media !== null) transcript.media = row.media;
  return transcript;
}

export async function selectTranscripts(db: Db, where: RawBuilder<unknown> = sql`true`): Promise<TranscriptMeta[]> {
  const { rows } = await sql<TranscriptRow>`
    SELECT project_id, id, title, participant, attributes, created_by, created_at, language, media
    FROM transcripts WHERE ${where} ORDER BY seq`.execute(db);
  return rows.map(toTranscript);
}

export async function insertTranscriptRow(db: Db, t: TranscriptMeta): Promise<void> {
  await sql`
    INSERT INTO transcripts (project_id, id, title, participant, attributes, created_by, created_at, language, media)
    VALUES (${t.projectId}, ${t.id}, ${t.title}, ${t.participant}, ${json(t.attributes)}::json, ${t.createdBy},
            ${t.createdAt}, ${t.language ?? null}, ${t.media === undefined ? null : json(t.media)}::jsonb)`.execute(db);
}

// --- rounds ---

interface RoundRow {
  id: string;
  project_id: string;
  name: string;
  mode: Round['mode'];
  status: Round['status'];
  owner_may_look: boolean;
  created_at: string;
  created_by: string;
  sample: Round['sample'];
  adjudicators: string[];
  segmentation: number | null;
  revealed_at: string | null;
  revealed_by: string | null;
  forced: boolean;
  languages: Record<string, string> | null;
  assignments: Round['assignments'];
  done: Round['done'];
  snapshots: SnapshotRecord[];
  codebook_snapshot: SnapshotRecord | null;
  codebook_changes: Round['codebookChanges'];
}

function toRound(row: RoundRow): Round {
  const round: Round = {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    mode: row.mode,
    status: row.status,
    ownerMayLook: row.owner_may_look,
    assignments: row.assignments,
    createdAt: num(row.created_at),
    createdBy: row.created_by,
    revealedAt: numOrNull(row.revealed_at),
    sample: row.sample,
    codebookSnapshot: row.codebook_snapshot,
    adjudicators: row.adjudicators,
    done: row.done,
    revealedBy: row.revealed_by,
    forced: row.forced,
    snapshots: row.snapshots,
    codebookChanges: row.codebook_changes,
  };
  if (row.segmentation !== null) round.segmentation = row.segmentation as Round['segmentation'];
  if (row.languages !== null) round.languages = row.languages;
  return round;
}

const SNAPSHOT_JSON = sql.raw(
  "json_build_object('docName', s.doc_name, 'snapshotId', s.snapshot_id, 'sha256', s.sha256, 'bytes', s.bytes)",
);

/** Rounds with all their sub-records, `where` over the alias `r`. */
export async function selectRounds(db: Db, where: RawBuilder<unknown> = sql`true`): Promise<Round[]> {
  const { rows } = await sql<RoundRow>`
    SELECT r.id, r.project_id, r.name, r.mode, r.status, r.owner_may_look, r.created_at, r.created_by, r.sample,
      r.adjudicators, r.segmentation, r.revealed_at, r.revealed_by, r.forced, r.languages,
      COALESCE((SELECT json_agg(json_build_object('transcriptId', a.transcript_id, 'coders', a.coders)
                                ORDER BY a.position)
                FROM round_assignments a WHERE a.round_id = r.id), '[]'::json) AS assignments,
      COALESCE((SELECT json_agg(json_build_object('transcriptId', d.transcript_id, 'coder', d.coder, 'at', d.at)
                                ORDER BY d.seq)
                FROM round_done d WHERE d.round_id = r.id), '[]'::json) AS done,
      COALESCE((SELECT json_agg(${SNAPSHOT_JSON} ORDER BY s.position)
                FROM round_snapshots s WHERE s.round_id = r.id AND s.kind = 'reveal'), '[]'::json) AS snapshots,
      (SELECT ${SNAPSHOT_JSON} FROM round_snapshots s
       WHERE s.round_id = r.id AND s.kind = 'codebook') AS codebook_snapshot,
      COALESCE((SELECT json_agg(c.change ORDER BY c.seq)
                FROM round_codebook_changes c WHERE c.round_id = r.id), '[]'::json) AS codebook_changes
    FROM rounds r WHERE ${where} ORDER BY r.seq`.execute(db);
  return rows.map(toRound);
}

export async function insertRoundRows(db: Db, round: Round): Promise<void> {
  await sql`
    INSERT INTO rounds (id, project_id, name, mode, status, owner_may_look, created_at, created_by, sample,
                        adjudicators, segmentation, revealed_at, revealed_by, forced, languages)
    VALUES (${round.id}, ${round.projectId}, ${round.name}, ${round.mode}, ${round.status}, ${round.ownerMayLook},
            ${round.createdAt}, ${round.createdBy}, ${round.sample === null ? null : json(round.sample)}::jsonb,
            ${round.adjudicators}::text[], ${round.segmentation ?? null}, ${round.revealedAt}, ${round.revealedBy},
            ${round.forced}, ${round.languages === undefined ? null : json(round.languages)}::json)`.execute(db);
  const running = round.status === 'running';
  for (const [position, a] of round.assignments.entries()) {
    await sql`
      INSERT INTO round_assignments (round_id, position, project_id, transcript_id, coders, running)
      VALUES (${round.id}, ${position}, ${round.projectId}, ${a.transcriptId}, ${a.coders}::text[], ${running})`.execute(
      db,
    );
  }
  for (const d of round.done) {
    await sql`
      INSERT INTO round_done (round_id, transcript_id, coder, at)
      VALUES (${round.id}, ${d.transcriptId}, ${d.coder}, ${d.at})`.execute(db);
  }
  if (round.codebookSnapshot !== null) await insertSnapshotRecord(db, round.id, 'codebook', 0, round.codebookSnapshot);
  await insertRevealSnapshots(db, round.id, round.snapshots);
  for (const change of round.codebookChanges) await insertCodebookChange(db, round.id, change);
}

export async function insertRevealSnapshots(db: Db, roundId: string, snapshots: readonly SnapshotRecord[]) {
  for (const [position, snapshot] of snapshots.entries()) {
    await insertSnapshotRecord(db, roundId, 'reveal', position, snapshot);
  }
}

async function insertSnapshotRecord(
  db: Db,
  roundId: string,
  kind: 'codebook' | 'reveal',
  position: number,
  s: SnapshotRecord,
): Promise<void> {
  await sql`
    INSERT INTO round_snapshots (round_id, kind, position, doc_name, snapshot_id, sha256, bytes)
    VALUES (${roundId}, ${kind}, ${position}, ${s.docName}, ${s.snapshotId}, ${s.sha256}, ${s.bytes})`.execute(db);
}

export async function insertCodebookChange(
  db: Db,
  roundId: string,
  change: Round['codebookChanges'][number],
): Promise<void> {
  await sql`INSERT INTO round_codebook_changes (round_id, change) VALUES (${roundId}, ${json(change)}::json)`.execute(
    db,
  );
}

// --- invitations ---

interface InvitationRow {
  id: string;
  kind: Invitation['kind'];
  token_hash: string;
  email: string;
  user_id: string | null;
  admin: boolean;
  project_id: string | null;
  project_role: Role | null;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
  revoked_at: string | null;
}

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    kind: row.kind,
    tokenHash: row.token_hash,
    email: row.email,
    userId: row.user_id,
    admin: row.admin,
    project:
      row.project_id === null || row.project_role === null ? null : { id: row.project_id, role: row.project_role },
    createdBy: row.created_by,
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    usedAt: numOrNull(row.used_at),
    usedBy: row.used_by,
    revokedAt: numOrNull(row.revoked_at),
  };
}

export async function selectInvitations(
  db: Db,
  where: RawBuilder<unknown> = sql`true`,
  lock: RawBuilder<unknown> = sql``,
): Promise<Invitation[]> {
  const { rows } = await sql<InvitationRow>`
    SELECT id, kind, token_hash, email, user_id, admin, project_id, project_role, created_by, created_at,
           expires_at, used_at, used_by, revoked_at
    FROM invitations WHERE ${where} ORDER BY seq ${lock}`.execute(db);
  return rows.map(toInvitation);
}

export async function insertInvitationRow(db: Db, i: Invitation): Promise<void> {
  await sql`
    INSERT INTO invitations (id, kind, token_hash, email, user_id, admin, project_id, project_role, created_by,
                             created_at, expires_at, used_at, used_by, revoked_at)
    VALUES (${i.id}, ${i.kind}, ${i.tokenHash}, ${i.email}, ${i.userId}, ${i.admin}, ${i.project?.id ?? null},
            ${i.project?.role ?? null}, ${i.createdBy}, ${i.createdAt}, ${i.expiresAt}, ${i.usedAt}, ${i.usedBy},
            ${i.revokedAt})`.execute(db);
}

// --- server settings ---

export const DEFAULT_SERVER_SETTINGS: ServerSettings = { ownersInvite: true };

export async function selectServerSettings(db: Db, lock: RawBuilder<unknown> = sql``): Promise<ServerSettings> {
  const { rows } = await sql<{ settings: Partial<ServerSettings> }>`
    SELECT settings FROM server_settings ${lock}`.execute(db);
  return { ...DEFAULT_SERVER_SETTINGS, ...(rows[0]?.settings ?? {}) };
}

// --- audit ---

interface AuditRow {
  at: string;
  actor: string | null;
  action: string;
  project: string | null;
  details: Record<string, unknown> | null;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = { at: num(row.at), actor: row.actor, action: row.action };
  if (row.project !== null) entry.project = row.project;
  if (row.details !== null) entry.details = row.details;
  return entry;
}

export async function selectAudit(db: Db, project?: string): Promise<AuditEntry[]> {
  const where = project === undefined ? sql`true` : sql`project = ${project}`;
  const { rows } = await sql<AuditRow>`
    SELECT at, actor, action, project, details FROM audit_log WHERE ${where} ORDER BY seq`.execute(db);
  return rows.map(toAuditEntry);
}

export async function insertAuditRow(db: Db, entry: AuditEntry): Promise<void> {
  await sql`
    INSERT INTO audit_log (at, actor, action, project, details)
    VALUES (${entry.at}, ${entry.actor ?? null}, ${entry.action}, ${entry.project ?? null},
            ${entry.details === undefined ? null : json(entry.details)}::json)`.execute(db);
}

/** A value for a `json`/`jsonb` parameter: node-postgres would turn a JS array into a PostgreSQL array. */
export const json = (value: unknown): string => JSON.stringify(value);
