import { describe, expect, it } from 'vitest';
import { type LimitedKey, MemoryLoginLimiter } from '../../src/auth/loginLimiter.js';

const WINDOW = 60_000;
const account: LimitedKey = { key: 'account:a', max: 3 };
const address: LimitedKey = { key: 'address:1', max: 5 };

type Step =
  | { reserve: LimitedKey[]; at: number; expect: true | number }
  | { succeed: { clear: string[]; release: string[] }; at: number };

/** Each row: a sequence of reservations (true: allowed; a number: refused, retry after that many seconds). */
const cases: [string, Step[]][] = [
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
      { succeed: { clear: ['account:a'], release: ['address:1'] }, at: 0 },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: true },
      { reserve: [account, address], at: 0, expect: 60 },
      { reserve: [address], at: 0, expect: 60 },
    ],
  ],
  [
    'keys are independent',
    [
      { reserve: [account], at: 0, expect: true },
      { reserve: [account], at: 0, expect: true },
      { reserve: [account], at: 0, expect: true },
      { reserve: [{ key: 'account:b', max: 3 }], at: 0, expect: true },
    ],
  ],
];

describe('MemoryLoginLimiter', () => {
  it.each(cases)('%s', (_name, steps) => {
    const limiter = new MemoryLoginLimiter(WINDOW);
    steps.forEach((step, index) => {
      if ('succeed' in step) {
        limiter.succeed(step.succeed, step.at);
        return;
      }
      const answer = limiter.reserve(step.reserve, step.at);
      const expected = step.expect === true ? { allowed: true } : { allowed: false, retryAfterSeconds: step.expect };
      expect(answer, `step ${index}`).toEqual(expected);
    });
  });

  it('forgets keys whose attempts left the window, so many keys do not grow memory', () => {
    const limiter = new MemoryLoginLimiter(WINDOW);
    for (let i = 0; i < 20_000; i++) limiter.reserve([{ key: `account:${i}`, max: 10 }], 0);
    limiter.reserve([{ key: 'late', max: 10 }], WINDOW + 1);
    expect((limiter as unknown as { attempts: Map<string, number[]> }).attempts.size).toBe(1);
  });
});
