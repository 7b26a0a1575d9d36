import * as Y from 'yjs';
import type { Logger } from '../log.js';
import type { HookedDoc, RelayedAwarenessEntry, SyncHooks } from '../sync/hooks.js';
import type { RedisBus } from './bus.js';
import { encodeEnvelope, type RelayMessage, readHeader, readMessage } from './wire.js';

/**
 * Reads a document's durable updates from the storage every instance shares, without opening it for appending.
 * Optional: without it, catching up relies on the other instances alone (see docs/scale-out.md).
 */
export type StoredUpdatesReader = (docName: string) => Promise<Uint8Array[]>;

export interface RelayOptions {
  bus: RedisBus;
  logger: Logger;
  /** This process's id on the channels (random per start). */
  instanceId: string;
  /** Prefix of every channel name (several deployments may share one Redis). */
  prefix: string;
  readStored?: StoredUpdatesReader;
  /** After a recovery, how often every loaded document's state vector is offered again, and for how long. */
  checkIntervalMs?: number;
  recoveryWindowMs?: number;
}

/** How long a graceful stop waits for publications under way (Redis may be away). */
const CLOSE_WAIT_MS = 3_000;

export interface RelayStats {
  /** Updates and answers this instance published; messages it took from other instances. */
  published: number;
  publishFailures: number;
  received: number;
  /** Other instances' updates and answers applied; those that depended on something missing here (dropped). */
  applied: number;
  incomplete: number;
  /** Sync step 1s answered; catch-ups run (recoveries, incomplete updates); storage reads they made. */
  answered: number;
  catchUps: number;
  storageReads: number;
  /** State-vector checks sent after a recovery. */
  checks: number;
}

/**
 * Every instance that has a document loaded holds a copy and relays through Redis (as Hocuspocus's Redis extension
 * does); the durable log is the shared storage, so Redis holds nothing that is only there. This is the sync engine's
 * hooks (sync/hooks.ts) for that:
 *
 * - An update accepted here is published on the document's channel once it is durable (never before: whoever
 *   applies it elsewhere, and does not log it again, can rely on it being in storage). Updates of one event-loop
 *   turn go out together, after one flush.
 * - Another instance's update is applied as a remote update: it reaches the peers here and is not logged or
 *   published again. One that does not apply whole (it depends on an update this copy missed) is dropped, and the
 *   document catches up.
 * - Catching up: a sync step 1 (this copy's state vector) on the channel; every instance with the document loaded
 *   answers with what it has beyond it (sync step 2, durable first), and when asked to (`reply`) or when the state
 *   vector names something it lacks, with a step 1 of its own. Plus, when a reader of the shared storage is given,
 *   the stored updates this copy lacks. A document catches up when it is loaded (once its channel is subscribed),
 *   when an update does not apply whole, and after every recovery of the Redis connections; after a recovery, its
 *   state vector is offered again every `checkIntervalMs` for `recoveryWindowMs`.
 * - Awareness: the changes of the connections here are published (never stored); other instances' states are shown
 *   to the peers here by their policy, and expire when their instance stops renewing them.
 */
export class DocRelay implements SyncHooks {
  readonly stats: RelayStats = {
    published: 0,
    publishFailures: 0,
    received: 0,
    applied: 0,
    incomplete: 0,
    answered: 0,
    catchUps: 0,
    storageReads: 0,
    checks: 0,
  };
  private readonly docs = new Map<string, HookedDoc>();
  /** Updates accepted in the current turn, per document, published together once durable. */
  private readonly pending = new Map<string, { doc: HookedDoc; updates: Uint8Array[] }>();
  /** Per document, the chain of publications (so that they leave in the order they were accepted). */
  private readonly chains = new Map<string, Promise<void>>();
  /** Documents with a catch-up scheduled or running, and those to run again after it. */
  private readonly catchingUp = new Set<string>();
  private readonly catchUpAgain = new Set<string>();
  private readonly logger: Logger;
  private readonly checkIntervalMs: number;
  private readonly recoveryWindowMs: number;
  private checkTimer: NodeJS.Timeout | null = null;
  private checkUntil = 0;
  private closed = false;

  constructor(private readonly options: RelayOptions) {
    this.logger = options.logger;
    this.checkIntervalMs = options.checkIntervalMs ?? 2_000;
    this.recoveryWindowMs = options.recoveryWindowMs ?? 30_000;
    options.bus.onRecovered(() => this.recover());
  }

