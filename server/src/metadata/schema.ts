import { ID_PATTERN, type ProjectSettings, ROLES, type TranscriptMedia } from '@accord/shared';
import { isSegmentationVersion, type SegmentationVersion } from '@accord/shared/text/index';
import { z } from 'zod';
import { METADATA_VERSION } from './migrations.js';

/**
 * The shape of `meta.json`, validated whenever it is loaded: a file edited by hand or cut short is refused with
 * the reason, never silently "repaired" (and never overwritten).
 */
const id = z.string().regex(ID_PATTERN);
const timestamp = z.number().int().nonnegative();

export const userSchema = z.object({
  id,
  email: z.string(),
  name: z.string(),
  passwordHash: z.string(),
  admin: z.boolean(),
  createdAt: timestamp,
  /** Set while the account is deactivated (absent in files written before deactivation existed: active). */
  deactivatedAt: timestamp.optional(),
  /**
   * The interface language the user chose (a BCP 47 tag of a shipped catalogue, `INTERFACE_LOCALES`); absent: the
   * browser's language. Added in metadata version 3.
   */
  locale: z.string().optional(),
});

export const sessionSchema = z.object({
  /** SHA-256 of the cookie token: a copy of meta.json gives no usable sessions. */
  tokenHash: z.string(),
  userId: id,
  csrfToken: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
});

export const memberSchema = z.object({ userId: id, role: z.enum(ROLES as [string, ...string[]]), addedAt: timestamp });

/** Checked against the shared `ProjectSettings`, the type the REST API gives clients. */
export const projectSettingsSchema = z.object({
  codersEditCodebook: z.boolean(),
  kappaThreshold: z.number(),
  alphaThreshold: z.number(),
  /** The language of exports and reports (absent in files written before it existed: English). */
  language: z.string().max(64).nullable().optional(),
}) satisfies z.ZodType<ProjectSettings>;

export const projectSchema = z.object({
  id,
  name: z.string(),
  description: z.string(),
  archived: z.boolean(),
  createdAt: timestamp,
  createdBy: id,
  settings: projectSettingsSchema,
  members: z.array(memberSchema),
});

/** A recording attached to a transcript (docs/media.md): its bytes are `media/<project>/<transcript>/<sha256>.media`. */
export const transcriptMediaSchema = z.object({
  name: z.string(),
  type: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  uploadedBy: id,
  uploadedAt: timestamp,
}) satisfies z.ZodType<TranscriptMedia>;

export const transcriptSchema = z.object({
  id,
  projectId: id,
  title: z.string(),
  participant: z.string(),
  attributes: z.record(z.string(), z.string()),
  createdBy: id,
  createdAt: timestamp,
  /** BCP 47 tag of the transcript's language, when set (absent: guessed from its script where units need it). */
  language: z.string().max(64).optional(),
  media: transcriptMediaSchema.optional(),
});

/** An immutable named snapshot of a document (see SyncEngine.snapshot); reports cite its SHA-256. */
export const snapshotRecordSchema = z.object({
  docName: z.string(),
  snapshotId: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});

/**
 * The current version of a round (older meta.json files are brought up to it by migrations.ts). A round's frozen
 * codebook is the document `p/<project>/r/<round>/codebook`, snapshotted when the round is created.
 */
