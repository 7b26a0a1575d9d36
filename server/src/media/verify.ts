import type { Metadata } from '../metadata/schema.js';
import type { Damage } from '../persistence/damage.js';
import { FileMediaStore, type MediaKey, mediaPathOf } from './store.js';

/**
 * The recordings of a data directory against the metadata (`accord check`, `accord restore`): every recording the
 * metadata names must be there with the size and SHA-256 recorded at upload (each is read through, so this takes
 * as long as reading them). Files nobody names, and uploads a crash interrupted, are notes, not damage: they were
 * never visible, and the next start (staging) or replacement (strays) removes them.
 */
export interface MediaReport {
  damages: Damage[];
  recordings: number;
  bytes: number;
  notes: string[];
}

export function recordedMedia(data: Metadata): { key: MediaKey; bytes: number; because: string }[] {
  return data.transcripts.flatMap((t) =>
    t.media === undefined
      ? []
      : [
          {
            key: { project: t.projectId, transcript: t.id, sha256: t.media.sha256 },
            bytes: t.media.bytes,
            because: `the recording "${t.media.name}" of transcript "${t.title}" (${t.id})`,
          },
        ],
  );
}

export async function verifyMedia(dataDir: string, data: Metadata | null): Promise<MediaReport> {
  const store = new FileMediaStore(dataDir);
  const recorded = data === null ? [] : recordedMedia(data);
  const report: MediaReport = { damages: [], recordings: recorded.length, bytes: 0, notes: [] };
  for (const { key, bytes, because } of recorded) {
    report.bytes += bytes;
    const problem = await store.verify(key, bytes);
    if (problem !== null) report.damages.push({ file: mediaPathOf(key), problem: `${because} ${problem}` });
  }
  const named = new Set(recorded.map(({ key }) => mediaPathOf(key)));
  for (const key of await store.list()) {
    const path = mediaPathOf(key);
    if (!named.has(path)) report.notes.push(`${path}: a recording no transcript names (left by an interrupted change)`);
  }
  for (const path of await store.staged()) {
    report.notes.push(`${path}: an upload a crash interrupted, never visible (the next start deletes it)`);
  }
  return report;
}
