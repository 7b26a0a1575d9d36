import { type Account, newId } from '@accord/shared';
import { hashPassword, PASSWORD_MIN_LENGTH } from '../auth/passwords.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { failures } from '../metadata/failures.js';
import type { MetadataRepos } from '../metadata/repositories.js';
import type { User } from '../metadata/schema.js';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  admin: boolean;
  locale: string | null;
}

export const publicUser = ({ id, email, name, admin, locale }: User): PublicUser => ({
  id,
  email,
  name,
  admin,
  locale: locale ?? null,
});

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

export async function findUserByEmail(metadata: MetadataRepos, email: string): Promise<User | undefined> {
  return (await metadata.users.findByEmail(normaliseEmail(email))) ?? undefined;
}

export async function getUser(metadata: MetadataRepos, id: string): Promise<User> {
  const user = await metadata.users.get(id);
  if (user === null) throw notFound('no such user');
  return user;
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  admin: boolean;
}

export async function createUser(metadata: MetadataRepos, input: NewUser): Promise<User> {
  return metadata.users.create(await newUserRecord(metadata, input));
}

/**
 * First-run setup: creates the first account, an administrator, only while there is none. The repository checks
 * that in the same step as the insert, after the (slow) password hash, so that of any number of concurrent setups
 * exactly one wins and the others get 409 `setup_done`.
 */
export async function createFirstAdministrator(metadata: MetadataRepos, input: Omit<NewUser, 'admin'>): Promise<User> {
  if ((await metadata.users.count()) > 0) throw failures.setupDone();
  return metadata.users.createFirstAdministrator(await newUserRecord(metadata, { ...input, admin: true }));
}

/** Builds (does not store) a new account after checking its password and that the email is free. */
export async function newUserRecord(metadata: MetadataRepos, input: NewUser): Promise<User> {
  checkPassword(input.password);
  const email = normaliseEmail(input.email);
  if (await findUserByEmail(metadata, email)) throw failures.emailTaken(email);
  return {
    id: newId(),
    email,
    name: input.name.trim(),
    passwordHash: await hashPassword(input.password),
    admin: input.admin,
    createdAt: Date.now(),
  };
}

/**
 * Sets a new password and deletes every session of the account in the same write; answers the ended session ids.
 * A running server must also close their sockets: use `changePassword` (the offline CLI has none to close).
 */
export async function setPassword(metadata: MetadataRepos, userId: string, password: string): Promise<string[]> {
  checkPassword(password);
  await getUser(metadata, userId);
  return metadata.users.setPasswordHash(userId, await hashPassword(password));
}

/**
 * Deactivates an account and deletes all its sessions in the same write (answers their ids: the caller closes the
 * sockets, see `deactivateAccount`). Unused reset links of the account are revoked too. The account stays a member
 * of its projects, so that its codings stay attributed; the access rule gives a deactivated account nothing.
 */
export async function deactivateUser(metadata: MetadataRepos, userId: string, actorId: string, now = Date.now()) {
  if (userId === actorId) throw conflict('self_deactivation', 'you cannot deactivate your own account');
  return metadata.users.deactivate(userId, now);
}

export function reactivateUser(metadata: MetadataRepos, userId: string): Promise<User> {
  return metadata.users.reactivate(userId);
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badRequest('weak_password', `a password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  }
}
