import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { getHeapStatistics } from 'node:v8';
import type { Access, AwarenessPolicy, DocSchema } from '@accord/shared';
import { type WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import type { Logger } from '../log.js';
import type { Storage } from '../persistence/index.js';
import { modelSchema } from './contentValidation.js';
import { DocHost, type HostEnv } from './docHost.js';
import type { SyncHooks } from './hooks.js';
import { defaultLimits, type SyncLimits } from './limits.js';
import { Counters, type RejectReason, type SyncMetrics } from './metrics.js';
import { KeyedMutex } from './mutex.js';
import { CLOSE, Peer, type PeerContext } from './peer.js';
import { type ClientMessage, decodeClientMessage } from './protocol.js';
import { SendBatcher } from './sendBatcher.js';
import { logSkippedEntries, nameDoc } from './skippedEntries.js';
import { isEmptyUpdate } from './updates.js';

export interface SyncEngine {
  /** Completes the WebSocket upgrade and serves the peer; the caller has authenticated it and checked access. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: PeerContext): void;
  /**
   * Re-decides every open peer (role change, round start/reveal): 'none' closes it, 'read' downgrades, etc.
   * Decisions may be asynchronous (they read the metadata); rechecks run one at a time, in the order asked, and
   * one asked while another runs decides every peer again afterwards, so the last one reflects the latest change.
   */
  recheck(decide: (ctx: PeerContext) => PeerDecision | Promise<PeerDecision>): Promise<void>;
  /** Closes (4401) every peer opened by a session that `ended` names, at once; answers how many. */
  closeSessions(ended: (sessionId: string) => boolean, reason: string): number;
  /**
   * Mutex-protected server-side access to a doc (import, export, agreement, rounds); loads it if needed. Changes
   * made in fn are persisted and broadcast like a client's, and durable when the promise resolves. fn must not
   * call withDoc/snapshot on the same doc (it would wait for itself).
   */
  withDoc<T>(docName: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T>;
  /** Immutable named snapshot of a doc's current state: written once (temp, fsync, link), never overwritten. */
  snapshot(docName: string, snapshotId: string): Promise<{ sha256: string; bytes: number }>;
  /** A named snapshot's bytes (a Yjs update), after verifying its SHA-256. */
  readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array>;
  /** Deletes every doc (and snapshot) whose name starts with prefix and closes their peers. */
  deletePrefix(prefix: string): Promise<void>;
  /** Names of the stored docs whose name starts with prefix, sorted (a loaded doc is always stored). */
  listDocs(prefix: string): Promise<string[]>;
  metrics(): SyncMetrics;
  /** Flushes everything durably and closes every socket (graceful shutdown). */
  close(): Promise<void>;
}

/** What an access decision sets on an open peer. */
export interface PeerDecision {
  access: Access;
  awareness: AwarenessPolicy;
}

export interface SyncEngineOptions {
  /**
   * Where documents are stored (the file engine, PostgreSQL, memory), opened by the composition root (app.ts).
   * The engine owns it from here on: `close()` closes it after every document's log.
   */
  storage: Storage;
  logger: Logger;
  limits?: Partial<SyncLimits>;
  /**
   * What clients may write into a document, checked before an update is relayed (server-side writes are not
   * checked). Default: the model's schema for a model document name (`DOC_SCHEMAS`); the engine's own tests,
   * which sync generic content, pass `() => null`.
   */
  contentSchema?: (docName: string) => DocSchema | null;
  /**
   * Extensions told of loads, accepted updates, awareness changes and unloads (sync/hooks.ts); the Redis relay of
   * several instances (scaleout/relay.ts) is one. Default: none.
   */
  hooks?: SyncHooks;
}

/** Thrown when a document cannot be loaded now (too many loaded, heap bound): the client should retry later. */
export class TryAgainError extends Error {
  override name = 'TryAgainError';
}

const LAG_SWEEP_MS = 50;
/** How often other instances' awareness states are checked for expiry (only with hooks). */
const REMOTE_AWARENESS_SWEEP_MS = 5_000;
/** A log of more records than this is compacted when loaded, so the next load replays one snapshot. */
const COMPACT_ON_LOAD_RECORDS = 64;

export async function createSyncEngine(options: SyncEngineOptions): Promise<SyncEngine> {
  const engine = new Engine(options);
  await engine.start();
  return engine;
}

class Engine implements SyncEngine, HostEnv {
  readonly limits: SyncLimits;
  readonly counters = new Counters();
  readonly logger: Logger;
  readonly contentSchema: (docName: string) => DocSchema | null;
  readonly hooks: SyncHooks;
  private readonly storage: Storage;
  private readonly wss: WebSocketServer;
  private readonly hosts = new Map<string, DocHost>();
  private readonly peers = new Set<Peer>();
  private readonly mutex = new KeyedMutex();
  private readonly sendBatcher = new SendBatcher();
  private readonly timers: NodeJS.Timeout[] = [];
  private closing = false;

  constructor(options: SyncEngineOptions) {
    this.limits = { ...defaultLimits(), ...options.limits };
    this.logger = options.logger.child({ component: 'sync' });
    this.contentSchema = options.contentSchema ?? modelSchema;
    this.storage = options.storage;
    this.hooks = options.hooks ?? {};
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxPayloadBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
  }

  async start(): Promise<void> {
    this.storage.onLogFailure((docName) => this.failDoc(docName));
    logSkippedEntries(this.logger);
    this.timers.push(setInterval(() => this.sweepLagging(), LAG_SWEEP_MS));
    this.timers.push(setInterval(() => this.ping(), this.limits.pingIntervalMs));
    if (this.hooks.onLoaded) {
      this.timers.push(setInterval(() => this.expireRemoteAwareness(), REMOTE_AWARENESS_SWEEP_MS));
    }
    for (const timer of this.timers) timer.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: PeerContext): void {
    if (this.closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, socket, { ...ctx, user: { ...ctx.user } }));
  }

  private accept(ws: WebSocket, socket: Duplex, ctx: PeerContext): void {
    const peer = new Peer(ws, socket, ctx, this.limits, this.counters, this.sendBatcher);
    this.peers.add(peer);
    ws.on('message', (data, isBinary) => this.receive(peer, data as Buffer, isBinary));
    ws.on('pong', () => {
      peer.alive = true;
    });
    ws.on('error', (error) => this.logger.debug('sync.socket_error', { docName: ctx.docName, error }));
    ws.on('close', () => this.onClose(peer));
    void this.join(peer);
  }

  private async join(peer: Peer): Promise<void> {
    const name = peer.docName;
    try {
      await this.mutex.run(name, async () => {
        if (peer.closed) return;
        const host = this.hosts.get(name) ?? (await this.load(name));
        if (peer.closed) {
          // Gone while the document loaded: keep it warm for a moment, like any other last leave.
          this.scheduleUnloadIfIdle(host);
          return;
        }
        host.attach(peer);
        const queued = peer.queue ?? [];
        peer.queue = null;
        for (const frame of queued) this.process(peer, host, frame);
        this.scheduleUnloadIfIdle(host);
      });
    } catch (error) {
      if (error instanceof TryAgainError) {
        this.counters.tryAgainRefusals++;
        peer.close(CLOSE.tryAgain, 'try again later');
      } else {
        this.logger.error('sync.join_failed', { docName: name, error });
        peer.close(CLOSE.internal, 'document unavailable');
      }
    }
  }

  /** Must run under the document's lock. */
  private async load(name: string): Promise<DocHost> {
    const overDocs = this.hosts.size >= this.limits.maxLoadedDocs;
    if (overDocs || getHeapStatistics().used_heap_size > this.limits.maxHeapBytes) {
      this.evictIdle();
      throw new TryAgainError(overDocs ? 'too many loaded documents' : 'memory bound reached');
    }
    const { updates, log } = await this.storage.load(name);
    const doc = nameDoc(new Y.Doc(), name);
    if (updates.length > 1) {
      // A doc replayed from many small updates holds ~20% more heap than the same doc built from its encoded
      // state; building it twice at load keeps a loaded doc as compact as a raw Y.Doc.
      const replayed = new Y.Doc();
      Y.transact(replayed, () => {
        for (const update of updates) Y.applyUpdate(replayed, update);
      });
      const state = Y.encodeStateAsUpdate(replayed);
      replayed.destroy();
      Y.applyUpdate(doc, state);
      if (updates.length > COMPACT_ON_LOAD_RECORDS) {
        log
          .compact(() => Y.encodeStateAsUpdate(doc))
          .catch((error) => this.logger.error('sync.compaction_failed', { docName: name, error }));
      }
    } else if (updates[0]) {
      Y.applyUpdate(doc, updates[0]);
    }
    const host = new DocHost(name, doc, log, this);
    this.hosts.set(name, host);
    this.counters.docsLoaded++;
    this.callHook('onLoaded', () => this.hooks.onLoaded?.(host));
    return host;
  }

  /** A hook's failure is logged, never allowed to break the engine's own work. */
  private callHook(hook: keyof SyncHooks, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.error('sync.hook_failed', { hook, error });
    }
  }

  private forget(host: DocHost): void {
    this.hosts.delete(host.name);
    this.callHook('onUnloaded', () => this.hooks.onUnloaded?.(host.name));
  }

  /** Other instances' awareness states whose connections went without a word (their instance stopped). */
  private expireRemoteAwareness(): void {
    const now = Date.now();
    for (const host of this.hosts.values()) host.expireRemoteAwareness(now, 3 * this.limits.awarenessRenewalMs);
  }

  private receive(peer: Peer, data: Buffer, isBinary: boolean): void {
    if (peer.closed) return;
    peer.alive = true;
    this.counters.messagesIn++;
    this.counters.bytesIn += data.length;
    if (!peer.admit(data.length)) {
      this.reject(peer, 'rateLimited', CLOSE.policy);
      return;
    }
    if (!isBinary) {
      this.reject(peer, 'notBinary', CLOSE.policy);
      return;
    }
    if (peer.queue !== null) {
      if (peer.queue.length >= this.limits.maxQueuedMessages) this.reject(peer, 'queueOverflow', CLOSE.policy);
      else peer.queue.push(data);
      return;
    }
    const host = this.hosts.get(peer.docName);
    if (host?.peers.has(peer)) {
      const t0 = performance.now();
      if (this.process(peer, host, data)) this.counters.updateHandled(performance.now() - t0);
    }
  }

  /** Handles one frame; true when it carried a document update (for the update-handling histogram). */
  private process(peer: Peer, host: DocHost, frame: Buffer): boolean {
    if (peer.closed) return false;
    let message: ClientMessage;
    try {
      message = decodeClientMessage(frame);
    } catch (error) {
      this.reject(peer, 'malformed', CLOSE.policy, error);
      return false;
    }
    try {
      host.handle(peer, message, frame);
    } catch (error) {
      this.reject(peer, 'malformed', CLOSE.policy, error);
    }
    return (message.type === 'update' || message.type === 'syncStep2') && !isEmptyUpdate(message.update);
  }

  reject(peer: Peer, reason: RejectReason, code: number, detail?: unknown): void {
    this.counters.reject(reason);
    this.logger.warn('sync.frame_rejected', {
      docName: peer.docName,
      userId: peer.userId,
      reason,
      detail: detail instanceof Error ? detail.message : detail,
    });
    peer.close(code, reason);
  }

  private onClose(peer: Peer): void {
    peer.closed = true;
    this.peers.delete(peer);
    const host = this.hosts.get(peer.docName);
    if (!host) return;
    host.detach(peer);
    this.scheduleUnloadIfIdle(host);
  }

  private scheduleUnloadIfIdle(host: DocHost): void {
    if (host.peers.size > 0 || host.unloadTimer || this.closing) return;
    host.unloadTimer = setTimeout(() => {
      host.unloadTimer = null;
      void this.unload(host);
    }, this.limits.unloadGraceMs);
    host.unloadTimer.unref();
  }

  private unload(host: DocHost): Promise<void> {
    return this.mutex.run(host.name, async () => {
      if (this.hosts.get(host.name) !== host || host.peers.size > 0) return;
      this.forget(host);
      this.counters.docsUnloaded++;
      await host.close().catch((error) => this.logger.error('sync.unload_failed', { docName: host.name, error }));
    });
  }

  private evictIdle(): void {
    for (const host of this.hosts.values()) if (host.peers.size === 0) void this.unload(host);
  }

  /** A log that cannot be written: peers are closed (they keep their edits and resend them on reconnect). */
  private failDoc(docName: string): void {
    const host = this.hosts.get(docName);
    if (!host || host.failed) return;
    host.failed = true;
    for (const peer of host.peers) peer.close(CLOSE.internal, 'storage failure');
    this.forget(host);
    void this.mutex.run(docName, () => host.close().catch(() => {}));
  }

  private sweepLagging(): void {
    const now = Date.now();
    for (const peer of this.peers) {
      const lag = peer.lag;
      if (lag === null || peer.closed) continue;
      if (peer.ws.bufferedAmount <= this.limits.lowWaterBytes) {
        this.hosts.get(peer.docName)?.catchUp(peer);
      } else if (now - lag.since > this.limits.maxLagMs) {
        this.counters.slowPeersClosed++;
        this.logger.info('sync.slow_peer_closed', { docName: peer.docName, userId: peer.userId });
        peer.close(CLOSE.tryAgain, 'too slow, resync');
      }
    }
  }

  private ping(): void {
    for (const peer of this.peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      peer.ws.ping();
    }
  }

  recheck(decide: (ctx: PeerContext) => PeerDecision | Promise<PeerDecision>): Promise<void> {
    const run = this.rechecking.then(() => this.recheckNow(decide));
    // A failed recheck is the caller's to report; the next one still runs.
    this.rechecking = run.catch(() => {});
    return run;
  }

  /** Settles when the recheck running (and those queued) have been applied. */
  private rechecking: Promise<void> = Promise.resolve();

  private async recheckNow(decide: (ctx: PeerContext) => PeerDecision | Promise<PeerDecision>): Promise<void> {
    for (const peer of [...this.peers]) {
      if (peer.closed) continue;
      const decision = await decide({ ...peer.ctx, user: { ...peer.ctx.user } });
      if (peer.closed) continue;
      if (decision.access === 'none') {
        peer.close(CLOSE.forbidden, 'access revoked');
        continue;
      }
      const narrowed = peer.ctx.awareness === 'full' && decision.awareness === 'presence';
      peer.ctx.access = decision.access;
      peer.ctx.awareness = decision.awareness;
      const host = this.hosts.get(peer.docName);
      if (narrowed && host?.peers.has(peer)) {
        const clear = host.awareness.clearFor(peer.awarenessClientId);
        if (clear) peer.send(clear);
      }
    }
  }

  closeSessions(ended: (sessionId: string) => boolean, reason: string): number {
    let closed = 0;
    for (const peer of this.peers) {
      const { sessionId } = peer.ctx;
      if (peer.closed || sessionId === undefined || !ended(sessionId)) continue;
      peer.close(CLOSE.sessionEnded, reason);
      closed++;
    }
    return closed;
  }

  withDoc<T>(docName: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T> {
    return this.mutex.run(docName, async () => {
      const host = this.hosts.get(docName) ?? (await this.load(docName));
      try {
        return await fn(host.doc);
      } finally {
        await host.log.flush();
        this.scheduleUnloadIfIdle(host);
      }
    });
  }

  snapshot(docName: string, snapshotId: string): Promise<{ sha256: string; bytes: number }> {
    return this.mutex.run(docName, async () => {
      const host = this.hosts.get(docName) ?? (await this.load(docName));
      const state = Y.encodeStateAsUpdate(host.doc);
      this.scheduleUnloadIfIdle(host);
      return this.storage.writeSnapshot(docName, snapshotId, state);
    });
  }

  readSnapshot(docName: string, snapshotId: string): Promise<Uint8Array> {
    return this.storage.readSnapshot(docName, snapshotId);
  }

  listDocs(prefix: string): Promise<string[]> {
    return this.storage.list(prefix);
  }

  async deletePrefix(prefix: string): Promise<void> {
    const names = new Set([...this.hosts.keys()].filter((name) => name.startsWith(prefix)));
    for (const peer of this.peers) if (peer.docName.startsWith(prefix)) names.add(peer.docName);
    await Promise.all(
      [...names].map((name) =>
        this.mutex.run(name, async () => {
          for (const peer of this.peers) if (peer.docName === name) peer.close(CLOSE.deleted, 'document deleted');
          const host = this.hosts.get(name);
          if (!host) return;
          this.forget(host);
          await host.close();
        }),
      ),
    );
    await this.storage.deletePrefix(prefix);
  }

  metrics(): SyncMetrics {
    const c = this.counters;
    let lagging = 0;
    for (const peer of this.peers) if (peer.lag) lagging++;
    return {
      loadedDocs: this.hosts.size,
      connections: this.peers.size,
      laggingPeers: lagging,
      messagesIn: c.messagesIn,
      messagesOut: c.messagesOut,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      rejectedFrames: c.rejectedFrames,
      rejectedByReason: { ...c.rejected },
      droppedReadOnlyUpdates: c.droppedReadOnlyUpdates,
      slowPeersClosed: c.slowPeersClosed,
      catchUps: c.catchUps,
      tryAgainRefusals: c.tryAgainRefusals,
      docsLoaded: c.docsLoaded,
      docsUnloaded: c.docsUnloaded,
      eventLoopDelayP99Ms: c.eventLoopDelayP99Ms(),
      updateHandlingP99Ms: c.updateHandling().p99,
      updateHandlingP50Ms: c.updateHandling().p50,
      heapUsedBytes: getHeapStatistics().used_heap_size,
      storage: { ...this.storage.stats },
    };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const peer of this.peers) peer.close(CLOSE.goingAway, 'server shutting down');
    await Promise.all(
      [...this.hosts.values()].map((host) =>
        this.mutex.run(host.name, async () => {
          this.forget(host);
          await host.close().catch((error) => this.logger.error('sync.close_failed', { docName: host.name, error }));
        }),
      ),
    );
    for (const peer of this.peers) peer.ws.terminate();
    await this.storage.close();
    this.counters.stop();
    this.logger.info('sync.closed', {});
  }
}
