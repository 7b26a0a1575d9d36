import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../log.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './tables.js';

export interface DatabaseOptions {
  /** `postgres://user:password@host:port/database` (libpq's URL form, as `psql` takes it). */
  url: string;
  logger: Logger;
  /** Connections this process opens at most (default 10). */
  maxConnections?: number;
  /** Shown in `pg_stat_activity.application_name` (default "accord"). */
  applicationName?: string;
}

/** One process's way into PostgreSQL: a connection pool, and Kysely (typed queries, migrations) over it. */
export interface AccordDatabase {
  pool: pg.Pool;
  db: Kysely<Database>;
  /** The URL without its password, for messages and logs. */
  where: string;
  /** Ends every connection (after the queries under way). */
  close(): Promise<void>;
}

/** Thrown when PostgreSQL cannot be reached or refuses the connection at start. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/**
 * Opens a pool on `url` and checks that one connection works, so that a wrong URL, password or database fails at
 * start with a clear message rather than at the first request.
 */
export async function openDatabase(options: DatabaseOptions): Promise<AccordDatabase> {
  const where = redactUrl(options.url);
  const pool = createPool(options);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL at ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  return {
    pool,
    db,
    where,
    close: () => {
      // Kysely's destroy ends the pool it was given.
      closing ??= db.destroy();
      return closing;
    },
  };
}

/**
 * A pool on `url`. A connection that dies (PostgreSQL restarted, a backend terminated) is logged and replaced on
 * next use instead of crashing the process, which is what node-postgres does with an unhandled 'error' event.
 */
export function createPool(options: DatabaseOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'accord',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  const where = redactUrl(options.url);
  pool.on('error', (error) => options.logger.warn('db.idle_connection_lost', { where, error }));
  // A connection in use whose backend dies emits 'error' as well as failing its query (which the caller handles);
  // node-postgres listens only while the connection is idle, so without this an unhandled 'error' would end the
  // process (Kysely does not listen either).
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger.warn('db.connection_lost', { where, error }));
  });
  return pool;
}

/** `url` with its password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable PostgreSQL URL)';
  }
}

/**
 * What `accord serve` (and every command that opens the context) does with a PostgreSQL URL: connects, then brings
 * an empty or older database to this build's schema (migrate.ts). A database migrated by a newer build is refused
 * with DatabaseTooNewError, unchanged; the pool is closed again on any failure.
 */
export async function openMigratedDatabase(options: DatabaseOptions): Promise<AccordDatabase> {
  const database = await openDatabase(options);
  try {
    await migrateToLatest(database, options.logger);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
