import {
  type AccountResponse,
  type AccountsResponse,
  INTERFACE_LOCALES,
  type NewAccount,
  type PasswordChange,
  type ProfileChange,
  type ProfileResponse,
} from '@accord/shared';
import { Router } from 'express';
import { z } from 'zod';
import {
  addAccount,
  changeOwnPassword,
  deactivateAccount,
  editProfile,
  listAccounts,
  reactivateAccount,
} from '../../accounts/accountChanges.js';
import { accountView, publicUser } from '../../accounts/users.js';
import type { AppContext } from '../../context.js';
import { requireAdmin, requireAuth } from '../session.js';
import { parse } from '../validate.js';

const newUser = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: z.string().max(1024),
  admin: z.boolean().default(false),
}) satisfies z.ZodType<Required<NewAccount>, NewAccount>;
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
  .refine((body) => body.name !== undefined || body.locale !== undefined, {
    message: 'nothing to change',
  }) satisfies z.ZodType<ProfileChange, ProfileChange>;
const passwordChange = z.strictObject({
  currentPassword: z.string().max(1024),
  password: z.string().max(1024),
}) satisfies z.ZodType<PasswordChange>;

/**
 * Accounts are created by administrators (a lab server has no self sign-up); anyone may edit their own. Routes parse,
 * authorise, call an audited domain function (server/src/accounts/accountChanges.ts) and serialise.
 */
export function userRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/users', async (req, res) => {
    requireAdmin(req);
    res.json({ users: await listAccounts(ctx) } satisfies AccountsResponse);
  });

  router.post('/users', async (req, res) => {
    const { user: admin } = requireAdmin(req);
    const user = await addAccount(ctx.metadata, parse(newUser, req.body), { actor: admin.id });
    res.status(201).json({ user: accountView(user) } satisfies AccountResponse);
  });

  /**
   * Deactivation ends every session of the account and closes every socket it has open, at once; the account stays
   * a member of its projects (its codings stay attributed) with no access, until it is reactivated.
   */
  router.post('/users/:id/deactivate', async (req, res) => {
    const { user: admin } = requireAdmin(req);
    const user = await deactivateAccount(ctx, String(req.params.id), admin.id);
    res.json({ user: accountView(user) } satisfies AccountResponse);
  });

  router.post('/users/:id/reactivate', async (req, res) => {
    const { user: admin } = requireAdmin(req);
    const user = await reactivateAccount(ctx, String(req.params.id), admin.id);
    res.json({ user: accountView(user) } satisfies AccountResponse);
  });

  router.patch('/users/me', async (req, res) => {
    const { user } = requireAuth(req);
    const updated = await editProfile(ctx, user, parse(profile, req.body));
    res.json({ user: publicUser(updated) } satisfies ProfileResponse);
  });

  /**
   * Ends every session of the account, this one included, and closes their sockets. The current password check
   * counts against the same per-account limit as sign-in, so a stolen session cannot guess it either.
   */
  router.post('/users/me/password', async (req, res) => {
    const { user } = requireAuth(req);
    const { currentPassword, password } = parse(passwordChange, req.body);
    await changeOwnPassword(ctx, user, currentPassword, password);
    res.status(204).end();
  });

  return router;
}
