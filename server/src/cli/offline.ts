import { resolveConfig } from '../config.js';
import { AccordError } from '../errors.js';
import { AuditLog } from '../metadata/audit.js';
import { DataDirLockedError, lockDataDir } from '../metadata/lock.js';
import { CorruptMetadataError, MetadataStore } from '../metadata/store.js';

/**
 * Runs an offline command on a data directory's metadata: takes the lock (so it refuses while a server holds
 * the directory), opens the store and the audit log, and turns expected failures into a message and exit 1.
 */
export async function withMetadata(
  command: string,
  dataDir: string | undefined,
  work: (store: MetadataStore, audit: AuditLog) => Promise<number>,
): Promise<number> {
  const config = resolveConfig({ dataDir });
  let lock: { release(): void } | undefined;
  try {
    lock = lockDataDir(config.dataDir, command);
    const store = await MetadataStore.open(config.dataDir);
    const audit = new AuditLog(config.dataDir);
    try {
      return await work(store, audit);
    } finally {
      audit.close();
    }
  } catch (error) {
    if (error instanceof DataDirLockedError || error instanceof CorruptMetadataError || error instanceof AccordError) {
      process.stderr.write(`${command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    lock?.release();
  }
}
