import type { Account } from '@accord/shared';
import { accountKey, reserveAttempt } from '../auth/attempts.js';
import { verifyPassword } from '../auth/passwords.js';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import type { Metadata } from '../metadata/repositories.js';
import type { User } from '../metadata/schema.js';
import { changePassword, closeSessionSockets } from './sessionEnds.js';
import { accountView, createUser, deactivateUser, type NewUser, reactivateUser, setPassword } from './users.js';

/**
 * Changes to accounts, each with its audit entry: what administrators do on the Accounts page, what anyone does to
 * their own account, and what `accord user` does on the server's machine. The web routes and the command call the
 * same functions, so an account change is audited one way whichever door it came through (docs/admin.md).
 */

/**
 * Who made a change, for its audit entry: a person signed in on the web (`actor`, their id), or the `accord user`
 * command (no actor: it runs as whoever may open the data; the entry says `via: 'cli'`).
 */
export type ChangedBy = { actor: string; via?: undefined } | { actor: null; via: 'cli' };

/** The `accord user` command. */
export const BY_COMMAND: ChangedBy = { actor: null, via: 'cli' };

/** Every account with its status (administrators), in creation order. */
export async function listAccounts(ctx: AppContext): Promise<Account[]> {
  return (await ctx.metadata.users.list()).map(accountView);
}

/** Creates an account (the email free, the password long enough), audited as `user.create`. */
export async function addAccount(metadata: Metadata, input: NewUser, by: ChangedBy): Promise<User> {
  const user = await createUser(metadata, input);
  await metadata.audit.record({
    actor: by.actor,
    action: 'user.create',
    details: { user: user.id, email: user.email, admin: user.admin, ...(by.via === undefined ? {} : { via: by.via }) },
  });
  return user;
}

/**
 * Deactivation, audited as `user.deactivate`: the flag and the end of every session in one write, then every socket
 * of the account closes at once (4401), so nothing the person has open keeps syncing. Connections are re-decided
 * too, for any socket that the session sweep has not reached (there should be none). The account stays a member of
 * its projects (its codings stay attributed) with no access, until it is reactivated. Nobody deactivates themselves
 * (409 `self_deactivation`), nor the last active administrator (409 `last_admin`).
 */
export async function deactivateAccount(ctx: AppContext, userId: string, actorId: string): Promise<User> {
  const { user, ended } = await deactivateUser(ctx.metadata, userId, actorId);
  closeSessionSockets(ctx, ended, 'account deactivated');
  ctx.recheckConnections();
  await ctx.metadata.audit.record({
    actor: actorId,
    action: 'user.deactivate',
    details: { user: user.id, email: user.email },
  });
  return user;
}

/** Gives a deactivated account its access back (re-deciding open connections), audited as `user.reactivate`. */
export async function reactivateAccount(ctx: AppContext, userId: string, actorId: string): Promise<User> {
  const user = await reactivateUser(ctx.metadata, userId);
  ctx.recheckConnections();
  await ctx.metadata.audit.record({
    actor: actorId,
    action: 'user.reactivate',
    details: { user: user.id, email: user.email },
  });
  return user;
}

/** One's own name and interface language (`locale: null`: the browser's); answers the account as it is now. */
export async function editProfile(
  ctx: AppContext,
  user: User,
  change: { name?: string; locale?: string | null },
): Promise<User> {
  let updated = user;
  if (change.name !== undefined) updated = await ctx.metadata.users.rename(user.id, change.name);
  if (change.locale !== undefined) updated = await ctx.metadata.users.setLocale(user.id, change.locale);
  return updated;
}

/**
 * Sets a new password, which ends every session of the account, audited as `user.password`. On a running server
 * (`ctx`) their sockets close at once, here and on every instance; offline on a data directory (`ctx` null, only
 * `accord user passwd`) no server runs, so there is none. A person changing their own is the entry's actor; the
 * command has none and names the account.
 */
export async function setAccountPassword(
  metadata: Metadata,
  ctx: AppContext | null,
  userId: string,
  password: string,
  by: ChangedBy,
): Promise<void> {
  if (ctx === null) await setPassword(metadata, userId, password);
  else await changePassword(ctx, userId, password);
  await metadata.audit.record(
    by.via === undefined
      ? { actor: by.actor, action: 'user.password' }
      : { actor: null, action: 'user.password', details: { user: userId, via: by.via } },
  );
}

/**
 * A signed-in person changes their own password: the current one is checked first, under the same per-account limit
 * as sign-in (429 `too_many_attempts` with `Retry-After`), so a stolen session cannot guess it either; a wrong one is
 * 401 `bad_credentials`. Then as `setAccountPassword`: every session ends, this one included.
 */
export async function changeOwnPassword(
  ctx: AppContext,
  user: User,
  currentPassword: string,
  password: string,
): Promise<void> {
  const account = accountKey(user.email);
  await reserveAttempt(ctx.limiter, [account], 'wrong passwords');
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AccordError(401, 'bad_credentials', 'the current password is wrong');
  }
  await ctx.limiter.succeed({ clear: [account.key], release: [] });
  await setAccountPassword(ctx.metadata, ctx, user.id, password, { actor: user.id });
}
