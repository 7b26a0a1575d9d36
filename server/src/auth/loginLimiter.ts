/**
 * Limits password checks per key (an account, a client address, a user looking up accounts) in a sliding window.
 *
 * An attempt is counted when it is reserved, before the password is hashed: the limit holds however many requests
 * arrive at once, since a reservation is refused as soon as a key has used its allowance, and counting and deciding
 * are one step. A right password then clears the keys that should forget their failures (the account) and gives
 * back the reservation of the others (the address, which a whole lab may share).
 *
 * This interface is what a shared implementation (Redis, for several instances: issue 24) has to provide; the
 * in-memory one below serves one process. Its methods may answer promises for that reason.
 */
export interface LoginLimiter {
  reserve(keys: readonly LimitedKey[], now?: number): Reservation | Promise<Reservation>;
  succeed(outcome: { clear: readonly string[]; release: readonly string[] }, now?: number): void | Promise<void>;
}

export interface LimitedKey {
  key: string;
  /** Attempts allowed in the window. */
  max: number;
}

export type Reservation = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

const PRUNE_ABOVE = 10_000;

export class MemoryLoginLimiter implements LoginLimiter {
  /** Times of the attempts in the window, oldest first. */
  private readonly attempts = new Map<string, number[]>();
  private nextPrune = 0;

  constructor(private readonly windowMs = LOGIN_WINDOW_MS) {}

  /** Counts one attempt for every key, or none at all when any key is at its limit. */
  reserve(keys: readonly LimitedKey[], now = Date.now()): Reservation {
    let wait = 0;
    for (const { key, max } of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= max) wait = Math.max(wait, recent[recent.length - max]! + this.windowMs - now);
    }
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    if (this.attempts.size > PRUNE_ABOVE && now >= this.nextPrune) this.prune(now);
    for (const { key } of keys) this.attempts.set(key, [...this.recent(key, now), now]);
    return { allowed: true };
  }

  succeed({ clear, release }: { clear: readonly string[]; release: readonly string[] }, now = Date.now()): void {
    for (const key of clear) this.attempts.delete(key);
    for (const key of release) {
      const recent = this.recent(key, now);
      recent.pop();
      if (recent.length > 0) this.attempts.set(key, recent);
      else this.attempts.delete(key);
    }
  }

  /**
   * Many keys (a sweep over many accounts or addresses) must not grow memory beyond the window: stale keys are
   * dropped, at most a few times per window so that the cost stays linear.
   */
  private prune(now: number): void {
    for (const key of [...this.attempts.keys()]) this.recent(key, now);
    this.nextPrune = now + this.windowMs / 16;
  }

  private recent(key: string, now: number): number[] {
    const recent = (this.attempts.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length === 0) this.attempts.delete(key);
    return recent;
  }
}
