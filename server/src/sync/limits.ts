import { getHeapStatistics } from 'node:v8';

/** Every bound the engine enforces; `createSyncEngine({ limits })` overrides any of them. */
export interface SyncLimits {
  /** Largest WebSocket frame accepted (ws closes the socket with 1009 beyond it). */
  maxPayloadBytes: number;
  /** Stored size (snapshot + log since) beyond which a document refuses further updates. */
  maxDocBytes: number;
  /** Token buckets per connection: sustained rate and burst, in messages and in bytes. */
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
  /** Largest awareness state (JSON text) one client may publish. */
  maxAwarenessStateBytes: number;
  /** Awareness changes are collected for this long and sent as one message per document. */
  awarenessTickMs: number;
  /** An unchanged awareness state (a keep-alive renewal) is relayed at most this often. */
  awarenessRenewalMs: number;
  /** Past this many buffered bytes a peer stops receiving increments; below `lowWaterBytes` it gets one catch-up. */
  highWaterBytes: number;
  lowWaterBytes: number;
  /** A peer that stays behind longer than this is closed so that it resyncs on reconnect. */
  maxLagMs: number;
  /** A loaded document without peers stays loaded this long (reconnects and tab switches are cheap). */
  unloadGraceMs: number;
  /** Beyond either bound a join for a document that is not loaded is answered "try again later" (1013). */
  maxLoadedDocs: number;
  maxHeapBytes: number;
  /** The log is compacted into a snapshot once it exceeds this and the snapshot's size. */
  compactMinLogBytes: number;
  /** Messages held per connection while its document loads. */
  maxQueuedMessages: number;
  /** Interval of WebSocket pings; a peer that misses one is terminated. */
  pingIntervalMs: number;
}

export function defaultLimits(): SyncLimits {
  return {
    maxPayloadBytes: 8 * 1024 * 1024,
    maxDocBytes: 64 * 1024 * 1024,
    messagesPerSecond: 200,
    messageBurst: 1000,
    bytesPerSecond: 2 * 1024 * 1024,
    byteBurst: 32 * 1024 * 1024,
    maxAwarenessStateBytes: 8 * 1024,
    awarenessTickMs: 50,
    awarenessRenewalMs: 10_000,
    highWaterBytes: 2 * 1024 * 1024,
    lowWaterBytes: 256 * 1024,
    maxLagMs: 30_000,
    unloadGraceMs: 10_000,
    maxLoadedDocs: 10_000,
    maxHeapBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.7),
    compactMinLogBytes: 1024 * 1024,
    maxQueuedMessages: 256,
    pingIntervalMs: 30_000,
  };
}

/** A token bucket: `take` fails once the burst is spent faster than the rate refills it. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = performance.now();
  }

  take(amount: number): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }
}
