import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

/** Redis, as the instances of one Accord share it: a publishing connection, a subscribing one, and their losses. */
export interface BusOptions {
  url: string;
  logger: Logger;
  /** How long `start` waits for Redis before giving up (the server then refuses to start). */
  connectTimeoutMs?: number;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** Reconnects quickly (Redis is on the local network): 100 ms, 200 ms, ... then every second. */
const retryStrategy = (attempt: number) => Math.min(100 * attempt, 1000);

/**
 * Two ioredis connections: `pub` for commands and publishing, `sub` in subscriber mode. Neither queues commands
 * while Redis is unreachable (`enableOfflineQueue: false`): a publish fails at once instead of piling up, and
 * what it would have carried is caught up from storage and from the other instances once Redis is back.
 *
 * Subscriptions are restored here, not by ioredis, so that the moment they are confirmed is known: after any
 * loss of either connection (Redis restarted, empty or not; the network), once both are ready again, every
 * channel is subscribed again and only then are the `onRecovered` listeners called. Whatever another instance
 * publishes from then on reaches this one; what it published before is what they catch up (docs/scale-out.md).
 */
export class RedisBus {
  readonly pub: Redis;
  readonly sub: Redis;
  private readonly logger: Logger;
  private readonly handlers = new Map<string, (message: Buffer) => void>();
  private readonly recoveredListeners: (() => void)[] = [];
  private started = false;
  private closing = false;
  /** A connection was lost since the last recovery (or the start). */
  private lost = false;
  private recovering: Promise<void> | null = null;
  private lastErrorLog = 0;
  /** The last connection error (what a failed start reports: ioredis's own rejection only says "closed"). */
  private lastError: Error | null = null;
  /** Times both connections came back and every channel was subscribed again. */
  recoveries = 0;

  constructor(private readonly options: BusOptions) {
    this.logger = options.logger;
    const connection = (name: string) =>
      new Redis(options.url, {
        connectionName: `accord-${name}`,
        lazyConnect: true,
        enableOfflineQueue: false,
        autoResubscribe: false,
        maxRetriesPerRequest: 1,
        retryStrategy,
        keepAlive: 10_000,
      });
    this.pub = connection('pub');
    this.sub = connection('sub');
    for (const client of [this.pub, this.sub]) {
      client.on('error', (error: Error) => {
        this.lastError = error;
        // While starting, a failure is the start's error, reported once by whoever started it.
        if (this.started) this.logError(error);
      });
      client.on('close', () => this.onClose());
      client.on('ready', () => this.onReady());
    }
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const handler = this.handlers.get(channel.toString());
      if (!handler) return;
      try {
        handler(message);
      } catch (error) {
        this.logger.error('redis.message_failed', { channel: channel.toString(), error });
      }
    });
  }

  /** Connects both; rejects (and disconnects) if Redis cannot be reached within the timeout. */
  async start(): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new RedisUnavailableError(`Redis at ${redact(this.options.url)} did not answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all([this.pub.connect(), this.sub.connect()]), timeout]);
      await Promise.race([this.resubscribe(), timeout]);
    } catch (error) {
      this.pub.disconnect();
      this.sub.disconnect();
      if (error instanceof RedisUnavailableError) throw error;
      const reason = this.lastError?.message ?? (error as Error).message;
      throw new RedisUnavailableError(`Redis at ${redact(this.options.url)}: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
    this.started = true;
    this.lost = false;
    this.logger.info('redis.connected', { url: redact(this.options.url) });
  }

  /** Both connections are up and every channel is subscribed. */
  get connected(): boolean {
    return this.started && !this.lost && this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  /** Called after every recovery from a loss (not after the start). */
  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener);
  }

  /**
   * Subscribes `channel`; true once Redis confirmed it, false when Redis is unreachable now (the subscription is
   * then made at the recovery, which every listener hears of).
   */
  async subscribe(channel: string, handler: (message: Buffer) => void): Promise<boolean> {
    this.handlers.set(channel, handler);
    if (this.sub.status !== 'ready') return false;
    try {
      await this.sub.subscribe(channel);
      return this.handlers.get(channel) === handler;
    } catch {
      return false;
    }
  }

  unsubscribe(channel: string): void {
    this.handlers.delete(channel);
    if (this.sub.status === 'ready') this.sub.unsubscribe(channel).catch(() => {});
  }

  /**
   * Publishes; answers how many subscribers received the message (this instance's own subscriptions included), or
   * null (never a throw) when Redis did not take it.
   */
  async publish(channel: string, message: Buffer | string): Promise<number | null> {
    if (this.pub.status !== 'ready') return null;
    try {
      return await this.pub.publish(channel, message);
    } catch (error) {
      this.logError(error as Error);
      return null;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([this.recovering?.catch(() => {})]);
    for (const client of [this.pub, this.sub]) {
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    }
  }

  private onClose(): void {
    if (!this.started || this.closing) return;
    if (!this.lost) this.logger.warn('redis.connection_lost', { url: redact(this.options.url) });
    this.lost = true;
  }

  private onReady(): void {
    if (!this.started || this.closing || !this.lost) return;
    if (this.pub.status !== 'ready' || this.sub.status !== 'ready') return;
    this.recovering ??= this.recover().finally(() => {
      this.recovering = null;
      // Lost again meanwhile, and both back already: another round.
      if (this.lost) this.onReady();
    });
  }

  private async recover(): Promise<void> {
    this.lost = false;
    try {
      await this.resubscribe();
    } catch (error) {
      this.logError(error as Error);
      this.lost = true;
      return;
    }
    if (this.lost) return;
    this.recoveries++;
    this.logger.info('redis.recovered', { channels: this.handlers.size });
    for (const listener of this.recoveredListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error('redis.recovery_listener_failed', { error });
      }
    }
  }

  private async resubscribe(): Promise<void> {
    const channels = [...this.handlers.keys()];
    // In slices: one command per channel would be slow with thousands of loaded documents, one huge one is heavy.
    for (let i = 0; i < channels.length; i += 500) await this.sub.subscribe(...channels.slice(i, i + 500));
  }

  /** Errors repeat on every reconnect attempt while Redis is away: logged at most every 5 s. */
  private logError(error: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 5_000) return;
    this.lastErrorLog = now;
    this.logger.warn('redis.error', { message: error.message });
  }
}

/** A Redis URL without its password, for logs and errors. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//…@');
}
