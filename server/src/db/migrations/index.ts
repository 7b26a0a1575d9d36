import type { Migration } from 'kysely';
import * as m0001 from './0001_documents.js';
import * as m0002 from './0002_metadata.js';
import * as m0003 from './0003_media.js';
import * as m0004 from './0004_user_locale.js';

/**
 * Every migration this build knows, by name, applied in name order. Listed here rather than read from a folder, so
 * that the compiled server carries exactly these. Add a migration as `NNNN_name.ts` and list it below; never change
 * or remove one that a released build has applied.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_documents': m0001,
  '0002_metadata': m0002,
  '0003_media': m0003,
  '0004_user_locale': m0004,
};
