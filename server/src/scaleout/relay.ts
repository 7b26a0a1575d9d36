import * as Y from 'yjs';
import type { Logger } from '../log.js';
import type { HookedDoc, RelayedAwarenessEntry, SyncHooks } from '../sync/hooks.js';
import type { RedisBus } from './bus.js';
import { Sharing } from './sharing.js';
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
  /**
   * How long another instance's update is held here waiting for its `durable` confirmation before this instance
   * logs it itself (its origin may have died before its commit). Default 1 s.
   */
  confirmWithinMs?: number;
  /** How long `durable` confirmations are gathered before they are published (one per document). Default 50 ms. */
  ackDelayMs?: number;
}

/** How long a graceful stop waits for publications under way (Redis may be away). */
const CLOSE_WAIT_MS = 3_000;

export interface RelayStats {
  /** Updates and answers this instance published; messages it took from other instances. */
  published: number;
  /**
   * Updates, awareness batches and `durable` confirmations not published because no other instance held their
   * document (sharing.ts).
   */
  unshared: number;
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
  /** `durable` confirmations published; other instances' updates confirmed; those logged here for want of one. */
  acks: number;
  confirmed: number;
  persistedUnconfirmed: number;
}

/** Another instance's update, applied here, that its origin has not yet confirmed durable. */
interface Unconfirmed {
  seq: number;
  update: Uint8Array;
  receivedAt: number;
}

/**
 * Every instance that has a document loaded holds a copy and relays through Redis (as Hocuspocus's Redis extension
 * does); the durable log is the shared storage, so Redis holds nothing that is only there. This is the sync engine's
 * hooks (sync/hooks.ts) for that:
 *
 * - An update accepted here is published on the document's channel at once, with a sequence number, before this
 *   instance's peers are sent it and in parallel with its commit, so that crossing instances costs a Redis hop and
 *   neither a commit nor this instance's own fan-out. Once it is durable, a `durable` message confirms it
 *   (gathered for `ackDelayMs`, one per document).
 * - Another instance's update is applied as a remote update: it reaches the peers here and is not logged or
 *   published again, but is held until its origin confirms it durable. One not confirmed within `confirmWithinMs`
 *   (its origin died before its commit, or its log failed) is logged here: an update that reached any instance
 *   is never lost with the instance that accepted it. One that does not apply whole (it depends on an update this
 *   copy missed) is dropped, and the document catches up.
 * - Catching up: a sync step 1 (this copy's state vector) on the channel; every instance with the document loaded
 *   answers with what it has beyond it (sync step 2, durable first), and when asked to (`reply`) or when the state
 *   vector names something it lacks, with a step 1 of its own. Plus, when a reader of the shared storage is given,
 *   the stored updates this copy lacks. A document catches up when it is loaded (once its channel is subscribed),
 *   when an update does not apply whole, and after every recovery of the Redis connections; after a recovery, its
 *   state vector is offered again every `checkIntervalMs` for `recoveryWindowMs`.
 * - Awareness: the changes of the connections here are published (never stored); other instances' states are shown
 *   to the peers here by their policy, and expire when their instance stops renewing them.
 * - A document no other instance holds has none of this published (updates, awareness, confirmations), and nothing
 *   is held for it: Redis's answers to the publications and the other instances' messages tell (sharing.ts).
 */
