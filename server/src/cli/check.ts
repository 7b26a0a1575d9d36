import fs from 'node:fs';
import { resolveConfig } from '../config.js';
import { formatBytes } from '../import/limits.js';
import { verifyMedia } from '../media/verify.js';
import { verifyDataDir } from '../metadata/integrity.js';
import { lockDataDir } from '../metadata/lock.js';
import { readMetadataFile } from '../metadata/store.js';
import { DATA_OPTION, parseFlags, UsageError } from './args.js';

export const summary = 'verify a data directory and say exactly what is damaged (offline)';

const HELP = `Usage: accord check [--data DIR | --postgres URL]
Verifies a data directory without changing anything in it: the metadata's checksum and shape, every
write-ahead log segment, every document's snapshot and logs, every named snapshot's SHA-256 (and the
one its round recorded), that every document the metadata names exists, every audit log line, and
every transcript's recording (its size and the SHA-256 recorded at upload; read through in full).
The server runs the same checks on start, except the recordings, and refuses to start on damage. Refuses while a server holds
the directory. Exit status: 0 when everything is intact, 1 when something is damaged, 2 on bad usage.
With --postgres URL (or ACCORD_POSTGRES_URL, unless --data is given) it checks that PostgreSQL database, in
one consistent read, safe while servers run on it: the schema's migrations, that every document loads,
every named snapshot's SHA-256 (and the one its round recorded), that every document the metadata names
exists, the metadata's references, and every recording (size and SHA-256, read through). It changes nothing.
`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { ...DATA_OPTION, postgres: { type: 'string' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const postgres = await import('./postgres.js');
  const postgresUrl = postgres.postgresTarget(values);
  if (postgresUrl !== null) return postgres.checkPostgres(postgresUrl);
  const { dataDir } = resolveConfig({ dataDir: values.data });
  if (!fs.existsSync(dataDir)) throw new UsageError(`no data directory ${dataDir}`);
  const lock = lockDataDir(dataDir, 'accord check');
  try {
    const report = await verifyDataDir(dataDir);
    // Recordings are checked here (and by restore), not on every start: reading gigabytes would delay it.
    const media = await verifyMedia(dataDir, report.metadata === null ? null : readMetadataFile(dataDir)!.data);
    const damages = [...report.damages, ...media.damages];
    const out: string[] = [`data directory ${dataDir}`];
    if (report.metadata !== null) {
      const m = report.metadata;
      out.push(
        `  metadata:  ${m.users} users, ${m.projects} projects, ${m.transcripts} transcripts, ${m.rounds} rounds` +
          (m.checksummed ? ', checksum matches' : ', no checksum yet (the next start adds one)'),
      );
    } else if (report.fresh) out.push('  metadata:  none (a fresh install)');
    out.push(`  audit log: ${report.auditEntries} entries`);
    const s = report.storage;
    const replay = s.replayedLogs > 0 ? ` (the next start completes ${s.replayedLogs} document logs from them)` : '';
    out.push(`  journal:   ${s.segments} write-ahead log segments, ${s.journalEntries} entries${replay}`);
    out.push(`  documents: ${s.documents} documents, ${s.namedSnapshots} named snapshots`);
    out.push(`  media:     ${media.recordings} recordings, ${formatBytes(media.bytes)}`);
    for (const note of [...s.notes, ...media.notes]) out.push(`  note: ${note}`);
    for (const { file, problem } of damages) out.push(`DAMAGED ${file}: ${problem}`);
    const recordingsOnly = report.damages.length === 0;
    out.push(
      damages.length === 0
        ? 'intact'
        : recordingsOnly
          ? `${damages.length} damaged: these recordings cannot be played as uploaded; restore them from a backup`
          : `${damages.length} damaged: the server will not start on this directory; restore these files from a backup`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return damages.length === 0 ? 0 : 1;
  } finally {
    lock.release();
  }
}