export const roundSchema = z.object({
  id,
  projectId: id,
  name: z.string(),
  mode: z.enum(['blind', 'open']),
  status: z.enum(['running', 'revealed']),
  ownerMayLook: z.boolean(),
  assignments: z.array(z.object({ transcriptId: id, coders: z.array(id) })),
  createdAt: timestamp,
  createdBy: id,
  revealedAt: timestamp.nullable(),
  /** How the transcripts were chosen: by hand, or a seeded random sample of `percent` of `population`. */
  sample: z.object({ percent: z.number(), seed: z.number().int().nonnegative(), population: z.array(id) }).nullable(),
  codebookSnapshot: snapshotRecordSchema.nullable(),
  /** Who may resolve disagreements into the consensus layer (owners always may). */
  adjudicators: z.array(id),
  /** Coders' "done" marks per transcript. */
  done: z.array(z.object({ transcriptId: id, coder: id, at: timestamp })),
  revealedBy: id.nullable(),
  /** Revealed before every coder was done (the owner was warned). */
  forced: z.boolean(),
  /** The coder layers and transcript texts as they were at reveal. */
  snapshots: z.array(snapshotRecordSchema),
  /** Codebook changes made during the review of this round. */
  codebookChanges: z.array(
    z.object({
      code: id,
      fields: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
      memo: z.string(),
      by: id,
      at: timestamp,
    }),
  ),
  /**
   * How the round's sentences, paragraphs and speaker turns are cut (shared/src/text/segmentation.ts): the version
   * the round was created with. Absent in rounds created before versioning, which were computed with version 1.
   */
  segmentation: z
    .custom<SegmentationVersion>(isSegmentationVersion, { message: 'unknown segmentation version' })
    .optional(),
  /** Per transcript, the language its units were cut with, recorded at reveal (absent: none, the root rules). */
  languages: z.record(z.string(), z.string()).optional(),
});

/**
 * A one-time link: an invitation to create an account (optionally into a project with a role), or a password reset
 * of an existing account. Only the SHA-256 of its token is kept, so a copy of meta.json opens nothing.
 */
export const invitationSchema = z.object({
  id,
  kind: z.enum(['invite', 'reset']),
  tokenHash: z.string(),
  email: z.string(),
  /** The account a reset link is for; null for an invitation. */
  userId: id.nullable(),
  admin: z.boolean(),
  project: z.object({ id, role: z.enum(ROLES as [string, ...string[]]) }).nullable(),
  createdBy: id.nullable(),
  createdAt: timestamp,
  expiresAt: timestamp,
  usedAt: timestamp.nullable(),
  usedBy: id.nullable(),
  revokedAt: timestamp.nullable(),
});

/** Server-wide settings an administrator changes in the web UI. */
export const serverSettingsSchema = z.object({
  /** Owners may invite people who have no account yet into their projects (else only administrators invite). */
  ownersInvite: z.boolean(),
});

export const metadataSchema = z.object({
  version: z.literal(METADATA_VERSION),
  users: z.array(userSchema),
  sessions: z.array(sessionSchema),
  projects: z.array(projectSchema),
  transcripts: z.array(transcriptSchema),
  rounds: z.array(roundSchema),
  invitations: z.array(invitationSchema),
  serverSettings: serverSettingsSchema,
});

export type User = z.infer<typeof userSchema>;
export type Session = z.infer<typeof sessionSchema>;
export type Member = Omit<z.infer<typeof memberSchema>, 'role'> & { role: import('@accord/shared').Role };
export type { ProjectSettings };
export type Project = Omit<z.infer<typeof projectSchema>, 'members'> & { members: Member[] };
export type TranscriptMeta = z.infer<typeof transcriptSchema>;
export type Round = z.infer<typeof roundSchema>;
export type SnapshotRecord = z.infer<typeof snapshotRecordSchema>;
export type Invitation = Omit<z.infer<typeof invitationSchema>, 'project'> & {
  project: { id: string; role: import('@accord/shared').Role } | null;
};
export type ServerSettings = z.infer<typeof serverSettingsSchema>;
/** The whole metadata as one value: the content of `meta.json`, and what `Metadata.snapshot()` answers. */
export type MetadataSnapshot = Omit<z.infer<typeof metadataSchema>, 'projects' | 'invitations'> & {
  projects: Project[];
  invitations: Invitation[];
};
/** The former name of `MetadataSnapshot` (the interface named `Metadata` is the store, in repositories.ts). */
export type Metadata = MetadataSnapshot;
export type { TranscriptMedia };

export function emptyMetadata(): MetadataSnapshot {
  return {
    version: METADATA_VERSION,
    users: [],
    sessions: [],
    projects: [],
    transcripts: [],
    rounds: [],
    invitations: [],
    serverSettings: { ownersInvite: true },
  };
}

export const DEFAULT_PROJECT_SETTINGS: ProjectSettings = {
  codersEditCodebook: true,
  kappaThreshold: 0.6,
  alphaThreshold: 0.667,
};
