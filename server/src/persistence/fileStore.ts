import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { CorruptFileError, encodeSnapshotFile, LogFile, parseLog, parseSnapshotFile } from './fileLog.js';
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
  walRoot,
} from './layout.js';
import type { DocLog, LoadedDoc, SnapshotInfo, Storage, StorageStats } from './types.js';
import { recoverFromWriteAheadLog } from './walRecovery.js';
import { WriteAheadLog } from './writeAheadLog.js';

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
      appendedRecords: 0,
      appendedBytes: 0,
      syncs: 0,
      compactions: 0,
      recoveredTails: 0,
      checkpoints: 0,
      walReplayedEntries: recovered.entries,
      walRepairedLogs: recovered.repairedLogs,
    };
    const wal = await WriteAheadLog.create(walDir, recovered.nextSeq, stats, options.logger);
    return new FileStorage(options, root, stats, wal);
  }

  /** After every document log is closed: makes the logs durable by themselves and removes the write-ahead log. */
  close(): Promise<void> {
    return this.wal.close();
  }

  async load(docName: string): Promise<LoadedDoc> {
    const dir = join(this.root, docDirName(docName));
    if ((await mkdir(dir, { recursive: true })) !== undefined) await syncDir(this.root);
    const { snaps, logs, temps } = generations(await readdir(dir));
    for (const temp of temps) await unlink(join(dir, temp)).catch(() => {});

    const updates: Uint8Array[] = [];
    let base = -1;
    let snapshotBytes = 0;
    for (const gen of snaps) {
      try {
        const state = parseSnapshotFile(await readFile(join(dir, snapFile(gen))));
        updates.push(state);
        snapshotBytes = state.length;
        base = gen;
        break;
      } catch (error) {
        // Snapshots are renamed into place only after fsync, so this is media damage: fall back, loudly.
        this.options.logger.error('storage.snapshot_corrupt', { docName, gen, error });
      }
    }
    if (base === -1 && snaps.length > 0) throw new CorruptFileError(`${docName}: no readable snapshot`);

    let recoveredTailBytes = 0;
    let current = { gen: Math.max(base, 0), size: 0 };
    for (const gen of logs) {
      if (gen < base) continue;
      const path = join(dir, logFile(gen));
      const bytes = await readFile(path);
      const { records, goodEnd } = parseLog(bytes);
      updates.push(...records);
      if (goodEnd < bytes.length) {
        // A torn or corrupt tail: keep the good prefix, cut the rest so new appends follow valid records.
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
    // Older generations are leftovers of a compaction interrupted after its snapshot landed.
    for (const gen of snaps) if (gen < base) await unlink(join(dir, snapFile(gen))).catch(() => {});
    for (const gen of logs) if (gen < base) await unlink(join(dir, logFile(gen))).catch(() => {});

    const log = new FileDocLog(dir, docName, current.gen, current.size, snapshotBytes, this);
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
    const bytes = await readFile(path);
    const head = NAMED_MAGIC.length;
    if (bytes.length < head + SHA_BYTES || !bytes.subarray(0, head).equals(NAMED_MAGIC)) {
      throw new CorruptFileError(`${docName}@${snapshotId}: not a named snapshot`);
    }
    const state = bytes.subarray(head + SHA_BYTES);
    if (
      !createHash('sha256')
        .update(state)
        .digest()
        .equals(bytes.subarray(head, head + SHA_BYTES))
    ) {
      throw new CorruptFileError(`${docName}@${snapshotId}: SHA-256 mismatch`);
    }
    return state;
  }

  /** @internal */
  logFailed(docName: string, error: Error): void {
    this.options.logger.error('storage.log_write_failed', { docName, error });
    this.options.onLogFailure?.(docName, error);
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
  ) {
    this.snapshotBytes = snapshotBytes;
    this.log = this.logFor(gen, logSize);
  }

  get logBytes(): number {
    return this.log.size;
  }

  append(update: Uint8Array): void {
    this.log.append(update);
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
