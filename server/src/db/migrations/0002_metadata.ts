import { type Kysely, sql } from 'kysely';

/**
 * The metadata store's tables (server/src/metadata/postgres): accounts, sessions, projects with members and
 * settings, the transcript index, rounds with their sub-records, one-time links, server settings and the audit log.
 *
 * - Times are milliseconds since the epoch (`bigint`), as in meta.json and the REST API.
 * - Every table has a `seq` from its own sequence: lists answer in insertion order (repositories.ts).
 * - Nested values read and written whole are `jsonb` (project settings, a sample, a recording, server settings);
 *   values whose key order is user-visible or evidence (transcript attributes, a codebook change, audit details,
 *   a round's languages) are `json`, which keeps the text as written.
 * - The constraints hold what concurrent instances must never break: one account per email, at most one running
 *   round per transcript, a revealed round's reveal record and snapshots never changing, an append-only audit log.
 *   Conditions spanning rows (the last owner, the last administrator, the first account) are kept by the
 *   repositories under row or advisory locks, in one transaction per operation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      id text PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      password_hash text NOT NULL,
      admin boolean NOT NULL,
      created_at bigint NOT NULL,
      deactivated_at bigint,
      CONSTRAINT users_email_unique UNIQUE (email)
    )`.execute(db);
  await sql`
    CREATE TABLE sessions (
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      token_hash text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users (id),
      csrf_token text NOT NULL,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX sessions_user ON sessions (user_id)`.execute(db);
  await sql`CREATE INDEX sessions_expires ON sessions (expires_at)`.execute(db);

  await sql`
    CREATE TABLE projects (
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      id text PRIMARY KEY,
      name text NOT NULL,
      description text NOT NULL,
      archived boolean NOT NULL,
      created_at bigint NOT NULL,
      created_by text NOT NULL,
      settings jsonb NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE project_members (
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id),
      role text NOT NULL CHECK (role IN ('owner', 'coder', 'viewer')),
      added_at bigint NOT NULL,
      PRIMARY KEY (project_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX project_members_user ON project_members (user_id)`.execute(db);

  await sql`
    CREATE TABLE transcripts (
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      id text NOT NULL,
      title text NOT NULL,
      participant text NOT NULL,
      attributes json NOT NULL,
      created_by text NOT NULL,
      created_at bigint NOT NULL,
      language text CHECK (length(language) <= 64),
      media jsonb,
      PRIMARY KEY (project_id, id)
    )`.execute(db);

  await sql`
    CREATE TABLE rounds (
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      id text PRIMARY KEY,
      project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      name text NOT NULL,
      mode text NOT NULL CHECK (mode IN ('blind', 'open')),
      status text NOT NULL CHECK (status IN ('running', 'revealed')),
      owner_may_look boolean NOT NULL,
      created_at bigint NOT NULL,
      created_by text NOT NULL,
      sample jsonb,
      adjudicators text[] NOT NULL,
      segmentation integer,
      revealed_at bigint,
      revealed_by text,
      forced boolean NOT NULL,
      languages json,
      -- The reveal record is there exactly when the round is revealed.
      CHECK ((status = 'revealed') = (revealed_at IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX rounds_project ON rounds (project_id, seq)`.execute(db);
  // A revealed round is evidence: only a codebook change (its own table) is added to it afterwards.
  await sql`
    CREATE FUNCTION rounds_revealed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status = 'revealed' THEN
        RAISE EXCEPTION 'round % is revealed: it cannot change', OLD.id
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER rounds_revealed_immutable BEFORE UPDATE ON rounds
    FOR EACH ROW EXECUTE FUNCTION rounds_revealed_immutable()`.execute(db);
  await sql`
    CREATE TABLE round_assignments (
      round_id text NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
      position integer NOT NULL,
      project_id text NOT NULL,
      transcript_id text NOT NULL,
      coders text[] NOT NULL,
      -- Whether the round is running, kept with the round's status: what the index below needs.
      running boolean NOT NULL,
      PRIMARY KEY (round_id, position)
    )`.execute(db);
  // A transcript is in at most one running round of its project.
  await sql`
    CREATE UNIQUE INDEX round_assignments_one_running ON round_assignments (project_id, transcript_id)
    WHERE running`.execute(db);
  await sql`
    CREATE TABLE round_done (
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      round_id text NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
      transcript_id text NOT NULL,
      coder text NOT NULL,
      at bigint NOT NULL,
      PRIMARY KEY (round_id, transcript_id, coder)
    )`.execute(db);
  await sql`
    CREATE TABLE round_snapshots (
      round_id text NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
      -- 'codebook': the codebook frozen when the round was created; 'reveal': the layers and texts at reveal.
      kind text NOT NULL CHECK (kind IN ('codebook', 'reveal')),
      position integer NOT NULL,
      doc_name text NOT NULL,
      snapshot_id text NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      bytes bigint NOT NULL CHECK (bytes >= 0),
      PRIMARY KEY (round_id, kind, position),
      CHECK (kind = 'reveal' OR position = 0)
    )`.execute(db);
  await sql`
    CREATE FUNCTION round_snapshots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the snapshot record %@% of round % is immutable', OLD.doc_name, OLD.snapshot_id, OLD.round_id
        USING ERRCODE = 'integrity_constraint_violation';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER round_snapshots_immutable BEFORE UPDATE ON round_snapshots
    FOR EACH ROW EXECUTE FUNCTION round_snapshots_immutable()`.execute(db);
  await sql`
    CREATE TABLE round_codebook_changes (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      round_id text NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
      change json NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX round_codebook_changes_round ON round_codebook_changes (round_id, seq)`.execute(db);

  await sql`
    CREATE TABLE invitations (
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      id text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('invite', 'reset')),
      token_hash text NOT NULL UNIQUE,
      email text NOT NULL,
      user_id text,
      admin boolean NOT NULL,
      project_id text,
      project_role text CHECK (project_role IN ('owner', 'coder', 'viewer')),
      created_by text,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      used_at bigint,
      used_by text,
      revoked_at bigint,
      CHECK ((project_id IS NULL) = (project_role IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX invitations_project ON invitations (project_id)`.execute(db);
  await sql`CREATE INDEX invitations_user ON invitations (user_id)`.execute(db);

  await sql`
    CREATE TABLE server_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      settings jsonb NOT NULL
    )`.execute(db);
  await sql`INSERT INTO server_settings (settings) VALUES ('{}')`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at bigint NOT NULL,
      actor text,
      action text NOT NULL,
      project text,
      details json
    )`.execute(db);
  await sql`CREATE INDEX audit_log_project ON audit_log (project, seq)`.execute(db);
  // Append-only: an entry is never changed nor deleted.
  await sql`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'server_settings',
    'invitations',
    'round_codebook_changes',
    'round_snapshots',
    'round_done',
    'round_assignments',
    'rounds',
    'transcripts',
    'project_members',
    'projects',
    'sessions',
    'users',
  ]) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION audit_log_append_only()`.execute(db);
  await sql`DROP FUNCTION round_snapshots_immutable()`.execute(db);
  await sql`DROP FUNCTION rounds_revealed_immutable()`.execute(db);
}
