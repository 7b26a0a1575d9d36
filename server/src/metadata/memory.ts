import { InProcessMetadata, MemoryAudit } from './inProcess.js';
import { emptyMetadata, type MetadataSnapshot } from './schema.js';

/** Metadata that lives only as long as the process: for tests, and as the reference the contract suite runs on. */
export function memoryMetadata(initial: MetadataSnapshot = emptyMetadata()): InProcessMetadata {
  return new InProcessMetadata('memory', structuredClone(initial), new MemoryAudit(), async () => {});
}
