import { CorruptMetadataError } from './errors.js';

/**
 * Versioned migrations of the embedded metadata (`meta.json`): the file records the version of its format, and
 * opening a file of an older version applies, in order, every migration from its version to this build's. The
 * migrated file is written (after a copy of the old one is kept beside it as `meta.v<N>.json`) only by a start that
 * opens it for writing; `accord check` and `accord backup` migrate in memory and change nothing.
 *
 * A file of a newer version than this build knows is refused with `MetadataTooNewError`: an older Accord would
 * drop what it does not understand. Migrations work on the parsed JSON before it is validated against the current
 * schema (schema.ts), which describes only the current version.
 *
 * To change the format: bump `METADATA_VERSION`, append a migration from the previous version, and change the
 * schema to describe the new version. A migration is never edited once released.
 */
export interface Migration {
  /** The version it migrates from; it produces `from + 1`. */
  from: number;
  description: string;
  up(data: Record<string, unknown>): Record<string, unknown>;
}

type Json = Record<string, unknown>;

export const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    description:
      'fields added after the first release are written out: invitations, server settings, and per round its ' +
      'sample, frozen codebook snapshot, adjudicators, done marks, revealer, forced flag, snapshots and codebook changes',
    up: (data) => ({
      ...data,
      invitations: data.invitations ?? [],
      serverSettings: { ownersInvite: true, ...((data.serverSettings as Json | undefined) ?? {}) },
      rounds: Array.isArray(data.rounds)
        ? data.rounds.map((round: Json) => ({
            ...round,
            sample: round.sample ?? null,
            codebookSnapshot: round.codebookSnapshot ?? null,
            adjudicators: round.adjudicators ?? [],
            done: round.done ?? [],
            revealedBy: round.revealedBy ?? null,
            forced: round.forced ?? false,
            snapshots: round.snapshots ?? [],
            codebookChanges: round.codebookChanges ?? [],
          }))
        : data.rounds,
    }),
  },
  {
    from: 2,
    description:
      'users may carry their chosen interface language (`locale`); nothing to rewrite, the version only keeps ' +
      'an older Accord from opening, and silently dropping, what it does not know',
    up: (data) => ({ ...data }),
  },
];

/** The format version this build writes. */
export const METADATA_VERSION = 1 + MIGRATIONS.length;

export class MetadataTooNewError extends CorruptMetadataError {}

/** The version a parsed `meta.json` says it has (null: none, so not Accord metadata). */
export function versionOf(data: unknown): number | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const version = (data as Json).version;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : null;
}

/**
 * Brings parsed metadata up to `METADATA_VERSION`; answers it with the version it had. Data without a version is
 * passed through unchanged (the schema check then names what is wrong with it).
 */
export function migrate(data: unknown, file: string): { data: unknown; from: number | null } {
  const from = versionOf(data);
  if (from === null) return { data, from };
  if (from > METADATA_VERSION) {
    throw new MetadataTooNewError(
      `${file} is of metadata version ${from}, newer than this Accord knows (version ${METADATA_VERSION}): ` +
        'it was written by a newer Accord; run that version (or newer) on it. It was left untouched',
    );
  }
  let current = data as Json;
  for (const migration of MIGRATIONS) {
    if (migration.from < from) continue;
    current = { ...migration.up(current), version: migration.from + 1 };
  }
  return { data: current, from };
}
