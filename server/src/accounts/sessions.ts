import { createHash, randomBytes } from 'node:crypto';
import type { Session, User } from '../metadata/schema.js';
import type { MetadataStore } from '../metadata/store.js';

export const SESSION_COOKIE = 'accord_session';

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function createSession(
  store: MetadataStore,
  userId: string,
  ttlHours: number,
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
  return user === undefined ? null : { session, user };
}

export async function deleteSession(store: MetadataStore, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  await store.mutate((data) => {
    data.sessions = data.sessions.filter((session) => session.tokenHash !== tokenHash);
  });
}

/** Reads one cookie from a `Cookie` header (RFC 6265: `name=value` pairs separated by `; `). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
