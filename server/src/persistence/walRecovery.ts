import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../log.js';
import { type Damage, DataDamagedError } from './damage.js';
import { fileHeader, HEADER_BYTES, LOG_MAGIC, parseSnapshotFile, type ScannedLog, scanLog } from './fileLog.js';
import { isNotFound, syncDir, writeAll } from './fsUtil.js';
import { docDirName, generations, logFile, snapFile, walSegmentFile, walSegments } from './layout.js';
import { decodeWalEntry, WAL_MAGIC, type WalEntry } from './writeAheadLog.js';

/** How to make a document log hold every journaled record: cut it to `keep` bytes, then append `tail`. */
export type RepairPlan =
  | { kind: 'intact' }
  | { kind: 'repair'; keep: number; tail: Uint8Array[] }
  | { kind: 'gap'; at: number };

/**
 * Compares a document log's bytes with the journaled records meant for it (in offset order). Records already in
 * place are skipped; from the first one missing or different, the file is cut there and the rest appended. A record
 * that would start past the end of what precedes it means the log lost bytes the journal no longer has (a
 * checkpoint synced them before dropping its segment, so only media damage does this): a gap.
 */
export function planRepair(existing: Uint8Array, entries: readonly WalEntry[]): RepairPlan {
  // A file shorter than its header is an interrupted creation: it holds nothing.
  const file = existing.length >= HEADER_BYTES ? existing : fileHeader(LOG_MAGIC);
  let keep = -1;
  let end = 0;
  const tail: Uint8Array[] = [];
  for (const { offset, record } of entries) {
    if (keep === -1) {
      const recordEnd = offset + record.length;
      if (recordEnd <= file.length && Buffer.from(record).equals(file.subarray(offset, recordEnd))) continue;
      if (offset > file.length) return { kind: 'gap', at: offset };
      keep = offset;
      end = offset;
    }
    if (offset !== end) return { kind: 'gap', at: offset };
    tail.push(record);
    end += record.length;
  }
  if (keep === -1) return { kind: 'intact' };
  if (existing.length < HEADER_BYTES) return { kind: 'repair', keep: 0, tail: [file.subarray(0, keep), ...tail] };
  return { kind: 'repair', keep, tail };
}

export interface RecoveryResult {
  /** The sequence number the next segment takes. */
  nextSeq: number;
  entries: number;
  repairedLogs: number;
}

/** What the write-ahead log holds, read without changing anything. */
export interface JournalContents {
  segments: number[];
  /** Entries per document, then per generation of its log, in the order they were appended. */
  byDoc: Map<string, Map<number, WalEntry[]>>;
  entries: number;
  /** Segments ending in a torn tail: the unfinished last group commit of a crash, which was never acknowledged. */
  tornTails: { seq: number; bytes: number }[];
  damages: Damage[];
}

/**
 * Reads every segment and tells a crash from damage. A segment is switched only once every write to it has
 * completed, so only the newest one can end in an unfinished write: its last records may be torn, or complete with
 * a bad CRC (a hole the power cut left), provided no valid record follows. Anything else — bytes changed in the
 * middle, valid records after a bad one, any bad record in an older segment — is damage to acknowledged updates.
 */
export async function readJournal(walDir: string): Promise<JournalContents> {
  let names: string[];
  try {
    names = await readdir(walDir);
  } catch (error) {
    if (isNotFound(error)) return { segments: [], byDoc: new Map(), entries: 0, tornTails: [], damages: [] };
    throw error;
  }
  const segments = walSegments(names);
  const contents: JournalContents = { segments, byDoc: new Map(), entries: 0, tornTails: [], damages: [] };
  for (const [i, seq] of segments.entries()) {
    const file = `wal/${walSegmentFile(seq)}`;
    const newest = i === segments.length - 1;
    const bytes = await readFile(join(walDir, walSegmentFile(seq)));
    if (bytes.length < HEADER_BYTES && !newest) {
      contents.damages.push({ file, problem: `${bytes.length} bytes, shorter than a segment header` });
      continue;
    }
    let scanned: ScannedLog;
    try {
      scanned = scanLog(bytes, WAL_MAGIC, (payload) => decodeWalEntry(payload) !== null);
    } catch (error) {
      contents.damages.push({ file, problem: (error as Error).message });
      continue;
    }
    const { end } = scanned;
    if (end.kind === 'torn' || (end.kind === 'damaged' && end.followedBy === null)) {
      if (newest) contents.tornTails.push({ seq, bytes: bytes.length - end.at });
      else contents.damages.push({ file, problem: `record at byte ${end.at} damaged, in a segment already complete` });
    } else if (end.kind === 'damaged') {
      contents.damages.push({
        file,
        problem: `record at byte ${end.at} damaged, followed by valid records (from byte ${end.followedBy})`,
      });
    }
    for (const payload of scanned.records) {
      const entry = decodeWalEntry(payload);
      if (!entry) {
        contents.damages.push({ file, problem: 'an entry with a valid CRC does not name a document log' });
        continue;
      }
      const gens = contents.byDoc.get(entry.docName) ?? new Map<number, WalEntry[]>();
      contents.byDoc.set(entry.docName, gens);
      const entries = gens.get(entry.gen);
      if (entries) entries.push(entry);
      else gens.set(entry.gen, [entry]);
      contents.entries++;
    }
  }
  return contents;
}

