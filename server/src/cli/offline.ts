import { resolveConfig } from '../config.js';
import { AccordError } from '../errors.js';
import { openEmbeddedMetadata } from '../metadata/embedded.js';
import { DataDirLockedError, lockDataDir } from '../metadata/lock.js';
import type { Metadata } from '../metadata/repositories.js';
import { CorruptMetadataError } from '../metadata/store.js';

/**
 * Runs an offline command on a data directory's metadata: takes the lock (so it refuses while a server holds
 * the directory), opens the metadata (its audit log too), and turns expected failures into a message and exit 1.
 */
export async function withMetadata(
  command: string,
  dataDir: string | undefined,
  work: (metadata: Metadata) => Promise<number>,
): Promise<number> {
  const config = resolveConfig({ dataDir });
  let lock: { release(): void } | undefined;
  try {
    lock = lockDataDir(config.dataDir, command);
    const metadata = await openEmbeddedMetadata(config.dataDir);
    try {
      return await work(metadata);
    } finally {
      await metadata.close();
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
