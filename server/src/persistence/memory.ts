import { createHash } from 'node:crypto';
import { CorruptFileError } from './fileLog.js';
import {
  type DocLog,
  emptyStorageStats,
  type LoadedDoc,
  SnapshotExistsError,
  type SnapshotInfo,
  SnapshotNotFoundError,
  type Storage,
} from './types.js';

/** What a stored document is in memory: a base state, the updates appended since, and its named snapshots. */
export interface MemoryDoc {
  base: Uint8Array | null;
  updates: Uint8Array[];
  snapshots: Map<string, { sha256: string; state: Uint8Array }>;
}

/**
 * What outlives a MemoryStorage: hand the same backing to a new MemoryStorage to model a restart. Only what was
 * flushed is here, so a new storage opened over it without closing the old one is what a crash leaves.
 */
export class MemoryBacking {
  readonly docs = new Map<string, MemoryDoc>();
}

/**
 * The simplest engine, and the reference for the others: documents in a Map, appends made "durable" (moved into
 * the backing) at the end of the event-loop turn, as the other engines write theirs. For tests and tools; nothing
 * survives the process.
 */
export class MemoryStorage implements Storage {
  readonly stats = emptyStorageStats();
  private readonly listeners: ((docName: string, error: Error) => void)[] = [];
  private readonly logs = new Set<MemoryDocLog>();

  constructor(readonly backing: MemoryBacking = new MemoryBacking()) {}

  async load(docName: string): Promise<LoadedDoc> {
    const doc = this.docOf(docName);
    const updates = doc.base ? [doc.base, ...doc.updates] : [...doc.updates];
    const log = new MemoryDocLog(this, docName, doc.base?.length ?? 0, sum(doc.updates));
    this.logs.add(log);
    return { updates, log, recoveredTailBytes: 0 };
  }

  /** A document's durable state without opening or creating it (as PostgresStorage.readUpdates). */
  async readUpdates(docName: string): Promise<Uint8Array[]> {
    const doc = this.backing.docs.get(docName);
    if (!doc) return [];
    return doc.base ? [doc.base, ...doc.updates] : [...doc.updates];
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.backing.docs.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const name of await this.list(prefix)) this.backing.docs.delete(name);
  }

  async writeSnapshot(docName: string, snapshotId: string, state: Uint8Array): Promise<SnapshotInfo> {
    const { snapshots } = this.docOf(docName);
    if (snapshots.has(snapshotId)) throw new SnapshotExistsError(docName, snapshotId);
    const sha256 = createHash('sha256').update(state).digest('hex');
    snapshots.set(snapshotId, { sha256, state: state.slice() });
    return { sha256, bytes: state.length };
  }

  async readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array> {
    const snapshot = this.backing.docs.get(docName)?.snapshots.get(snapshotId);
    if (!snapshot) throw new SnapshotNotFoundError(docName, snapshotId);
    if (createHash('sha256').update(snapshot.state).digest('hex') !== snapshot.sha256) {
      throw new CorruptFileError(`${docName}@${snapshotId}: SHA-256 mismatch`);
    }
    return snapshot.state.slice();
  }

  onLogFailure(listener: (docName: string, error: Error) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    for (const log of this.logs) await log.close();
  }

  /** @internal the document, created if it does not exist (as loading or snapshotting a document creates it) */
  docOf(docName: string): MemoryDoc {
    let doc = this.backing.docs.get(docName);
    if (!doc) {
      doc = { base: null, updates: [], snapshots: new Map() };
      this.backing.docs.set(docName, doc);
    }
    return doc;
  }

  /** @internal */
  forget(log: MemoryDocLog): void {
    this.logs.delete(log);
  }
}

class MemoryDocLog implements DocLog {
  private pending: Uint8Array[] = [];
  private scheduled = false;
  private compacting: Promise<void> | null = null;

  constructor(
    private readonly storage: MemoryStorage,
    private readonly docName: string,
    public snapshotBytes: number,
    public logBytes: number,
  ) {}

  append(update: Uint8Array): void {
    this.pending.push(update.slice());
    this.logBytes += update.length;
    this.storage.stats.appendedRecords++;
    this.storage.stats.appendedBytes += update.length;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.write();
    });
  }

  flush(): Promise<void> {
    this.write();
    return Promise.resolve();
  }

  compact(state: () => Uint8Array): Promise<void> {
    this.compacting ??= (async () => {
      await this.flush();
      const base = state();
      // Deleted meanwhile (deletePrefix): nothing to compact into.
      const doc = this.storage.backing.docs.get(this.docName);
      if (!doc) return;
      doc.base = base.slice();
      doc.updates = [];
      this.snapshotBytes = base.length;
      this.logBytes = 0;
      this.storage.stats.compactions++;
    })().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  async close(): Promise<void> {
    await this.compacting?.catch(() => {});
    this.write();
    this.storage.forget(this);
  }

  private write(): void {
    if (this.pending.length === 0) return;
    const updates = this.pending;
    this.pending = [];
    // A document deleted while loaded takes its later appends with it, as a removed directory does.
    this.storage.backing.docs.get(this.docName)?.updates.push(...updates);
    this.storage.stats.syncs++;
  }
}

function sum(updates: readonly Uint8Array[]): number {
  let bytes = 0;
  for (const update of updates) bytes += update.length;
  return bytes;
}