  private channel(docName: string): string {
    return `${this.options.prefix}doc:${docName}`;
  }

  // --- hooks ---------------------------------------------------------------------------------------------------

  onLoaded(doc: HookedDoc): void {
    this.docs.set(doc.name, doc);
    void this.join(doc);
  }

  onUnloaded(docName: string): void {
    this.docs.delete(docName);
    this.options.bus.unsubscribe(this.channel(docName));
  }

  onUpdate(doc: HookedDoc, update: Uint8Array): void {
    const pending = this.pending.get(doc.name);
    if (pending) {
      pending.updates.push(update);
      return;
    }
    this.pending.set(doc.name, { doc, updates: [update] });
    // The log flushes at the end of this turn too (setImmediate); one flush then covers every update of the turn.
    setImmediate(() => this.publishPending(doc.name));
  }

  onAwareness(doc: HookedDoc, entries: readonly RelayedAwarenessEntry[]): void {
    void this.send(doc.name, '', { kind: 'awareness', entries: [...entries] });
  }

  // --- publishing ----------------------------------------------------------------------------------------------

  private publishPending(docName: string): void {
    const pending = this.pending.get(docName);
    if (!pending) return;
    this.pending.delete(docName);
    const { doc, updates } = pending;
    // Asked for now: covers exactly the updates taken above (and maybe later ones, which is harmless). Once the
    // relay is closed the engine is too, and closing flushed every log: they are durable already.
    const durable = this.closed ? Promise.resolve() : doc.whenDurable();
    this.chain(docName, async () => {
      try {
        await durable;
      } catch (error) {
        // The log failed: the engine closes the document's peers, who resend their edits when they reconnect.
        this.logger.warn('relay.not_durable', { docName, error });
        return;
      }
      const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
      await this.send(docName, '', { kind: 'update', update });
    });
  }

  /** Runs `task` after every publication queued before it for the same document. */
  private chain(docName: string, task: () => Promise<void>): void {
    const previous = this.chains.get(docName) ?? Promise.resolve();
    const next = previous.then(task).catch((error) => this.logger.error('relay.publish_failed', { docName, error }));
    this.chains.set(docName, next);
    void next.then(() => {
      if (this.chains.get(docName) === next) this.chains.delete(docName);
    });
  }

  private async send(docName: string, to: string, message: RelayMessage): Promise<void> {
    const sent = await this.options.bus.publish(
      this.channel(docName),
      encodeEnvelope({ from: this.options.instanceId, to, message }),
    );
    if (sent) this.stats.published++;
    else this.stats.publishFailures++;
  }

  // --- receiving -----------------------------------------------------------------------------------------------

  private receive(docName: string, data: Buffer): void {
    let header: ReturnType<typeof readHeader>;
    let message: RelayMessage;
    try {
      header = readHeader(data);
      if (header === null || header.from === this.options.instanceId) return;
      if (header.to !== '' && header.to !== this.options.instanceId) return;
      message = readMessage(header.decoder);
    } catch (error) {
      this.logger.warn('relay.malformed_message', { docName, error });
      return;
    }
    const doc = this.docs.get(docName);
    if (!doc?.live) return;
    this.stats.received++;
    try {
      this.handle(doc, header.from, message);
    } catch (error) {
      this.logger.warn('relay.message_failed', { docName, kind: message.kind, error });
    }
  }

  private handle(doc: HookedDoc, from: string, message: RelayMessage): void {
    switch (message.kind) {
      case 'update':
      case 'step2':
        this.applyRemote(doc, message.update);
        return;
      case 'step1':
        this.answer(doc, from, message.stateVector, message.reply);
        return;
      case 'awareness':
        doc.applyRemoteAwareness(message.entries);
        return;
      case 'queryAwareness': {
        const entries = doc.localAwareness();
        if (entries.length > 0) void this.send(doc.name, from, { kind: 'awareness', entries });
        return;
      }
    }
  }

  private applyRemote(doc: HookedDoc, update: Uint8Array): void {
    const result = doc.applyRemote(update);
    if (result === 'applied') this.stats.applied++;
    else if (result === 'incomplete') {
      this.stats.incomplete++;
      this.catchUp(doc.name);
    }
  }

