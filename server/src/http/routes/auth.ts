import type { SessionResponse, SetupNeededResponse } from '@accord/shared';
import { Router } from 'express';
import { z } from 'zod';
import { setUpFirstAdministrator, setupNeeded, signIn, signOut } from '../../auth/login.js';
import type { AppContext } from '../../context.js';
import { clearSessionCookie, currentAuth, requireAuth, sendSession, sessionResponse } from '../session.js';
import { parse } from '../validate.js';

const credentials = z.strictObject({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });
const setupBody = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: z.string().max(1024),
});

/**
 * Signing in and out, the session, and the first-run setup. Routes parse, call a domain function
 * (server/src/auth/login.ts) and hand the session to the browser (http/session.ts).
 */
export function authRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/setup', async (_req, res) => {
    res.json({ needed: await setupNeeded(ctx) } satisfies SetupNeededResponse);
  });

  /** First-run bootstrap: creates the first (administrator) account, and works only while there is none. */
  router.post('/setup', async (req, res) => {
    sendSession(req, res, await setUpFirstAdministrator(ctx, parse(setupBody, req.body)));
  });

  /** The attempt is counted before the password is hashed, so no burst of parallel requests gets more checks. */
  router.post('/auth/login', async (req, res) => {
    const { email, password } = parse(credentials, req.body);
    sendSession(req, res, await signIn(ctx, email, password, req.ip));
  });

  /** Ends the session: deleted, and every WebSocket it opened closed (4401) before the answer. */
  router.post('/auth/logout', async (req, res) => {
    const auth = currentAuth(req);
    if (auth !== undefined) await signOut(ctx, auth.user.id, auth.session.tokenHash);
    clearSessionCookie(res);
    res.status(204).end();
  });

  router.get('/session', (req, res) => {
    const { user, session } = requireAuth(req);
    res.json(sessionResponse(user, session) satisfies SessionResponse);
  });

  return router;
}
