import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { ConfigError, resolveConfig } from '../config.js';
import {
  type AccordDatabase,
  assertMigrationsKnown,
  DatabaseTooNewError,
  DatabaseUnavailableError,
  openDatabase,
  openMigratedDatabase,
} from '../db/index.js';
import { formatBytes } from '../import/limits.js';
import { createLogger, type Logger } from '../log.js';
import { recordedMedia } from '../media/verify.js';
import { openEmbeddedMetadata } from '../metadata/embedded.js';
import { expectedFromMetadata } from '../metadata/integrity.js';
import { type PostgresReader, readPostgresConsistently } from '../metadata/postgres/reader.js';
import {
  copyIntoDataDir,
  DestinationNotEmptyError,
  documentFingerprint,
  withPostgresView,
} from '../metadata/postgres/transfer.js';
import type { MetadataSnapshot } from '../metadata/schema.js';
import { CorruptMetadataError } from '../metadata/store.js';
import type { Damage } from '../persistence/damage.js';
import { CorruptFileError } from '../persistence/fileLog.js';
import { VERSION } from '../version.js';
import { UsageError } from './args.js';
import { BACKUP_MANIFEST } from './backup.js';
import { migrateDataDir, sourceDamage } from './migrateStore.js';

/**
 * `accord backup`, `restore` and `check` on a PostgreSQL database (`--postgres URL`, or ACCORD_POSTGRES_URL when
 * no `--data` is given). A backup is the same archive as a data directory's: the database read in one consistent
 * transaction and written out as a data directory (transfer.ts), so that either kind of backup restores into
 * either kind of store.
 */

