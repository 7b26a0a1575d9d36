import type { ColumnType, Generated } from 'kysely';

/**
 * The PostgreSQL schema as Kysely sees it: one interface per table, named as in SQL. The migrations in
 * ./migrations create these tables; whoever adds a migration adds (or changes) the matching table type here.
 */
export interface Database {
  documents: DocumentsTable;
  document_updates: DocumentUpdatesTable;
  document_snapshots: DocumentSnapshotsTable;
}

/** One Yjs document per unit of access (docs/sync.md); the name is its `docName` (shared/src/docNames.ts). */
export interface DocumentsTable {
  name: string;
  /** The compacted state (a Yjs update) that the document's remaining updates apply on; null before compacting. */
  base: Buffer | null;
  created_at: ColumnType<Date, never, never>;
  compacted_at: Date | null;
}

/** Updates appended since the document's base, in the order of their `id` (one sequence across documents). */
export interface DocumentUpdatesTable {
  /** A `bigint`, which node-postgres returns as a string. */
  id: Generated<string>;
  doc_name: string;
  payload: Buffer;
}

/** Immutable named snapshots (round snapshots): a trigger refuses any UPDATE; they go with their document. */
export interface DocumentSnapshotsTable {
  doc_name: string;
  snapshot_id: string;
  /** SHA-256 of `state`, 32 bytes, checked on every read. */
  sha256: Buffer;
  state: Buffer;
  created_at: ColumnType<Date, never, never>;
}
