import fs from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { AuditLog, readAudit } from './audit.js';
import { InProcessMetadata } from './inProcess.js';
import { METADATA_VERSION } from './migrations.js';
import type { AuditRepo } from './repositories.js';
import { emptyMetadata, type MetadataSnapshot } from './schema.js';
import { keepPreMigrationCopy, METADATA_FILE, MetadataFile, readMetadataFile } from './store.js';

/**
 * The embedded metadata store: `meta.json` in the data directory (written whole, atomically, with its checksum,
 * by lowdb: see store.ts), and the audit log `audit.jsonl` beside it, appended and synced per entry. The process
 * holding the data directory lock (lock.ts) is its one writer. Opening applies the migrations of an older file
 * (migrations.ts) and writes it in the current version, keeping the old text as `meta.v<N>.json`.
 */
export async function openEmbeddedMetadata(dataDir: string): Promise<InProcessMetadata> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, METADATA_FILE);
  const found = readMetadataFile(dataDir);
  const db = new Low<MetadataSnapshot>(new MetadataFile(file), found?.data ?? emptyMetadata());
  // A file from before checksums gets one now, so that from here on damage to it is noticed; an older version is
  // written in the current one.
  if (found !== null && (!found.checksummed || found.version < METADATA_VERSION)) {
    keepPreMigrationCopy(dataDir, found);
    await db.write();
  }
  const audit = new FileAudit(dataDir);
  return new InProcessMetadata(
    'embedded',
    db.data,
    audit,
    (data) => {
      db.data = data;
      return db.write();
    },
    async () => audit.close(),
  );
}

/** The audit log of the embedded store: `audit.jsonl` (audit.ts). */
export class FileAudit implements AuditRepo {
  private readonly log: AuditLog;

  constructor(private readonly dataDir: string) {
    this.log = new AuditLog(dataDir);
  }

  async record(entry: Parameters<AuditRepo['record']>[0]): Promise<void> {
    this.log.record(entry);
  }

  async list(filter: { project?: string } = {}) {
    return readAudit(this.dataDir, filter.project);
  }

  close(): void {
    this.log.close();
  }
}
