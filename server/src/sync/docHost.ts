import type { DocSchema } from '@accord/shared';
import * as Y from 'yjs';
import type { Logger } from '../log.js';
import type { DocLog } from '../persistence/index.js';
import { RoomAwareness } from './awareness.js';
import { checkContent } from './contentValidation.js';
import type { HookedDoc, RelayedAwarenessEntry, SyncHooks } from './hooks.js';
import type { SyncLimits } from './limits.js';
import type { Counters, RejectReason } from './metrics.js';
import { CLOSE, type Peer } from './peer.js';
import { type ClientMessage, encodeSyncMessage, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from './protocol.js';
import { type DecodedUpdate, isEmptyUpdate, isSelfContained } from './updates.js';

export interface HostEnv {
  limits: SyncLimits;
  counters: Counters;
  logger: Logger;
  reject(peer: Peer, reason: RejectReason, code: number, detail?: unknown): void;
  /** What clients may write into a document (null: anything; see `SyncEngineOptions.contentSchema`). */
  contentSchema(docName: string): DocSchema | null;
  /** Extensions (the Redis relay); `{}` when there are none. */
  hooks: SyncHooks;
}

/** The origin of updates another instance accepted: relayed to the peers here, never logged or reported again. */
const REMOTE_ORIGIN = Symbol('remote');

/**
 * A loaded document: the Y.Doc, its peers, its awareness and its log. Every change is relayed and appended to the
 * log in the I/O turn it arrived in. A peer's incremental update is relayed as the frame it came in and logged as
 * received, as soon as it is validated, then integrated by Yjs at the end of the turn, after every frame of the turn
 * has been relayed (see `doc`). Any other change (a sync step 2, the server's `withDoc`) is relayed and logged
 * from the doc's update event, encoded once. Either way the same buffer goes to every peer that is not behind.
 */
export class DocHost implements HookedDoc {
  readonly peers = new Set<Peer>();
  readonly awareness: RoomAwareness;
  unloadTimer: NodeJS.Timeout | null = null;
  failed = false;
  private awarenessTimeout: NodeJS.Timeout | null = null;
  private awarenessImmediate: NodeJS.Immediate | null = null;
  private lastAwarenessSent = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** A peer's update, validated and relayed, that Yjs has yet to integrate. */
  private unapplied: { update: Uint8Array; peer: Peer } | null = null;
  private integration: NodeJS.Immediate | null = null;
  /** What clients may write here; null: anything (the engine's own tests, on generic content). */
  private readonly schema: DocSchema | null;

  constructor(
    readonly name: string,
    private readonly ydoc: Y.Doc,
    readonly log: DocLog,
    private readonly env: HostEnv,
  ) {
    this.awareness = new RoomAwareness(env.limits.maxAwarenessStateBytes, env.limits.awarenessRenewalMs);
    this.schema = env.contentSchema(name);
    ydoc.on('update', this.onUpdate);
  }

  /**
   * The document, with every update received so far integrated. Whoever reads it (a sync step 1, the validation of
   * the next update, `withDoc`, a snapshot, unloading) goes through here, so the deferred integration of a relayed
   * update can never be observed.
   */
  get doc(): Y.Doc {
    if (this.unapplied) this.integrateUnapplied();
    return this.ydoc;
  }

  attach(peer: Peer): void {
    this.peers.add(peer);
    if (this.unloadTimer) {
      clearTimeout(this.unloadTimer);
      this.unloadTimer = null;
    }
    // Ask a writer for what it has and we lack (offline edits); a reader's answer would be dropped anyway.
    if (peer.ctx.access === 'write') peer.send(encodeSyncMessage(SYNC_STEP1, Y.encodeStateVector(this.doc)));
    const states = this.awareness.snapshot(peer.ctx.awareness);
    if (states) peer.send(states);
  }

  detach(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    this.awareness.removeOwner(peer);
    if (this.awareness.hasDirty) this.scheduleAwareness();
  }

  /** `frame` is the one `message` was decoded from, exactly (the decoder refuses trailing bytes). */
  handle(peer: Peer, message: ClientMessage, frame: Buffer): void {
    switch (message.type) {
      case 'syncStep1': {
        let reply: Uint8Array;
        try {
          reply = Y.encodeStateAsUpdate(this.doc, message.stateVector);
        } catch (error) {
          this.env.reject(peer, 'malformed', CLOSE.policy, error);
          return;
        }
        peer.send(encodeSyncMessage(SYNC_STEP2, reply));
        return;
      }
      case 'syncStep2':
        this.receiveUpdate(peer, message.update, null);
        return;
      case 'update':
        this.receiveUpdate(peer, message.update, frame);
        return;
      case 'awareness': {
        const verdict = this.awareness.apply(peer, message.entries, Date.now());
        if (verdict === 'spoof') this.env.reject(peer, 'awarenessSpoof', CLOSE.policy);
        else if (verdict === 'invalid') this.env.reject(peer, 'awarenessInvalid', CLOSE.policy);
        if (this.awareness.hasDirty) this.scheduleAwareness();
        return;
      }
      case 'queryAwareness': {
        const states = this.awareness.snapshot(peer.ctx.awareness);
        if (states) peer.send(states);
        return;
      }
    }
  }

  /**
   * `frame`: relay it as is, before Yjs integrates the update. Only for incremental updates: they carry exactly one
   * transaction, whereas a sync step 2 carries the sender's whole delete set, which only Yjs's re-encoding (of what
   * was new) trims. Relaying first takes Yjs's integration off the path to the peers; the validation has already
   * established that the update integrates completely.
   */
  private receiveUpdate(peer: Peer, update: Uint8Array, frame: Buffer | null): void {
    const doc = this.doc;
    if (isEmptyUpdate(update)) return;
    if (peer.ctx.access !== 'write') {
      this.env.counters.droppedReadOnlyUpdates++;
      return;
    }
    if (this.failed) return;
    if (this.log.snapshotBytes + this.log.logBytes + update.length > this.env.limits.maxDocBytes) {
      this.env.reject(peer, 'docTooLarge', CLOSE.tooLarge);
      return;
    }
    // One decode serves both checks; content is checked on the decoded structs, never by applying and undoing.
    let decoded: DecodedUpdate;
    let complete: boolean;
    try {
      decoded = Y.decodeUpdate(update);
      complete = isSelfContained(doc, decoded);
    } catch (error) {
      this.env.reject(peer, 'malformed', CLOSE.policy, error);
      return;
    }
    if (!complete) {
      this.env.reject(peer, 'missingDependencies', CLOSE.policy);
      return;
    }
    if (this.schema !== null) {
      let refused: string | null;
      try {
        refused = checkContent(doc, decoded.structs, this.schema);
      } catch (error) {
        this.env.reject(peer, 'malformed', CLOSE.policy, error);
        return;
      }
      if (refused !== null) {
        this.env.reject(peer, 'invalidContent', CLOSE.invalidContent, refused);
        return;
      }
    }
    if (!frame) {
      this.integrate(update, peer);
      return;
    }
    this.unapplied = { update, peer };
    // Logged as received (a copy into the log's batch), and the hooks told, before the peers here are sent it: the
    // Redis relay's one publication reaches the other instances while this one writes to its own sockets.
    this.append(update);
    this.relay(frame, peer, () => Y.encodeStateVector(doc));
    // At the end of the I/O turn: every frame that arrived in it, on any socket, is relayed before any is integrated,
    // so after a stall the backlog reaches the peers at the cost of validation (and a copy into the log) alone.
    this.integration ??= setImmediate(this.integrateUnapplied);
  }

  /**
   * The update event is off meanwhile: the update is already relayed and logged as received, so Yjs need not
   * encode the transaction again (a twentieth of the server's time at the throughput ceiling).
   */
  private readonly integrateUnapplied = (): void => {
    this.integration = null;
    const unapplied = this.unapplied;
    if (!unapplied) return;
    this.unapplied = null;
    this.ydoc.off('update', this.onUpdate);
    try {
      this.integrate(unapplied.update, unapplied.peer);
    } finally {
      this.ydoc.on('update', this.onUpdate);
    }
  };

  /** Applies a validated update; closes the sender in the cases the validation rules out. */
  private integrate(update: Uint8Array, peer: Peer): void {
    try {
      Y.applyUpdate(this.ydoc, update, peer);
    } catch (error) {
      // The validation decodes everything Yjs reads; still, never let a throw escape a tick callback.
      this.env.reject(peer, 'malformed', CLOSE.policy, error);
      return;
    }
    const store = this.ydoc.store;
    if (store.pendingStructs !== null || store.pendingDs !== null) {
      // Unreachable after the validation; kept so that a Yjs corner case can never park unstored data here.
      store.pendingStructs = null;
      store.pendingDs = null;
      this.env.reject(peer, 'missingDependencies', CLOSE.policy);
    }
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    // Append (and tell the hooks) first, then relay: the log's write is only issued at the end of the turn
    // (setImmediate), so durability is the same either way, and the Redis relay publishes before the sockets here
    // are written to. Another instance's update is logged by that instance (and by the relay here, through
    // `persistRemote`, should that instance never confirm it): logging it here too would only copy it.
    if (origin !== REMOTE_ORIGIN) this.append(update);
    this.relay(encodeSyncMessage(SYNC_UPDATE, update), origin, () => Y.encodeStateVector(tr.beforeState));
  };

  private append(update: Uint8Array): void {
    const log = this.log;
    log.append(update);
    this.env.hooks.onUpdate?.(this, update);
    if (log.logBytes > Math.max(this.env.limits.compactMinLogBytes, log.snapshotBytes)) {
      log
        .compact(() => Y.encodeStateAsUpdate(this.doc))
        .catch((error) => {
          this.env.logger.error('sync.compaction_failed', { docName: this.name, error });
        });
    }
  }

  /** Sends an update message to every peer but `except`; `stateBefore` is the state without it (for a lagging peer). */
  private relay(message: Uint8Array, except: unknown, stateBefore: () => Uint8Array): void {
    const highWater = this.env.limits.highWaterBytes;
    let lagFrom: Uint8Array | null = null;
    for (const peer of this.peers) {
      if (peer === except || peer.lag !== null || peer.closed) continue;
      if (peer.ws.bufferedAmount > highWater) {
        // Stop feeding a slow peer; it gets one diff from what it had once its buffer drains (engine sweep).
        lagFrom ??= stateBefore();
        peer.lag = { since: Date.now(), stateVector: lagFrom };
        continue;
      }
      peer.send(message);
    }
  }

  /**
   * Awareness relays are throttled per document to one batch per `awarenessTickMs`, leading edge: after a quiet
   * tick a change goes out at the end of the current I/O turn (setImmediate, so the frames of one turn share a
   * batch); under load, one batch per tick. Per document, so that quiet rooms never wait for busy ones and the
   * batches of many rooms do not go out as one burst.
   */
  private scheduleAwareness(): void {
    if (this.awarenessTimeout || this.awarenessImmediate || this.closed) return;
    const wait = this.lastAwarenessSent + this.env.limits.awarenessTickMs - performance.now();
    if (wait <= 0) this.awarenessImmediate = setImmediate(this.flushAwareness);
    else this.awarenessTimeout = setTimeout(this.flushAwareness, wait);
  }

  private readonly flushAwareness = (): void => {
    this.awarenessTimeout = null;
    this.awarenessImmediate = null;
    this.lastAwarenessSent = performance.now();
    this.sendAwareness();
  };

  /** The awareness changes since the last batch, one shared buffer per policy. */
  private sendAwareness(): void {
    const batch = this.awareness.takeBatch(Date.now());
    if (!batch) return;
    if (batch.local.length > 0) this.env.hooks.onAwareness?.(this, batch.local);
    for (const peer of this.peers) {
      if (peer.lag !== null || peer.closed) continue;
      peer.send(peer.ctx.awareness === 'full' ? batch.full : batch.presence);
    }
  }

  get live(): boolean {
    return !this.closed && !this.failed;
  }

  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  missingFrom(stateVector: Uint8Array): Uint8Array | null {
    const diff = Y.encodeStateAsUpdate(this.doc, stateVector);
    return isEmptyUpdate(diff) ? null : diff;
  }

  lacksAnyOf(stateVector: Uint8Array): boolean {
    const doc = this.doc;
    for (const [client, clock] of Y.decodeStateVector(stateVector)) {
      if (clock > Y.getState(doc.store, client)) return true;
    }
    return false;
  }

  applyRemote(update: Uint8Array): 'applied' | 'incomplete' | 'unavailable' {
    if (!this.live) return 'unavailable';
    const doc = this.doc;
    if (isEmptyUpdate(update)) return 'applied';
    // The same rule as for a client's update: nothing may stay pending in the document (see isSelfContained).
    if (!isSelfContained(doc, update)) return 'incomplete';
    Y.applyUpdate(doc, update, REMOTE_ORIGIN);
    return 'applied';
  }

  persistRemote(update: Uint8Array): void {
    if (this.live) this.log.append(update);
  }

  applyRemoteAwareness(entries: readonly RelayedAwarenessEntry[]): void {
    if (!this.live) return;
    this.awareness.applyRemote(entries, Date.now());
    if (this.awareness.hasDirty) this.scheduleAwareness();
  }

  localAwareness(): RelayedAwarenessEntry[] {
    return this.awareness.localEntries();
  }

  whenDurable(): Promise<void> {
    return this.log.flush();
  }

  /** Drops other instances' awareness states not renewed for `maxAgeMs` (see RoomAwareness.expireRemote). */
  expireRemoteAwareness(now: number, maxAgeMs: number): void {
    if (this.awareness.expireRemote(now, maxAgeMs)) this.scheduleAwareness();
  }

  /** Sends a peer that fell behind everything it missed, in one message. */
  catchUp(peer: Peer): void {
    const lag = peer.lag;
    if (!lag) return;
    peer.lag = null;
    peer.send(encodeSyncMessage(SYNC_UPDATE, Y.encodeStateAsUpdate(this.doc, lag.stateVector)));
    const states = this.awareness.snapshot(peer.ctx.awareness);
    if (states) peer.send(states);
    this.env.counters.catchUps++;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    if (this.awarenessTimeout) clearTimeout(this.awarenessTimeout);
    if (this.awarenessImmediate) clearImmediate(this.awarenessImmediate);
    const doc = this.doc;
    if (this.integration) clearImmediate(this.integration);
    doc.off('update', this.onUpdate);
    try {
      await this.log.close();
    } finally {
      doc.destroy();
    }
  }
}
