import { type Kysely, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Logger } from '../log.js';
import type { AccordDatabase } from './connect.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './tables.js';

/** Where Kysely records the applied migrations (and its lock row), beside the application's tables. */
export const MIGRATION_TABLE = 'accord_migrations';
export const MIGRATION_LOCK_TABLE = 'accord_migrations_lock';

/** A database to migrate: Kysely on it, and where it is (the URL without its password) for messages. */
export type MigratableDatabase = Pick<AccordDatabase, 'db' | 'where'>;

/** What a database has applied, against what this build knows. */
export interface MigrationState {
  /** Every migration this build knows, in order. */
  known: string[];
  /** Applied to the database, in name order. */
  applied: string[];
  /** Known but not applied yet: `migrateToLatest` applies them. */
  pending: string[];
  /** Applied by a newer build: this build must not touch the database. */
  unknown: string[];
}

/** The database was migrated by a newer Accord than this one: nothing was changed. */
export class DatabaseTooNewError extends Error {
  override name = 'DatabaseTooNewError';

  constructor(
    readonly where: string,
    readonly unknown: readonly string[],
    readonly latestKnown: string | null,
  ) {
    super(
      `the PostgreSQL database ${where} was migrated by a newer version of Accord: migration${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} unknown to this build, whose latest is ` +
        `${latestKnown ?? '(none)'}. Nothing was changed. Run the newer Accord, or restore a backup taken before it migrated.`,
    );
  }
}

const provider: MigrationProvider = { getMigrations: async () => ({ ...MIGRATIONS }) };

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
}

/** Reads which migrations the database has applied; an empty database has applied none. */
export async function migrationState({ db }: MigratableDatabase): Promise<MigrationState> {
  const known = Object.keys(MIGRATIONS).sort();
  const exists = await sql<{ present: boolean }>`SELECT to_regclass(${MIGRATION_TABLE}) IS NOT NULL AS present`.execute(
    db,
  );
  const applied = exists.rows[0]?.present
    ? (await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)}`.execute(db)).rows
        .map((row) => row.name)
        .sort()
    : [];
  return {
    known,
    applied,
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)),
  };
}

/** Throws DatabaseTooNewError if the database has applied a migration this build does not know. */
export async function assertMigrationsKnown(database: MigratableDatabase): Promise<MigrationState> {
  const state = await migrationState(database);
  const { where } = database;
  if (state.unknown.length > 0) throw new DatabaseTooNewError(where, state.unknown, state.known.at(-1) ?? null);
  return state;
}

/**
 * Brings an empty or older database to this build's schema, in one transaction under Kysely's migration lock (an
 * advisory lock: instances starting together migrate once). Refuses, changing nothing, a database that a newer
 * build migrated. Answers the migrations applied now (none when it was up to date).
 */
export async function migrateToLatest(database: MigratableDatabase, logger?: Logger): Promise<string[]> {
  const { db, where } = database;
  await assertMigrationsKnown(database);
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    // A newer build that migrated between our check and the lock: Kysely reports its migration as "missing".
    const state = await migrationState(database).catch(() => null);
    if (state && state.unknown.length > 0) {
      throw new DatabaseTooNewError(where, state.unknown, state.known.at(-1) ?? null);
    }
    throw new Error(`migrating the PostgreSQL database ${where} failed: ${(error as Error).message}`, { cause: error });
  }
  const applied = (results ?? []).filter((result) => result.status === 'Success').map((r) => r.migrationName);
  if (applied.length > 0) logger?.info('db.migrated', { where, applied });
  return applied;
}
