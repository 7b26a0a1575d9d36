import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../../test/setup/redis.js';
import type { LimitedKey } from '../../src/auth/loginLimiter.js';
import { RedisLoginLimiter } from '../../src/auth/redisLimiter.js';
import { silentLogger } from '../../src/log.js';

const WINDOW = 60_000;

type Step =
  | { reserve: LimitedKey[]; at: number; expect: true | number }
  | { succeed: { clear: string[]; release: string[] }; at: number };

/** The rules MemoryLoginLimiter follows (server/test/auth/loginLimiter.test.ts), held by the shared limiter. */
const cases = (account: LimitedKey, address: LimitedKey): [string, Step[]][] => [
  [
    'the limit counts reservations, not finished checks',
    [
      { reserve: [account], at: 0, expect: true },
      { reserve: [account], at: 0, expect: true },
      { reserve: [account], at: 0, expect: true },
      { reserve: [account], at: 0, expect: 60 },
    ],
  ],
  [
    'a refused reservation counts nothing: the window is not extended by being refused',
    [
      { reserve: [account], at: 0, expect: true },
      { reserve: [account], at: 10_000, expect: true },
      { reserve: [account], at: 20_000, expect: true },
      { reserve: [account], at: 30_000, expect: 30 },
      { reserve: [account], at: 59_000, expect: 1 },
      { reserve: [account], at: 60_001, expect: true },
      { reserve: [account], at: 60_002, expect: 10 },
    ],
  ],
  [
    'any key at its limit refuses the whole reservation and counts none of the keys',
    [
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: 60 },
      { reserve: [address], at: 0, expect: true },
      { reserve: [address], at: 0, expect: true },
      { reserve: [address], at: 0, expect: 60 },
    ],
  ],
  [
    'success clears the account and gives the address its slot back',
    [
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: true },
      { succeed: { clear: [account.key], release: [address.key] }, at: 0 },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: 60 },
      { reserve: [address], at: 0, expect: 60 },
    ],
  ],
];

describe('RedisLoginLimiter', () => {
  let redis: TestRedis;
  const connections: Redis[] = [];
  let run = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await redis?.stop();
  });

  /** A limiter on its own connection, as each instance has one. */
  const limiter = (options: { offlineQueue?: boolean } = {}) => {
    const connection = new Redis(redis.url, {
      enableOfflineQueue: options.offlineQueue ?? true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    connection.on('error', () => {});
    connections.push(connection);
    return new RedisLoginLimiter(connection, { prefix: 'test:', logger: silentLogger, windowMs: WINDOW });
  };

  // Every case on fresh keys; the steps alternate between two limiters (two instances), which must not matter.
  const base = 1_700_000_000_000;
  it.each(cases({ key: 'account:a', max: 3 }, { key: 'address:1', max: 5 }))('%s', async (_name, steps) => {
    run++;
    const [one, two] = [limiter(), limiter()];
    const fresh = (key: string) => `${run}:${key}`;
    for (const [index, step] of steps.entries()) {
      const at = base + step.at;
      const instance = index % 2 === 0 ? one : two;
      if ('succeed' in step) {
        await instance.succeed({ clear: step.succeed.clear.map(fresh), release: step.succeed.release.map(fresh) }, at);
        continue;
      }
      const keys = step.reserve.map(({ key, max }) => ({ key: fresh(key), max }));
      const expected = step.expect === true ? { allowed: true } : { allowed: false, retryAfterSeconds: step.expect };
      expect(await instance.reserve(keys, at), `step ${index}`).toEqual(expected);
    }
  });

  it('counting and deciding are one step: of 60 concurrent reservations on three instances, exactly 10 pass', async () => {
    const instances = [limiter(), limiter(), limiter()];
    const key = { key: 'account:race', max: 10 };
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => instances[i % 3]!.reserve([key], base + 1000)),
    );
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(10);
  });

  it('Redis never sees the keys themselves (emails, addresses), only their hashes', async () => {
    await limiter().reserve([{ key: 'account:someone@example.org', max: 10 }]);
    const reader = new Redis(redis.url);
    connections.push(reader);
    const keys = await reader.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain('example.org');
    expect(keys.every((key) => key.startsWith('test:limit:'))).toBe(true);
  });

  it('while Redis is unreachable, each instance limits on its own instead of refusing every sign-in', async () => {
    const shared = limiter({ offlineQueue: false });
    const key = { key: 'account:outage', max: 2 };
    await redis.kill();
    try {
      expect(await shared.reserve([key])).toEqual({ allowed: true });
      expect(await shared.reserve([key])).toEqual({ allowed: true });
      expect((await shared.reserve([key])).allowed).toBe(false);
    } finally {
      await redis.restart();
    }
  });
});
