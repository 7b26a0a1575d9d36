import type { Duplex } from 'node:stream';
import type { AwarenessPolicy } from '@accord/shared';
import type { WebSocket } from 'ws';
import type { AwarenessOwner } from './awareness.js';
import { type SyncLimits, TokenBucket } from './limits.js';
import type { Counters } from './metrics.js';
import type { SendBatcher } from './sendBatcher.js';

export interface PeerContext {
  /** Validated wire name, e.g. p/<project>/t/<transcript>/c/<coder>. */
  docName: string;
  /** The authenticated user: awareness states are stamped with it. */
  user: { id: string; name: string };
  access: 'read' | 'write';
  /** 'presence' drops everything but `user` from the awareness states this peer receives. */
  awareness: AwarenessPolicy;
  /** The id (token hash, never the token) of the session that opened the socket: ending it closes the socket. */
  sessionId?: string;
}

/** Close codes; y-websocket reconnects after any code outside 4400-4499, and gives up on those. */
export const CLOSE = {
  goingAway: 1001,
  policy: 1008,
  internal: 1011,
  tryAgain: 1013,
  sessionEnded: 4401,
  forbidden: 4403,
  deleted: 4404,
  tooLarge: 4413,
  /** An update whose content the document's schema refuses: resending it (a reconnect) would be refused again. */
  invalidContent: 4422,
} as const;

/** One WebSocket connection serving one document. */
export class Peer implements AwarenessOwner {
  awarenessClientId: number | null = null;
  /** Raw frames received before the document was loaded, replayed in order once it is. */
  queue: Buffer[] | null = [];
  alive = true;
  closed = false;
  /** Set while the peer is too far behind to receive increments; holds the state it is known to have. */
  lag: { since: number; stateVector: Uint8Array } | null = null;
  private readonly messageBucket: TokenBucket;
  private readonly byteBucket: TokenBucket;

  constructor(
    readonly ws: WebSocket,
    /** The socket under `ws`: its writes are batched per tick (see SendBatcher). */
    private readonly socket: Duplex,
    readonly ctx: PeerContext,
    limits: SyncLimits,
    private readonly counters: Counters,
    private readonly batcher: SendBatcher,
  ) {
    this.messageBucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    this.byteBucket = new TokenBucket(limits.bytesPerSecond, limits.byteBurst);
  }

  get userId(): string {
    return this.ctx.user.id;
  }

  get userName(): string {
    return this.ctx.user.name;
  }

  get docName(): string {
    return this.ctx.docName;
  }

  /** Accounts a received frame against the rate limits. */
  admit(bytes: number): boolean {
    return this.messageBucket.take(1) && this.byteBucket.take(bytes);
  }

  send(message: Uint8Array): void {
    if (this.closed) return;
    this.batcher.hold(this.socket);
    this.ws.send(message);
    this.counters.messagesOut++;
    this.counters.bytesOut += message.length;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    // A peer that ignores the close handshake must not hold its socket (and buffers) for long.
    setTimeout(() => this.ws.terminate(), 5000).unref();
  }
}
