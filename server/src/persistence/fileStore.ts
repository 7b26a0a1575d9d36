import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import {
  CorruptFileError,
  describeLogEnd,
  encodeSnapshotFile,
  LogFile,
  parseSnapshotFile,
  scanLog,
} from './fileLog.js';
import { isNotFound, syncDir, writeFileAtomic, writeFileOnce } from './fsUtil.js';
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
import {
  type DocLog,
  emptyStorageStats,
  type LoadedDoc,
  type SnapshotInfo,
  type Storage,
  type StorageStats,
} from './types.js';
import { recoverFromWriteAheadLog } from './walRecovery.js';
import { WriteAheadLog } from './writeAheadLog.js';

/** Creates the document's `written` marker (layout.ts) if it is missing. */
export async function markWritten(dir: string): Promise<void> {
  try {
    await writeFile(join(dir, WRITTEN_MARKER), '', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  await syncDir(dir);
}

/** A named snapshot's state, once its header and SHA-256 are checked; `what` names it in the error. */
export function parseNamedSnapshot(bytes: Uint8Array, what: string): Uint8Array {
  const head = NAMED_MAGIC.length;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < head + SHA_BYTES || !view.subarray(0, head).equals(NAMED_MAGIC)) {
    throw new CorruptFileError(`${what}: not a named snapshot`);
  }
  const state = view.subarray(head + SHA_BYTES);
  if (!namedSnapshotSha(view).equals(createHash('sha256').update(state).digest())) {
    throw new CorruptFileError(`${what}: SHA-256 mismatch`);
  }
  return state;
}

/** The SHA-256 a named snapshot file records for its state. */
export function namedSnapshotSha(bytes: Buffer): Buffer {
  return bytes.subarray(NAMED_MAGIC.length, NAMED_MAGIC.length + SHA_BYTES);
}

const NAMED_MAGIC = Buffer.from('ACNS\u0001\u0000\u0000\u0000', 'latin1');
const SHA_BYTES = 32;

export interface FileStorageOptions {
  dataDir: string;
  logger: Logger;
  /** Called when a log cannot be written: the caller must stop accepting updates for that document. */
  onLogFailure?: (docName: string, error: Error) => void;
}

/**
 * The embedded engine: one directory per document under `<dataDir>/docs` (see layout.ts), and one write-ahead log
 * under `<dataDir>/wal` where appends of every document become durable together (writeAheadLog.ts).
 */
export class FileStorage implements Storage {
  private readonly failureListeners: ((docName: string, error: Error) => void)[] = [];

  private constructor(
    private readonly options: FileStorageOptions,
    private readonly root: string,
    readonly stats: StorageStats,
    /** @internal the journal of every document log */
    readonly wal: WriteAheadLog,
  ) {}

  static async open(options: FileStorageOptions): Promise<FileStorage> {
    const root = docsRoot(options.dataDir);
    await mkdir(root, { recursive: true });
    for (const entry of await readdir(root)) {
      if (entry.startsWith('.trash-')) await rm(join(root, entry), { recursive: true, force: true });
    }
    const walDir = walRoot(options.dataDir);
    const recovered = await recoverFromWriteAheadLog(root, walDir, options.logger);
    const stats: StorageStats = {
      ...emptyStorageStats(),
      walReplayedEntries: recovered.entries,
      walRepairedLogs: recovered.repairedLogs,
    };
    const wal = await WriteAheadLog.create(walDir, recovered.nextSeq, stats, options.logger);
    return new FileStorage(options, root, stats, wal);
  }

  onLogFailure(listener: (docName: string, error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  /** After every document log is closed: makes the logs durable by themselves and removes the write-ahead log. */
  close(): Promise<void> {
    return this.wal.close();
  }

  async load(docName: string): Promise<LoadedDoc> {
    const dir = join(this.root, docDirName(docName));
    if ((await mkdir(dir, { recursive: true })) !== undefined) await syncDir(this.root);
    const entries = await readdir(dir);
    const { snaps, logs, temps } = generations(entries);
    for (const temp of temps) await unlink(join(dir, temp)).catch(() => {});

    const updates: Uint8Array[] = [];
    const base = snaps[0] ?? -1;
    let snapshotBytes = 0;
    if (base !== -1) {
      // Snapshots are renamed into place only after fsync, so a damaged one is media damage: refuse, loudly.
      const path = join(dir, snapFile(base));
      let state: Uint8Array;
      try {
        state = parseSnapshotFile(await readFile(path));
      } catch (error) {
        throw error instanceof CorruptFileError ? new CorruptFileError(`${path}: ${error.message}`) : error;
      }
      updates.push(state);
      snapshotBytes = state.length;
    } else if ((logs[0] ?? 0) > 0) {
      throw new CorruptFileError(`${join(dir, logFile(logs[0]!))} has no compaction snapshot under it`);
    }

    let recoveredTailBytes = 0;
    let current = { gen: Math.max(base, 0), size: 0 };
    for (const gen of logs) {
      if (gen < base) continue;
      const path = join(dir, logFile(gen));
      const bytes = await readFile(path);
      const { records, goodEnd, end } = scanLog(bytes);
      if (end.kind === 'damaged') throw new CorruptFileError(`${path}: ${describeLogEnd(end)}`);
      updates.push(...records);
      if (end.kind === 'torn') {
        // A torn tail (a copy taken while the record was appended): cut it so new appends follow valid records.
        recoveredTailBytes += bytes.length - goodEnd;
        this.stats.recoveredTails++;
        this.options.logger.warn('storage.log_tail_recovered', {
          docName,
          gen,
          kept: goodEnd,
          dropped: bytes.length - goodEnd,
        });
        await truncate(path, goodEnd);
      }
      current = { gen, size: goodEnd };
    }
    const marked = entries.includes(WRITTEN_MARKER);
    if (!marked && updates.length > 0) await markWritten(dir);
    // Older generations are leftovers of a compaction interrupted after its snapshot landed.
    for (const gen of snaps) if (gen < base) await unlink(join(dir, snapFile(gen))).catch(() => {});
    for (const gen of logs) if (gen < base) await unlink(join(dir, logFile(gen))).catch(() => {});

    const log = new FileDocLog(dir, docName, current.gen, current.size, snapshotBytes, this, updates.length > 0);
    return { updates, log, recoveredTailBytes };
  }

  async list(prefix: string): Promise<string[]> {
    const names: string[] = [];
    for (const entry of await readdir(this.root)) {
      const name = docNameOf(entry);
      if (name?.startsWith(prefix)) names.push(name);
    }
    return names.sort();
  }

  async deletePrefix(prefix: string): Promise<void> {
    const names = await this.list(prefix);
    if (names.length === 0) return;
    // Rename first: a concurrent backup sees a document entirely or not at all.
    const trash = join(this.root, `.trash-${randomBytes(6).toString('hex')}`);
    await mkdir(trash);
    for (const name of names) {
      await rename(join(this.root, docDirName(name)), join(trash, docDirName(name))).catch((error) => {
        if (!isNotFound(error)) throw error;
      });
    }
    await syncDir(this.root);
    // No write-ahead log segment may outlive the deletion: replaying one would bring the documents back.
    await this.wal.checkpoint();
    await rm(trash, { recursive: true, force: true });
  }

  async writeSnapshot(docName: string, snapshotId: string, state: Uint8Array): Promise<SnapshotInfo> {
    const dir = join(this.root, docDirName(docName), SNAPSHOTS_DIR);
    await mkdir(dir, { recursive: true });
    const sha = createHash('sha256').update(state).digest();
    await writeFileOnce(dir, snapshotFileName(snapshotId), Buffer.concat([NAMED_MAGIC, sha, state]));
    return { sha256: sha.toString('hex'), bytes: state.length };
  }

  async readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array> {
    const path = join(this.root, docDirName(docName), SNAPSHOTS_DIR, snapshotFileName(snapshotId));
    return parseNamedSnapshot(await readFile(path), `${docName}@${snapshotId}`);
  }

  /** @internal */
  markFailed(docName: string, error: unknown): void {
    this.options.logger.warn('storage.mark_failed', { docName, error });
  }

  /** @internal */
  logFailed(docName: string, error: Error): void {
    this.options.logger.error('storage.log_write_failed', { docName, error });
    this.options.onLogFailure?.(docName, error);
    for (const listener of this.failureListeners) listener(docName, error);
  }
}

class FileDocLog implements DocLog {
  private log: LogFile;
  private compacting: Promise<void> | null = null;
  snapshotBytes: number;

  constructor(
    private readonly dir: string,
    private readonly docName: string,
    private gen: number,
    logSize: number,
    snapshotBytes: number,
    private readonly storage: FileStorage,
    private marked: boolean,
  ) {
    this.snapshotBytes = snapshotBytes;
    this.log = this.logFor(gen, logSize);
  }

  get logBytes(): number {
    return this.log.size;
  }

  append(update: Uint8Array): void {
    this.log.append(update);
    if (!this.marked) this.markOnceDurable();
  }

  /** The document's first records: once they are durable, mark it as having content (layout.ts). */
  private markOnceDurable(): void {
    this.marked = true;
    this.log
      .flush()
      .then(() => markWritten(this.dir))
      .catch((error) => {
        // Gone meanwhile (deleted), or the log failed, which reports itself: the mark only helps `accord check`.
        if (!isNotFound(error) && !this.log.failed) this.storage.markFailed(this.docName, error);
      });
  }

  flush(): Promise<void> {
    return this.log.flush();
  }

  compact(state: () => Uint8Array): Promise<void> {
    this.compacting ??= this.runCompaction(state).finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  async close(): Promise<void> {
    await this.compacting?.catch(() => {});
    await this.log.close();
  }

  private async runCompaction(state: () => Uint8Array): Promise<void> {
    await this.log.flush();
    const encoded = state();
    const previous = { gen: this.gen, log: this.log };
    // From here on appends go to the next generation's log, which loads on top of either snapshot.
    this.gen += 1;
    this.log = this.logFor(this.gen, 0);
    await writeFileAtomic(this.dir, snapFile(this.gen), encodeSnapshotFile(encoded));
    this.snapshotBytes = encoded.length;
    await previous.log.discard();
    for (const file of [snapFile(previous.gen), logFile(previous.gen)]) {
      await unlink(join(this.dir, file)).catch((error) => {
        if (!isNotFound(error)) throw error;
      });
    }
    await syncDir(this.dir);
    this.storage.stats.compactions++;
  }

  private logFor(gen: number, size: number): LogFile {
    return new LogFile(join(this.dir, logFile(gen)), this.dir, this.docName, gen, size, this.storage.wal, (error) =>
      this.storage.logFailed(this.docName, error),
    );
  }
}
