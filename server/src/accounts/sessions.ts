import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { MetadataRepos } from '../metadata/repositories.js';
import type { Session, User } from '../metadata/schema.js';

export const SESSION_COOKIE = 'accord_session';

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * A session's id is the hash of its token (the `tokenHash` kept in the metadata): safe to hold on a socket, log
 * or send to another instance, since it cannot be turned back into a cookie.
 */
export const sessionIdOf = (token: string): string => hashToken(token);

/**
 * Starts a session for an account whose password was just checked against `verifiedHash`. The session is written
 * only if that hash is still the account's: a sign-in that raced a password change (which ends every session)
 * must not come out of it with a session made from the old password.
 */
export async function createSession(
  metadata: MetadataRepos,
  userId: string,
  ttlHours: number,
  verifiedHash: string,
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  const session: Session = {
    tokenHash: hashToken(token),
    userId,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: now + ttlHours * 3600_000,
  };
  // The repository refuses it if the hash changed or the account was deactivated meanwhile (a race it wins).
  await metadata.sessions.create(session, verifiedHash, now);
  return { token, session };
}

/** A session just made for `user`: what the HTTP layer needs to hand it over (http/session.ts, `sendSession`). */
export interface OpenedSession {
  user: User;
  /** The cookie's value; only its hash is stored. */
  token: string;
  session: Session;
  /** How long the session lives (`sessionTtlHours`), for the cookie's `Max-Age`. */
  lifetimeMs: number;
}

/**
 * Signs `user` in with the server's session lifetime, once their password was checked against `user.passwordHash`
 * (refused if that hash is no longer the account's or the account was deactivated meanwhile: see `createSession`).
 */
export async function openSession(ctx: AppContext, user: User): Promise<OpenedSession> {
  const ttlHours = ctx.config.sessionTtlHours;
  const { token, session } = await createSession(ctx.metadata, user.id, ttlHours, user.passwordHash);
  return { user, token, session, lifetimeMs: ttlHours * 3600_000 };
}

/** The live session a cookie token names, with its account (null: none, expired, or its account is not active). */
export function findSession(
  metadata: MetadataRepos,
  token: string | undefined,
): Promise<{ session: Session; user: User } | null> {
  if (!token) return Promise.resolve(null);
  return metadata.sessions.find(hashToken(token), Date.now());
}

/**
 * Reads one cookie from a `Cookie` header (RFC 6265: `name=value` pairs separated by `; `). A value that is not
 * valid percent-encoding is treated as absent: it cannot be a token we issued, and a request must never fail on it.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return safeDecode(part.slice(eq + 1).trim());
  }
  return undefined;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
