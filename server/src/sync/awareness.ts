import { type AwarenessPolicy, isColour } from '@accord/shared';
import type { RelayedAwarenessEntry } from './hooks.js';
import { type AwarenessEntry, encodeAwarenessMessage } from './protocol.js';

/** Who may publish an awareness state: a connection, bound to one Yjs client id and one authenticated user. */
export interface AwarenessOwner {
  readonly userId: string;
  readonly userName: string;
  /** The client id this connection speaks for, fixed by its first awareness entry. */
  awarenessClientId: number | null;
}

interface ClientState {
  owner: AwarenessOwner;
  clock: number;
  /** Server-stamped JSON text, or null once removed (kept until the removal is sent). */
  full: string | null;
  presence: string | null;
  lastRelayed: number;
  /** Held by a connection on another instance (scale-out): relayed here, never sent back, expires unless renewed. */
  remote: boolean;
  /** When a remote state was last received (renewals included). */
  receivedAt: number;
}

export type AwarenessVerdict = 'ok' | 'spoof' | 'invalid';

/** The two encodings of one batch: policy `presence` peers get only the `user` field of each state. */
export interface AwarenessBatch {
  full: Uint8Array;
  presence: Uint8Array;
  /** The changes of this instance's own connections in the batch (what other instances must hear of). */
  local: RelayedAwarenessEntry[];
}

/**
 * The awareness of one document as the server relays it. States are bound to the connection that first
 * claimed the client id, stamped with the authenticated user, filtered per recipient's policy, and changes are
 * collected into one message per tick instead of one per client message (which is what makes a 200-client
 * room cost O(ticks x peers) sends instead of O(updates x peers)).
 */
export class RoomAwareness {
  private readonly states = new Map<number, ClientState>();
  private readonly dirty = new Set<number>();

  constructor(
    private readonly maxStateBytes: number,
    private readonly renewalMs: number,
  ) {}

  get hasDirty(): boolean {
    return this.dirty.size > 0;
  }

  /** Applies a client's awareness message; 'spoof' and 'invalid' mean the connection must be closed. */
  apply(owner: AwarenessOwner, entries: readonly AwarenessEntry[], now: number): AwarenessVerdict {
    for (const entry of entries) {
      const current = this.states.get(entry.clientId);
      if (entry.clientId !== owner.awarenessClientId) {
        // Another instance's client id is never taken over here: it may still be live over there.
        const claimable =
          owner.awarenessClientId === null &&
          (current === undefined || (!current.remote && current.owner.userId === owner.userId));
        if (!claimable) {
          // Echoes of other clients' states (y-websocket answers queries and times states out) are harmless and
          // ignored; advancing another user's client is impersonation.
          if (
            current &&
            current.owner !== owner &&
            entry.clock > current.clock &&
            current.owner.userId !== owner.userId
          ) {
            return 'spoof';
          }
          continue;
        }
        owner.awarenessClientId = entry.clientId;
      }
      const verdict = this.applyOwn(owner, entry, current, now);
      if (verdict !== 'ok') return verdict;
    }
    return 'ok';
  }

  private applyOwn(
    owner: AwarenessOwner,
    entry: AwarenessEntry,
    current: ClientState | undefined,
    now: number,
  ): AwarenessVerdict {
    if (entry.state.length > this.maxStateBytes) return 'invalid';
    if (
      current &&
      current.owner === owner &&
      entry.clock <= current.clock &&
      !(entry.clock === current.clock && entry.state === 'null')
    ) {
      return 'ok';
    }
    if (entry.state === 'null') {
      if (current) this.markRemoved(entry.clientId, current, entry.clock);
      return 'ok';
    }
    const stamped = stamp(entry.state, owner);
    if (stamped === null) return 'invalid';
    if (current && current.owner === owner && current.full === stamped.full) {
      // A keep-alive renewal: advance the clock, relay only as often as clients need to keep the state alive.
      current.clock = entry.clock;
      if (now - current.lastRelayed >= this.renewalMs) this.dirty.add(entry.clientId);
      return 'ok';
    }
    this.states.set(entry.clientId, {
      owner,
      clock: entry.clock,
      ...stamped,
      lastRelayed: 0,
      remote: false,
      receivedAt: 0,
    });
    this.dirty.add(entry.clientId);
    return 'ok';
  }

