import type { Migration } from 'kysely';
import * as m0001 from './0001_documents.js';

/**
 * Every migration this build knows, by name, applied in name order. Listed here rather than read from a folder, so
 * that the compiled server carries exactly these. Add a migration as `NNNN_name.ts` and list it below; never change
 * or remove one that a released build has applied.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_documents': m0001,
};
