import { newId } from '@accord/shared';
import { expect } from 'vitest';
import { AccordError } from '../../../src/errors.js';
import type { Metadata } from '../../../src/metadata/repositories.js';
import {
  DEFAULT_PROJECT_SETTINGS,
  type Invitation,
  type Project,
  type Round,
  type Session,
  type TranscriptMeta,
  type User,
} from '../../../src/metadata/schema.js';

/**
 * A harness gives the suite a metadata store over fresh, empty data. `reopen` (durable stores only) closes it and
 * opens the same data again, as a restart does.
 */
export interface MetadataHarness {
  open(): Promise<Metadata>;
  reopen?(current: Metadata): Promise<Metadata>;
  dispose(): Promise<void>;
}

export interface MetadataContractTarget {
  name: string;
  create(): Promise<MetadataHarness>;
}

export const NOW = 1_700_000_000_000;
const HASH = 'a'.repeat(64);

let counter = 0;
const unique = () => `${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export function aUser(fields: Partial<User> = {}): User {
  return {
    id: newId(),
    email: `person-${unique()}@example.org`,
    name: 'Someone',
    passwordHash: `hash-${unique()}`,
    admin: false,
    createdAt: NOW,
    ...fields,
  };
}

export function aSession(userId: string, fields: Partial<Session> = {}): Session {
  return {
    tokenHash: `session-${unique()}`,
    userId,
    csrfToken: `csrf-${unique()}`,
    createdAt: NOW,
    expiresAt: NOW + 3600_000,
    ...fields,
  };
}

export function aProject(ownerId: string, fields: Partial<Project> = {}): Project {
  return {
    id: newId(),
    name: 'A project',
    description: '',
    archived: false,
    createdAt: NOW,
    createdBy: ownerId,
    settings: { ...DEFAULT_PROJECT_SETTINGS },
    members: [{ userId: ownerId, role: 'owner', addedAt: NOW }],
    ...fields,
  };
}

export function aTranscript(projectId: string, fields: Partial<TranscriptMeta> = {}): TranscriptMeta {
  return {
    id: newId(),
    projectId,
    title: 'Interview',
    participant: 'P1',
    attributes: { site: 'north' },
    createdBy: 'someone',
    createdAt: NOW,
    ...fields,
  };
}

export function aRound(
  projectId: string,
  transcriptIds: string[],
  coders: string[],
  fields: Partial<Round> = {},
): Round {
  return {
    id: newId(),
    projectId,
    name: 'Round',
    mode: 'blind',
    status: 'running',
    ownerMayLook: false,
    assignments: transcriptIds.map((transcriptId) => ({ transcriptId, coders: [...coders] })),
    createdAt: NOW,
    createdBy: coders[0] ?? 'someone',
    revealedAt: null,
    sample: null,
    codebookSnapshot: { docName: `p/${projectId}/r/x/codebook`, snapshotId: 'frozen', sha256: HASH, bytes: 10 },
    adjudicators: coders.slice(0, 1),
    done: [],
    revealedBy: null,
    forced: false,
    snapshots: [],
    codebookChanges: [],
    segmentation: 2,
    ...fields,
  } as Round;
}

export function anInvitation(fields: Partial<Invitation> = {}): Invitation {
  return {
    id: newId(),
    kind: 'invite',
    tokenHash: `token-${unique()}`,
    email: `invited-${unique()}@example.org`,
    userId: null,
    admin: false,
    project: null,
    createdBy: null,
    createdAt: NOW,
    expiresAt: NOW + 7 * 24 * 3600_000,
    usedAt: null,
    usedBy: null,
    revokedAt: null,
    ...fields,
  };
}

/** Expects `promise` to be refused with an AccordError of this status and code. */
export async function refused(promise: Promise<unknown>, status: number, code: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${status} ${code}`).toBeInstanceOf(AccordError);
  expect({ status: (error as AccordError).status, code: (error as AccordError).code }).toEqual({ status, code });
}

/** A reset link for an account. */
export function aInvitationFor(user: User, fields: Partial<Invitation> = {}): Invitation {
  return anInvitation({
    kind: 'reset',
    email: user.email,
    userId: user.id,
    admin: user.admin,
    expiresAt: NOW + 24 * 3600_000,
    ...fields,
  });
}
