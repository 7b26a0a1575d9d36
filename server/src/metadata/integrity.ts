import fs from 'node:fs';
import { docName } from '@accord/shared';
import { type Damage, DataDamagedError } from '../persistence/damage.js';
import { markWritten } from '../persistence/fileStore.js';
import { docDirName, docsRoot } from '../persistence/layout.js';
import { type ExpectedDoc, type ExpectedSnapshot, type StorageReport, verifyStorage } from '../persistence/verify.js';
import { AUDIT_FILE, verifyAudit } from './audit.js';
import { openEmbeddedMetadata } from './embedded.js';
import type { InProcessMetadata } from './inProcess.js';
import type { Metadata } from './schema.js';
import { CorruptMetadataError, METADATA_FILE, readMetadataFile } from './store.js';

/**
 * Everything the metadata says must be in the storage: every transcript's text document (written before its
 * index entry), every round's frozen codebook and every snapshot taken at a reveal, with the SHA-256 recorded.
 */
export function expectedFromMetadata(data: Metadata): { docs: ExpectedDoc[]; snapshots: ExpectedSnapshot[] } {
  const docs: ExpectedDoc[] = data.transcripts.map((t) => ({
    docName: docName({ kind: 'text', project: t.projectId, transcript: t.id }),
    because: `the text of transcript "${t.title}" (${t.id})`,
  }));
  const snapshots: ExpectedSnapshot[] = [];
  for (const round of data.rounds) {
    const records = round.codebookSnapshot === null ? round.snapshots : [round.codebookSnapshot, ...round.snapshots];
    for (const record of records) {
      snapshots.push({ ...record, because: `round "${round.name}" (${round.id})` });
    }
  }
  return { docs, snapshots };
}

export interface DataDirReport {
  damages: Damage[];
  /** No metadata and no data: a fresh install. */
  fresh: boolean;
  metadata: { checksummed: boolean; users: number; projects: number; transcripts: number; rounds: number } | null;
  auditEntries: number;
  storage: StorageReport;
}

/**
 * The one verification of a data directory, used by `accord check` and by every start (`openContext`), so that
 * what one reports is what the other refuses. Reads only.
 */
export async function verifyDataDir(dataDir: string): Promise<DataDirReport> {
  const damages: Damage[] = [];
  let metadata: Metadata | null = null;
  let summary: DataDirReport['metadata'] = null;
  let fresh = false;
  try {
    const found = readMetadataFile(dataDir);
    fresh = found === null;
    if (found !== null) {
      metadata = found.data;
      const { users, projects, transcripts, rounds } = found.data;
      summary = {
        checksummed: found.checksummed,
        users: users.length,
        projects: projects.length,
        transcripts: transcripts.length,
        rounds: rounds.length,
      };
    }
  } catch (error) {
    if (!(error instanceof CorruptMetadataError)) throw error;
    damages.push({ file: METADATA_FILE, problem: error.message });
  }
  const audit = verifyAudit(dataDir);
  for (const { line, problem } of audit.damaged) damages.push({ file: `${AUDIT_FILE}:${line}`, problem });
  const storage = await verifyStorage(
    dataDir,
    metadata === null ? { docs: [], snapshots: [] } : expectedFromMetadata(metadata),
  );
  damages.push(...storage.damages);
  return { damages, fresh, metadata: summary, auditEntries: audit.entries, storage };
}

/** Gives documents with content their `written` marker (start only: `accord check` changes nothing). */
export async function markDocuments(dataDir: string, docNames: readonly string[]): Promise<void> {
  for (const name of docNames) {
    const dir = `${docsRoot(dataDir)}/${docDirName(name)}`;
    if (fs.existsSync(dir)) await markWritten(dir);
  }
}

/**
 * Opens the metadata of a data directory once it is verified: a damaged `meta.json` (or a missing one beside data)
 * throws `CorruptMetadataError`, any other damage `DataDamagedError`, and in both cases nothing was changed.
 */
export async function openVerifiedDataDir(dataDir: string): Promise<InProcessMetadata> {
  readMetadataFile(dataDir);
  const report = await verifyDataDir(dataDir);
  if (report.damages.length > 0) throw new DataDamagedError(dataDir, report.damages);
  const metadata = await openEmbeddedMetadata(dataDir);
  await markDocuments(dataDir, report.storage.unmarked);
  return metadata;
}
