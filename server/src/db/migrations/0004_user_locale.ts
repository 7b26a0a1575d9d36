import { type Kysely, sql } from 'kysely';

/**
 * The interface language a user chose (`users.locale`, a BCP 47 tag such as `de`), so the choice follows them to
 * every browser; NULL: the browser's language. Nullable, so existing rows need no value.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN locale text CHECK (locale IS NULL OR length(locale) BETWEEN 2 AND 35)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN locale`.execute(db);
}
