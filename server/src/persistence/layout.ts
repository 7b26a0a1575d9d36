import { join } from 'node:path';

/**
 * On-disk layout of the file engine:
 *
 *   <dataDir>/docs/<doc>/<gen>.snap          compaction snapshot of generation <gen> (absent for generation 0)
 *   <dataDir>/docs/<doc>/<gen>.log           updates appended after that snapshot
 *   <dataDir>/docs/<doc>/snapshots/<id>.snap immutable named snapshots
 *   <dataDir>/docs/<doc>/written             empty; the document has had durable content (see verify.ts)
 *   <dataDir>/wal/<seq>.wal                  write-ahead log segments shared by every document (writeAheadLog.ts)
 *
 * A document's state is the newest valid `<base>.snap` (or nothing) plus every `<gen>.log` with gen >= base, in
 * order. Compaction writes `<gen+1>.snap` while new appends already go to `<gen+1>.log`, then deletes the older
 * generation: at every instant the files on disk load to a complete state, which is what lets a backup running
 * in another process copy them without stopping the server.
 */
const NAME = /^[a-z0-9_\-/]{1,240}$/;

/** Doc names are `[a-z0-9_-]` segments joined by `/`; `.` never occurs in them, so it is a safe reversible separator. */
export function docDirName(docName: string): string {
  if (!NAME.test(docName) || docName.startsWith('/') || docName.endsWith('/') || docName.includes('//')) {
    throw new Error(`invalid document name: ${JSON.stringify(docName)}`);
  }
  return docName.replaceAll('/', '.');
}

export function docNameOf(dirName: string): string | null {
  const name = dirName.replaceAll('.', '/');
  return !dirName.startsWith('.') && NAME.test(name) ? name : null;
}

export const docsRoot = (dataDir: string): string => join(dataDir, 'docs');

export const SNAPSHOTS_DIR = 'snapshots';
/**
 * Created once a document's first records are durable, and never removed while the document exists: a document
 * directory holding it but neither a snapshot nor a record has lost its files. A document only read has none.
 */
export const WRITTEN_MARKER = 'written';
const SNAPSHOT_ID = /^[a-z0-9][a-z0-9_-]{0,127}$/;

export function snapshotFileName(snapshotId: string): string {
  if (!SNAPSHOT_ID.test(snapshotId)) throw new Error(`invalid snapshot id: ${JSON.stringify(snapshotId)}`);
  return `${snapshotId}.snap`;
}

export interface Generations {
  /** Generations with a compaction snapshot, newest first. */
  snaps: number[];
  /** Generations with a log, oldest first. */
  logs: number[];
  temps: string[];
}

export function generations(entries: readonly string[]): Generations {
  const snaps: number[] = [];
  const logs: number[] = [];
  const temps: string[] = [];
  for (const entry of entries) {
    const match = /^(\d{1,15})\.(snap|log)$/.exec(entry);
    if (match) (match[2] === 'snap' ? snaps : logs).push(Number(match[1]));
    else if (entry.endsWith('.tmp')) temps.push(entry);
  }
  snaps.sort((a, b) => b - a);
  logs.sort((a, b) => a - b);
  return { snaps, logs, temps };
}

export const snapFile = (gen: number): string => `${gen}.snap`;
export const logFile = (gen: number): string => `${gen}.log`;

export const walRoot = (dataDir: string): string => join(dataDir, 'wal');
export const walSegmentFile = (seq: number): string => `${seq}.wal`;

/** Sequence numbers of the write-ahead log segments among `entries`, oldest first. */
export function walSegments(entries: readonly string[]): number[] {
  const segments: number[] = [];
  for (const entry of entries) {
    const match = /^(\d{1,15})\.wal$/.exec(entry);
    if (match) segments.push(Number(match[1]));
  }
  return segments.sort((a, b) => a - b);
}

/**
 * Recordings attached to transcripts (docs/media.md), byte for byte as uploaded:
 *
 *   <dataDir>/media/<project>/<transcript>/<sha256>.media   the recording; its name is its content's SHA-256
 *   <dataDir>/media/.staging/<random>.part                  an upload being received (never served; swept on start)
 *
 * A file is immutable once renamed into place: a new recording is a new file, and the metadata names the one that
 * counts (by its SHA-256), so a crash at any point leaves either the old recording or the new one, never half.
 */
export const mediaRoot = (dataDir: string): string => join(dataDir, 'media');
export const MEDIA_STAGING_DIR = '.staging';
export const mediaStagingDir = (dataDir: string): string => join(mediaRoot(dataDir), MEDIA_STAGING_DIR);
const MEDIA_SEGMENT = /^[a-z0-9_-]{1,64}$/;
const SHA256 = /^[0-9a-f]{64}$/;
export const MEDIA_SUFFIX = '.media';

export function mediaDir(dataDir: string, projectId: string, transcriptId: string): string {
  if (!MEDIA_SEGMENT.test(projectId) || !MEDIA_SEGMENT.test(transcriptId)) {
    throw new Error(`invalid media owner: ${JSON.stringify([projectId, transcriptId])}`);
  }
  return join(mediaRoot(dataDir), projectId, transcriptId);
}

export function mediaFileName(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`invalid media digest: ${JSON.stringify(sha256)}`);
  return `${sha256}${MEDIA_SUFFIX}`;
}

/** The SHA-256 a media file's name records, or null for anything else (staging files, strays). */
export function mediaDigestOf(fileName: string): string | null {
  if (!fileName.endsWith(MEDIA_SUFFIX)) return null;
  const digest = fileName.slice(0, -MEDIA_SUFFIX.length);
  return SHA256.test(digest) ? digest : null;
}
