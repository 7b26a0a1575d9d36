import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, resolveConfig } from '../config.js';
import {
  type AccordDatabase,
  DatabaseTooNewError,
  DatabaseUnavailableError,
  openMigratedDatabase,
} from '../db/index.js';
import { createLogger, type Logger } from '../log.js';
import { verifyMedia } from '../media/verify.js';
import { verifyDataDir } from '../metadata/integrity.js';
import { DataDirLockedError, lockDataDir } from '../metadata/lock.js';
import {
  copyIntoPostgres,
  DestinationNotEmptyError,
  type Fingerprint,
  fingerprint,
  formatComparison,
  mismatches,
  openDataDirView,
  withPostgresView,
} from '../metadata/postgres/transfer.js';
import { METADATA_FILE, readMetadataFile } from '../metadata/store.js';
import { parseFlags, UsageError } from './args.js';

export const summary = 'copy a data directory into an empty PostgreSQL database, verified (offline)';

const HELP = `Usage: accord migrate-store --from DIR --postgres URL

Copies everything an embedded data directory holds into an EMPTY PostgreSQL database, for running
Accord on PostgreSQL (accord serve --postgres URL): accounts, sessions, projects and members,
transcripts, rounds with their reveal records, invitations, server settings, the audit log, every
document's state, every named snapshot and every recording.

The directory is verified first (as "accord check" does) and locked, so no server may be running on
it; nothing in it changes. The database is migrated to this version's schema, and refused unless it is
empty. Afterwards both sides are read back and compared: for each kind of record the count and a
SHA-256 (metadata as canonical JSON, documents by state vector and encoded state, snapshots and
recordings by their bytes) are printed for the source and the destination.

--postgres defaults to ACCORD_POSTGRES_URL. Exit status: 0 when every kind matches, 1 on any mismatch
or failure (the database may then hold part of the copy: drop it and create it again), 2 on bad usage.
`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { from: { type: 'string' }, postgres: { type: 'string' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.from) throw new UsageError('--from DIR (the data directory to copy) is required');
  let postgresUrl: string | null;
  try {
    postgresUrl = resolveConfig({ postgresUrl: values.postgres }).postgresUrl;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (postgresUrl === null) throw new UsageError('--postgres URL (or ACCORD_POSTGRES_URL) is required');
  const from = path.resolve(values.from);
  if (!fs.existsSync(path.join(from, METADATA_FILE))) {
    process.stderr.write(`accord migrate-store: ${from} holds no Accord data (no ${METADATA_FILE})\n`);
    return 1;
  }
  const logger = createLogger(process.env.ACCORD_LOG_LEVEL === 'debug' ? 'debug' : 'warn');
  let lock: { release(): void };
  try {
    lock = lockDataDir(from, 'accord migrate-store');
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`accord migrate-store: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  try {
    const problems = await sourceDamage(from);
    if (problems.length > 0) {
      process.stderr.write(
        `accord migrate-store: ${from} is damaged, nothing was copied (run "accord check --data ${from}"):\n` +
          problems.map((line) => `  ${line}\n`).join(''),
      );
      return 1;
    }
    let database: AccordDatabase;
    try {
      database = await openMigratedDatabase({ url: postgresUrl, logger, applicationName: 'accord migrate-store' });
    } catch (error) {
      if (error instanceof DatabaseUnavailableError || error instanceof DatabaseTooNewError) {
        process.stderr.write(`accord migrate-store: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    try {
      const result = await migrateDataDir(from, database, logger, (line) => process.stdout.write(`${line}\n`));
      process.stdout.write(result.report);
      if (result.mismatched.length > 0) {
        process.stderr.write(
          `accord migrate-store: the copy does not match its source (${result.mismatched.join(', ')}); ` +
            'do not use this database: drop it, create it again and rerun\n',
        );
        return 1;
      }
      process.stdout.write(
        `copied ${from} into ${database.where}: every kind matches. Start Accord on it with ` +
          '"accord serve --postgres URL"; keep the data directory as it is until you are sure.\n',
      );
      return 0;
    } catch (error) {
      if (error instanceof DestinationNotEmptyError) {
        process.stderr.write(`accord migrate-store: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      await database.close();
    }
  } finally {
    lock.release();
  }
}

/** What makes a data directory unfit to copy: what `accord check` reports as damaged. */
export async function sourceDamage(dataDir: string): Promise<string[]> {
  const report = await verifyDataDir(dataDir);
  const media = await verifyMedia(dataDir, report.metadata === null ? null : readMetadataFile(dataDir)!.data);
  return [...report.damages, ...media.damages].map(({ file, problem }) => `${file}: ${problem}`);
}

export interface MigrationResult {
  source: Fingerprint;
  destination: Fingerprint;
  mismatched: string[];
  /** The comparison, as printed. */
  report: string;
}

/**
 * Copies a (verified, locked or extracted) data directory into an empty, migrated database and compares both,
 * read back, kind by kind. Throws DestinationNotEmptyError, having written nothing, when the database holds data.
 */
export async function migrateDataDir(
  dataDir: string,
  database: AccordDatabase,
  logger: Logger,
  progress: (line: string) => void = () => {},
): Promise<MigrationResult> {
  const view = await openDataDirView(dataDir, logger);
  try {
    progress(`copying ${dataDir} into ${database.where}`);
    await copyIntoPostgres(view, database, logger, progress);
    progress('reading both back to compare them');
    const source = await fingerprint(view);
    const destination = await withPostgresView(database, (pg) => fingerprint(pg));
    return {
      source,
      destination,
      mismatched: mismatches(source, destination),
      report: formatComparison(source, destination),
    };
  } finally {
    await view.close();
  }
}
