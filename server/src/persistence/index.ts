export { copyDocsConsistently } from './backup.js';
export { type Damage, DataDamagedError } from './damage.js';
export { CorruptFileError } from './fileLog.js';
export { FileStorage, type FileStorageOptions } from './fileStore.js';
export {
  type DocLog,
  emptyStorageStats,
  type LoadedDoc,
  type SnapshotInfo,
  type Storage,
  type StorageStats,
} from './types.js';
