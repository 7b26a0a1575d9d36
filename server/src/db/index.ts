export {
  type AccordDatabase,
  createPool,
  type DatabaseOptions,
  DatabaseUnavailableError,
  openDatabase,
  openMigratedDatabase,
  redactUrl,
} from './connect.js';
export {
  assertMigrationsKnown,
  DatabaseTooNewError,
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
  type MigratableDatabase,
  type MigrationState,
  migrateToLatest,
  migrationState,
} from './migrate.js';
export { MIGRATIONS } from './migrations/index.js';
export type { Database, DocumentSnapshotsTable, DocumentsTable, DocumentUpdatesTable } from './tables.js';
