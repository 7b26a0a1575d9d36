import { type Account, newId } from '@accord/shared';
import { hashPassword, PASSWORD_MIN_LENGTH } from '../auth/passwords.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Metadata, User } from '../metadata/schema.js';
import type { MetadataStore } from '../metadata/store.js';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  admin: boolean;
}

export const publicUser = ({ id, email, name, admin }: User): PublicUser => ({ id, email, name, admin });

/** What administrators see of an account: its status too (`Account` in shared/src/api). */
export type AccountView = Account;

export const accountView = (user: User): AccountView => ({
  ...publicUser(user),
  createdAt: user.createdAt,
  deactivatedAt: user.deactivatedAt ?? null,
});

export const isDeactivated = (user: Pick<User, 'deactivatedAt'>): boolean => user.deactivatedAt !== undefined;

/** Emails compare case-insensitively; they are stored as typed, trimmed and lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export function findUserByEmail(store: MetadataStore, email: string): User | undefined {
  const wanted = normaliseEmail(email);
  return store.data.users.find((user) => user.email === wanted);
}

export function getUser(store: MetadataStore, id: string): User {
  const user = store.data.users.find((candidate) => candidate.id === id);
  if (user === undefined) throw notFound('no such user');
  return user;
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  admin: boolean;
}

export async function createUser(store: MetadataStore, input: NewUser): Promise<User> {
  const user = await newUserRecord(store, input);
  return store.mutate((data) => insert(data, user));
}

/**
 * First-run setup: creates the first account, an administrator, only while there is none. The check runs in the
 * same store write as the insert, after the (slow) password hash, so that of any number of concurrent setups
 * exactly one wins and the others get 409 `setup_done`.
 */
export async function createFirstAdministrator(store: MetadataStore, input: Omit<NewUser, 'admin'>): Promise<User> {
  if (store.data.users.length > 0) throw setupDone();
  const user = await newUserRecord(store, { ...input, admin: true });
  return store.mutate((data) => {
    if (data.users.length > 0) throw setupDone();
    return insert(data, user);
  });
}

const setupDone = () => conflict('setup_done', 'Accord is set up already; sign in');

/** Builds (does not store) a new account after checking its password and that the email is free. */
export async function newUserRecord(store: MetadataStore, input: NewUser): Promise<User> {
  checkPassword(input.password);
  const email = normaliseEmail(input.email);
  if (findUserByEmail(store, email)) throw emailTaken(email);
  return {
    id: newId(),
    email,
    name: input.name.trim(),
    passwordHash: await hashPassword(input.password),
    admin: input.admin,
    createdAt: Date.now(),
  };
}

/** Runs inside a store write: the uniqueness check and the insert are one step. */
export function insert(data: Metadata, user: User): User {
  if (data.users.some((existing) => existing.email === user.email)) throw emailTaken(user.email);
  data.users.push(user);
  return user;
}

const emailTaken = (email: string) => conflict('email_taken', `an account with email ${email} exists already`);

/**
 * Sets a new password and deletes every session of the account in the same write; answers the ended session ids.
 * A running server must also close their sockets: use `changePassword` (the offline CLI has none to close).
 */
export async function setPassword(store: MetadataStore, userId: string, password: string): Promise<string[]> {
  checkPassword(password);
  getUser(store, userId);
  const passwordHash = await hashPassword(password);
  return store.mutate((data) => {
    const user = data.users.find((candidate) => candidate.id === userId)!;
    user.passwordHash = passwordHash;
    const ended = data.sessions.filter((session) => session.userId === userId).map((session) => session.tokenHash);
    data.sessions = data.sessions.filter((session) => session.userId !== userId);
    return ended;
  });
}

/**
 * Deactivates an account and deletes all its sessions in the same write (answers their ids: the caller closes the
 * sockets, see `deactivateAccount`). Unused reset links of the account are revoked too. The account stays a member
 * of its projects, so that its codings stay attributed; the access rule gives a deactivated account nothing.
 */
export function deactivateUser(store: MetadataStore, userId: string, actorId: string, now = Date.now()) {
  if (userId === actorId) throw conflict('self_deactivation', 'you cannot deactivate your own account');
  return store.mutate((data) => {
    const user = data.users.find((candidate) => candidate.id === userId);
    if (user === undefined) throw notFound('no such user');
    if (user.deactivatedAt !== undefined) throw conflict('already_deactivated', 'this account is deactivated already');
    if (user.admin && data.users.filter((u) => u.admin && u.deactivatedAt === undefined).length === 1) {
      throw conflict('last_admin', 'the last active administrator cannot be deactivated');
    }
    user.deactivatedAt = now;
    const ended = data.sessions.filter((session) => session.userId === userId).map((session) => session.tokenHash);
    data.sessions = data.sessions.filter((session) => session.userId !== userId);
    for (const link of data.invitations) {
      if (link.userId === userId && link.usedAt === null && link.revokedAt === null) link.revokedAt = now;
    }
    return { user: { ...user }, ended };
  });
}

export function reactivateUser(store: MetadataStore, userId: string): Promise<User> {
  return store.mutate((data) => {
    const user = data.users.find((candidate) => candidate.id === userId);
    if (user === undefined) throw notFound('no such user');
    if (user.deactivatedAt === undefined) throw conflict('not_deactivated', 'this account is active');
    delete user.deactivatedAt;
    return { ...user };
  });
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badRequest('weak_password', `a password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  }
}
