import { Worker } from 'node:worker_threads';
import type { ArchiveReply, ArchiveRequest } from './archiveWorker.js';
import { ImportError } from './errors.js';
import type { ImportLimits } from './limits.js';

/**
 * Reads ZIP-based files (qdpx, docx, odt) in memory, never on disk, so no entry name can write outside anything.
 * The reading happens on a worker thread (archiveWorker.js), which counts the bytes each entry really inflates to:
 * the server's event loop never inflates anything, and a ZIP bomb is refused as soon as an entry outgrows the size
 * its directory declares (the declared sizes are held to `maxDecompressedBytes` before anything is inflated).
 */
export interface Archive {
  /** Entry paths as stored, with `/` separators; directories are left out. */
  readonly paths: readonly string[];
  /** An entry by path, compared case-insensitively (real exports vary the case of `sources/`). */
  get(path: string): Uint8Array | undefined;
}

export async function readArchive(file: string, bytes: Uint8Array, limits: ImportLimits): Promise<Archive> {
  const { entries } = await inflater.read(file, bytes, limits, false);
  return archiveOf(entries);
}

/**
 * The archive, checked, and again stored without compression, for libraries that read ZIPs themselves (mammoth):
 * they then only ever see entries this module has already bounded and checked, whatever sizes the original declared.
 */
export async function repackArchive(
  file: string,
  bytes: Uint8Array,
  limits: ImportLimits,
): Promise<{ archive: Archive; repacked: Uint8Array }> {
  const { entries, repacked } = await inflater.read(file, bytes, limits, true);
  return { archive: archiveOf(entries), repacked: repacked! };
}

function archiveOf(entries: readonly { path: string; content: Uint8Array }[]): Archive {
  const byLowerPath = new Map<string, Uint8Array>();
  for (const { path, content } of entries) byLowerPath.set(path.toLowerCase(), content);
  return {
    paths: entries.map((entry) => entry.path),
    get: (path) => byLowerPath.get(path.replaceAll('\\', '/').toLowerCase()),
  };
}

const workerFile = new URL('./archiveWorker.js', import.meta.url);

/**
 * One worker for every import, started when first needed and again after it dies; archives are read one after the
 * other. The worker keeps the process alive only while a read is under way (the CLI exits when it is done).
 */
class ArchiveInflater {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { resolve: (reply: ArchiveReply) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  async read(
    file: string,
    bytes: Uint8Array,
    limits: ImportLimits,
    repack: boolean,
  ): Promise<{ entries: { path: string; content: Uint8Array }[]; repacked?: Uint8Array }> {
    const worker = this.start();
    const id = this.nextId++;
    // A copy of exactly these bytes, handed over rather than cloned: the caller's buffer stays the caller's (and a
    // Node Buffer's `slice` would be a view of it, maybe of a shared pool).
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    const request: ArchiveRequest = {
      id,
      bytes: copy,
      maxDecompressedBytes: limits.maxDecompressedBytes,
      maxArchiveEntries: limits.maxArchiveEntries,
      repack,
    };
    worker.ref();
    const reply = await new Promise<ArchiveReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(request, [copy.buffer as ArrayBuffer]);
    });
    if ('refused' in reply) throw new ImportError(file, reply.refused.code, reply.refused.problem);
    if ('error' in reply) throw new Error(`reading the archive ${file} failed: ${reply.error.message}`);
    return reply;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile);
    worker.on('message', (reply: ArchiveReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      waiting?.resolve(reply);
    });
    const lost = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const { reject } of this.waiting.values()) reject(error);
      this.waiting.clear();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the archive worker exited with code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

const inflater = new ArchiveInflater();
