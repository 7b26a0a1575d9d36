import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import * as Y from 'yjs';
import type { AccordDatabase } from '../../db/index.js';
import type { Logger } from '../../log.js';
import { PostgresMediaStore } from '../../media/postgres.js';
import { FileMediaStore, type MediaKey } from '../../media/store.js';
import { recordedMedia } from '../../media/verify.js';
import { copyDocsConsistently, FileStorage } from '../../persistence/index.js';
import { docDirName, docsRoot, mediaDir, mediaFileName, SNAPSHOTS_DIR } from '../../persistence/layout.js';
import { PostgresStorage } from '../../persistence/postgres/index.js';
import type { Storage } from '../../persistence/types.js';
import { AUDIT_FILE, type AuditEntry, readAudit } from '../audit.js';
import { emptyMetadata, type MetadataSnapshot } from '../schema.js';
import { METADATA_FILE, readMetadataFile, serializeMetadata } from '../store.js';
import { type PostgresReader, readPostgresConsistently } from './reader.js';
import {
  insertAuditRow,
  insertInvitationRow,
  insertProjectRows,
  insertRoundRows,
  insertSessionRow,
  insertTranscriptRow,
  insertUserRow,
  json,
} from './rows.js';

/**
 * Moving a whole Accord store between the data folder (embedded metadata, the file engine, media files) and a
 * PostgreSQL database, in either direction, and proving the copy: `accord migrate-store` and `accord restore
 * --postgres` (folder to database), `accord backup --postgres` (database to a folder, then the usual archive).
 *
 * Both sides are seen through a `StoreView`; `fingerprint` reduces a view to a count and a SHA-256 per kind of
 * record, computed the same way on each side from what was read back, so that equal fingerprints mean equal data:
 * metadata records as canonical JSON in list order (order is part of the contract), documents by their state vector
 * and the SHA-256 of their state encoded after loading, named snapshots and recordings by the SHA-256 of their
 * bytes read through.
 */
export interface StoreView {
  /** Where it is, for messages: a folder, or the database URL without its password. */
  readonly where: string;
  metadata(): Promise<MetadataSnapshot>;
  audit(): Promise<AuditEntry[]>;
  documents(): Promise<string[]>;
  updates(docName: string): Promise<Uint8Array[]>;
  snapshots(): Promise<{ docName: string; snapshotId: string }[]>;
  readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array>;
  /** The bytes of a recording the metadata names. */
  readRecording(key: MediaKey): AsyncIterable<Uint8Array>;
}

/**
 * A data folder, read only: its documents are copied first (as `accord backup` copies them) into a temporary
 * folder where the file engine opens them, so that nothing in the source changes, not even by a journal replay.
 * The caller holds the folder's lock (or the folder is an extracted backup).
 */
export async function openDataDirView(
  dataDir: string,
  logger: Logger,
): Promise<StoreView & { close(): Promise<void> }> {
  const found = readMetadataFile(dataDir);
  const metadata = found?.data ?? emptyMetadata();
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-source-'));
  let storage: FileStorage;
  try {
    await copyDocsConsistently(dataDir, copy);
    storage = await FileStorage.open({ dataDir: copy, logger });
  } catch (error) {
    fs.rmSync(copy, { recursive: true, force: true });
    throw error;
  }
  const media = new FileMediaStore(dataDir);
  return {
    where: dataDir,
    metadata: async () => structuredClone(metadata),
    audit: async () => readAudit(dataDir),
    documents: () => storage.list(''),
    updates: (docName) => loadUpdates(storage, docName),
    snapshots: async () => {
      const found: { docName: string; snapshotId: string }[] = [];
      for (const docName of await storage.list('')) {
        let names: string[] = [];
        try {
          names = await readdir(path.join(docsRoot(copy), docDirName(docName), SNAPSHOTS_DIR));
        } catch {}
        for (const name of names.sort()) {
          if (name.endsWith('.snap')) found.push({ docName, snapshotId: name.slice(0, -'.snap'.length) });
        }
      }
      return found;
    },
    readSnapshot: (docName, snapshotId) => storage.readSnapshot(docName, snapshotId),
    readRecording: (key) => media.read(key),
    close: async () => {
      await storage.close();
      fs.rmSync(copy, { recursive: true, force: true });
    },
  };
}

/** A PostgreSQL database as one consistent state (reader.ts): `work` runs within that one transaction. */
export function withPostgresView<T>(
  database: Pick<AccordDatabase, 'db' | 'pool' | 'where'>,
  work: (view: StoreView, reader: PostgresReader) => Promise<T>,
): Promise<T> {
  return readPostgresConsistently(database, (reader) =>
    work(
      {
        where: database.where,
        metadata: () => reader.metadata(),
        audit: () => reader.audit(),
        documents: () => reader.documents(),
        updates: (docName) => reader.updates(docName),
        snapshots: () => reader.snapshots(),
        readSnapshot: (docName, snapshotId) => reader.readSnapshot(docName, snapshotId),
        readRecording: (key) => reader.media.read(key),
      },
      reader,
    ),
  );
}

