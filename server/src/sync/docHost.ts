import * as Y from 'yjs';
import type { Logger } from '../log.js';
import type { DocLog } from '../persistence/index.js';
import { RoomAwareness } from './awareness.js';
import type { SyncLimits } from './limits.js';
import type { Counters, RejectReason } from './metrics.js';
import { CLOSE, type Peer } from './peer.js';
import { type ClientMessage, encodeSyncMessage, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from './protocol.js';
import { isEmptyUpdate, isSelfContained } from './updates.js';

export interface HostEnv {
  limits: SyncLimits;
  counters: Counters;
  logger: Logger;
  reject(peer: Peer, reason: RejectReason, code: number, detail?: unknown): void;
}

/**
 * A loaded document: the Y.Doc, its peers, its awareness and its log. Every change, from a peer or from the
 * server (`withDoc`), goes through the doc's update event: appended to the log in the same turn, encoded once,
 * and the same buffer sent to every peer that is not behind.
 */
export class DocHost {
  readonly peers = new Set<Peer>();
  readonly awareness: RoomAwareness;
  unloadTimer: NodeJS.Timeout | null = null;
  failed = false;
  private awarenessTimeout: NodeJS.Timeout | null = null;
  private awarenessImmediate: NodeJS.Immediate | null = null;
  private lastAwarenessSent = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    readonly name: string,
    readonly doc: Y.Doc,
    readonly log: DocLog,
    private readonly env: HostEnv,
  ) {
    this.awareness = new RoomAwareness(env.limits.maxAwarenessStateBytes, env.limits.awarenessRenewalMs);
    doc.on('update', this.onUpdate);
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

  handle(peer: Peer, message: ClientMessage): void {
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
      case 'update':
        this.receiveUpdate(peer, message.update);
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

  private receiveUpdate(peer: Peer, update: Uint8Array): void {
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
    let complete: boolean;
    try {
      complete = isSelfContained(this.doc, update);
    } catch (error) {
      this.env.reject(peer, 'malformed', CLOSE.policy, error);
      return;
    }
    if (!complete) {
      this.env.reject(peer, 'missingDependencies', CLOSE.policy);
      return;
    }
    Y.applyUpdate(this.doc, update, peer);
    const store = this.doc.store;
    if (store.pendingStructs !== null || store.pendingDs !== null) {
      // Unreachable after the check above; kept so that a Yjs corner case can never park unstored data here.
      store.pendingStructs = null;
      store.pendingDs = null;
      this.env.reject(peer, 'missingDependencies', CLOSE.policy);
    }
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    // Relay first, then append: both happen in this synchronous handler and the log's write is only issued at the
    // end of the turn (setImmediate), so durability is the same either way, and peers do not wait for the CRC/copy.
    const message = encodeSyncMessage(SYNC_UPDATE, update);
    const highWater = this.env.limits.highWaterBytes;
    let lagFrom: Uint8Array | null = null;
    for (const peer of this.peers) {
      if (peer === origin || peer.lag !== null || peer.closed) continue;
      if (peer.ws.bufferedAmount > highWater) {
        // Stop feeding a slow peer; it gets one diff from what it had once its buffer drains (engine sweep).
        lagFrom ??= Y.encodeStateVector(tr.beforeState);
        peer.lag = { since: Date.now(), stateVector: lagFrom };
        continue;
      }
      peer.send(message);
    }
    const log = this.log;
    log.append(update);
    if (log.logBytes > Math.max(this.env.limits.compactMinLogBytes, log.snapshotBytes)) {
      log
        .compact(() => Y.encodeStateAsUpdate(this.doc))
        .catch((error) => {
          this.env.logger.error('sync.compaction_failed', { docName: this.name, error });
        });
    }
  };

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
    for (const peer of this.peers) {
      if (peer.lag !== null || peer.closed) continue;
      peer.send(peer.ctx.awareness === 'full' ? batch.full : batch.presence);
    }
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
    this.doc.off('update', this.onUpdate);
    try {
      await this.log.close();
    } finally {
      this.doc.destroy();
    }
  }
}
