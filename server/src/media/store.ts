import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isNotFound, syncDir } from '../persistence/fsUtil.js';
import {
  MEDIA_STAGING_DIR,
  mediaDigestOf,
  mediaDir,
  mediaFileName,
  mediaRoot,
  mediaStagingDir,
} from '../persistence/layout.js';

/**
 * Where recordings live: behind this small interface so that a PostgreSQL (large object) or object-store
 * implementation can replace the data folder for the scale-out engine without touching the routes (docs/media.md).
 * A recording is named by its transcript and the SHA-256 of its bytes; stored recordings never change, a new upload
 * is a new recording, and the metadata says which one counts.
 */
export interface MediaKey {
  project: string;
  transcript: string;
  sha256: string;
}

/** An upload received whole and synced, not yet visible anywhere; the caller checks it, then commits or discards. */
export interface StagedMedia {
  /** A local file holding exactly the bytes received. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface MediaStore {
  /** Streams `source` to a staging file, counting (refusing past `maxBytes`), hashing and syncing as it goes. */
  receive(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): Promise<StagedMedia>;
  /** Makes a checked upload the stored recording of a transcript; atomic (all of it or nothing). */
  commit(staged: StagedMedia, owner: { project: string; transcript: string }): Promise<MediaKey>;
  discard(staged: StagedMedia): Promise<void>;
  /** The stored size, or null when the recording is not there. */
  size(key: MediaKey): Promise<number | null>;
  /** The bytes `[start, end]` (inclusive) of a stored recording, or all of it. */
  read(key: MediaKey, range?: { start: number; end: number }): Readable;
  /** Deletes every recording of a transcript except the one with digest `keep`. */
  prune(owner: { project: string; transcript: string }, keep: string | null): Promise<void>;
  removeProject(project: string): Promise<void>;
  /** Reads a stored recording through: null when it has `bytes` bytes and digest `key.sha256`, else what is wrong. */
  verify(key: MediaKey, bytes: number): Promise<string | null>;
  /** Every stored recording (for checks and backups). */
  list(): Promise<MediaKey[]>;
}

/** An upload over the configured limit: answered 413 naming the limit. */
export class MediaTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`over the limit of ${limit} bytes`);
  }
}

/** The data folder's recordings (persistence/layout.ts): `media/<project>/<transcript>/<sha256>.media`. */
export class FileMediaStore implements MediaStore {
  constructor(private readonly dataDir: string) {}

  /** Deletes uploads a crash interrupted: they were never visible, and nobody is receiving them any more. */
  async sweepStaging(): Promise<number> {
    const staging = mediaStagingDir(this.dataDir);
    let names: string[];
    try {
      names = await readdir(staging);
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    for (const name of names) await rm(join(staging, name), { force: true });
    return names.length;
  }

  async receive(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): Promise<StagedMedia> {
    const staging = mediaStagingDir(this.dataDir);
    await mkdir(staging, { recursive: true });
    const path = join(staging, `${randomBytes(12).toString('hex')}.part`);
    const handle = await open(path, 'wx', 0o600);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of source) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) throw new MediaTooLarge(maxBytes);
        hash.update(chunk);
        let written = 0;
        while (written < chunk.byteLength) {
          written += (await handle.write(chunk, written, chunk.byteLength - written)).bytesWritten;
        }
      }
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => {});
      await rm(path, { force: true });
      throw error;
    }
    await handle.close();
    return { path, bytes, sha256: hash.digest('hex') };
  }

  async commit(staged: StagedMedia, owner: { project: string; transcript: string }): Promise<MediaKey> {
    const dir = mediaDir(this.dataDir, owner.project, owner.transcript);
    const created = await mkdir(dir, { recursive: true });
    await rename(staged.path, join(dir, mediaFileName(staged.sha256)));
    await syncDir(dir);
    // New directories must survive a crash too: sync each parent from the first one created.
    if (created !== undefined) {
      await syncDir(join(dir, '..'));
      await syncDir(mediaRoot(this.dataDir));
    }
    await syncDir(mediaStagingDir(this.dataDir));
    return { ...owner, sha256: staged.sha256 };
  }

  async discard(staged: StagedMedia): Promise<void> {
    await rm(staged.path, { force: true });
  }

  private path(key: MediaKey): string {
    return join(mediaDir(this.dataDir, key.project, key.transcript), mediaFileName(key.sha256));
  }

  async size(key: MediaKey): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  read(key: MediaKey, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(key), range === undefined ? {} : { start: range.start, end: range.end });
  }

  async prune(owner: { project: string; transcript: string }, keep: string | null): Promise<void> {
    const dir = mediaDir(this.dataDir, owner.project, owner.transcript);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    const stale = names.filter((name) => keep === null || mediaDigestOf(name) !== keep);
    for (const name of stale) await rm(join(dir, name), { force: true });
    if (keep === null) await rm(dir, { recursive: true, force: true });
    if (stale.length > 0) await syncDir(keep === null ? join(dir, '..') : dir).catch(() => {});
  }

  async removeProject(project: string): Promise<void> {
    await rm(join(mediaRoot(this.dataDir), project), { recursive: true, force: true });
  }

  async verify(key: MediaKey, bytes: number): Promise<string | null> {
    let size: number | null;
    try {
      size = await this.size(key);
    } catch (error) {
      return `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    if (size === null) return 'is missing';
    if (size !== bytes) return `has ${size} bytes, ${bytes} were recorded at upload`;
    const hash = createHash('sha256');
    for await (const chunk of this.read(key)) hash.update(chunk as Buffer);
    const digest = hash.digest('hex');
    return digest === key.sha256 ? null : `its SHA-256 is ${digest}, ${key.sha256} was recorded at upload`;
  }

  async list(): Promise<MediaKey[]> {
    const keys: MediaKey[] = [];
    const root = mediaRoot(this.dataDir);
    for (const project of await entries(root)) {
      if (project === MEDIA_STAGING_DIR) continue;
      for (const transcript of await entries(join(root, project))) {
        for (const name of await entries(join(root, project, transcript))) {
          const sha256 = mediaDigestOf(name);
          if (sha256 !== null) keys.push({ project, transcript, sha256 });
        }
      }
    }
    return keys;
  }

  /** Files under `media/` that are neither a recording nor the staging folder (for `accord check`'s notes). */
  async staged(): Promise<string[]> {
    return (await entries(mediaStagingDir(this.dataDir))).map((name) => `media/${MEDIA_STAGING_DIR}/${name}`);
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

/** The relative path of a stored recording in the data folder, for reports. */
export function mediaPathOf(key: MediaKey): string {
  return `media/${key.project}/${key.transcript}/${mediaFileName(key.sha256)}`;
}