async function loadUpdates(storage: Storage, docName: string): Promise<Uint8Array[]> {
  const { updates, log } = await storage.load(docName);
  await log.close();
  return updates;
}

/** What a database holds besides its schema: any of it makes the database not empty. */
export async function databaseContents(database: Pick<AccordDatabase, 'db'>): Promise<Record<string, number>> {
  const tables = [
    'users',
    'sessions',
    'projects',
    'transcripts',
    'rounds',
    'invitations',
    'audit_log',
    'documents',
    'document_snapshots',
    'media_objects',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(database.db);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

export class DestinationNotEmptyError extends Error {
  override name = 'DestinationNotEmptyError';
}

export type CopyProgress = (what: string) => void;

/**
 * Copies everything a view holds into an EMPTY, migrated PostgreSQL database (DestinationNotEmptyError otherwise,
 * having written nothing): every document's state, every named snapshot, every recording the metadata names, then
 * the metadata and the audit log in one transaction. Stored recordings nobody names are left behind (they are
 * what an interrupted change leaves; `accord check` notes them) and counted in the answer.
 */
export async function copyIntoPostgres(
  view: StoreView,
  database: AccordDatabase,
  logger: Logger,
  progress: CopyProgress = () => {},
): Promise<void> {
  const contents = await databaseContents(database);
  const held = Object.entries(contents).filter(([, n]) => n > 0);
  if (held.length > 0) {
    throw new DestinationNotEmptyError(
      `the PostgreSQL database ${database.where} is not empty (${held.map(([t, n]) => `${n} ${t}`).join(', ')}): ` +
        'copy into a new, empty database (createdb), never over existing data',
    );
  }
  const metadata = await view.metadata();
  const audit = await view.audit();
  const storage = await PostgresStorage.open({ database, logger });
  try {
    const documents = await view.documents();
    for (const [i, docName] of documents.entries()) {
      const updates = await view.updates(docName);
      const { log } = await storage.load(docName);
      if (updates.length > 0) log.append(Y.mergeUpdates(updates));
      await log.close();
      if ((i + 1) % 100 === 0) progress(`${i + 1} of ${documents.length} documents copied`);
    }
    for (const { docName, snapshotId } of await view.snapshots()) {
      await storage.writeSnapshot(docName, snapshotId, await view.readSnapshot(docName, snapshotId));
    }
  } finally {
    await storage.close();
  }
  const media = new PostgresMediaStore(database);
  try {
    for (const { key } of recordedMedia(metadata)) await media.put(key, view.readRecording(key));
  } finally {
    media.close();
  }
  await database.db.transaction().execute(async (trx) => {
    for (const user of metadata.users) await insertUserRow(trx, user);
    for (const session of metadata.sessions) await insertSessionRow(trx, session);
    for (const project of metadata.projects) await insertProjectRows(trx, project);
    for (const transcript of metadata.transcripts) await insertTranscriptRow(trx, transcript);
    for (const round of metadata.rounds) await insertRoundRows(trx, round);
    for (const invitation of metadata.invitations) await insertInvitationRow(trx, invitation);
    await sql`UPDATE server_settings SET settings = ${json(metadata.serverSettings)}::jsonb`.execute(trx);
    for (const entry of audit) await insertAuditRow(trx, entry);
  });
}

/**
 * Writes everything a view holds into an empty folder as a data folder (meta.json with its checksum, audit.jsonl,
 * the file engine's documents and named snapshots, media files): what `accord backup` archives, and what `accord
 * restore` and the server open like any other.
 */
export async function copyIntoDataDir(view: StoreView, destDir: string, logger: Logger): Promise<void> {
  fs.mkdirSync(destDir, { recursive: true });
  if (fs.readdirSync(destDir).length > 0) throw new Error(`${destDir} is not empty`);
  const metadata = await view.metadata();
  const storage = await FileStorage.open({ dataDir: destDir, logger });
  try {
    for (const docName of await view.documents()) {
      const updates = await view.updates(docName);
      const { log } = await storage.load(docName);
      if (updates.length > 0) log.append(Y.mergeUpdates(updates));
      await log.close();
    }
    for (const { docName, snapshotId } of await view.snapshots()) {
      await storage.writeSnapshot(docName, snapshotId, await view.readSnapshot(docName, snapshotId));
    }
  } finally {
    await storage.close();
  }
  for (const { key } of recordedMedia(metadata)) {
    const dir = mediaDir(destDir, key.project, key.transcript);
    fs.mkdirSync(dir, { recursive: true });
    await pipeline(view.readRecording(key), fs.createWriteStream(path.join(dir, mediaFileName(key.sha256))));
  }
  const audit = await view.audit();
  fs.writeFileSync(path.join(destDir, AUDIT_FILE), audit.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  fs.writeFileSync(path.join(destDir, METADATA_FILE), serializeMetadata(metadata));
}

// --- fingerprints ---

export const FINGERPRINT_KINDS = [
  'users',
  'sessions',
  'projects',
  'transcripts',
  'rounds',
  'invitations',
  'settings',
  'audit',
  'documents',
  'snapshots',
  'media',
] as const;
export type FingerprintKind = (typeof FINGERPRINT_KINDS)[number];

export interface KindFingerprint {
  count: number;
  sha256: string;
}

export type Fingerprint = Record<FingerprintKind, KindFingerprint>;

/** JSON with every object's keys sorted: the same records give the same text whatever order fields were stored in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function ofLines(lines: readonly string[]): KindFingerprint {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${line}\n`);
  return { count: lines.length, sha256: hash.digest('hex') };
}

/** A document's identity: its state vector and the SHA-256 of its state encoded after loading its updates. */
export function documentFingerprint(updates: readonly Uint8Array[]): { stateVector: string; state: string } {
  const doc = new Y.Doc();
  try {
    for (const update of updates) Y.applyUpdate(doc, update);
    return {
      stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('hex'),
      state: sha256(Y.encodeStateAsUpdate(doc)),
    };
  } finally {
    doc.destroy();
  }
}

/** Reads everything a view holds (recordings and snapshots through) and reduces it to a count and hash per kind. */
export async function fingerprint(view: StoreView): Promise<Fingerprint> {
  const metadata = await view.metadata();
  const records = (list: readonly unknown[]) => ofLines(list.map(canonicalJson));
  const documents: string[] = [];
  for (const docName of await view.documents()) {
    const { stateVector, state } = documentFingerprint(await view.updates(docName));
    documents.push(`${docName} ${stateVector} ${state}`);
  }
  const snapshots: string[] = [];
  for (const { docName, snapshotId } of await view.snapshots()) {
    let line: string;
    try {
      const state = await view.readSnapshot(docName, snapshotId);
      line = `${docName}@${snapshotId} ${sha256(state)} ${state.length}`;
    } catch (error) {
      line = `${docName}@${snapshotId} unreadable: ${(error as Error).message}`;
    }
    snapshots.push(line);
  }
  const media: string[] = [];
  for (const { key, bytes } of recordedMedia(metadata)) {
    const hash = createHash('sha256');
    let read = 0;
    let line: string;
    try {
      for await (const chunk of view.readRecording(key)) {
        hash.update(chunk);
        read += chunk.length;
      }
      line = `${key.project}/${key.transcript}/${key.sha256} ${bytes} ${read} ${hash.digest('hex')}`;
    } catch (error) {
      line = `${key.project}/${key.transcript}/${key.sha256} unreadable: ${(error as Error).message}`;
    }
    media.push(line);
  }
  return {
    users: records(metadata.users),
    sessions: records(metadata.sessions),
    projects: records(metadata.projects),
    transcripts: records(metadata.transcripts),
    rounds: records(metadata.rounds),
    invitations: records(metadata.invitations),
    settings: records([metadata.serverSettings]),
    audit: records(await view.audit()),
    documents: ofLines(documents.sort()),
    snapshots: ofLines(snapshots.sort()),
    media: ofLines(media.sort()),
  };
}

/** The kinds whose count or hash differ. */
export function mismatches(source: Fingerprint, destination: Fingerprint): FingerprintKind[] {
  return FINGERPRINT_KINDS.filter(
    (kind) => source[kind].count !== destination[kind].count || source[kind].sha256 !== destination[kind].sha256,
  );
}

/** The comparison as printed: one line per kind with the count and SHA-256 of each side. */
export function formatComparison(source: Fingerprint, destination: Fingerprint): string {
  const width = Math.max(...FINGERPRINT_KINDS.map((kind) => kind.length));
  const lines = [`${'kind'.padEnd(width)}  side         count  sha256`];
  for (const kind of FINGERPRINT_KINDS) {
    const same = source[kind].count === destination[kind].count && source[kind].sha256 === destination[kind].sha256;
    lines.push(
      `${kind.padEnd(width)}  source      ${String(source[kind].count).padStart(6)}  ${source[kind].sha256}`,
      `${''.padEnd(width)}  destination ${String(destination[kind].count).padStart(6)}  ${destination[kind].sha256}  ${same ? 'match' : 'MISMATCH'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
