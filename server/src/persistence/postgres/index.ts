export { DocumentDeletedError, PostgresDocLog, PostgresStorage, type PostgresStorageOptions } from './storage.js';
