import { describe, expect, it } from 'vitest';
import { badgeText } from '../src/app/ConnectionBadge.js';

describe('what the connection badge says', () => {
  it.each([
    ['online', 0, 'Online'],
    ['syncing', 0, 'Syncing…'],
    ['offline', 0, 'Offline: changes are kept and sent on reconnect'],
    ['offline', 1, 'Offline: 1 change waiting, kept in this browser'],
    ['offline', 12, 'Offline: 12 changes waiting, kept in this browser'],
    ['syncing', 3, 'Syncing… · 3 changes waiting'],
    ['online', 1, 'Online · 1 change waiting'],
  ] as const)('%s with %i waiting: %s', (status, pending, text) => {
    expect(badgeText(status, pending)).toBe(text);
  });
});
