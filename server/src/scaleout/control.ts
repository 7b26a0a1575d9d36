import { z } from 'zod';
import type { Logger } from '../log.js';
import type { RedisBus } from './bus.js';

/**
 * Access changes that must take effect on every instance at once, on one channel every instance subscribes to:
 *
 * - `recheck`: re-decide every open socket (a round created or revealed, a member removed or their role changed, a
 *   project archived or deleted). `project` narrows it when the sender knows which project changed.
 * - `sessionsEnded`: close (4401) every socket opened by these sessions (sign-out, password change or reset,
 *   deactivation). The sessions are gone from the metadata before this is sent.
 * - `resync`: an instance came back after losing Redis, and may have missed or failed to send messages meanwhile:
 *   every instance re-decides every socket and sweeps its sessions against the metadata.
 *
 * The sender has already acted on its own sockets; it ignores its own messages. Messages are validated at this
 * edge (Redis is shared infrastructure, but a bad message must never throw inside a subscriber).
 */
const controlMessage = z.discriminatedUnion('type', [
  z.strictObject({ v: z.literal(1), from: z.string(), type: z.literal('recheck'), project: z.string().optional() }),
  z.strictObject({
    v: z.literal(1),
    from: z.string(),
    type: z.literal('sessionsEnded'),
    sessionIds: z.array(z.string()).max(100_000),
    reason: z.string().max(200),
  }),
  z.strictObject({ v: z.literal(1), from: z.string(), type: z.literal('resync') }),
]);

export type ControlMessage = z.infer<typeof controlMessage>;

/** What an instance does when told (app.ts wires these to the access rule and the session code). */
export interface ControlHandlers {
  recheck(project: string | undefined): void;
  sessionsEnded(sessionIds: readonly string[], reason: string): void;
  /** Re-decide every socket and sweep sessions (after this or another instance recovered from a Redis loss). */
  resync(): void;
}

export interface ControlStats {
  sent: number;
  sendFailures: number;
  received: number;
}

export class ControlChannel {
  readonly stats: ControlStats = { sent: 0, sendFailures: 0, received: 0 };
  private handlers: ControlHandlers | null = null;
  private readonly channel: string;

  constructor(
    private readonly bus: RedisBus,
    private readonly instanceId: string,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}control`;
    // After a loss, anything sent meanwhile (by anyone) may be lost: everyone re-decides against the metadata.
    bus.onRecovered(() => {
      this.handlers?.resync();
      void this.publish({ type: 'resync' });
    });
  }

  /** Subscribes the channel; messages arriving before `handle` is called are dropped (nothing is open yet). */
  start(): Promise<boolean> {
    return this.bus.subscribe(this.channel, (data) => this.receive(data));
  }

  handle(handlers: ControlHandlers): void {
    this.handlers = handlers;
  }

  recheck(project?: string): Promise<void> {
    return this.publish(project === undefined ? { type: 'recheck' } : { type: 'recheck', project });
  }

  sessionsEnded(sessionIds: readonly string[], reason: string): Promise<void> {
    if (sessionIds.length === 0) return Promise.resolve();
    return this.publish({ type: 'sessionsEnded', sessionIds: [...sessionIds], reason });
  }

  private async publish(
    message:
      | { type: 'recheck'; project?: string }
      | { type: 'sessionsEnded'; sessionIds: string[]; reason: string }
      | { type: 'resync' },
  ): Promise<void> {
    const receivers = await this.bus.publish(this.channel, JSON.stringify({ v: 1, from: this.instanceId, ...message }));
    if (receivers !== null) this.stats.sent++;
    else {
      // Redis is away: the other instances resync when they (or this one) get it back.
      this.stats.sendFailures++;
      this.logger.warn('control.not_sent', { type: message.type });
    }
  }

  private receive(data: Buffer): void {
    let message: ControlMessage;
    try {
      const parsed = controlMessage.safeParse(JSON.parse(data.toString('utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid');
      message = parsed.data;
    } catch (error) {
      this.logger.warn('control.malformed_message', { error });
      return;
    }
    if (message.from === this.instanceId || this.handlers === null) return;
    this.stats.received++;
    try {
      if (message.type === 'recheck') this.handlers.recheck(message.project);
      else if (message.type === 'sessionsEnded') this.handlers.sessionsEnded(message.sessionIds, message.reason);
      else this.handlers.resync();
    } catch (error) {
      this.logger.error('control.handler_failed', { type: message.type, error });
    }
  }
}
