import { describe, expect, it } from 'vitest';
import { RoomAwareness } from '../../src/sync/awareness.js';
import type { RelayedAwarenessEntry } from '../../src/sync/hooks.js';

/** Other instances' awareness states inside one instance's room (sync/awareness.ts), as the relay feeds them. */
describe('remote awareness states', () => {
  const remote = (clientId: number, clock: number, userId = 'far'): RelayedAwarenessEntry => ({
    clientId,
    clock,
    userId,
    full: JSON.stringify({ cursor: clock, user: { id: userId, name: 'Far' } }),
    presence: JSON.stringify({ user: { id: userId, name: 'Far' } }),
  });
  const local = (userId: string) => ({
    userId,
    userName: `Name of ${userId}`,
    awarenessClientId: null as number | null,
  });

  it('are relayed here by policy, but never reported as this instance’s own changes', () => {
    const room = new RoomAwareness(8192, 10_000);
    room.applyRemote([remote(7, 1)], 0);
    const batch = room.takeBatch(0)!;
    expect(batch.local).toEqual([]);
    expect(Buffer.from(batch.full).toString()).toContain('cursor');
    expect(Buffer.from(batch.presence).toString()).not.toContain('cursor');
    const mine = local('me');
    expect(room.apply(mine, [{ clientId: 9, clock: 1, state: '{"cursor":3}' }], 0)).toBe('ok');
    expect(room.takeBatch(0)!.local.map((entry) => entry.clientId)).toEqual([9]);
    expect(room.localEntries().map((entry) => entry.clientId)).toEqual([9]);
  });

  it("a connection here cannot take over another instance's client id, not even its own user's", () => {
    const room = new RoomAwareness(8192, 10_000);
    room.applyRemote([remote(7, 3, 'same')], 0);
    room.takeBatch(0);
    // An echo of the remote state as the first message of a connection of the same user: ignored, not claimed.
    const tab = local('same');
    expect(room.apply(tab, [{ clientId: 7, clock: 3, state: '{"cursor":1}' }], 0)).toBe('ok');
    expect(tab.awarenessClientId).toBeNull();
    expect(room.takeBatch(0)).toBeNull();
    // Another user advancing it is impersonation, as for a local state.
    expect(room.apply(local('other'), [{ clientId: 7, clock: 4, state: '{"cursor":1}' }], 0)).toBe('spoof');
    // Its own id is still its to claim.
    expect(room.apply(tab, [{ clientId: 8, clock: 1, state: '{"cursor":2}' }], 0)).toBe('ok');
    expect(tab.awarenessClientId).toBe(8);
  });

  it('a remote state never overrides a state held by a connection here, nor a newer remote one', () => {
    const room = new RoomAwareness(8192, 10_000);
    const mine = local('me');
    room.apply(mine, [{ clientId: 5, clock: 2, state: '{"cursor":1}' }], 0);
    room.applyRemote([remote(5, 9), remote(6, 4)], 0);
    room.applyRemote([remote(6, 3)], 0);
    const entries = room.takeBatch(0)!;
    expect(entries.local.map((entry) => [entry.clientId, entry.clock])).toEqual([[5, 2]]);
    const snapshot = Buffer.from(room.snapshot('full')!).toString();
    expect(snapshot).toContain('"cursor":4');
    expect(snapshot).not.toContain('"cursor":3');
  });

  it('a removal from the other instance, and silence for longer than the expiry, remove it here', () => {
    const room = new RoomAwareness(8192, 10_000);
    room.applyRemote([remote(1, 1), remote(2, 1)], 0);
    room.takeBatch(0);
    room.applyRemote([{ clientId: 1, clock: 1, userId: 'far', full: null, presence: null }], 10);
    room.applyRemote([remote(2, 2)], 20_000);
    expect(room.expireRemote(25_000, 30_000)).toBe(false);
    expect(room.expireRemote(50_001, 30_000)).toBe(true);
    room.takeBatch(50_001);
    expect(room.snapshot('full')).toBeNull();
  });
});
