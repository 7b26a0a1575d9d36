import { type Kysely, sql } from 'kysely';

/**
 * The document storage engine's tables (server/src/persistence/postgres): documents, their updates since the last
 * compaction and their immutable named snapshots. Names use the "C" collation so that prefix queries (`LIKE 'p/x/%'`)
 * use the primary key and list in byte order, as the file engine does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE documents (
      name text COLLATE "C" PRIMARY KEY,
      base bytea,
      created_at timestamptz NOT NULL DEFAULT now(),
      compacted_at timestamptz
    )`.execute(db);
  await sql`
    CREATE TABLE document_updates (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      doc_name text COLLATE "C" NOT NULL REFERENCES documents (name) ON DELETE CASCADE,
      payload bytea NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX document_updates_doc_id ON document_updates (doc_name, id)`.execute(db);
  await sql`
    CREATE TABLE document_snapshots (
      doc_name text COLLATE "C" NOT NULL REFERENCES documents (name) ON DELETE CASCADE,
      snapshot_id text COLLATE "C" NOT NULL,
      sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
      state bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (doc_name, snapshot_id)
    )`.execute(db);
  // A named snapshot is evidence (a round's frozen state, cited by its SHA-256): written once, never changed.
  await sql`
    CREATE FUNCTION document_snapshots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'named snapshot %@% is immutable', OLD.doc_name, OLD.snapshot_id
        USING ERRCODE = 'integrity_constraint_violation';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER document_snapshots_immutable BEFORE UPDATE ON document_snapshots
    FOR EACH ROW EXECUTE FUNCTION document_snapshots_immutable()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE document_snapshots`.execute(db);
  await sql`DROP FUNCTION document_snapshots_immutable()`.execute(db);
  await sql`DROP TABLE document_updates`.execute(db);
  await sql`DROP TABLE documents`.execute(db);
}
