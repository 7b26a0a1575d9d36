import { INTERFACE_LOCALES } from '@accord/shared';
import { Router } from 'express';
import { z } from 'zod';
import { changePassword, deactivateAccount } from '../../accounts/sessionEnds.js';
import { accountView, createUser, publicUser, reactivateUser } from '../../accounts/users.js';
import { accountKey, reserveAttempt } from '../../auth/attempts.js';
import { verifyPassword } from '../../auth/passwords.js';
import type { AppContext } from '../../context.js';
import { AccordError } from '../../errors.js';
import { requireAdmin, requireAuth } from '../session.js';
import { parse } from '../validate.js';

const newUser = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: z.string().max(1024),
  admin: z.boolean().default(false),
});
/** A BCP 47 tag of a shipped catalogue, compared case-insensitively and stored as the catalogue spells it. */
const interfaceLocale = z
  .string()
  .max(35)
  .transform((tag, ctx) => {
    const known = INTERFACE_LOCALES.find((entry) => entry.toLowerCase() === tag.toLowerCase());
    if (known === undefined) {
      ctx.addIssue({ code: 'custom', message: `not an interface language (${INTERFACE_LOCALES.join(', ')})` });
      return z.NEVER;
    }
    return known;
  });
const profile = z
  .strictObject({ name: z.string().trim().min(1).max(200).optional(), locale: interfaceLocale.nullable().optional() })
  .refine((body) => body.name !== undefined || body.locale !== undefined, { message: 'nothing to change' });
const passwordChange = z.strictObject({ currentPassword: z.string().max(1024), password: z.string().max(1024) });

/** Accounts are created by administrators (a lab server has no self sign-up); anyone may edit their own. */
export function userRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/users', async (req, res) => {
    requireAdmin(req);
    res.json({ users: (await ctx.metadata.users.list()).map(accountView) });
  });

  router.post('/users', async (req, res) => {
    const { user: admin } = requireAdmin(req);
    const user = await createUser(ctx.metadata, parse(newUser, req.body));
    await ctx.metadata.audit.record({
      actor: admin.id,
      action: 'user.create',
      details: { user: user.id, email: user.email, admin: user.admin },
    });
    res.status(201).json({ user: accountView(user) });
  });

  /**
   * Deactivation ends every session of the account and closes every socket it has open, at once; the account stays
   * a member of its projects (its codings stay attributed) with no access, until it is reactivated.
   */
  router.post('/users/:id/deactivate', async (req, res) => {
    const { user: admin } = requireAdmin(req);
    const user = await deactivateAccount(ctx, String(req.params.id), admin.id);
    await ctx.metadata.audit.record({
      actor: admin.id,
      action: 'user.deactivate',
      details: { user: user.id, email: user.email },
    });
    res.json({ user: accountView(user) });
  });

  router.post('/users/:id/reactivate', async (req, res) => {
    const { user: admin } = requireAdmin(req);
    const user = await reactivateUser(ctx.metadata, String(req.params.id));
    ctx.recheckConnections();
    await ctx.metadata.audit.record({
      actor: admin.id,
      action: 'user.reactivate',
      details: { user: user.id, email: user.email },
    });
    res.json({ user: accountView(user) });
  });

  router.patch('/users/me', async (req, res) => {
    const { user } = requireAuth(req);
    const { name, locale } = parse(profile, req.body);
    let updated = user;
    if (name !== undefined) updated = await ctx.metadata.users.rename(user.id, name);
    if (locale !== undefined) updated = await ctx.metadata.users.setLocale(user.id, locale);
    res.json({ user: publicUser(updated) });
  });

  /**
   * Ends every session of the account, this one included, and closes their sockets. The current password check
   * counts against the same per-account limit as sign-in, so a stolen session cannot guess it either.
   */
  router.post('/users/me/password', async (req, res) => {
    const { user } = requireAuth(req);
    const { currentPassword, password } = parse(passwordChange, req.body);
    const account = accountKey(user.email);
    await reserveAttempt(ctx.limiter, [account], 'wrong passwords');
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new AccordError(401, 'bad_credentials', 'the current password is wrong');
    }
    await ctx.limiter.succeed({ clear: [account.key], release: [] });
    await changePassword(ctx, user.id, password);
    await ctx.metadata.audit.record({ actor: user.id, action: 'user.password' });
    res.status(204).end();
  });

  return router;
}
