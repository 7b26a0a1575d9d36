import { sql } from 'kysely';
import type { AccordDatabase } from '../../db/index.js';
import type { AuditEntry } from '../audit.js';
import { METADATA_VERSION } from '../migrations.js';
import type { AuditRepo, Metadata, MetadataRepos } from '../repositories.js';
import type { MetadataSnapshot } from '../schema.js';
import { reposIn, type Scope } from './repos.js';
import {
  type Db,
  insertAuditRow,
  selectAudit,
  selectInvitations,
  selectProjects,
  selectRounds,
  selectServerSettings,
  selectSessions,
  selectTranscripts,
  selectUsers,
} from './rows.js';

/** SQLSTATEs after which a whole transaction may simply run again: nothing of it was committed. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 8;

const sqlState = (error: unknown) => (error as { code?: unknown } | null)?.code;

/**
 * The metadata in PostgreSQL (tables of migration 0002, server/src/db/migrations): what several instances share.
 * Each writing method is one transaction holding its precondition and its change (see repos.ts for the lock each
 * one takes), so that the rules of repositories.ts hold across instances, not only within one process: of racing
 * writers on any instances exactly one wins. A transaction that PostgreSQL aborts for a deadlock or a serialization
 * failure is run again (nothing of it was committed). Reads outside a transaction are single statements.
 *
 * The database (pool) is the caller's: the composition root shares it with the document and media storage, and
 * closes it after them; `close()` here closes nothing.
 */
export class PostgresMetadata implements Metadata {
  readonly kind = 'postgres';
  readonly audit: AuditRepo;
  private readonly repos: MetadataRepos;
  private readonly db: Db;

  private constructor(database: Pick<AccordDatabase, 'db'>) {
    this.db = database.db as Db;
    this.repos = reposIn({ db: this.db, atomic: (work) => this.atomic(work) });
    this.audit = {
      record: async (entry) => {
        await insertAuditRow(this.db, { at: Date.now(), ...entry } as AuditEntry);
      },
      list: (filter = {}) => selectAudit(this.db, filter.project),
    };
  }

  /** Opens the metadata on a migrated database (`migrateToLatest`); refuses one without its tables. */
  static async open(database: Pick<AccordDatabase, 'db'>): Promise<PostgresMetadata> {
    const { rows } = await sql<{ present: boolean }>`
      SELECT to_regclass('users') IS NOT NULL AND to_regclass('audit_log') IS NOT NULL AS present`.execute(database.db);
    if (!rows[0]?.present) {
      throw new Error('the PostgreSQL database has no metadata tables: migrate it first (accord serve does it itself)');
    }
    return new PostgresMetadata(database);
  }

  private async atomic<T>(work: (db: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute(work);
      } catch (error) {
        if (!RETRYABLE.has(sqlState(error) as string) || attempt >= ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
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

  /**
   * One PostgreSQL transaction (READ COMMITTED): every repository call inside runs in it and takes its locks in
   * it, so its changes commit together or not at all. Other instances' writes to rows it has locked wait for it.
   */
  transaction<T>(work: (tx: MetadataRepos) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => {
      const scope: Scope = { db: trx, atomic: (step) => step(trx) };
      return work(reposIn(scope));
    });
  }

  /** Everything in one REPEATABLE READ, read-only transaction: one consistent state of all tables. */
  snapshot(): Promise<MetadataSnapshot> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => ({
        version: METADATA_VERSION,
        users: await selectUsers(trx),
        sessions: await selectSessions(trx),
        projects: await selectProjects(trx),
        transcripts: await selectTranscripts(trx),
        rounds: await selectRounds(trx),
        invitations: await selectInvitations(trx),
        serverSettings: await selectServerSettings(trx),
      }));
  }

  async close(): Promise<void> {}
}

/** Counts of the metadata tables (for `accord migrate-store` and `accord check`). */
export async function metadataRowCounts(database: Pick<AccordDatabase, 'db'>): Promise<Record<string, number>> {
  const tables = [
    'users',
    'sessions',
    'projects',
    'project_members',
    'transcripts',
    'rounds',
    'invitations',
    'audit_log',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(database.db);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}
