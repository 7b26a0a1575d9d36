import { type Kysely, sql } from 'kysely';

/**
 * Recordings (server/src/media/postgres.ts): a recording is named by its transcript and the SHA-256 of its bytes,
 * as in the data folder (media/<project>/<transcript>/<sha256>.media), and stored as chunks of at most 1 MiB, so
 * that a range request reads only the chunks it covers and nothing holds a whole recording in memory. The chunks
 * are stored uncompressed (STORAGE EXTERNAL): recordings are compressed already, and ranges of uncompressed
 * out-of-line values are read without reading the rest. A recording never changes once stored; a new upload is a
 * new recording, and the transcript's metadata says which one counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE media_objects (
      project_id text NOT NULL,
      transcript_id text NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      bytes bigint NOT NULL CHECK (bytes >= 0),
      chunk_bytes integer NOT NULL CHECK (chunk_bytes > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (project_id, transcript_id, sha256)
    )`.execute(db);
  await sql`
    CREATE TABLE media_chunks (
      project_id text NOT NULL,
      transcript_id text NOT NULL,
      sha256 text NOT NULL,
      n integer NOT NULL CHECK (n >= 0),
      data bytea NOT NULL,
      PRIMARY KEY (project_id, transcript_id, sha256, n),
      FOREIGN KEY (project_id, transcript_id, sha256)
        REFERENCES media_objects (project_id, transcript_id, sha256) ON DELETE CASCADE
    )`.execute(db);
  await sql`ALTER TABLE media_chunks ALTER COLUMN data SET STORAGE EXTERNAL`.execute(db);
  // Stored recordings never change: only whole recordings are deleted (with their chunks).
  await sql`
    CREATE FUNCTION media_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'a stored recording is immutable' USING ERRCODE = 'integrity_constraint_violation';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER media_objects_immutable BEFORE UPDATE ON media_objects
    FOR EACH ROW EXECUTE FUNCTION media_immutable()`.execute(db);
  await sql`
    CREATE TRIGGER media_chunks_immutable BEFORE UPDATE ON media_chunks
    FOR EACH ROW EXECUTE FUNCTION media_immutable()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE media_chunks`.execute(db);
  await sql`DROP TABLE media_objects`.execute(db);
  await sql`DROP FUNCTION media_immutable()`.execute(db);
}
