import { deactivated } from '../accounts/invitations.js';
import { endSession } from '../accounts/sessionEnds.js';
import { type OpenedSession, openSession } from '../accounts/sessions.js';
import { createFirstAdministrator, findUserByEmail, normaliseEmail } from '../accounts/users.js';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import { accountKey, addressKey, reserveAttempt } from './attempts.js';
import { verifyNothing, verifyPassword } from './passwords.js';

/**
 * Signing in and out, and the first-run setup: each opens or ends a session and writes its audit entry. `ip` is the
 * client address the request came from (recorded in the entries and counted by the per-address limit). Handing the
 * session to the browser (the cookie) is the HTTP layer's part (http/session.ts).
 */

/** Whether the server still needs its first administrator (no account exists). */
export async function setupNeeded(ctx: AppContext): Promise<boolean> {
  return (await ctx.metadata.users.count()) === 0;
}

/**
 * First-run bootstrap: creates the first (administrator) account, and works only while there is none (409
 * `setup_done`, of any number of concurrent setups all but one); audited as `user.create` via setup. Signs them in.
 */
export async function setUpFirstAdministrator(
  ctx: AppContext,
  input: { email: string; name: string; password: string },
): Promise<OpenedSession> {
  const user = await createFirstAdministrator(ctx.metadata, input);
  await ctx.metadata.audit.record({
    actor: user.id,
    action: 'user.create',
    details: { email: user.email, admin: true, via: 'setup' },
  });
  return openSession(ctx, user);
}

/**
 * Signs in with an email and a password. The attempt is counted (per account and per address) before the password is
 * hashed, so no burst of parallel requests gets more checks: past the limit, 429 `too_many_attempts` with
 * `Retry-After`, nothing checked and nothing audited. A wrong password and an unknown email take the same time and
 * get the same 401, audited as `login.fail`; the right password clears the account's count. A deactivated account is
 * told so (403) only then, so that it tells nothing to someone guessing (`login.deactivated`). Audited as `login`.
 */
export async function signIn(
  ctx: AppContext,
  email: string,
  password: string,
  ip: string | undefined,
): Promise<OpenedSession> {
  const account = accountKey(email);
  const address = addressKey(ip);
  await reserveAttempt(ctx.limiter, [account, address]);
  const user = await findUserByEmail(ctx.metadata, email);
  const ok = user === undefined ? await verifyNothing(password) : await verifyPassword(password, user.passwordHash);
  if (!ok || user === undefined) {
    await ctx.metadata.audit.record({
      actor: null,
      action: 'login.fail',
      details: { email: normaliseEmail(email), ip },
    });
    throw new AccordError(401, 'bad_credentials', 'wrong email or password');
  }
  await ctx.limiter.succeed({ clear: [account.key], release: [address.key] });
  if (user.deactivatedAt !== undefined) {
    await ctx.metadata.audit.record({ actor: user.id, action: 'login.deactivated', details: { ip } });
    throw deactivated();
  }
  await ctx.metadata.audit.record({ actor: user.id, action: 'login', details: { ip } });
  return openSession(ctx, user);
}

/** Ends one session: deleted, and every WebSocket it opened closed (4401) at once; audited as `logout`. */
export async function signOut(ctx: AppContext, userId: string, sessionId: string): Promise<void> {
  await endSession(ctx, sessionId, 'signed out');
  await ctx.metadata.audit.record({ actor: userId, action: 'logout' });
}
