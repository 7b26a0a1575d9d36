export { copyDocsConsistently } from './backup.js';
export { type Damage, DataDamagedError } from './damage.js';
export { CorruptFileError } from './fileLog.js';
export { FileStorage, type FileStorageOptions } from './fileStore.js';
export { MemoryBacking, type MemoryDoc, MemoryStorage } from './memory.js';
export {
  type DocLog,
  emptyStorageStats,
  type LoadedDoc,
  SnapshotExistsError,
  type SnapshotInfo,
  SnapshotNotFoundError,
  type Storage,
  type StorageStats,
} from './types.js';
