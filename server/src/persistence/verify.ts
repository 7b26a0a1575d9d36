import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Damage } from './damage.js';
import { describeLogEnd, parseSnapshotFile, scanLog } from './fileLog.js';
import { namedSnapshotSha, parseNamedSnapshot } from './fileStore.js';
import { isNotFound } from './fsUtil.js';
import {
  docDirName,
  docNameOf,
  docsRoot,
  generations,
  logFile,
  SNAPSHOTS_DIR,
  snapFile,
  snapshotFileName,
  WRITTEN_MARKER,
  walRoot,
} from './layout.js';
import { type LogRepair, planReplay, readJournal, repairedBytes } from './walRecovery.js';

/** A document that something outside the storage (the metadata) says must exist. */
export interface ExpectedDoc {
  docName: string;
  /** Why, for the report: e.g. `transcript "Interview 3"`. */
  because: string;
}

/** A named snapshot that the metadata records, with the SHA-256 it recorded. */
export interface ExpectedSnapshot extends ExpectedDoc {
  snapshotId: string;
  sha256: string;
  bytes: number;
}

export interface StorageReport {
  damages: Damage[];
  documents: number;
  segments: number;
  journalEntries: number;
  namedSnapshots: number;
  /** Document logs the journal replay on start completes (the normal state after a crash). */
  replayedLogs: number;
  /** Documents with content but no `written` marker yet (written before markers existed, or restored). */
  unmarked: string[];
  /** What start will cut, and is not damage: torn tails. */
  notes: string[];
}

/**
 * Checks every file of the storage without changing any, as start would find it: every write-ahead log segment
 * (walRecovery.ts tells a crash's torn tail from damage), every document's compaction snapshot and logs as the
 * journal replay would leave them, the chain of generations (a log above a missing snapshot), the `written` marker
 * against the files, every named snapshot's SHA-256, and that every document and snapshot in `expected` exists.
 * `accord check` prints the report; start refuses when it lists damage (so the two always agree).
 */
export async function verifyStorage(
  dataDir: string,
  expected: { docs: readonly ExpectedDoc[]; snapshots: readonly ExpectedSnapshot[] },
): Promise<StorageReport> {
  const root = docsRoot(dataDir);
  const journal = await readJournal(walRoot(dataDir));
  const replay = await planReplay(root, journal);
  const report: StorageReport = {
    damages: [...journal.damages, ...replay.damages],
    documents: 0,
    segments: journal.segments.length,
    journalEntries: journal.entries,
    namedSnapshots: 0,
    replayedLogs: replay.repairs.length,
    unmarked: [],
    notes: journal.tornTails.map(({ seq, bytes }) => `wal/${seq}.wal: torn tail of ${bytes} bytes (a crash) ignored`),
  };
  const repairs = new Map<string, LogRepair>(replay.repairs.map((r) => [`${r.docName}\n${r.gen}`, r]));
  let entries: string[] = [];
  try {
    entries = await readdir(root);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const present = new Set<string>();
  for (const entry of entries) {
    const docName = docNameOf(entry);
    if (docName === null) continue;
    present.add(docName);
    report.documents++;
    const journaled = [...(journal.byDoc.get(docName)?.keys() ?? [])];
    await verifyDoc(join(root, entry), `docs/${entry}`, docName, journaled, repairs, report);
  }
  for (const { docName, because } of expected.docs) {
    if (!present.has(docName))
      report.damages.push({ file: `docs/${docDirName(docName)}`, problem: `missing (${because})` });
  }
  for (const snapshot of expected.snapshots) await verifyExpectedSnapshot(root, snapshot, report);
  return report;
}

async function verifyDoc(
  dir: string,
  rel: string,
  docName: string,
  journaled: number[],
  repairs: ReadonlyMap<string, LogRepair>,
  report: StorageReport,
): Promise<void> {
  const entries = await readdir(dir);
  const { snaps, logs } = generations(entries);
  const base = snaps[0] ?? -1;
  let content = false;
  if (base !== -1) {
    content = true;
    try {
      parseSnapshotFile(await readFile(join(dir, snapFile(base))));
    } catch (error) {
      report.damages.push({
        file: `${rel}/${snapFile(base)}`,
        problem: `compaction snapshot ${(error as Error).message}`,
      });
    }
  }
  const gens = [...new Set([...logs, ...journaled])].filter((gen) => gen >= base).sort((a, b) => a - b);
  if (base === -1 && (gens[0] ?? 0) > 0) {
    report.damages.push({
      file: `${rel}/${snapFile(gens[0]!)}`,
      problem: `missing: ${logFile(gens[0]!)} holds the updates made after it, and loads to a partial document without it`,
    });
  }
  for (const gen of gens) {
    const repair = repairs.get(`${docName}\n${gen}`);
    let bytes: Uint8Array;
    if (repair !== undefined) {
      bytes = repairedBytes(repair);
    } else {
      try {
        bytes = await readFile(join(dir, logFile(gen)));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        continue;
      }
    }
    try {
      const { records, end } = scanLog(bytes);
      if (records.length > 0) content = true;
      if (end.kind === 'damaged') report.damages.push({ file: `${rel}/${logFile(gen)}`, problem: describeLogEnd(end) });
      else if (end.kind === 'torn') report.notes.push(`${rel}/${logFile(gen)}: ${describeLogEnd(end)}, cut on start`);
    } catch (error) {
      report.damages.push({ file: `${rel}/${logFile(gen)}`, problem: (error as Error).message });
    }
  }
  const marked = entries.includes(WRITTEN_MARKER);
  if (marked && !content) {
    report.damages.push({
      file: `${rel}/${logFile(Math.max(base, 0))}`,
      problem: `missing: the document had content (${WRITTEN_MARKER} marker) but has neither a snapshot nor a log record`,
    });
  } else if (!marked && content) report.unmarked.push(docName);

  let named: string[] = [];
  try {
    named = (await readdir(join(dir, SNAPSHOTS_DIR))).filter((name) => name.endsWith('.snap'));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  for (const name of named) {
    report.namedSnapshots++;
    try {
      parseNamedSnapshot(await readFile(join(dir, SNAPSHOTS_DIR, name)), 'named snapshot');
    } catch (error) {
      report.damages.push({ file: `${rel}/${SNAPSHOTS_DIR}/${name}`, problem: (error as Error).message });
    }
  }
}

async function verifyExpectedSnapshot(root: string, expected: ExpectedSnapshot, report: StorageReport): Promise<void> {
  const rel = `docs/${docDirName(expected.docName)}/${SNAPSHOTS_DIR}/${snapshotFileName(expected.snapshotId)}`;
  let bytes: Buffer;
  try {
    bytes = await readFile(join(root, rel.slice('docs/'.length)));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    report.damages.push({ file: rel, problem: `missing (${expected.because})` });
    return;
  }
  let state: Uint8Array;
  try {
    state = parseNamedSnapshot(bytes, 'named snapshot');
  } catch {
    return; // verifyDoc reported it
  }
  const sha = namedSnapshotSha(bytes).toString('hex');
  if (sha !== expected.sha256 || state.length !== expected.bytes) {
    report.damages.push({
      file: rel,
      problem: `SHA-256 ${sha} (${state.length} bytes) differs from the ${expected.sha256} (${expected.bytes} bytes) recorded for ${expected.because}`,
    });
  }
}
