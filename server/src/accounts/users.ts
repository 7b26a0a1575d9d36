import { newId } from '@accord/shared';
import { hashPassword, PASSWORD_MIN_LENGTH } from '../auth/passwords.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { User } from '../metadata/schema.js';
import type { MetadataStore } from '../metadata/store.js';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  admin: boolean;
}

export const publicUser = ({ id, email, name, admin }: User): PublicUser => ({ id, email, name, admin });

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
  checkPassword(input.password);
  const email = normaliseEmail(input.email);
  if (findUserByEmail(store, email)) throw conflict('email_taken', `an account with email ${email} exists already`);
  const user: User = {
    id: newId(),
    email,
    name: input.name.trim(),
    passwordHash: await hashPassword(input.password),
    admin: input.admin,
    createdAt: Date.now(),
  };
  return store.mutate((data) => {
    if (data.users.some((existing) => existing.email === email)) {
      throw conflict('email_taken', `an account with email ${email} exists already`);
    }
    data.users.push(user);
    return user;
  });
}

/** Sets a new password and ends every session of the account. */
export async function setPassword(store: MetadataStore, userId: string, password: string): Promise<void> {
  checkPassword(password);
  getUser(store, userId);
  const passwordHash = await hashPassword(password);
  await store.mutate((data) => {
    const user = data.users.find((candidate) => candidate.id === userId)!;
    user.passwordHash = passwordHash;
    data.sessions = data.sessions.filter((session) => session.userId !== userId);
  });
}

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badRequest('weak_password', `a password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  }
}
