import fs from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { emptyMetadata, type Metadata, metadataSchema } from './schema.js';

export const METADATA_FILE = 'meta.json';

export class CorruptMetadataError extends Error {}

/**
 * Users, sessions, projects, members, the transcript index and rounds, in one lowdb file. lowdb rewrites the
 * file atomically (temp file + rename) on every write and serialises writes, so the process holding the data
 * directory lock is its one writer. Yjs content never lives here (see persistence/).
 */
export class MetadataStore {
  private constructor(
    private readonly db: Low<Metadata>,
    readonly file: string,
  ) {}

  static async open(dataDir: string): Promise<MetadataStore> {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, METADATA_FILE);
    const db = new Low<Metadata>(new JSONFile<Metadata>(file), emptyMetadata());
    try {
      await db.read();
    } catch (error) {
      throw new CorruptMetadataError(`${file} is not valid JSON (${(error as Error).message}); it was left untouched`);
    }
    const parsed = metadataSchema.safeParse(db.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || '(top level)';
      throw new CorruptMetadataError(
        `${file} does not hold Accord metadata: at ${where}: ${issue?.message}; it was left untouched`,
      );
    }
    db.data = parsed.data as Metadata;
    return new MetadataStore(db, file);
  }

  /** The current metadata. Treat it as read-only: change it only inside `mutate`. */
  get data(): Readonly<Metadata> {
    return this.db.data;
  }

  /** Applies a change and writes it durably before resolving; a throwing change writes nothing. */
  async mutate<T>(change: (data: Metadata) => T): Promise<T> {
    const draft = structuredClone(this.db.data);
    const result = change(draft);
    this.db.data = draft;
    await this.db.write();
    return result;
  }
}
