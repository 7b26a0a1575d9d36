import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import {
  type LimitedKey,
  LOGIN_WINDOW_MS,
  type LoginLimiter,
  MemoryLoginLimiter,
  type Reservation,
} from './loginLimiter.js';

/**
 * Counts and decides in one step, for every key at once (KEYS: the sorted sets; ARGV: now, window, a unique
 * attempt id, then each key's allowance). Each set holds the attempts of its key in the window, scored by time.
 * Answers 0 when the attempt was counted for every key, or the milliseconds until the first key frees a place,
 * having counted nothing. The same rule as MemoryLoginLimiter, atomically for every instance.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local max = tonumber(ARGV[3 + i])
  local count = redis.call('ZCARD', key)
  if count >= max then
    local oldest = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
    local free = tonumber(oldest[2]) + window - now
    if free > wait then wait = free end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return 0
`;

/** Forgets a key's attempts (`clear`) or gives back the latest one (`release`); KEYS: cleared, then released. */
const SUCCEED = `
local cleared = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if i <= cleared then redis.call('DEL', key) else redis.call('ZPOPMAX', key) end
end
return 0
`;

type ScriptedRedis = Redis & {
  accordReserve(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
  accordSucceed(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
};

/**
 * The login limiter shared by every instance (issue 24): the attempts of a key live in Redis, so that ten guesses
 * spread over three instances count as ten. Keys are hashed: Redis never sees an address or an email.
 *
 * While Redis cannot be reached, each instance counts on its own (MemoryLoginLimiter) instead of refusing every
 * sign-in: the limit then holds per instance, so at most (instances x allowance) attempts per window get through
 * during the outage. docs/scale-out.md lists this among the failure modes.
 */
export class RedisLoginLimiter implements LoginLimiter {
  private readonly redis: ScriptedRedis;
  private readonly fallback: MemoryLoginLimiter;

  constructor(
    redis: Redis,
    private readonly options: { prefix: string; logger: Logger; windowMs?: number },
  ) {
    redis.defineCommand('accordReserve', { lua: RESERVE });
    redis.defineCommand('accordSucceed', { lua: SUCCEED });
    this.redis = redis as ScriptedRedis;
    this.fallback = new MemoryLoginLimiter(this.windowMs);
  }

  private get windowMs(): number {
    return this.options.windowMs ?? LOGIN_WINDOW_MS;
  }

  private key(key: string): string {
    return `${this.options.prefix}limit:${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
  }

  async reserve(keys: readonly LimitedKey[], now = Date.now()): Promise<Reservation> {
    if (keys.length === 0) return { allowed: true };
    try {
      const wait = await this.redis.accordReserve(
        keys.length,
        ...keys.map(({ key }) => this.key(key)),
        now,
        this.windowMs,
        `${now}:${randomUUID()}`,
        ...keys.map(({ max }) => max),
      );
      if (wait <= 0) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    } catch (error) {
      this.options.logger.warn('limiter.redis_unavailable', { message: (error as Error).message });
      return this.fallback.reserve(keys, now);
    }
  }

  async succeed({ clear, release }: { clear: readonly string[]; release: readonly string[] }, now = Date.now()) {
    this.fallback.succeed({ clear, release }, now);
    const keys = [...clear, ...release].map((key) => this.key(key));
    if (keys.length === 0) return;
    try {
      await this.redis.accordSucceed(keys.length, ...keys, clear.length);
    } catch (error) {
      this.options.logger.warn('limiter.redis_unavailable', { message: (error as Error).message });
    }
  }
}
