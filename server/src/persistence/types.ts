/**
 * Storage of Yjs documents behind a small interface (DESIGN.md: append, load, compact, snapshot, list, delete), so
 * that a PostgreSQL engine can replace the file engine without touching the sync engine.
 *
 * Contract every engine keeps: `load` returns updates whose merge is the document's last durable state; `append`
 * never blocks the caller and becomes durable at the next `flush` (which the engine also runs by itself within
 * the same event-loop turn); `compact` never leaves a moment where a crash loses an appended update.
 */
export interface Storage {
  /** Opens a document for appending; `updates` (oldest first) rebuild its durable state. */
  load(docName: string): Promise<LoadedDoc>;
  /** Names of stored documents starting with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** Removes every document (and its named snapshots) whose name starts with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Writes an immutable named snapshot; fails if `snapshotId` already exists for this document. */
  writeSnapshot(docName: string, snapshotId: string, state: Uint8Array): Promise<SnapshotInfo>;
  /** Reads a named snapshot, verifying its SHA-256. */
  readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array>;
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
  /** Flushes and releases the file handles. */
  close(): Promise<void>;
}

export interface SnapshotInfo {
  sha256: string;
  bytes: number;
}

export interface StorageStats {
  appendedRecords: number;
  appendedBytes: number;
  syncs: number;
  compactions: number;
  recoveredTails: number;
  /** Write-ahead log segments switched after their documents' logs were synced. */
  checkpoints: number;
  /** Write-ahead log entries read on start, and document logs they had to complete (after a crash or power loss). */
  walReplayedEntries: number;
  walRepairedLogs: number;
}
