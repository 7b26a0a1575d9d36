import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { fileHeader, HEADER_BYTES, LOG_MAGIC, parseLog, parseSnapshotFile } from './fileLog.js';
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

/**
 * Replays the write-ahead log into the document logs, makes them durable, and deletes the segments. Entries for a
 * document that no longer exists (deleted) or for a generation its newest snapshot already covers are skipped.
 */
export async function recoverFromWriteAheadLog(
  docsDir: string,
  walDir: string,
  logger: Logger,
): Promise<RecoveryResult> {
  await mkdir(walDir, { recursive: true });
  const segments = walSegments(await readdir(walDir));
  /** Entries per document, then per generation of its log, in the order they were appended. */
  const byDoc = new Map<string, Map<number, WalEntry[]>>();
  let count = 0;
  for (const seq of segments) {
    const bytes = await readFile(join(walDir, walSegmentFile(seq)));
    const { records, goodEnd } = parseLog(bytes, WAL_MAGIC);
    if (goodEnd < bytes.length) logger.info('storage.wal_tail_ignored', { seq, bytes: bytes.length - goodEnd });
    for (const payload of records) {
      const entry = decodeWalEntry(payload);
      if (!entry) {
        logger.error('storage.wal_entry_malformed', { seq });
        continue;
      }
      const gens = byDoc.get(entry.docName) ?? new Map<number, WalEntry[]>();
      byDoc.set(entry.docName, gens);
      const entries = gens.get(entry.gen);
      if (entries) entries.push(entry);
      else gens.set(entry.gen, [entry]);
      count++;
    }
  }

  let repairedLogs = 0;
  for (const [docName, gens] of byDoc) {
    const dir = join(docsDir, docDirName(docName));
    const base = await baseGeneration(dir, docName, logger);
    if (base === null) continue;
    for (const [gen, entries] of gens) {
      if (gen >= base && (await repairLog(dir, gen, entries, docName, logger))) repairedLogs++;
    }
  }

  for (const seq of segments) await unlink(join(walDir, walSegmentFile(seq)));
  if (segments.length > 0) {
    await syncDir(walDir);
    logger.info('storage.wal_replayed', { segments: segments.length, entries: count, repairedLogs });
  }
  return { nextSeq: (segments.at(-1) ?? -1) + 1, entries: count, repairedLogs };
}

/** The generation of the document's newest readable snapshot (0 without one); null when the document is gone. */
async function baseGeneration(dir: string, docName: string, logger: Logger): Promise<number | null> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  const { snaps } = generations(entries);
  for (const gen of snaps) {
    try {
      parseSnapshotFile(await readFile(join(dir, snapFile(gen))));
      return gen;
    } catch {
      // load() reports the damaged snapshot; recovery only needs the newest good one.
    }
  }
  if (snaps.length > 0) logger.error('storage.wal_no_readable_snapshot', { docName });
  return snaps.length > 0 ? null : 0;
}

async function repairLog(
  dir: string,
  gen: number,
  entries: readonly WalEntry[],
  docName: string,
  logger: Logger,
): Promise<boolean> {
  const path = join(dir, logFile(gen));
  let existing: Uint8Array = new Uint8Array(0);
  try {
    existing = await readFile(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const plan = planRepair(existing, entries);
  if (plan.kind === 'intact') return false;
  if (plan.kind === 'gap') {
    logger.error('storage.wal_gap', { docName, gen, at: plan.at, fileBytes: existing.length });
    return false;
  }
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
  return true;
}