/** The database a command works on: `--postgres`, else ACCORD_POSTGRES_URL unless `--data` asks for a folder. */
export function postgresTarget(values: { data?: string; postgres?: string }): string | null {
  if (values.data !== undefined && values.postgres !== undefined) {
    throw new UsageError('give either --data DIR or --postgres URL, not both');
  }
  if (values.data !== undefined) return null;
  try {
    return resolveConfig({ postgresUrl: values.postgres }).postgresUrl;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

const commandLogger = (): Logger => createLogger(process.env.ACCORD_LOG_LEVEL === 'debug' ? 'debug' : 'warn');

/** Opens the database for `command`, or prints why not (exit 1). */
async function connect(command: string, url: string, logger: Logger, migrate: boolean): Promise<AccordDatabase | null> {
  try {
    return migrate
      ? await openMigratedDatabase({ url, logger, applicationName: command })
      : await openDatabase({ url, logger, applicationName: command });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || error instanceof DatabaseTooNewError) {
      process.stderr.write(`${command}: ${error.message}\n`);
      return null;
    }
    throw error;
  }
}

/** `accord backup --postgres URL --out FILE`. */
export async function backupPostgres(url: string, outFile: string): Promise<number> {
  const logger = commandLogger();
  const database = await connect('accord backup', url, logger, false);
  if (database === null) return 1;
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-backup-'));
  try {
    const state = await assertMigrationsKnown(database).catch((error: unknown) => {
      if (error instanceof DatabaseTooNewError) return error;
      throw error;
    });
    if (state instanceof DatabaseTooNewError) {
      process.stderr.write(`accord backup: ${state.message}\n`);
      return 1;
    }
    if (state.pending.length > 0) {
      process.stderr.write(
        `accord backup: ${database.where} is not at this version's schema (${state.pending.length === state.known.length ? 'it holds no Accord data' : `migrations ${state.pending.join(', ')} are pending`}); start this version's server on it first, or back it up with the version that uses it\n`,
      );
      return 1;
    }
    await withPostgresView(database, (view) => copyIntoDataDir(view, staging, logger));
    const manifest = { format: 1, version: VERSION, createdAt: new Date().toISOString(), source: database.where };
    fs.writeFileSync(path.join(staging, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const out = path.resolve(outFile);
    const partial = `${out}.partial`;
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, fs.readdirSync(staging));
    fs.renameSync(partial, out);
    process.stdout.write(`backup of ${database.where} written to ${out} (${fs.statSync(out).size} bytes)\n`);
    return 0;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    await database.close();
  }
}

/** `accord restore FILE --postgres URL`: into an empty database only, verified as `migrate-store` verifies. */
export async function restorePostgres(file: string, url: string): Promise<number> {
  if (!fs.existsSync(file)) {
    process.stderr.write(`accord restore: no file ${file}\n`);
    return 1;
  }
  const logger = commandLogger();
  const incoming = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-restore-'));
  try {
    await tar.extract({ file, cwd: incoming, strict: true, preservePaths: false });
    if (!fs.existsSync(path.join(incoming, BACKUP_MANIFEST))) {
      throw new CorruptMetadataError(`${file} is not an Accord backup (no ${BACKUP_MANIFEST})`);
    }
    const problems = await sourceDamage(incoming);
    if (problems.length > 0) throw new Error(`it is damaged: ${problems.join('; ')}`);
    // Applies the migrations of a backup from an older Accord, in the extracted copy.
    await (await openEmbeddedMetadata(incoming)).close();
  } catch (error) {
    fs.rmSync(incoming, { recursive: true, force: true });
    process.stderr.write(
      `accord restore: ${file} could not be restored: ${(error as Error).message}; nothing was changed\n`,
    );
    return 1;
  }
  try {
    const database = await connect('accord restore', url, logger, true);
    if (database === null) return 1;
    try {
      const result = await migrateDataDir(incoming, database, logger);
      process.stdout.write(result.report);
      if (result.mismatched.length > 0) {
        process.stderr.write(
          `accord restore: the restored data does not match the backup (${result.mismatched.join(', ')}); ` +
            'do not use this database: drop it, create it again and rerun\n',
        );
        return 1;
      }
      process.stdout.write(`restored ${file} into ${database.where}\n`);
      return 0;
    } catch (error) {
      if (error instanceof DestinationNotEmptyError) {
        process.stderr.write(`accord restore: ${error.message}; nothing was changed\n`);
        return 1;
      }
      throw error;
    } finally {
      await database.close();
    }
  } finally {
    fs.rmSync(incoming, { recursive: true, force: true });
  }
}

interface PostgresCheck {
  damages: Damage[];
  notes: string[];
  metadata: MetadataSnapshot;
  auditEntries: number;
  documents: number;
  namedSnapshots: number;
  recordings: number;
  recordingBytes: number;
}

/**
 * Everything `accord check --postgres` verifies, in one consistent read: every document loads, every named
 * snapshot matches its SHA-256, every document and snapshot the metadata names is there (snapshots with the
 * SHA-256 and size their round recorded), the metadata's references hold, and every recording the metadata names
 * has its recorded size and SHA-256 (read through).
 */
export async function verifyPostgres(database: AccordDatabase): Promise<PostgresCheck> {
  return readPostgresConsistently(database, async (reader) => {
    const damages: Damage[] = [];
    const notes: string[] = [];
    const metadata = await reader.metadata();
    const documents = await reader.documents();
    for (const name of documents) {
      try {
        documentFingerprint(await reader.updates(name));
      } catch (error) {
        damages.push({ file: `document ${name}`, problem: `cannot be loaded (${(error as Error).message})` });
      }
    }
    const stored = await reader.snapshots();
    for (const snapshot of stored) {
      try {
        await reader.readSnapshot(snapshot.docName, snapshot.snapshotId);
      } catch (error) {
        const problem =
          error instanceof CorruptFileError ? 'its state does not match its SHA-256' : (error as Error).message;
        damages.push({ file: `snapshot ${snapshot.docName}@${snapshot.snapshotId}`, problem });
      }
    }
    const present = new Set(documents);
    const expected = expectedFromMetadata(metadata);
    for (const { docName, because } of expected.docs) {
      if (!present.has(docName)) damages.push({ file: `document ${docName}`, problem: `missing (${because})` });
    }
    const byId = new Map(stored.map((s) => [`${s.docName}@${s.snapshotId}`, s]));
    for (const record of expected.snapshots) {
      const where = `snapshot ${record.docName}@${record.snapshotId}`;
      const found = byId.get(`${record.docName}@${record.snapshotId}`);
      if (found === undefined) damages.push({ file: where, problem: `missing (${record.because})` });
      else if (found.sha256 !== record.sha256 || found.bytes !== record.bytes) {
        damages.push({
          file: where,
          problem: `SHA-256 ${found.sha256} (${found.bytes} bytes), ${record.because} recorded ${record.sha256} (${record.bytes} bytes)`,
        });
      }
    }
    damages.push(...referenceDamage(metadata));
    const media = await checkMedia(reader, metadata, notes);
    damages.push(...media.damages);
    return {
      damages,
      notes,
      metadata,
      auditEntries: (await reader.audit()).length,
      documents: documents.length,
      namedSnapshots: stored.length,
      recordings: media.recordings,
      recordingBytes: media.bytes,
    };
  });
}

/** References the schema's foreign keys do not hold (they name accounts, projects and links by id). */
function referenceDamage(metadata: MetadataSnapshot): Damage[] {
  const damages: Damage[] = [];
  const users = new Set(metadata.users.map((u) => u.id));
  const projects = new Set(metadata.projects.map((p) => p.id));
  for (const project of metadata.projects) {
    for (const member of project.members) {
      if (!users.has(member.userId)) {
        damages.push({ file: `project ${project.id}`, problem: `member ${member.userId} is no account` });
      }
    }
  }
  for (const transcript of metadata.transcripts) {
    if (!projects.has(transcript.projectId)) {
      damages.push({ file: `transcript ${transcript.id}`, problem: `its project ${transcript.projectId} is missing` });
    }
  }
  for (const round of metadata.rounds) {
    if (!projects.has(round.projectId)) {
      damages.push({ file: `round ${round.id}`, problem: `its project ${round.projectId} is missing` });
    }
  }
  for (const session of metadata.sessions) {
    if (!users.has(session.userId))
      damages.push({ file: 'a session', problem: `of a missing account ${session.userId}` });
  }
  for (const link of metadata.invitations) {
    for (const [field, id] of [
      ['account', link.userId],
      ['used by', link.usedBy],
    ] as const) {
      if (id !== null && !users.has(id)) {
        damages.push({ file: `link ${link.id}`, problem: `its ${field} ${id} is no account` });
      }
    }
  }
  return damages;
}

async function checkMedia(reader: PostgresReader, metadata: MetadataSnapshot, notes: string[]) {
  const damages: Damage[] = [];
  const recorded = recordedMedia(metadata);
  let bytes = 0;
  for (const { key, bytes: size, because } of recorded) {
    bytes += size;
    const problem = await reader.media.verify(key, size);
    if (problem !== null) {
      damages.push({
        file: `recording ${key.project}/${key.transcript}/${key.sha256}`,
        problem: `${because} ${problem}`,
      });
    }
  }
  const named = new Set(recorded.map(({ key }) => `${key.project}/${key.transcript}/${key.sha256}`));
  for (const key of await reader.media.list()) {
    const id = `${key.project}/${key.transcript}/${key.sha256}`;
    if (!named.has(id)) notes.push(`recording ${id}: no transcript names it (left by an interrupted change)`);
  }
  return { damages, recordings: recorded.length, bytes };
}

/** `accord check --postgres URL`: reads only; changes nothing, not even the schema. */
export async function checkPostgres(url: string): Promise<number> {
  const logger = commandLogger();
  const database = await connect('accord check', url, logger, false);
  if (database === null) return 1;
  try {
    const out: string[] = [`PostgreSQL database ${database.where}`];
    let state: Awaited<ReturnType<typeof assertMigrationsKnown>>;
    try {
      state = await assertMigrationsKnown(database);
    } catch (error) {
      if (!(error instanceof DatabaseTooNewError)) throw error;
      out.push(`DAMAGED schema: ${error.message}`, '1 damaged: this version of Accord cannot check it');
      process.stdout.write(`${out.join('\n')}\n`);
      return 1;
    }
    if (state.applied.length === 0) {
      out.push('  schema:    none (an empty database: accord serve or migrate-store creates it)', 'intact');
      process.stdout.write(`${out.join('\n')}\n`);
      return 0;
    }
    if (state.pending.length > 0) {
      out.push(
        `  schema:    migrations ${state.pending.join(', ')} pending (the next accord serve applies them)`,
        'not checked: check it with the version of Accord that uses it, or start this version on it first',
      );
      process.stdout.write(`${out.join('\n')}\n`);
      return 1;
    }
    const report = await verifyPostgres(database);
    const m = report.metadata;
    out.push(
      `  schema:    ${state.applied.length} migrations, up to date`,
      `  metadata:  ${m.users.length} users, ${m.projects.length} projects, ${m.transcripts.length} transcripts, ${m.rounds.length} rounds`,
      `  audit log: ${report.auditEntries} entries`,
      `  documents: ${report.documents} documents, ${report.namedSnapshots} named snapshots`,
      `  media:     ${report.recordings} recordings, ${formatBytes(report.recordingBytes)}`,
    );
    for (const note of report.notes) out.push(`  note: ${note}`);
    for (const { file, problem } of report.damages) out.push(`DAMAGED ${file}: ${problem}`);
    out.push(
      report.damages.length === 0
        ? 'intact'
        : `${report.damages.length} damaged: restore the database from a backup (accord restore --postgres)`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return report.damages.length === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
}
