/**
 * Storage of Yjs documents behind a small interface (append, load, compact, snapshot, list, delete; see
 * docs/storage.md), so that the sync engine works the same on the embedded file engine (fileStore.ts), in memory
 * (memory.ts) and on PostgreSQL (postgres/). The composition root (app.ts) opens one and hands it to the engine.
 *
 * Contract every engine keeps (server/test/persistence/storageContract.ts checks it on each): `load` returns
 * updates whose merge is the document's last durable state; `append` never blocks the caller and becomes durable
 * at the next `flush` (which the engine also runs by itself within the same event-loop turn, so that an update is
 * durable well within the 100 ms that docs/sync.md guarantees); `compact` never leaves a moment where a crash
 * loses an appended update; named snapshots are immutable and verified against their SHA-256 when read.
 */
export interface Storage {
  /** Opens a document for appending; `updates` (oldest first) rebuild its durable state. */
  load(docName: string): Promise<LoadedDoc>;
  /** Names of stored documents starting with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes every document (and its named snapshots) whose name starts with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Writes an immutable named snapshot; fails if `snapshotId` already exists for this document. */
  writeSnapshot(docName: string, snapshotId: string, state: Uint8Array): Promise<SnapshotInfo>;
  /** Reads a named snapshot, verifying its SHA-256. */
  readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array>;
  /**
   * Registers who is told when a document's log cannot be written: the sync engine then stops accepting updates
   * for that document (its clients keep their edits and resend them when they reconnect).
   */
  onLogFailure(listener: (docName: string, error: Error) => void): void;
  /** Counters since the storage was opened (the engine's metrics report them). */
  readonly stats: StorageStats;
  /** Once every document's log is closed: leaves the stored state complete without any recovery step. */
  close(): Promise<void>;
}

export interface LoadedDoc {
  updates: Uint8Array[];
  log: DocLog;
  /** Records dropped at a torn or corrupt tail during recovery (0 on a clean start). */
  recoveredTailBytes: number;
}

export interface DocLog {
  /** Queues an update; durable after the flush that the log schedules for the end of this event-loop turn. */
  append(update: Uint8Array): void;
  /** Resolves once everything appended so far is durable. */
  flush(): Promise<void>;
  /**
   * Replaces snapshot + log by a new generation holding `state()`, called once everything appended so far is
   * durable; appends made meanwhile are kept.
   */
  compact(state: () => Uint8Array): Promise<void>;
  /** Bytes of the base snapshot and of the log since: a cheap upper bound of the encoded document. */
  readonly snapshotBytes: number;
  readonly logBytes: number;
  /** Flushes and releases what the log holds (file handles, pending batches). */
  close(): Promise<void>;
}

export interface SnapshotInfo {
  sha256: string;
  bytes: number;
}

/** What every engine counts; the fields an engine has no use for stay 0 (a database has no write-ahead log of ours). */
export interface StorageStats {
  appendedRecords: number;
  appendedBytes: number;
  /** Durable writes: fsyncs of the file engine, committed batches of PostgreSQL. */
  syncs: number;
  compactions: number;
  recoveredTails: number;
  /** Write-ahead log segments switched after their documents' logs were synced. */
  checkpoints: number;
  /** Write-ahead log entries read on start, and document logs they had to complete (after a crash or power loss). */
  walReplayedEntries: number;
  walRepairedLogs: number;
}

/** Fresh counters, all 0. */
export function emptyStorageStats(): StorageStats {
  return {
    appendedRecords: 0,
    appendedBytes: 0,
    syncs: 0,
    compactions: 0,
    recoveredTails: 0,
    checkpoints: 0,
    walReplayedEntries: 0,
    walRepairedLogs: 0,
  };
}

/** `writeSnapshot` of an id the document has already: `code` is 'EEXIST', as the file engine's link failure. */
export class SnapshotExistsError extends Error {
  override name = 'SnapshotExistsError';
  readonly code = 'EEXIST';

  constructor(docName: string, snapshotId: string) {
    super(`named snapshot ${docName}@${snapshotId} exists already (snapshots are immutable)`);
  }
}

/** `readSnapshot` of an id the document does not have: `code` is 'ENOENT', as the file engine's missing file. */
export class SnapshotNotFoundError extends Error {
  override name = 'SnapshotNotFoundError';
  readonly code = 'ENOENT';

  constructor(docName: string, snapshotId: string) {
    super(`named snapshot ${docName}@${snapshotId} does not exist`);
  }
}
