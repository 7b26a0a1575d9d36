import { randomUUID } from 'node:crypto';
import { RedisLoginLimiter } from '../auth/redisLimiter.js';
import type { Logger } from '../log.js';
import { RedisBus, RedisUnavailableError, redact } from './bus.js';
import { ControlChannel, type ControlHandlers } from './control.js';
import { DocRelay, type RelayStats, type StoredUpdatesReader } from './relay.js';

export type { ControlHandlers, RelayStats, StoredUpdatesReader };
export { RedisUnavailableError, redact };

/**
 * A storage that can read a document's updates without opening it for appending (the shared PostgreSQL storage
 * should): the relay then also catches up from storage. The per-instance file engine cannot, and does not.
 */
export interface ReadableStorage {
  readUpdates(docName: string): Promise<Uint8Array[]>;
}

export function storedUpdatesReader(storage: object): StoredUpdatesReader | undefined {
  const readable = storage as Partial<ReadableStorage>;
  return typeof readable.readUpdates === 'function' ? (docName) => readable.readUpdates!(docName) : undefined;
}

export interface ScaleOutOptions {
  /** redis:// or rediss:// URL of the Redis every instance shares. */
  url: string;
  logger: Logger;
  /** Reads a document's stored updates without opening it (the shared storage); see relay.ts. */
  readStored?: StoredUpdatesReader;
  /** Channel and key prefix: deployments sharing one Redis must differ. Default `accord:`. */
  prefix?: string;
  /** Tests: a fixed id; default random per start. */
  instanceId?: string;
  connectTimeoutMs?: number;
  checkIntervalMs?: number;
  recoveryWindowMs?: number;
  /** See RelayOptions (relay.ts); tests shorten them. */
  confirmWithinMs?: number;
  ackDelayMs?: number;
}

/**
 * What crosses instances, through Redis (docs/scale-out.md): the document relay (the sync engine's hooks), the
 * control channel (access rechecks and ended sessions) and the shared login limiter. The composition root (app.ts)
 * starts it before the sync engine, passes `relay` as the engine's hooks, and wires the control channel.
 */
export interface ScaleOut {
  readonly instanceId: string;
  readonly relay: DocRelay;
  readonly control: ControlChannel;
  readonly limiter: RedisLoginLimiter;
  readonly bus: RedisBus;
  /** Stops relaying; publishes what was accepted first. Call after the sync engine is closed. */
  close(): Promise<void>;
}

export async function startScaleOut(options: ScaleOutOptions): Promise<ScaleOut> {
  const logger = options.logger.child({ component: 'scaleout' });
  const instanceId = options.instanceId ?? randomUUID();
  const prefix = options.prefix ?? 'accord:';
  const bus = new RedisBus({ url: options.url, logger, connectTimeoutMs: options.connectTimeoutMs });
  const relay = new DocRelay({
    bus,
    logger,
    instanceId,
    prefix,
    readStored: options.readStored,
    checkIntervalMs: options.checkIntervalMs,
    recoveryWindowMs: options.recoveryWindowMs,
    confirmWithinMs: options.confirmWithinMs,
    ackDelayMs: options.ackDelayMs,
  });
  const control = new ControlChannel(bus, instanceId, prefix, logger);
  await bus.start();
  await control.start();
  const limiter = new RedisLoginLimiter(bus.pub, { prefix, logger });
  logger.info('scaleout.started', { instanceId, url: redact(options.url) });
  return {
    instanceId,
    relay,
    control,
    limiter,
    bus,
    close: async () => {
      await relay.close();
      await bus.close();
    },
  };
}
