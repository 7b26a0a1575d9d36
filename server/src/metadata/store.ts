import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
import { docNameOf, docsRoot, walRoot, walSegments } from '../persistence/layout.js';
import { AUDIT_FILE } from './audit.js';
import { CorruptMetadataError } from './errors.js';
import { METADATA_VERSION, migrate } from './migrations.js';
import { emptyMetadata, type Metadata, metadataSchema } from './schema.js';

export { CorruptMetadataError };

export const METADATA_FILE = 'meta.json';

/** The top-level field of `meta.json` holding the SHA-256 of the rest (see `serializeMetadata`). */
const CHECKSUM_FIELD = 'sha256';
/** Top-level fields of a `meta.json` written before it had a checksum. */
const KNOWN_FIELDS = new Set(Object.keys(emptyMetadata()));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `meta.json` is the metadata as indented JSON, with a first field `sha256`: the SHA-256 of the compact JSON of the
 * rest, in the file's key order. The checksum lives inside the file, so the one atomic rename that writes the
 * metadata writes its checksum too (a checksum beside it could be one write behind after a crash).
 */
export function serializeMetadata(data: Metadata): string {
  return `${JSON.stringify({ [CHECKSUM_FIELD]: sha256(JSON.stringify(data)), ...data }, null, 2)}\n`;
}

/**
 * The metadata a `meta.json` holds, its checksum checked (and its shape, by the caller). A file without a checksum
 * (written before checksums, or by hand) is accepted only with exactly the metadata's own fields, so that a byte
 * flipped in the name of the checksum field cannot pass for an old file.
 */
export function parseMetadataText(text: string, file: string): { data: unknown; checksummed: boolean } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CorruptMetadataError(`${file} is not valid JSON (${(error as Error).message}); it was left untouched`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { data: raw, checksummed: false };
  if (!(CHECKSUM_FIELD in raw)) {
    const unknown = Object.keys(raw).find((key) => !KNOWN_FIELDS.has(key));
    if (unknown !== undefined) {
      throw new CorruptMetadataError(
        `${file} is damaged: it has no checksum and an unknown field ${JSON.stringify(unknown)}; it was left untouched`,
      );
    }
    return { data: raw, checksummed: false };
  }
  const { [CHECKSUM_FIELD]: recorded, ...rest } = raw as Record<string, unknown>;
  if (recorded !== sha256(JSON.stringify(rest))) {
    throw new CorruptMetadataError(
      `${file} is damaged: its content does not match its SHA-256 checksum; it was left untouched (restore it from a backup)`,
    );
  }
  return { data: rest, checksummed: true };
}

/** What in `dataDir`, if anything, shows that it holds data, which a missing `meta.json` must not wipe out. */
export function existingData(dataDir: string): string | null {
  const entries = (dir: string) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  const docs = entries(docsRoot(dataDir)).filter((entry) => docNameOf(entry) !== null);
  if (docs.length > 0) return `${docs.length} document(s) under docs/`;
  const segments = walSegments(entries(walRoot(dataDir))).filter((seq) => {
    // A segment holding only its 8-byte header is what a server that never wrote anything leaves after a crash.
    return (fs.statSync(path.join(walRoot(dataDir), `${seq}.wal`), { throwIfNoEntry: false })?.size ?? 0) > 8;
  });
  if (segments.length > 0) return `write-ahead log segments under wal/`;
  if ((fs.statSync(path.join(dataDir, AUDIT_FILE), { throwIfNoEntry: false })?.size ?? 0) > 0) return AUDIT_FILE;
  return null;
}

/** Validates parsed metadata against the schema, naming the first problem. */
export function checkMetadataShape(data: unknown, file: string): Metadata {
  const parsed = metadataSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw new CorruptMetadataError(
      `${file} does not hold Accord metadata: at ${where}: ${issue?.message}; it was left untouched`,
    );
  }
  return parsed.data as Metadata;
}

export interface MetadataFileContent {
  /** The metadata, migrated to the current version. */
  data: Metadata;
  checksummed: boolean;
  /** The version of the format the file is in (older than `METADATA_VERSION`: it was migrated in memory). */
  version: number;
  /** The file's text as read. */
  text: string;
}

/**
 * Reads, migrates (in memory) and checks `meta.json` without changing anything: null when there is none and the
 * directory holds no data (a fresh install); throws `CorruptMetadataError` when it is damaged, or missing beside
 * existing data, and `MetadataTooNewError` when a newer Accord wrote it.
 */
export function readMetadataFile(dataDir: string): MetadataFileContent | null {
  const file = path.join(dataDir, METADATA_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const evidence = existingData(dataDir);
    if (evidence === null) return null;
    throw new CorruptMetadataError(
      `${file} is missing, but ${dataDir} holds data (${evidence}): refusing to start as a fresh install over it; ` +
        `restore ${METADATA_FILE} from a backup`,
    );
  }
  const parsed = parseMetadataText(text, file);
  const { data, from } = migrate(parsed.data, file);
  return { data: checkMetadataShape(data, file), checksummed: parsed.checksummed, version: from ?? 0, text };
}

/** Where the text of a `meta.json` of an older version is kept when a start migrates it. */
export const migratedCopyName = (version: number) => `meta.v${version}.json`;

/**
 * What a start does before it writes a `meta.json` that was read in an older version: a copy of the old file, kept
 * beside it (once per version), so that going back to the older Accord stays possible by hand.
 */
export function keepPreMigrationCopy(dataDir: string, found: MetadataFileContent): void {
  if (found.version >= METADATA_VERSION) return;
  const copy = path.join(dataDir, migratedCopyName(found.version));
  if (!fs.existsSync(copy)) fs.writeFileSync(copy, found.text, { flag: 'wx' });
}

/** lowdb's adapter for `meta.json`: atomic writes (temp file + rename) of the checksummed form. */
export class MetadataFile implements Adapter<Metadata> {
  private readonly text: TextFile;

  constructor(private readonly file: string) {
    this.text = new TextFile(file);
  }

  async read(): Promise<Metadata | null> {
    const text = await this.text.read();
    if (text === null) return null;
    return checkMetadataShape(migrate(parseMetadataText(text, this.file).data, this.file).data, this.file);
  }

  write(data: Metadata): Promise<void> {
    return this.text.write(serializeMetadata(data));
  }
}
