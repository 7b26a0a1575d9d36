import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { resolveConfig } from '../config.js';
import { verifyMedia } from '../media/verify.js';
import { openEmbeddedMetadata } from '../metadata/embedded.js';
import { verifyDataDir } from '../metadata/integrity.js';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../metadata/lock.js';
import { CorruptMetadataError, METADATA_FILE, readMetadataFile } from '../metadata/store.js';
import { DATA_OPTION, parseFlags, UsageError } from './args.js';
import { BACKUP_MANIFEST } from './backup.js';

export const summary = 'restore a backup into a data directory (offline)';

const HELP = `Usage: accord restore FILE [--data DIR] [--force]
       accord restore FILE --postgres URL

Restores a backup written by "accord backup" into the data directory (default ./data). Refuses while a
server holds the directory. If the directory already holds data, --force is required, and the old
data is kept beside it as DIR.replaced-<time> rather than deleted.

With --postgres URL (or ACCORD_POSTGRES_URL, unless --data is given) it restores into that PostgreSQL
database, which must be empty (create a new one; nothing is ever replaced there): the backup is verified,
copied in as "accord migrate-store" copies a data directory, and both are compared (counts and SHA-256
per kind, printed). A backup of either kind restores into either kind of store.
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { force: { type: 'boolean' }, postgres: { type: 'string' }, ...DATA_OPTION },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new UsageError('expected exactly one backup FILE');
  const postgres = await import('./postgres.js');
  const postgresUrl = postgres.postgresTarget(values);
  if (postgresUrl !== null) {
    if (values.force)
      throw new UsageError('--force replaces a data directory; a PostgreSQL restore needs an empty database');
    return postgres.restorePostgres(file, postgresUrl);
  }
  const { dataDir } = resolveConfig({ dataDir: values.data });
  if (!fs.existsSync(file)) {
    process.stderr.write(`accord restore: no file ${file}\n`);
    return 1;
  }
  const hasData = fs.existsSync(path.join(dataDir, METADATA_FILE));
  if (hasData && !values.force) {
    process.stderr.write(
      `accord restore: ${dataDir} already holds data; pass --force to replace it (it is kept aside)\n`,
    );
    return 1;
  }
  let lock: { release(): void };
  try {
    lock = lockDataDir(dataDir, 'accord restore');
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`accord restore: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const incoming = `${dataDir}.restoring-${stamp}`;
  try {
    fs.mkdirSync(incoming, { recursive: true });
    await tar.extract({ file, cwd: incoming, strict: true, preservePaths: false });
    if (!fs.existsSync(path.join(incoming, BACKUP_MANIFEST)))
      throw new CorruptMetadataError(`${file} is not an Accord backup (no ${BACKUP_MANIFEST})`);
    // The server would refuse a damaged copy on start: refuse it now, while the old data is still in place.
    const report = await verifyDataDir(incoming);
    // Recordings too: a backup whose recordings do not match their recorded SHA-256 is refused like any damage.
    const media = report.metadata === null ? null : await verifyMedia(incoming, readMetadataFile(incoming)!.data);
    const damages = [...report.damages, ...(media?.damages ?? [])];
    if (damages.length > 0) {
      throw new Error(`it is damaged: ${damages.map((d) => `${d.file}: ${d.problem}`).join('; ')}`);
    }
    // Opening applies the migrations of a backup from an older Accord (and gives an old file its checksum).
    await (await openEmbeddedMetadata(incoming)).close();
    const aside = `${dataDir}.replaced-${stamp}`;
    fs.renameSync(dataDir, aside);
    fs.renameSync(incoming, dataDir);
    fs.rmSync(path.join(aside, LOCK_FILE), { force: true });
    if (!hasData) fs.rmSync(aside, { recursive: true, force: true });
    process.stdout.write(`restored ${file} into ${dataDir}${hasData ? ` (previous data kept in ${aside})` : ''}\n`);
    return 0;
  } catch (error) {
    fs.rmSync(incoming, { recursive: true, force: true });
    lock.release();
    process.stderr.write(
      `accord restore: ${file} could not be restored: ${(error as Error).message}; nothing was changed\n`,
    );
    return 1;
  }
}
