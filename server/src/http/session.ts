import { createHash, timingSafeEqual } from 'node:crypto';
import type { SessionResponse } from '@accord/shared';
import type { NextFunction, Request, Response } from 'express';
import { findSession, type OpenedSession, readCookie, SESSION_COOKIE } from '../accounts/sessions.js';
import { publicUser } from '../accounts/users.js';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import type { Session, User } from '../metadata/schema.js';

export interface Authenticated {
  user: User;
  session: Session;
  token: string;
}

const authenticated = new WeakMap<Request, Authenticated>();

/** Attaches the session named by the cookie, if it is valid; does not refuse anything by itself. */
export function readSession(ctx: AppContext) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    findSession(ctx.metadata, token).then((found) => {
      if (found !== null && token !== undefined) authenticated.set(req, { ...found, token });
      next();
    }, next);
  };
}

/** What the client is told of its session: who it is, the CSRF token for its writes, when the session ends. */
export function sessionResponse(user: User, session: Session): SessionResponse {
  return { user: publicUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

/**
 * Hands a session just opened (sign-in, first-run setup, an accepted link) to the browser on this response: the
 * cookie (`HttpOnly`, `SameSite=Lax`, `Secure` when the request came over https) and, in the body, the session's
 * CSRF token.
 */
export function sendSession(req: Request, res: Response, opened: OpenedSession): void {
  res.cookie(SESSION_COOKIE, opened.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/',
    maxAge: opened.lifetimeMs,
  });
  res.json(sessionResponse(opened.user, opened.session));
}

/** Tells the browser to forget its session cookie (after signing out, or when it had none). */
export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}

export function currentAuth(req: Request): Authenticated | undefined {
  return authenticated.get(req);
}

/** The signed-in user, or a 401 that tells the client its session is missing or expired. */
export function requireAuth(req: Request): Authenticated {
  const auth = authenticated.get(req);
  if (auth === undefined) throw new AccordError(401, 'unauthenticated', 'sign in first (no session, or it expired)');
  return auth;
}

export function requireAdmin(req: Request): Authenticated {
  const auth = requireAuth(req);
  if (!auth.user.admin) throw new AccordError(403, 'forbidden', 'only an administrator may do this');
  return auth;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: a cookie-authenticated state change must carry the session's token in `X-CSRF-Token`, which another
 * site cannot read. Requests without a session (login, first-run setup) must come from an allowed Origin.
 */
export function csrfProtection(ctx: AppContext) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined && !isAllowedOrigin(ctx, origin, req.headers.host)) {
      return next(new AccordError(403, 'bad_origin', `requests from origin ${origin} are not accepted`));
    }
    const auth = authenticated.get(req);
    if (auth !== undefined && req.get('x-csrf-token') !== auth.session.csrfToken) {
      return next(new AccordError(403, 'csrf', 'missing or wrong X-CSRF-Token header (get it from GET /api/session)'));
    }
    next();
  };
}

/** Same-origin (the Host the client used) or one of the configured origins. */
export function isAllowedOrigin(ctx: AppContext, origin: string, host: string | undefined): boolean {
  if (ctx.config.origins.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Operational details (data directory, traffic counters) are for administrators and monitors: an administrator's
 * session, or `Authorization: Bearer <metrics token>` when one is configured. A wrong token is a 401, so that a
 * misconfigured monitor notices; no token and no admin session is just `false`.
 */
export function mayReadMetrics(ctx: AppContext, req: Request): boolean {
  if (currentAuth(req)?.user.admin) return true;
  const header = req.get('authorization');
  if (header === undefined) return false;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (ctx.config.metricsToken === null || token === undefined || !sameSecret(token, ctx.config.metricsToken)) {
    throw new AccordError(401, 'unauthenticated', 'wrong or unconfigured metrics token');
  }
  return true;
}

/** Compares digests, so neither the length nor a prefix of the secret leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
