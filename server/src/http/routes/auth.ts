import type { SessionResponse, SetupNeededResponse } from '@accord/shared';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { deactivated } from '../../accounts/invitations.js';
import { endSession } from '../../accounts/sessionEnds.js';
import { createSession, SESSION_COOKIE } from '../../accounts/sessions.js';
import { createFirstAdministrator, findUserByEmail, normaliseEmail, publicUser } from '../../accounts/users.js';
import { accountKey, addressKey, reserveAttempt } from '../../auth/attempts.js';
import { verifyNothing, verifyPassword } from '../../auth/passwords.js';
import type { AppContext } from '../../context.js';
import { AccordError } from '../../errors.js';
import type { User } from '../../metadata/schema.js';
import { currentAuth, requireAuth } from '../session.js';
import { parse } from '../validate.js';

const credentials = z.strictObject({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });
const setupBody = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: z.string().max(1024),
});

/** Signs `user` in on this response: the session cookie, and the session's CSRF token in the body. */
export async function beginSession(ctx: AppContext, req: Request, res: Response, user: User): Promise<void> {
  const { token, session } = await createSession(ctx.metadata, user.id, ctx.config.sessionTtlHours, user.passwordHash);
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/',
    maxAge: ctx.config.sessionTtlHours * 3600_000,
  });
  res.json({
    user: publicUser(user),
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  } satisfies SessionResponse);
}

export function authRoutes(ctx: AppContext): Router {
  const router = Router();

  const startSession = (req: Request, res: Response, user: User) => beginSession(ctx, req, res, user);

  router.get('/setup', async (_req, res) => {
    res.json({ needed: (await ctx.metadata.users.count()) === 0 } satisfies SetupNeededResponse);
  });

  /** First-run bootstrap: creates the first (administrator) account, and works only while there is none. */
  router.post('/setup', async (req, res) => {
    const user = await createFirstAdministrator(ctx.metadata, parse(setupBody, req.body));
    await ctx.metadata.audit.record({
      actor: user.id,
      action: 'user.create',
      details: { email: user.email, admin: true, via: 'setup' },
    });
    await startSession(req, res, user);
  });

  /** The attempt is counted before the password is hashed, so no burst of parallel requests gets more checks. */
  router.post('/auth/login', async (req, res) => {
    const { email, password } = parse(credentials, req.body);
    const account = accountKey(email);
    const address = addressKey(req.ip);
    await reserveAttempt(ctx.limiter, [account, address]);
    const user = await findUserByEmail(ctx.metadata, email);
    const ok = user === undefined ? await verifyNothing(password) : await verifyPassword(password, user.passwordHash);
    if (!ok || user === undefined) {
      await ctx.metadata.audit.record({
        actor: null,
        action: 'login.fail',
        details: { email: normaliseEmail(email), ip: req.ip },
      });
      throw new AccordError(401, 'bad_credentials', 'wrong email or password');
    }
    await ctx.limiter.succeed({ clear: [account.key], release: [address.key] });
    // Said only after the right password, so that it tells nothing to someone guessing.
    if (user.deactivatedAt !== undefined) {
      await ctx.metadata.audit.record({ actor: user.id, action: 'login.deactivated', details: { ip: req.ip } });
      throw deactivated();
    }
    await ctx.metadata.audit.record({ actor: user.id, action: 'login', details: { ip: req.ip } });
    await startSession(req, res, user);
  });

  /** Ends the session: deleted, and every WebSocket it opened closed (4401) before the answer. */
  router.post('/auth/logout', async (req, res) => {
    const auth = currentAuth(req);
    if (auth !== undefined) {
      await endSession(ctx, auth.session.tokenHash, 'signed out');
      await ctx.metadata.audit.record({ actor: auth.user.id, action: 'logout' });
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/session', (req, res) => {
    const { user, session } = requireAuth(req);
    res.json({
      user: publicUser(user),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    } satisfies SessionResponse);
  });

  return router;
}
