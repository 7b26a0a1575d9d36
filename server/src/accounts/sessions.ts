import { createHash, randomBytes } from 'node:crypto';
import { AccordError } from '../errors.js';
import type { Session, User } from '../metadata/schema.js';
import type { MetadataStore } from '../metadata/store.js';

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
  store: MetadataStore,
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
  await store.mutate((data) => {
    const user = data.users.find((candidate) => candidate.id === userId);
    if (user?.passwordHash !== verifiedHash) {
      throw new AccordError(401, 'bad_credentials', 'the password changed while signing in; sign in again');
    }
    // A deactivation that raced the sign-in wins: no session is written for the account.
    if (user.deactivatedAt !== undefined) {
      throw new AccordError(403, 'account_deactivated', 'this account is deactivated; ask an administrator');
    }
    data.sessions = data.sessions.filter((existing) => existing.expiresAt > now);
    data.sessions.push(session);
  });
  return { token, session };
}

export function findSession(store: MetadataStore, token: string | undefined): { session: Session; user: User } | null {
  if (!token) return null;
  const tokenHash = hashToken(token);
  const session = store.data.sessions.find((candidate) => candidate.tokenHash === tokenHash);
  if (session === undefined || session.expiresAt <= Date.now()) return null;
  const user = store.data.users.find((candidate) => candidate.id === session.userId);
  // Deactivation deletes the sessions in the same write; this is the second lock on the same door.
  return user === undefined || user.deactivatedAt !== undefined ? null : { session, user };
}

/** Deletes the sessions that match, in one write; answers their ids (see `sessionEnds.ts` for their sockets). */
export function removeSessions(store: MetadataStore, match: (session: Session) => boolean): Promise<string[]> {
  return store.mutate((data) => {
    const ended = data.sessions.filter(match).map((session) => session.tokenHash);
    if (ended.length > 0) data.sessions = data.sessions.filter((session) => !match(session));
    return ended;
  });
}

/** The ids of the sessions still good now: not expired, of an account that exists and is active. */
export function liveSessionIds(store: MetadataStore, now = Date.now()): Set<string> {
  const users = new Set(store.data.users.filter((user) => user.deactivatedAt === undefined).map((user) => user.id));
  return new Set(
    store.data.sessions
      .filter((session) => session.expiresAt > now && users.has(session.userId))
      .map((session) => session.tokenHash),
  );
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
