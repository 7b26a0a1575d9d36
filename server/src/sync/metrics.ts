import {
  createHistogram,
  type IntervalHistogram,
  monitorEventLoopDelay,
  type RecordableHistogram,
} from 'node:perf_hooks';

export type RejectReason =
  | 'malformed'
  | 'notBinary'
  | 'rateLimited'
  | 'missingDependencies'
  | 'docTooLarge'
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
   * p99 of the time from a frame's receipt ('message' event) to the end of its handling, i.e. its last send (fan-out
   * is synchronous), same window as the event-loop delay: the server's own share of an update's latency.
   */
  frameHandlingP99Ms: number;
  heapUsedBytes: number;
  storage: {
    appendedRecords: number;
    appendedBytes: number;
    syncs: number;
    compactions: number;
    recoveredTails: number;
  };
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
  private readonly frames: RecordableHistogram = createHistogram();
  private lastWindowP99Ms: number | null = null;
  private lastFramesP99Ms: number | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.delay.enable();
    this.timer = setInterval(() => {
      this.lastWindowP99Ms = this.delay.percentile(99) / 1e6;
      this.delay.reset();
      this.lastFramesP99Ms = this.frames.count > 0 ? this.frames.percentile(99) / 1e6 : 0;
      this.frames.reset();
    }, WINDOW_MS);
    this.timer.unref();
  }

  reject(reason: RejectReason): void {
    this.rejected[reason]++;
  }

  get rejectedFrames(): number {
    return Object.values(this.rejected).reduce((sum, count) => sum + count, 0);
  }

  /** Records how long one frame took to handle, in milliseconds (from performance.now()). */
  frameHandled(ms: number): void {
    this.frames.record(Math.max(1, Math.round(ms * 1e6)));
  }

  frameHandlingP99Ms(): number {
    return this.lastFramesP99Ms ?? (this.frames.count > 0 ? this.frames.percentile(99) / 1e6 : 0);
  }

  eventLoopDelayP99Ms(): number {
    return this.lastWindowP99Ms ?? this.delay.percentile(99) / 1e6;
  }

  stop(): void {
    clearInterval(this.timer);
    this.delay.disable();
  }
}
