import { lookupKey, reserveAttempt } from '../auth/attempts.js';
import type { AppContext } from '../context.js';
import type { User } from '../metadata/schema.js';
import { findUserByEmail } from './users.js';

/**
 * Looks an account up by email for `actor`, an owner adding or inviting someone. The answer tells whether an account
 * exists: owners need that, but any signed-in user can own a project, so lookups that find nobody are limited per
 * user (administrators, who list every account anyway, are not; docs/admin.md, "Who can see which accounts"). Each
 * lookup reserves an attempt first (429 `too_many_attempts`, "too many `what`", when none is left); one that finds
 * the account gives it back, one that finds nobody keeps it counted.
 */
export async function lookUpAccount(
  ctx: AppContext,
  actor: Pick<User, 'id' | 'admin'>,
  email: string,
  what: string,
): Promise<User | undefined> {
  const lookup = lookupKey(actor.id);
  if (!actor.admin) await reserveAttempt(ctx.limiter, [lookup], what);
  const account = await findUserByEmail(ctx.metadata, email);
  if (account !== undefined && !actor.admin) await ctx.limiter.succeed({ clear: [], release: [lookup.key] });
  return account;
}