  /**
   * States of other instances' connections, as their instance stamped them. A client id held by a connection of
   * this instance is left alone; an older clock is ignored, as y-protocols does. They go to this instance's peers
   * in the next batch (filtered by policy like any state), but never into its `local` part.
   */
  applyRemote(entries: readonly RelayedAwarenessEntry[], now: number): void {
    for (const entry of entries) {
      const current = this.states.get(entry.clientId);
      if (current && (!current.remote || entry.clock < current.clock)) continue;
      if (entry.full === null || entry.presence === null) {
        if (current && current.full !== null) this.markRemoved(entry.clientId, current, entry.clock);
        continue;
      }
      if (current && current.full === entry.full && current.clock === entry.clock) {
        current.receivedAt = now;
        continue;
      }
      const owner: AwarenessOwner = { userId: entry.userId, userName: '', awarenessClientId: entry.clientId };
      this.states.set(entry.clientId, {
        owner,
        clock: entry.clock,
        full: entry.full,
        presence: entry.presence,
        lastRelayed: 0,
        remote: true,
        receivedAt: now,
      });
      this.dirty.add(entry.clientId);
    }
  }

  /**
   * Removes remote states not renewed for `maxAgeMs` (their instance stopped, or lost Redis): a client renews its
   * state well within it, so only the states of connections that are gone expire. True when some did.
   */
  expireRemote(now: number, maxAgeMs: number): boolean {
    let expired = false;
    for (const [clientId, state] of this.states) {
      if (!state.remote || state.full === null || now - state.receivedAt <= maxAgeMs) continue;
      this.markRemoved(clientId, state, state.clock);
      expired = true;
    }
    return expired;
  }

  /** The current states of this instance's own connections (another instance asked for them). */
  localEntries(): RelayedAwarenessEntry[] {
    const entries: RelayedAwarenessEntry[] = [];
    for (const [clientId, state] of this.states) {
      if (state.remote || state.full === null) continue;
      entries.push(relayed(clientId, state));
    }
    return entries;
  }

  /** A closed connection's state disappears for everyone (same clock, null state: what y-protocols expects). */
  removeOwner(owner: AwarenessOwner): void {
    const clientId = owner.awarenessClientId;
    if (clientId === null) return;
    const current = this.states.get(clientId);
    if (current?.owner === owner) this.markRemoved(clientId, current, current.clock);
  }

  private markRemoved(clientId: number, state: ClientState, clock: number): void {
    state.clock = clock;
    state.full = null;
    state.presence = null;
    this.dirty.add(clientId);
  }

  /** Encodes the changes collected since the last call, once per policy. */
  takeBatch(now: number): AwarenessBatch | null {
    if (this.dirty.size === 0) return null;
    const full: AwarenessEntry[] = [];
    const presence: AwarenessEntry[] = [];
    const local: RelayedAwarenessEntry[] = [];
    for (const clientId of this.dirty) {
      const state = this.states.get(clientId);
      if (!state) continue;
      full.push({ clientId, clock: state.clock, state: state.full ?? 'null' });
      presence.push({ clientId, clock: state.clock, state: state.presence ?? 'null' });
      if (!state.remote) local.push(relayed(clientId, state));
      state.lastRelayed = now;
      if (state.full === null) this.states.delete(clientId);
    }
    this.dirty.clear();
    if (full.length === 0) return null;
    return { full: encodeAwarenessMessage(full), presence: encodeAwarenessMessage(presence), local };
  }

  /** Every current state, for a joining peer or a query; null when there is none. */
  snapshot(policy: AwarenessPolicy): Uint8Array | null {
    const entries: AwarenessEntry[] = [];
    for (const [clientId, state] of this.states) {
      const text = policy === 'full' ? state.full : state.presence;
      if (text !== null) entries.push({ clientId, clock: state.clock, state: text });
    }
    return entries.length > 0 ? encodeAwarenessMessage(entries) : null;
  }

  /**
   * For a peer whose policy just narrowed: removes the states it holds (same clocks), so cursors it saw vanish at
   * once; the filtered states come back with their owners' next renewal, which is relayed without throttling.
   */
  clearFor(except: number | null): Uint8Array | null {
    const entries: AwarenessEntry[] = [];
    for (const [clientId, state] of this.states) {
      if (state.full === null || clientId === except) continue;
      entries.push({ clientId, clock: state.clock, state: 'null' });
      state.lastRelayed = 0;
    }
    return entries.length > 0 ? encodeAwarenessMessage(entries) : null;
  }
}

function relayed(clientId: number, state: ClientState): RelayedAwarenessEntry {
  return { clientId, clock: state.clock, userId: state.owner.userId, full: state.full, presence: state.presence };
}

function stamp(text: string, owner: AwarenessOwner): { full: string; presence: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const state = value as Record<string, unknown>;
  // The server's word on who this is. Of what the client claims only the colour its cursor is drawn in is kept,
  // and only as a colour: nothing else a client puts under `user` reaches anyone (client/src/app/Presence.tsx).
  const claimed = state.user as { colour?: unknown } | null | undefined;
  const colour = typeof claimed === 'object' && claimed !== null ? claimed.colour : undefined;
  const user: { id: string; name: string; colour?: string } = { id: owner.userId, name: owner.userName };
  if (isColour(colour)) user.colour = colour;
  return { full: JSON.stringify({ ...state, user }), presence: JSON.stringify({ user }) };
}