export class DocRelay implements SyncHooks {
  readonly stats: RelayStats = {
    published: 0,
    unshared: 0,
    publishFailures: 0,
    received: 0,
    applied: 0,
    incomplete: 0,
    answered: 0,
    catchUps: 0,
    storageReads: 0,
    checks: 0,
    acks: 0,
    confirmed: 0,
    persistedUnconfirmed: 0,
  };
  /** The sequence number of this instance's last published update (every document's). */
  private seq = 0;
  /** Per document, the last of this instance's updates known durable, not yet confirmed on the channel. */
  private readonly acks = new Map<string, number>();
  private ackTimer: NodeJS.Timeout | null = null;
  /** Per document and origin instance, its updates applied here and not yet confirmed, oldest first. */
  private readonly unconfirmed = new Map<string, Map<string, Unconfirmed[]>>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly confirmWithinMs: number;
  private readonly ackDelayMs: number;
  /** Publications under way (waited for by `close`). */
  private readonly sending = new Set<Promise<void>>();
  private readonly docs = new Map<string, HookedDoc>();
  private readonly sharing = new Sharing();
  /** Per document, the last update published by the message being handled, its durability not yet asked for. */
  private readonly unasked = new Map<string, { doc: HookedDoc; seq: number }>();
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
    this.confirmWithinMs = options.confirmWithinMs ?? 1_000;
    this.ackDelayMs = options.ackDelayMs ?? 50;
    options.bus.onRecovered(() => this.recover());
  }

  private channel(docName: string): string {
    return `${this.options.prefix}doc:${docName}`;
  }

  /** Whether another instance may hold the document (its updates are published only then: sharing.ts). */
  mayBeShared(docName: string): boolean {
    return this.sharing.mayBeShared(docName);
  }

  // --- hooks ---------------------------------------------------------------------------------------------------

  onLoaded(doc: HookedDoc): void {
    this.docs.set(doc.name, doc);
    this.sharing.track(doc.name);
    void this.join(doc);
  }

  onUnloaded(docName: string): void {
    this.docs.delete(docName);
    // Nobody has it open here any more: an update its origin never confirms lives on in the client that sent it,
    // which resends it to whichever instance it reconnects to (that instance lacks it).
    this.unconfirmed.delete(docName);
    this.sharing.forget(docName);
    this.options.bus.unsubscribe(this.channel(docName));
  }

  onUpdate(doc: HookedDoc, update: Uint8Array): void {
    if (!this.sharing.mayBeShared(doc.name)) {
      this.stats.unshared++;
      return;
    }
    // Published at once, before the peers here are sent it (sync/hooks.ts): one write to Redis, and the other
    // instances apply it while this one writes to its own sockets.
    const seq = ++this.seq;
    // Publications leave in the order they are made: one Redis connection, commands written in order.
    this.launch(this.send(doc.name, '', { kind: 'update', update, seq }));
    const unasked = this.unasked.get(doc.name);
    if (unasked) {
      unasked.seq = seq;
      return;
    }
    this.unasked.set(doc.name, { doc, seq });
    // Durability is asked for once the message that made the update has been handled: asking starts the commit
    // (sync/hooks.ts `whenDurable`), which the peers here should not wait for.
    queueMicrotask(() => this.awaitDurable(doc.name));
  }

  onAwareness(doc: HookedDoc, entries: readonly RelayedAwarenessEntry[]): void {
    if (!this.sharing.mayBeShared(doc.name)) {
      this.stats.unshared++;
      return;
    }
    void this.send(doc.name, '', { kind: 'awareness', entries: [...entries] });
  }

  // --- publishing ----------------------------------------------------------------------------------------------

  private awaitDurable(docName: string): void {
    const unasked = this.unasked.get(docName);
    if (!unasked) return;
    this.unasked.delete(docName);
    const { doc, seq } = unasked;
    // Asked for now: covers exactly the updates published so far (and maybe later ones, which is harmless). Once the
    // relay is closed the engine is too, and closing flushed every log: they are durable already.
    const durable = this.closed ? Promise.resolve() : doc.whenDurable();
    this.chain(docName, async () => {
      try {
        await durable;
      } catch (error) {
        // The log failed: the engine closes the document's peers, who resend their edits when they reconnect; the
        // other instances log what they applied of it when no confirmation comes.
        this.logger.warn('relay.not_durable', { docName, error });
        return;
      }
      this.confirm(docName, seq);
    });
  }

  /** `seq` is durable: confirm it (with every earlier one) on the document's channel within `ackDelayMs`. */
  private confirm(docName: string, seq: number): void {
    this.acks.set(docName, seq);
    if (this.ackTimer !== null) return;
    if (this.closed) {
      this.sendAcks();
      return;
    }
    this.ackTimer = setTimeout(() => this.sendAcks(), this.ackDelayMs);
    this.ackTimer.unref();
  }

  private sendAcks(): void {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    for (const [docName, seq] of this.acks) {
      // Whoever held the updates it confirms has unloaded the document since (and dropped what it held).
      if (!this.sharing.mayBeShared(docName)) {
        this.stats.unshared++;
        continue;
      }
      this.stats.acks++;
      this.launch(this.send(docName, '', { kind: 'durable', seq }));
    }
    this.acks.clear();
  }

  private launch(sending: Promise<void>): void {
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
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
    const bus = this.options.bus;
    // A message to every instance also tells, by how many received it, whether any other holds the document.
    const ticket = to === '' ? this.sharing.ticket(docName, bus) : null;
    const receivers = await bus.publish(
      this.channel(docName),
      encodeEnvelope({ from: this.options.instanceId, to, message }),
    );
    if (receivers === null) {
      this.stats.publishFailures++;
      return;
    }
    this.stats.published++;
    this.sharing.published(ticket, receivers, bus);
  }

  // --- receiving -----------------------------------------------------------------------------------------------

  private receive(docName: string, data: Buffer): void {
    let header: ReturnType<typeof readHeader>;
    let message: RelayMessage;
    try {
      header = readHeader(data);
      if (header === null || header.from === this.options.instanceId) return;
      // Another instance holds the document, whomever its message is for.
      this.sharing.heard(docName);
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
        if (this.applyRemote(doc, message.update)) this.hold(doc.name, from, message.seq, message.update);
        return;
      case 'step2':
        this.applyRemote(doc, message.update);
        return;
      case 'durable':
        this.confirmed(doc.name, from, message.seq);
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

  /** Applies another instance's update; true when it was applied. */
  private applyRemote(doc: HookedDoc, update: Uint8Array): boolean {
    const result = doc.applyRemote(update);
    if (result === 'applied') this.stats.applied++;
    else if (result === 'incomplete') {
      this.stats.incomplete++;
      this.catchUp(doc.name);
    }
    return result === 'applied';
  }

  // --- confirmations -------------------------------------------------------------------------------------------

  /** How many of other instances' updates are held here waiting for their confirmation. */
  heldUpdates(): number {
    let count = 0;
    for (const byOrigin of this.unconfirmed.values()) for (const held of byOrigin.values()) count += held.length;
    return count;
  }

  /** Holds an applied update of `from` until `from` confirms it durable (or logs it here: `sweep`). */
  private hold(docName: string, from: string, seq: number, update: Uint8Array): void {
    const byOrigin = this.unconfirmed.get(docName) ?? new Map<string, Unconfirmed[]>();
    this.unconfirmed.set(docName, byOrigin);
    const held = byOrigin.get(from) ?? [];
    byOrigin.set(from, held);
    held.push({ seq, update, receivedAt: Date.now() });
    if (this.sweepTimer === null) {
      this.sweepTimer = setInterval(() => this.sweep(), Math.max(10, this.confirmWithinMs / 4));
      this.sweepTimer.unref();
    }
  }

  private confirmed(docName: string, from: string, seq: number): void {
    const byOrigin = this.unconfirmed.get(docName);
    const held = byOrigin?.get(from);
    if (!byOrigin || !held) return;
    let count = 0;
    while (count < held.length && held[count]!.seq <= seq) count++;
    this.stats.confirmed += count;
    held.splice(0, count);
    if (held.length === 0) byOrigin.delete(from);
    if (byOrigin.size === 0) this.unconfirmed.delete(docName);
  }

  /**
   * Logs here every held update older than `confirmWithinMs`: its origin did not confirm it (killed before its
   * commit, its log failed, or the confirmation was lost with Redis). Logging an update twice is harmless in Yjs.
   */
  private sweep(): void {
    const before = Date.now() - this.confirmWithinMs;
    for (const [docName, byOrigin] of this.unconfirmed) {
      const doc = this.docs.get(docName);
      for (const [from, held] of byOrigin) {
        let count = 0;
        while (count < held.length && held[count]!.receivedAt <= before) count++;
        if (count === 0) continue;
        const updates = held.splice(0, count).map((entry) => entry.update);
        if (held.length === 0) byOrigin.delete(from);
        if (!doc?.live) continue;
        doc.persistRemote(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
        this.stats.persistedUnconfirmed += count;
        this.logger.warn('relay.unconfirmed_logged', { docName, from, updates: count });
      }
      if (byOrigin.size === 0) this.unconfirmed.delete(docName);
    }
    if (this.unconfirmed.size === 0 && this.sweepTimer !== null) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
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
      if (diff !== null) this.launch(this.send(doc.name, from, { kind: 'step2', update: diff }));
      if (own !== null) this.launch(this.send(doc.name, from, { kind: 'step1', stateVector: own, reply: false }));
    });
  }

  // --- catching up ---------------------------------------------------------------------------------------------

  /** Once the document's channel is subscribed: offer its state vector, ask for awareness, read storage. */
  private async join(doc: HookedDoc): Promise<void> {
    const subscribed = await this.options.bus.subscribe(this.channel(doc.name), (data) => this.receive(doc.name, data));
    // Not subscribed: Redis is away, and the recovery catches every loaded document up.
    if (!subscribed || this.docs.get(doc.name) !== doc) return;
    this.sharing.subscribed(doc.name);
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
    this.sharing.recovered();
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
   * Confirms what was accepted and waits for the publications under way, for at most a few seconds (a graceful
   * stop tells the other instances of everything before closing Redis). Call after the sync engine is closed.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.checkTimer) clearInterval(this.checkTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const docName of [...this.unasked.keys()]) this.awaitDurable(docName);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      // Every chain ends with its confirmation sent at once (the relay is closed), then the publications drain.
      Promise.all([...this.chains.values()]).then(() => {
        this.sendAcks();
        return Promise.all([...this.sending]);
      }),
      new Promise((resolve) => {
        timer = setTimeout(resolve, CLOSE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }
}
