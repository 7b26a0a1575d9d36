/**
 * Whether another instance may hold a document, as this instance learns it from Redis. A document that no other
 * instance has loaded needs nothing relayed: its updates, awareness changes and `durable` confirmations would reach
 * nobody (a blind-round layer open in one coder's tab, every document of a single instance). The relay publishes
 * them only while this says the document may be shared.
 *
 * What tells: PUBLISH answers how many subscribers received the message. This instance subscribes to the channel of
 * every document it holds, so an answer of 1, read while its own subscription is confirmed, means nobody else.
 * Any message from another instance on the channel means somebody else. An instance that loads a document always
 * announces it (a sync step 1 once subscribed: relay.ts `join`), so whoever holds it alone learns of the newcomer and
 * publishes again; what it accepted before the newcomer was heard of reaches it in the answer to that step 1.
 *
 * Unknown counts as shared: from the load until the subscription is confirmed, after Redis was lost and recovered,
 * and when an answer of 1 crossed a message from another instance (the answer is then older than what was heard).
 */
export class Sharing {
  private readonly docs = new Map<string, DocSharing>();

  /** A document was loaded: shared until known otherwise. */
  track(docName: string): void {
    this.docs.set(docName, { subscribed: false, others: true, heard: 0 });
  }

  forget(docName: string): void {
    this.docs.delete(docName);
  }

  /** Redis confirmed this instance's subscription to the document's channel. */
  subscribed(docName: string): void {
    const doc = this.docs.get(docName);
    if (doc) doc.subscribed = true;
  }

  /** A message from another instance arrived on the document's channel. */
  heard(docName: string): void {
    const doc = this.docs.get(docName);
    if (!doc) return;
    doc.others = true;
    doc.heard++;
  }

  /** Redis was lost and every channel is subscribed again: nothing is known about the others any more. */
  recovered(): void {
    for (const doc of this.docs.values()) {
      doc.subscribed = true;
      doc.others = true;
    }
  }

  /** Whether another instance may hold the document (true for one not tracked). */
  mayBeShared(docName: string): boolean {
    return this.docs.get(docName)?.others ?? true;
  }

  /**
   * Before a publication on the document's channel: what `published` needs to read its answer, or null when the
   * answer could not tell (own subscription not confirmed; `connection` names the Redis connections' state).
   */
  ticket(docName: string, connection: RedisConnection): SharingTicket | null {
    const doc = this.docs.get(docName);
    if (!doc?.subscribed || !connection.connected) return null;
    return { docName, doc, heard: doc.heard, recoveries: connection.recoveries };
  }

  /** The publication `ticket` was taken for reached `receivers` subscribers. */
  published(ticket: SharingTicket | null, receivers: number, connection: RedisConnection): void {
    if (ticket === null) return;
    const { doc } = ticket;
    // Unloaded (and maybe loaded again) meanwhile, or Redis lost since: the answer says nothing of now.
    if (this.docs.get(ticket.docName) !== doc) return;
    if (!connection.connected || connection.recoveries !== ticket.recoveries) return;
    if (receivers > 1) doc.others = true;
    else if (receivers === 1 && doc.heard === ticket.heard) doc.others = false;
  }
}

/** What `Sharing` reads of the Redis connections (bus.ts `RedisBus`). */
export interface RedisConnection {
  readonly connected: boolean;
  readonly recoveries: number;
}

interface DocSharing {
  subscribed: boolean;
  others: boolean;
  /** Messages heard from other instances on the channel (to tell an answer older than one of them). */
  heard: number;
}

export interface SharingTicket {
  readonly docName: string;
  readonly doc: DocSharing;
  readonly heard: number;
  readonly recoveries: number;
}
