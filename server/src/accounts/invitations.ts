import { createHash, randomBytes } from 'node:crypto';
import { type InvitationStatus, type InvitationView, newId, type Role } from '@accord/shared';
import { hashPassword } from '../auth/passwords.js';
import type { AppContext } from '../context.js';
import { AccordError, conflict, notFound } from '../errors.js';
import { checkUsable, failures, invitationStatus } from '../metadata/failures.js';
import type { MetadataRepos } from '../metadata/repositories.js';
import type { Invitation, User } from '../metadata/schema.js';
import { roleOf } from '../projects/docAccess.js';
import { checkPassword, newUserRecord, normaliseEmail } from './users.js';

export { checkUsable, invitationStatus } from '../metadata/failures.js';

/**
 * One-time links. An invitation creates an account (the invited person chooses their own name and password) and,
 * when an owner sent it, makes it a member of the project with the role it carries. A reset link lets the person
 * of an existing account choose a new password: an administrator never chooses or sees anyone's password.
 *
 * Only the SHA-256 of a link's token is stored. A link works once (accepting and marking it used are one store
 * write), until it expires or is revoked.
 */

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
export const RESET_TTL_MS = 24 * 3600_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The path of the page that opens a link. The token is in the fragment, which browsers never send to a server. */
export const linkPath = (token: string) => `/invite#${token}`;

export async function invitationView(
  metadata: MetadataRepos,
  invitation: Invitation,
  now = Date.now(),
): Promise<InvitationView> {
  const project = invitation.project && (await metadata.projects.get(invitation.project.id));
  const creator = invitation.createdBy && (await metadata.users.get(invitation.createdBy));
  return {
    id: invitation.id,
    kind: invitation.kind,
    email: invitation.email,
    admin: invitation.admin,
    project:
      invitation.project && project ? { id: project.id, name: project.name, role: invitation.project.role } : null,
    createdBy: creator ? { id: creator.id, name: creator.name } : null,
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
    usedAt: invitation.usedAt,
    revokedAt: invitation.revokedAt,
    status: invitationStatus(invitation, now) satisfies InvitationStatus,
  };
}

/** Every link of the server (`projectId` null) or the invitations into one project, newest first. */
export async function listInvitations(
  metadata: MetadataRepos,
  projectId: string | null,
  now = Date.now(),
): Promise<InvitationView[]> {
  const links =
    projectId === null ? await metadata.invitations.list() : await metadata.invitations.listForProject(projectId);
  return (await Promise.all(links.map((invitation) => invitationView(metadata, invitation, now)))).reverse();
}

export interface NewInvitation {
  email: string;
  admin: boolean;
  project: { id: string; role: Role } | null;
  createdBy: string | null;
}

function record(
  kind: Invitation['kind'],
  fields: Omit<Invitation, 'id' | 'kind' | 'tokenHash' | 'usedAt' | 'usedBy' | 'revokedAt'>,
) {
  const token = randomBytes(32).toString('base64url');
  const invitation: Invitation = {
    id: newId(),
    kind,
    tokenHash: hashToken(token),
    usedAt: null,
    usedBy: null,
    revokedAt: null,
    ...fields,
  };
  return { token, invitation };
}

/**
 * An invitation for an email that has no account yet (checked again when it is accepted: an account may be created
 * meanwhile). Expired and used links are kept as history (they are small) and listed with their status.
 */
export async function createInvitation(
  metadata: MetadataRepos,
  input: NewInvitation,
  now = Date.now(),
): Promise<{ token: string; invitation: Invitation }> {
  const made = record('invite', {
    email: normaliseEmail(input.email),
    userId: null,
    admin: input.admin,
    project: input.project,
    createdBy: input.createdBy,
    createdAt: now,
    expiresAt: now + INVITATION_TTL_MS,
  });
  try {
    await metadata.invitations.createInvite(made.invitation);
  } catch (error) {
    if (error instanceof AccordError && error.code === 'email_taken') throw emailTaken(made.invitation.email);
    throw error;
  }
  return made;
}

/** A reset link for an active account; it revokes the account's earlier unused reset links. */
export async function createResetLink(
  metadata: MetadataRepos,
  userId: string,
  createdBy: string | null,
  now = Date.now(),
): Promise<{ token: string; invitation: Invitation }> {
  const user = await metadata.users.get(userId);
  if (user === null) throw failures.noUser();
  if (user.deactivatedAt !== undefined) throw deactivated();
  const made = record('reset', {
    email: user.email,
    userId,
    admin: user.admin,
    project: null,
    createdBy,
    createdAt: now,
    expiresAt: now + RESET_TTL_MS,
  });
  await metadata.invitations.createReset(made.invitation);
  return made;
}

export function revokeInvitation(metadata: MetadataRepos, id: string, now = Date.now()): Promise<Invitation> {
  return metadata.invitations.revoke(id, now);
}

/**
 * Withdraws a link, audited (`invitation.revoke`). Administrators withdraw any link; an owner withdraws the
 * invitations into a project they own; to anyone else the link does not exist (404).
 */
export async function withdrawInvitation(
  ctx: AppContext,
  actor: Pick<User, 'id' | 'admin'>,
  id: string,
): Promise<void> {
  const invitation = await ctx.metadata.invitations.get(id);
  const projectId = invitation?.project?.id;
  const owner = projectId !== undefined && roleOf(await ctx.metadata.projects.get(projectId), actor.id) === 'owner';
  if (!actor.admin && !owner) throw notFound('no such invitation');
  const revoked = await revokeInvitation(ctx.metadata, id);
  await ctx.metadata.audit.record({
    actor: actor.id,
    action: 'invitation.revoke',
    ...(revoked.project ? { project: revoked.project.id } : {}),
    details: { invitation: revoked.id, email: revoked.email, kind: revoked.kind },
  });
}

/** The link a token names, or null when no link has that token (a guess: the caller counts it). */
export function findByToken(metadata: MetadataRepos, token: string): Promise<Invitation | null> {
  return metadata.invitations.findByTokenHash(hashToken(token));
}

export interface Accepted {
  user: User;
  invitation: Invitation;
  /** The project the invitation made the person a member of (null: none, or it was deleted meanwhile). */
  joined: { project: string; role: Role } | null;
  /** Sessions ended by a password reset (their sockets must be closed). */
  ended: string[];
}

/**
 * Accepts a link: creates the account (invitation) or sets the new password (reset), and marks the link used, in
 * one repository step after the slow password hash, so that of two concurrent acceptances exactly one wins.
 */
export async function acceptLink(
  metadata: MetadataRepos,
  token: string,
  input: { name?: string; password: string },
  now = Date.now(),
): Promise<Accepted> {
  const found = await findByToken(metadata, token);
  if (found === null) throw failures.invalidLink();
  checkUsable(found, now);
  checkPassword(input.password);
  if (found.kind === 'invite') {
    const name = input.name?.trim() ?? '';
    if (name === '') throw new AccordError(400, 'invalid_input', 'a name is needed');
    const user = await newUserRecord(metadata, {
      email: found.email,
      name,
      password: input.password,
      admin: found.admin,
    });
    const accepted = await metadata.invitations.acceptInvite(found.id, { ...user, createdAt: now }, now);
    return { ...accepted, ended: [] };
  }
  const passwordHash = await hashPassword(input.password);
  const accepted = await metadata.invitations.acceptReset(found.id, passwordHash, now);
  return { ...accepted, joined: null };
}

const emailTaken = (email: string) =>
  conflict('email_taken', `an account with email ${email} exists already; add it from the list of accounts`);

export const deactivated = failures.deactivated;
