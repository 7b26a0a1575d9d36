/**
 * Extension points of the sync engine, on the model of Hocuspocus's server hooks: what the engine tells an
 * extension (a document loaded, an update accepted, awareness changed, a document unloaded) and what it lets an
 * extension do to a loaded document (apply another instance's update, show other instances' awareness). The Redis
 * relay (server/src/scaleout/relay.ts) is the one implementation; the engine itself knows nothing of Redis.
 * docs/scale-out.md describes how the relay uses these hooks and what they guarantee.
 */

/** An awareness state as it crosses instances: already stamped by the instance its connection is on. */
export interface RelayedAwarenessEntry {
  clientId: number;
  clock: number;
  /** The authenticated user the state is bound to (who may take the client id over when reconnecting). */
  userId: string;
  /** The state for peers with policy `full` and for peers with policy `presence`; both null: the state is removed. */
  full: string | null;
  presence: string | null;
}

/** A loaded document as an extension sees it; valid from `onLoaded` until `onUnloaded` for the same name. */
export interface HookedDoc {
  readonly name: string;
  /** False once the document is unloaded or its log failed: nothing can be applied any more. */
  readonly live: boolean;
  /** The Yjs state vector of this instance's copy. */
  stateVector(): Uint8Array;
  /** What this copy has that `stateVector` lacks (a Yjs update), or null when it has nothing more. */
  missingFrom(stateVector: Uint8Array): Uint8Array | null;
  /** Whether `stateVector` names anything this copy lacks. */
  lacksAnyOf(stateVector: Uint8Array): boolean;
  /**
   * Applies an update that another instance accepted (and logs itself), or that was read back from the shared
   * storage: it reaches this instance's peers, but is neither appended to the log nor reported to `onUpdate`.
   * 'incomplete': it depends on something this copy lacks, and nothing was applied (catch up, then it comes whole).
   */
  applyRemote(update: Uint8Array): 'applied' | 'incomplete' | 'unavailable';
  /**
   * Appends to this instance's log an update already applied through `applyRemote` (its origin did not confirm
   * it durable); not reported to `onUpdate`. Nothing happens once the document is not live.
   */
  persistRemote(update: Uint8Array): void;
  /** Awareness states of other instances' connections: relayed to the peers here by their policy, shown to joiners. */
  applyRemoteAwareness(entries: readonly RelayedAwarenessEntry[]): void;
  /** The current awareness states of this instance's own connections (to answer another instance's query). */
  localAwareness(): RelayedAwarenessEntry[];
  /** Resolves once everything accepted here so far is durable in storage; rejects if the log failed. */
  whenDurable(): Promise<void>;
}

export interface SyncHooks {
  /** A document was loaded from storage (under its lock, before any peer is attached). */
  onLoaded?(doc: HookedDoc): void;
  /**
   * An update accepted on this instance (from a client, or the server's own through `withDoc`), validated and
   * appended to the log (durable once `doc.whenDurable()` resolves), just before this instance's peers are sent it:
   * what is done here synchronously delays them. A client's update is integrated by Yjs at the end of the turn
   * (reading the document through this interface integrates it first). Never called for `applyRemote` updates.
   */
  onUpdate?(doc: HookedDoc, update: Uint8Array): void;
  /** Changes of this instance's own connections' awareness states: one batch per document per awareness tick. */
  onAwareness?(doc: HookedDoc, entries: readonly RelayedAwarenessEntry[]): void;
  /** The document was unloaded (idle, deleted, failed or shutting down); its HookedDoc is dead. */
  onUnloaded?(docName: string): void;
}
