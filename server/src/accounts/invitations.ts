import { createHash, randomBytes } from 'node:crypto';
import { type InvitationStatus, type InvitationView, newId, type Role } from '@accord/shared';
import { hashPassword } from '../auth/passwords.js';
import { AccordError, conflict, notFound } from '../errors.js';
import type { Invitation, User } from '../metadata/schema.js';
import type { MetadataStore } from '../metadata/store.js';
import { checkPassword, insert, newUserRecord, normaliseEmail } from './users.js';

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

export function invitationStatus(invitation: Invitation, now = Date.now()): InvitationStatus {
  if (invitation.usedAt !== null) return 'used';
  if (invitation.revokedAt !== null) return 'revoked';
  return invitation.expiresAt <= now ? 'expired' : 'pending';
}

export function invitationView(store: MetadataStore, invitation: Invitation, now = Date.now()): InvitationView {
  const project = invitation.project && store.data.projects.find((p) => p.id === invitation.project!.id);
  const creator = invitation.createdBy && store.data.users.find((u) => u.id === invitation.createdBy);
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
    status: invitationStatus(invitation, now),
  };
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
  store: MetadataStore,
  input: NewInvitation,
  now = Date.now(),
): Promise<{ token: string; invitation: Invitation }> {
  const email = normaliseEmail(input.email);
  const made = record('invite', {
    email,
    userId: null,
    admin: input.admin,
    project: input.project,
    createdBy: input.createdBy,
    createdAt: now,
    expiresAt: now + INVITATION_TTL_MS,
  });
  await store.mutate((data) => {
    if (data.users.some((user) => user.email === email)) throw emailTaken(email);
    if (input.project && !data.projects.some((project) => project.id === input.project!.id)) {
      throw notFound('no such project');
    }
    data.invitations.push(made.invitation);
  });
  return made;
}

/** A reset link for an active account; it revokes the account's earlier unused reset links. */
export async function createResetLink(
  store: MetadataStore,
  userId: string,
  createdBy: string | null,
  now = Date.now(),
): Promise<{ token: string; invitation: Invitation }> {
  return store.mutate((data) => {
    const user = data.users.find((candidate) => candidate.id === userId);
    if (user === undefined) throw notFound('no such user');
    if (user.deactivatedAt !== undefined) throw deactivated();
    for (const link of data.invitations) {
      if (link.kind === 'reset' && link.userId === userId && link.usedAt === null && link.revokedAt === null) {
        link.revokedAt = now;
      }
    }
    const made = record('reset', {
      email: user.email,
      userId,
      admin: user.admin,
      project: null,
      createdBy,
      createdAt: now,
      expiresAt: now + RESET_TTL_MS,
    });
    data.invitations.push(made.invitation);
    return made;
  });
}

export function revokeInvitation(store: MetadataStore, id: string, now = Date.now()): Promise<Invitation> {
  return store.mutate((data) => {
    const invitation = data.invitations.find((candidate) => candidate.id === id);
    if (invitation === undefined) throw notFound('no such invitation');
    const status = invitationStatus(invitation, now);
    if (status !== 'pending') throw conflict(`invitation_${status}`, `this link is ${status} already`);
    invitation.revokedAt = now;
    return { ...invitation };
  });
}

/** The link a token names, or null when no link has that token (a guess: the caller counts it). */
export function findByToken(store: MetadataStore, token: string): Invitation | null {
  const tokenHash = hashToken(token);
  return store.data.invitations.find((candidate) => candidate.tokenHash === tokenHash) ?? null;
}

/** Refuses a link that cannot be used any more, saying why (its holder knows the token already). */
export function checkUsable(invitation: Invitation, now = Date.now()): void {
  const status = invitationStatus(invitation, now);
  if (status === 'pending') return;
  const why = {
    used: 'this link was used already; sign in, or ask for a new one',
    expired: 'this link has expired; ask for a new one',
    revoked: 'this link was withdrawn; ask for a new one',
  }[status];
  throw new AccordError(410, `invitation_${status}`, why);
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
 * one write after the slow password hash, so that of two concurrent acceptances exactly one wins.
 */
export async function acceptLink(
  store: MetadataStore,
  token: string,
  input: { name?: string; password: string },
  now = Date.now(),
): Promise<Accepted> {
  const found = findByToken(store, token);
  if (found === null) throw notFound('this link is not valid');
  checkUsable(found, now);
  checkPassword(input.password);
  if (found.kind === 'invite') {
    const name = input.name?.trim() ?? '';
    if (name === '') throw new AccordError(400, 'invalid_input', 'a name is needed');
    const user = await newUserRecord(store, { email: found.email, name, password: input.password, admin: found.admin });
    return store.mutate((data) => {
      const invitation = usable(data.invitations, found.id, now);
      insert(data, { ...user, createdAt: now });
      const project = invitation.project && data.projects.find((p) => p.id === invitation.project!.id);
      const joined = invitation.project && project ? { project: project.id, role: invitation.project.role } : null;
      if (project && joined) project.members.push({ userId: user.id, role: joined.role, addedAt: now });
      invitation.usedAt = now;
      invitation.usedBy = user.id;
      return { user, invitation: { ...invitation }, joined, ended: [] };
    });
  }
  const passwordHash = await hashPassword(input.password);
  return store.mutate((data) => {
    const invitation = usable(data.invitations, found.id, now);
    const user = data.users.find((candidate) => candidate.id === invitation.userId);
    if (user === undefined) throw notFound('the account of this link no longer exists');
    if (user.deactivatedAt !== undefined) throw deactivated();
    user.passwordHash = passwordHash;
    const ended = data.sessions.filter((session) => session.userId === user.id).map((session) => session.tokenHash);
    data.sessions = data.sessions.filter((session) => session.userId !== user.id);
    invitation.usedAt = now;
    invitation.usedBy = user.id;
    return { user: { ...user }, invitation: { ...invitation }, joined: null, ended };
  });
}

/** Inside the write: the link as it is now, still usable. */
function usable(invitations: Invitation[], id: string, now: number): Invitation {
  const invitation = invitations.find((candidate) => candidate.id === id);
  if (invitation === undefined) throw notFound('this link is not valid');
  checkUsable(invitation, now);
  return invitation;
}

const emailTaken = (email: string) =>
  conflict('email_taken', `an account with email ${email} exists already; add it from the list of accounts`);

export const deactivated = () =>
  new AccordError(403, 'account_deactivated', 'this account is deactivated; ask an administrator');
