import { copyFile, link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isNotFound } from './fsUtil.js';
import {
  docNameOf,
  docsRoot,
  generations,
  logFile,
  mediaDir,
  mediaFileName,
  SNAPSHOTS_DIR,
  snapFile,
  walRoot,
  walSegmentFile,
  walSegments,
} from './layout.js';

const ATTEMPTS = 20;

/**
 * Copies every document of `dataDir` into `destDir/docs` while a server may be writing them from another process.
 * Each document is copied as one generation (its newest snapshot plus the logs from that generation on); when
 * a compaction replaces files mid-copy (ENOENT), that document is copied again. A log copied while it grows may
 * end in a torn record, which loading truncates: every copied document loads to a state the server had.
 *
 * The write-ahead log is copied first: document logs lag it by up to a checkpoint, and the documents copied after it
 * hold everything its older segments held (a segment is deleted only once its logs are synced), so replaying the
 * copy on the first start completes every document up to the moment the segments were copied.
 */
export async function copyDocsConsistently(dataDir: string, destDir: string): Promise<void> {
  await copyWriteAheadLog(dataDir, destDir);
  const source = docsRoot(dataDir);
  const dest = docsRoot(destDir);
  await mkdir(dest, { recursive: true });
  let entries: string[];
  try {
    entries = await readdir(source);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  for (const entry of entries) {
    if (docNameOf(entry) === null) continue;
    await copyDoc(join(source, entry), join(dest, entry));
  }
}

async function copyWriteAheadLog(dataDir: string, destDir: string): Promise<void> {
  let segments: number[];
  try {
    segments = walSegments(await readdir(walRoot(dataDir)));
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  await mkdir(walRoot(destDir), { recursive: true });
  for (const seq of segments) {
    // A segment deleted meanwhile was checkpointed: the document logs copied next hold its records.
    await copyFile(join(walRoot(dataDir), walSegmentFile(seq)), join(walRoot(destDir), walSegmentFile(seq))).catch(
      (error) => {
        if (!isNotFound(error)) throw error;
      },
    );
  }
}

async function copyDoc(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // Dot-prefixed, so an interrupted copy is never taken for a document.
    const staging = join(dirname(to), `.copying-${basename(to)}`);
    await rm(staging, { recursive: true, force: true });
    try {
      await mkdir(staging, { recursive: true });
      await copyGeneration(from, staging);
      await rm(to, { recursive: true, force: true });
      await rename(staging, to);
      return;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (!isNotFound(error) || attempt >= ATTEMPTS) {
        // The whole document vanished (deleted meanwhile): nothing to copy.
        if (isNotFound(error) && !(await exists(from))) return;
        throw error;
      }
    }
  }
}

async function copyGeneration(from: string, to: string): Promise<void> {
  const { snaps, logs } = generations(await readdir(from));
  const base = snaps[0] ?? -1;
  if (base >= 0) await copyFile(join(from, snapFile(base)), join(to, snapFile(base)));
  for (const gen of logs) if (gen >= base) await copyFile(join(from, logFile(gen)), join(to, logFile(gen)));
  // A log of the next generation may have appeared after the listing: it only holds updates newer than the copy.
  let named: string[] = [];
  try {
    named = (await readdir(join(from, SNAPSHOTS_DIR))).filter((name) => name.endsWith('.snap'));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (named.length > 0) await mkdir(join(to, SNAPSHOTS_DIR));
  for (const name of named) await copyFile(join(from, SNAPSHOTS_DIR, name), join(to, SNAPSHOTS_DIR, name));
}

async function exists(path: string): Promise<boolean> {
  try {
    await readdir(path);
    return true;
  } catch {
    return false;
  }
}

/** A stored recording, as the metadata names it (see media/store.ts). */
export interface RecordingRef {
  project: string;
  transcript: string;
  sha256: string;
}

/**
 * Copies recordings of `dataDir` into `destDir/media`: hard links where both are on one file system (a recording
 * never changes once stored, so a link is as good as a copy and costs no space), else copies. Answers the ones that
 * were not there: replaced or deleted since the metadata naming them was read, so the caller reads it again.
 */
export async function copyRecordings(
  dataDir: string,
  destDir: string,
  recordings: readonly RecordingRef[],
): Promise<RecordingRef[]> {
  const missing: RecordingRef[] = [];
  for (const recording of recordings) {
    const name = mediaFileName(recording.sha256);
    const from = join(mediaDir(dataDir, recording.project, recording.transcript), name);
    const toDir = mediaDir(destDir, recording.project, recording.transcript);
    await mkdir(toDir, { recursive: true });
    const to = join(toDir, name);
    await rm(to, { force: true });
    try {
      await link(from, to).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw error;
        await copyFile(from, to);
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      missing.push(recording);
    }
  }
  return missing;
}