/** How one document log is completed from the journal. */
export interface LogRepair {
  docName: string;
  gen: number;
  path: string;
  dir: string;
  existing: Uint8Array;
  plan: RepairPlan;
}

/**
 * Plans the replay of the journal into the document logs, reading only. Entries for a document that no longer
 * exists (deleted), or for a generation its newest snapshot already covers, are skipped.
 */
export async function planReplay(
  docsDir: string,
  journal: JournalContents,
): Promise<{ repairs: LogRepair[]; damages: Damage[] }> {
  const repairs: LogRepair[] = [];
  const damages: Damage[] = [];
  for (const [docName, gens] of journal.byDoc) {
    let dirName: string;
    try {
      dirName = docDirName(docName);
    } catch {
      damages.push({ file: 'wal', problem: `an entry names ${JSON.stringify(docName)}, which is no document name` });
      continue;
    }
    const dir = join(docsDir, dirName);
    const base = await baseGeneration(dir);
    if (base === null) continue;
    if (base === 'unreadable') {
      damages.push({ file: `docs/${dirName}`, problem: 'no readable compaction snapshot to replay the journal onto' });
      continue;
    }
    for (const [gen, entries] of gens) {
      if (gen < base) continue;
      const path = join(dir, logFile(gen));
      let existing: Uint8Array = new Uint8Array(0);
      try {
        existing = await readFile(path);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      const plan = planRepair(existing, entries);
      if (plan.kind === 'gap') {
        damages.push({
          file: `docs/${dirName}/${logFile(gen)}`,
          problem: `${existing.length} bytes, but the journal continues it at byte ${plan.at}: bytes in between are lost`,
        });
      } else if (plan.kind === 'repair') repairs.push({ docName, gen, path, dir, existing, plan });
    }
  }
  return { repairs, damages };
}

/** The log's bytes once `repair` is applied. */
export function repairedBytes(repair: Pick<LogRepair, 'existing' | 'plan'>): Uint8Array {
  const { existing, plan } = repair;
  if (plan.kind !== 'repair') return existing;
  return Buffer.concat([existing.subarray(0, plan.keep), ...plan.tail]);
}

/**
 * Replays the write-ahead log into the document logs, makes them durable, and deletes the segments. Damage refuses
 * before anything is changed (`DataDamagedError`): the segments and logs stay as they are.
 */
export async function recoverFromWriteAheadLog(
  docsDir: string,
  walDir: string,
  logger: Logger,
  dataDir = dirname(docsDir),
): Promise<RecoveryResult> {
  await mkdir(walDir, { recursive: true });
  const journal = await readJournal(walDir);
  const { repairs, damages } = await planReplay(docsDir, journal);
  if (journal.damages.length + damages.length > 0)
    throw new DataDamagedError(dataDir, [...journal.damages, ...damages]);
  // The unfinished last write of a crash: never acknowledged, so nothing is lost, but say so.
  for (const { seq, bytes } of journal.tornTails) logger.warn('storage.wal_tail_ignored', { seq, bytes });

  for (const repair of repairs) await applyRepair(repair, logger);
  const { segments } = journal;
  for (const seq of segments) await unlink(join(walDir, walSegmentFile(seq)));
  if (segments.length > 0) {
    await syncDir(walDir);
    logger.info('storage.wal_replayed', {
      segments: segments.length,
      entries: journal.entries,
      repairedLogs: repairs.length,
    });
  }
  return { nextSeq: (segments.at(-1) ?? -1) + 1, entries: journal.entries, repairedLogs: repairs.length };
}

/**
 * The generation of the document's newest snapshot (0 without one), null when the document is gone, 'unreadable'
 * when its newest snapshot is damaged (only media damage does that: snapshots are synced before they are renamed).
 */
async function baseGeneration(dir: string): Promise<number | null | 'unreadable'> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  const newest = generations(entries).snaps[0];
  if (newest === undefined) return 0;
  try {
    parseSnapshotFile(await readFile(join(dir, snapFile(newest))));
    return newest;
  } catch {
    return 'unreadable';
  }
}

async function applyRepair(repair: LogRepair, logger: Logger): Promise<void> {
  const { plan, path, existing, dir, docName, gen } = repair;
  if (plan.kind !== 'repair') return;
  const tail = Buffer.concat(plan.tail);
  const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT);
  try {
    await handle.truncate(plan.keep);
    await writeAll(handle.fd, tail, plan.keep);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  if (existing.length === 0) await syncDir(dir);
  // The normal case after a crash (logs get their records at checkpoints), so not a warning.
  logger.info('storage.wal_log_repaired', { docName, gen, kept: plan.keep, appendedBytes: tail.length });
}
