import { normaliseEmail } from '../accounts/users.js';
import { AccordError } from '../errors.js';
import type { LimitedKey, LoginLimiter } from './loginLimiter.js';

/**
 * The keys password checks are counted under. Per account: stops guessing one password (by sign-in, or by the
 * password change of a stolen session). Per address: stops sweeping many accounts, set higher because a whole lab
 * may sit behind one NAT address. Per user looking accounts up by email: stops probing which accounts exist.
 */
export const accountKey = (email: string): LimitedKey => ({ key: `account:${normaliseEmail(email)}`, max: 10 });
export const addressKey = (ip: string | undefined): LimitedKey => ({ key: `address:${ip ?? 'unknown'}`, max: 100 });
export const lookupKey = (userId: string): LimitedKey => ({ key: `lookup:${userId}`, max: 20 });

/** Reserves an attempt for every key, or refuses with 429 and `Retry-After` (nothing was checked, nothing counted). */
export async function reserveAttempt(
  limiter: LoginLimiter,
  keys: readonly LimitedKey[],
  what = 'sign-in attempts',
): Promise<void> {
  const reservation = await limiter.reserve(keys);
  if (reservation.allowed) return;
  const seconds = reservation.retryAfterSeconds;
  throw new AccordError(429, 'too_many_attempts', `too many ${what}; try again in ${seconds} s`, {
    'Retry-After': String(seconds),
  });
}