  /**
   * A step 1 from `from`: what this copy has beyond its state vector goes back (encoded now, sent once durable, so
   * that nothing is published that storage does not hold). A step 1 of this copy's own goes back too when asked
   * for, or when the state vector shows `from` has something this copy lacks. The answers follow one another
   * on the same connection: `from` applies the step 2 before it reads the step 1.
   */
  private answer(doc: HookedDoc, from: string, stateVector: Uint8Array, reply: boolean): void {
    const diff = doc.missingFrom(stateVector);
    const ask = reply || doc.lacksAnyOf(stateVector);
    if (diff === null && !ask) return;
    const own = ask ? doc.stateVector() : null;
    this.stats.answered++;
    const durable = doc.whenDurable();
    this.chain(doc.name, async () => {
      await durable;
      if (diff !== null) await this.send(doc.name, from, { kind: 'step2', update: diff });
      if (own !== null) await this.send(doc.name, from, { kind: 'step1', stateVector: own, reply: false });
    });
  }

  // --- catching up ---------------------------------------------------------------------------------------------

  /** Once the document's channel is subscribed: offer its state vector, ask for awareness, read storage. */
  private async join(doc: HookedDoc): Promise<void> {
    const subscribed = await this.options.bus.subscribe(this.channel(doc.name), (data) => this.receive(doc.name, data));
    // Not subscribed: Redis is away, and the recovery catches every loaded document up.
    if (!subscribed || this.docs.get(doc.name) !== doc) return;
    await this.send(doc.name, '', { kind: 'step1', stateVector: doc.stateVector(), reply: true });
    await this.send(doc.name, '', { kind: 'queryAwareness' });
  }

  /**
   * Catches one document up: step 1 to every instance (asking for theirs), the awareness of this instance's
   * connections again (Redis may have restarted empty of nothing but subscribers), and the stored updates.
   */
  private catchUp(docName: string): void {
    if (this.catchingUp.has(docName)) {
      this.catchUpAgain.add(docName);
      return;
    }
    this.catchingUp.add(docName);
    void this.runCatchUp(docName).finally(() => {
      this.catchingUp.delete(docName);
      if (this.catchUpAgain.delete(docName) && !this.closed) this.catchUp(docName);
    });
  }

  private async runCatchUp(docName: string): Promise<void> {
    const doc = this.docs.get(docName);
    if (!doc?.live) return;
    this.stats.catchUps++;
    await this.send(docName, '', { kind: 'step1', stateVector: doc.stateVector(), reply: true });
    const awareness = doc.localAwareness();
    if (awareness.length > 0) await this.send(docName, '', { kind: 'awareness', entries: awareness });
    await this.send(docName, '', { kind: 'queryAwareness' });
    const read = this.options.readStored;
    if (!read) return;
    let stored: Uint8Array[];
    try {
      stored = await read(docName);
    } catch (error) {
      this.logger.warn('relay.storage_read_failed', { docName, error });
      return;
    }
    this.stats.storageReads++;
    if (stored.length === 0 || this.docs.get(docName) !== doc || !doc.live) return;
    const merged = stored.length === 1 ? stored[0]! : Y.mergeUpdates(stored);
    this.applyRemote(doc, Y.diffUpdate(merged, doc.stateVector()));
  }

  /** Both Redis connections are back and every channel subscribed again: every loaded document catches up. */
  private recover(): void {
    if (this.closed) return;
    this.logger.info('relay.catching_up', { docs: this.docs.size });
    for (const docName of this.docs.keys()) this.catchUp(docName);
    this.checkUntil = Date.now() + this.recoveryWindowMs;
    if (this.checkTimer === null && this.checkIntervalMs > 0) {
      this.checkTimer = setInterval(() => this.check(), this.checkIntervalMs);
      this.checkTimer.unref();
    }
  }

  /** A state-vector check of every loaded document, for a while after a recovery (a safety net: see class doc). */
  private check(): void {
    if (Date.now() > this.checkUntil || this.closed) {
      if (this.checkTimer) clearInterval(this.checkTimer);
      this.checkTimer = null;
      return;
    }
    for (const doc of this.docs.values()) {
      if (!doc.live) continue;
      this.stats.checks++;
      void this.send(doc.name, '', { kind: 'step1', stateVector: doc.stateVector(), reply: false });
    }
  }

  /**
   * Publishes what was accepted and waits for the publications under way, for at most a few seconds (a graceful
   * stop tells the other instances of everything before closing Redis). Call after the sync engine is closed.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.checkTimer) clearInterval(this.checkTimer);
    for (const docName of [...this.pending.keys()]) this.publishPending(docName);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.chains.values()]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, CLOSE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }
}
