import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { createSession, deleteSession, SESSION_COOKIE } from '../../accounts/sessions.js';
import { createUser, findUserByEmail, publicUser } from '../../accounts/users.js';
import { LoginLimiter } from '../../auth/loginLimiter.js';
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

export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  // Per account: stops guessing one password. Per address: stops sweeping many accounts, set higher because a
  // whole lab may sit behind one NAT address.
  const perAccount = new LoginLimiter(10);
  const perAddress = new LoginLimiter(100);

  const startSession = async (req: Request, res: Response, user: User) => {
    const { token, session } = await createSession(ctx.store, user.id, ctx.config.sessionTtlHours);
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: ctx.config.sessionTtlHours * 3600_000,
    });
    res.json({ user: publicUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  };

  router.get('/setup', (_req, res) => {
    res.json({ needed: ctx.store.data.users.length === 0 });
  });

  /** First-run bootstrap: creates the first (administrator) account, and works only while there is none. */
  router.post('/setup', async (req, res) => {
    const body = parse(setupBody, req.body);
    if (ctx.store.data.users.length > 0) throw new AccordError(409, 'setup_done', 'Accord is set up already; sign in');
    const user = await createUser(ctx.store, { ...body, admin: true });
    ctx.audit.record({
      actor: user.id,
      action: 'user.create',
      details: { email: user.email, admin: true, via: 'setup' },
    });
    await startSession(req, res, user);
  });

  router.post('/auth/login', async (req, res) => {
    const { email, password } = parse(credentials, req.body);
    const account = [email.trim().toLowerCase()];
    const address = [req.ip ?? 'unknown'];
    const wait = Math.max(perAccount.retryAfter(account), perAddress.retryAfter(address));
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new AccordError(429, 'too_many_attempts', `too many failed sign-ins; try again in ${wait} s`);
    }
    const user = findUserByEmail(ctx.store, email);
    const ok = user === undefined ? await verifyNothing(password) : await verifyPassword(password, user.passwordHash);
    if (!ok || user === undefined) {
      perAccount.fail(account);
      perAddress.fail(address);
      ctx.audit.record({
        actor: null,
        action: 'login.fail',
        details: { email: email.trim().toLowerCase(), ip: req.ip },
      });
      throw new AccordError(401, 'bad_credentials', 'wrong email or password');
    }
    perAccount.succeed(account);
    ctx.audit.record({ actor: user.id, action: 'login', details: { ip: req.ip } });
    await startSession(req, res, user);
  });

  router.post('/auth/logout', async (req, res) => {
    const auth = currentAuth(req);
    if (auth !== undefined) {
      await deleteSession(ctx.store, auth.token);
      ctx.audit.record({ actor: auth.user.id, action: 'logout' });
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/session', (req, res) => {
    const { user, session } = requireAuth(req);
    res.json({ user: publicUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  return router;
}
