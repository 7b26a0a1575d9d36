import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { resolveConfig } from '../config.js';
import { recordedMedia } from '../media/verify.js';
import { AUDIT_FILE } from '../metadata/audit.js';
import { METADATA_FILE, readMetadataFile } from '../metadata/store.js';
import { copyRecordings } from '../persistence/backup.js';
import { copyDocsConsistently } from '../persistence/index.js';
import { VERSION } from '../version.js';
import { DATA_OPTION, parseFlags, UsageError } from './args.js';

export const summary = 'write a consistent backup of the data directory (safe while the server runs)';

const HELP = `Usage: accord backup --out FILE [--data DIR | --postgres URL]

Writes a gzip'd tar of the data directory: metadata, audit log, every document and snapshot, and
every transcript's recording. Safe while the server runs: metadata is replaced atomically, documents
are copied generation by generation and recordings never change once stored, so the backup is always
a state the server could have stopped in. Restore with "accord restore FILE".

With --postgres URL (or ACCORD_POSTGRES_URL, unless --data is given) it backs up that PostgreSQL
database instead, safe while any number of instances run on it: everything is read in one consistent
transaction and written as the same archive, so a backup of either kind restores into a data directory
("accord restore FILE --data DIR") or into an empty PostgreSQL database ("accord restore FILE --postgres URL").
`;

export const BACKUP_MANIFEST = 'accord-backup.json';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { out: { type: 'string' }, postgres: { type: 'string' }, ...DATA_OPTION });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.out) throw new UsageError('--out FILE is required');
  const postgres = await import('./postgres.js');
  const postgresUrl = postgres.postgresTarget(values);
  if (postgresUrl !== null) return postgres.backupPostgres(postgresUrl, values.out);
  const { dataDir } = resolveConfig({ dataDir: values.data });
  if (!fs.existsSync(path.join(dataDir, METADATA_FILE))) {
    process.stderr.write(`accord backup: ${dataDir} holds no Accord data (no ${METADATA_FILE})\n`);
    return 1;
  }
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-backup-'));
  try {
    // Metadata first: documents it names are then sure to be in the copy (documents are never deleted before
    // their metadata), and a document without metadata is harmless.
    await copyMetadataAndRecordings(dataDir, staging);
    if (fs.existsSync(path.join(dataDir, AUDIT_FILE)))
      fs.copyFileSync(path.join(dataDir, AUDIT_FILE), path.join(staging, AUDIT_FILE));
    await copyDocsConsistently(dataDir, staging);
    const manifest = { format: 1, version: VERSION, createdAt: new Date().toISOString(), source: dataDir };
    fs.writeFileSync(path.join(staging, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const out = path.resolve(values.out);
    const partial = `${out}.partial`;
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, fs.readdirSync(staging));
    fs.renameSync(partial, out);
    process.stdout.write(`backup of ${dataDir} written to ${out} (${fs.statSync(out).size} bytes)\n`);
    return 0;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

const ATTEMPTS = 20;

/**
 * The metadata, then the recordings it names. A recording is deleted only after the metadata stops naming it, so
 * one that is gone was replaced or deleted after the copy was read: the metadata is copied again, and its
 * recordings, until they match (a recording is linked or copied only once per file).
 */
async function copyMetadataAndRecordings(dataDir: string, staging: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    fs.copyFileSync(path.join(dataDir, METADATA_FILE), path.join(staging, METADATA_FILE));
    const copied = readMetadataFile(staging);
    const recordings = copied === null ? [] : recordedMedia(copied.data).map(({ key }) => key);
    const missing = await copyRecordings(dataDir, staging, recordings);
    if (missing.length === 0) return;
    if (attempt >= ATTEMPTS) {
      throw new Error(`recordings kept changing while the backup read them (${missing.length} missing)`);
    }
  }
}
