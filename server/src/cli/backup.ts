import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { resolveConfig } from '../config.js';
import { AUDIT_FILE } from '../metadata/audit.js';
import { METADATA_FILE } from '../metadata/store.js';
import { copyDocsConsistently } from '../persistence/index.js';
import { VERSION } from '../version.js';
import { DATA_OPTION, parseFlags, UsageError } from './args.js';

export const summary = 'write a consistent backup of the data directory (safe while the server runs)';

const HELP = `Usage: accord backup --out FILE [--data DIR]

Writes a gzip'd tar of the data directory: metadata, audit log, every document and snapshot.
Safe while the server runs: metadata is replaced atomically, documents are copied generation by
generation, so the backup is always a state the server could have stopped in. Restore with
"accord restore FILE".
`;

export const BACKUP_MANIFEST = 'accord-backup.json';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { out: { type: 'string' }, ...DATA_OPTION });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.out) throw new UsageError('--out FILE is required');
  const { dataDir } = resolveConfig({ dataDir: values.data });
  if (!fs.existsSync(path.join(dataDir, METADATA_FILE))) {
    process.stderr.write(`accord backup: ${dataDir} holds no Accord data (no ${METADATA_FILE})\n`);
    return 1;
  }
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-backup-'));
  try {
    // Metadata first: documents it names are then sure to be in the copy (documents are never deleted before
    // their metadata), and a document without metadata is harmless.
    fs.copyFileSync(path.join(dataDir, METADATA_FILE), path.join(staging, METADATA_FILE));
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
