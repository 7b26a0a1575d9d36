export { metadataRowCounts, PostgresMetadata } from './metadata.js';
