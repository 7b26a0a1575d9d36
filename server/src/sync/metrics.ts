import {
  createHistogram,
  type IntervalHistogram,
  monitorEventLoopDelay,
  type RecordableHistogram,
} from 'node:perf_hooks';
import type { StorageStats } from '../persistence/index.js';

export type RejectReason =
  | 'malformed'
  | 'notBinary'
  | 'rateLimited'
  | 'missingDependencies'
  | 'docTooLarge'
  | 'invalidContent'
  | 'awarenessSpoof'
  | 'awarenessInvalid'
  | 'queueOverflow';

export interface SyncMetrics {
  loadedDocs: number;
  connections: number;
  laggingPeers: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  rejectedFrames: number;
  rejectedByReason: Record<RejectReason, number>;
  droppedReadOnlyUpdates: number;
  slowPeersClosed: number;
  catchUps: number;
  tryAgainRefusals: number;
  docsLoaded: number;
  docsUnloaded: number;
  /** p99 of event-loop delay over the last complete 10 s window (the current one before the first completes). */
  eventLoopDelayP99Ms: number;
  /**
   * p99 of the time from an update frame's receipt ('message' event) to the end of its handling, i.e. its last send
   * to the document's peers (validation and fan-out; for a sync step 2 also Yjs's integration, which for an
   * incremental update follows at the end of the I/O turn), same window as the event-loop delay: the server's
   * own share of an update's latency, queueing before the 'message' event aside.
   */
  updateHandlingP99Ms: number;
  updateHandlingP50Ms: number;
  heapUsedBytes: number;
  storage: StorageStats;
}

const WINDOW_MS = 10_000;

/** Counters of the engine; bumping one is a field increment, so they stay on in production. */
export class Counters {
  messagesIn = 0;
  messagesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  rejected: Record<RejectReason, number> = {
    malformed: 0,
    notBinary: 0,
    rateLimited: 0,
    missingDependencies: 0,
    docTooLarge: 0,
    invalidContent: 0,
    awarenessSpoof: 0,
    awarenessInvalid: 0,
    queueOverflow: 0,
  };
  droppedReadOnlyUpdates = 0;
  slowPeersClosed = 0;
  catchUps = 0;
  tryAgainRefusals = 0;
  docsLoaded = 0;
  docsUnloaded = 0;

  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly updates: RecordableHistogram = createHistogram();
  private lastWindowP99Ms: number | null = null;
  private lastUpdates: { p50: number; p99: number } | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.delay.enable();
    this.timer = setInterval(() => {
      this.lastWindowP99Ms = this.delay.percentile(99) / 1e6;
      this.delay.reset();
      this.lastUpdates = this.updatePercentiles();
      this.updates.reset();
    }, WINDOW_MS);
    this.timer.unref();
  }

  reject(reason: RejectReason): void {
    this.rejected[reason]++;
  }

  get rejectedFrames(): number {
    return Object.values(this.rejected).reduce((sum, count) => sum + count, 0);
  }

  /** Records how long one update frame took to handle, in milliseconds (from performance.now()). */
  updateHandled(ms: number): void {
    this.updates.record(Math.max(1, Math.round(ms * 1e6)));
  }

  /** p50 and p99 of update handling over the last complete window (the current one before the first completes). */
  updateHandling(): { p50: number; p99: number } {
    return this.lastUpdates ?? this.updatePercentiles();
  }

  private updatePercentiles(): { p50: number; p99: number } {
    if (this.updates.count === 0) return { p50: 0, p99: 0 };
    return { p50: this.updates.percentile(50) / 1e6, p99: this.updates.percentile(99) / 1e6 };
  }

  eventLoopDelayP99Ms(): number {
    return this.lastWindowP99Ms ?? this.delay.percentile(99) / 1e6;
  }

  stop(): void {
    clearInterval(this.timer);
    this.delay.disable();
  }
}
