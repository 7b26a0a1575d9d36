import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
  CLOSE_DELETED,
  CLOSE_FORBIDDEN,
  CLOSE_INVALID_CONTENT,
  CLOSE_SESSION_ENDED,
  type LostDoc,
} from '../importExport/lostAccess.js';
import { discardAllLocal, discardLocal, localStorageAvailable, persist, readPending, writePending } from './local.js';

export type ConnectionStatus = 'online' | 'syncing' | 'offline';

/** One open document: a Y.Doc kept in sync with the server by a y-websocket provider. */
export interface OpenDoc {
  name: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Local changes not yet sent to the server (made while not synced). */
  pending: boolean;
  /** Synced with the server at least once since it was opened (it may be disconnected now to bound connections). */
  loaded: boolean;
  /** Something to show: synced with the server, or restored from this browser's copy. */
  ready: boolean;
  /** Called once when `ready` becomes true; returns an unsubscribe. */
  onReady(listener: () => void): () => void;
}

interface Entry extends OpenDoc {
  /** Components showing it: it stays connected. */
  refs: number;
  /** Background readers (a dashboard over many documents): connected in turns when there are more than fit. */
  background: number;
  /** Local changes made while not synced with the server, not yet sent. */
  pendingCount: number;
  closeTimer: ReturnType<typeof setTimeout> | null;
  /** The server closed it for good (44xx: access revoked, deleted); it is not reconnected. */
  lost: LostDoc | null;
  /** The server ended the session behind its socket (4401); it reconnects once the user has signed in again. */
  sessionEnded: boolean;
  /** Whether the pool wants it connected now. */
  live: boolean;
  /** Acquired at least once: a document only looked up (`get`) during a render is not connected for that. */
  used: boolean;
  /** When it was last connected (for taking turns) and last used by a component (for closing idle ones). */
  liveSince: number;
  refreshedAt: number;
  lastUsed: number;
  readyListeners: Set<() => void>;
  /** y-websocket counts the pool's own disconnects as failures: only failures beyond these say offline. */
  failuresBefore: number;
  persistence: { destroy(): Promise<void>; whenSynced: Promise<unknown> } | null;
}

export interface PoolOptions {
  /** At most this many documents are connected at once (more only while more are shown or have changes to send). */
  maxLive?: number;
  /** How long a background document stays connected after syncing before another takes its turn. */
  turnMs?: number;
  /** For Node (tests): the WebSocket class y-websocket uses. */
  WebSocketPolyfill?: typeof WebSocket;
}

/** How long a document nobody uses stays open: moving between views does not reload it. */
const GRACE_MS = 10_000;
export const MAX_LIVE = 24;
const TURN_MS = 2_000;
/** The server refused these for good: nothing kept locally can ever reach it. */
const DISCARD_CODES = new Set([CLOSE_FORBIDDEN, CLOSE_DELETED, CLOSE_INVALID_CONTENT]);

/**
 * Every document the tab has open, reference-counted, with one aggregated connection status and a bounded number
 * of WebSockets. Going offline (the browser's `offline` event) disconnects at once instead of waiting for
 * y-websocket's 30 s watchdog; edits go on in the local docs, are kept in IndexedDB (per signed-in user) and are
 * exchanged by the sync handshake when the connection is back.
 *
 * Connections: documents shown by a component (`acquire`) or with changes to send are always connected; at most
 * `maxLive` in all are. Background readers (`acquireBackground`, e.g. an open round's dashboard over 40 transcripts
 * x 4 coders) share the remaining slots in turns: each connects, syncs, stays for `turnMs`, then makes room for the
 * one that has waited longest. Idle documents (released, in their grace period) give up their socket first.
 */
export class DocPool {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private status: ConnectionStatus = 'online';
  private pendingTotal = 0;
  private online = typeof navigator === 'undefined' ? true : navigator.onLine;
  private lostDocs: readonly LostDoc[] = [];
  private readonly lostListeners = new Set<() => void>();
  private userId: string | null = null;
  private turnTimer: ReturnType<typeof setTimeout> | null = null;
  private scheduling = false;
  private scheduleQueued = false;
  private rescheduled = false;
  private readonly maxLive: number;
  private readonly turnMs: number;

  /**
   * Told when a document's connection closes after failing before: the app then checks whether the session expired
   * and whether access to the document was lost.
   */
  onConnectionTrouble: (name: string) => void = () => {};

  /** Told when the server closed a document because the session behind it ended: the app asks to sign in again. */
  onSessionEnded: () => void = () => {};

  constructor(
    private readonly url: string,
    private readonly options: PoolOptions = {},
  ) {
    this.maxLive = options.maxLive ?? MAX_LIVE;
    this.turnMs = options.turnMs ?? TURN_MS;
    if (typeof window !== 'undefined') {
      window.addEventListener('offline', () => this.setOnline(false));
      window.addEventListener('online', () => this.setOnline(true));
    }
  }

  /**
   * The signed-in user, whose local copies the pool reads and writes (null: none kept). Documents with changes a
   * previous tab could not send are opened at once, so they are sent without the user opening them again.
   */
  get user(): string | null {
    return this.userId;
  }

  setUser(userId: string | null): void {
    if (this.userId === userId) return;
    this.closeAll();
    this.userId = userId;
    if (userId === null || !localStorageAvailable()) return;
    for (const name of Object.keys(readPending(userId))) this.get(name);
  }

  private setOnline(online: boolean): void {
    this.online = online;
    this.schedule();
  }

  /** The document (opened if needed); it stays open while acquired and for a grace period after. */
  get(name: string): OpenDoc {
    return this.entry(name);
  }

  private entry(name: string): Entry {
    const existing = this.entries.get(name);
    if (existing) return existing;
    const doc = new Y.Doc();
    // The broadcast channel would sync tabs of this browser behind the server's back (and its access checks).
    const provider = new WebsocketProvider(this.url, name, doc, {
      connect: false,
      disableBc: true,
      ...(this.options.WebSocketPolyfill ? { WebSocketPolyfill: this.options.WebSocketPolyfill } : {}),
    });
    const userId = this.userId;
    const stored = userId !== null && localStorageAvailable() ? (readPending(userId)[name] ?? 0) : 0;
    const entry: Entry = {
      name,
      doc,
      provider,
      get pending() {
        return this.pendingCount > 0;
      },
      loaded: false,
      ready: false,
      onReady: (listener) => {
        if (entry.ready) {
          listener();
          return () => {};
        }
        entry.readyListeners.add(listener);
        return () => entry.readyListeners.delete(listener);
      },
      refs: 0,
      background: 0,
      pendingCount: stored,
      closeTimer: null,
      lost: null,
      sessionEnded: false,
      live: false,
      used: false,
      liveSince: 0,
      refreshedAt: 0,
      lastUsed: Date.now(),
      readyListeners: new Set(),
      failuresBefore: 0,
      persistence: null,
    };
    const markReady = () => {
      if (entry.ready) return;
      entry.ready = true;
      for (const listener of entry.readyListeners) listener();
      entry.readyListeners.clear();
    };
    if (userId !== null && localStorageAvailable()) {
      const persistence = persist(userId, name, doc);
      entry.persistence = persistence;
      persistence.whenSynced.then(() => {
        // Restored from this browser: shown at once, offline too (an empty copy proves nothing: wait for the server).
        if (doc.store.clients.size > 0) markReady();
      });
      doc.on('update', (_update: Uint8Array, origin: unknown) => {
        if (origin === persistence || origin === provider || provider.synced) return;
        this.setPending(entry, entry.pendingCount + 1);
      });
    } else {
      doc.on('update', (_update: Uint8Array, origin: unknown) => {
        if (origin !== provider && !provider.synced) this.setPending(entry, entry.pendingCount + 1);
      });
    }
    provider.on('status', () => this.update());
    provider.on('sync', (synced: boolean) => {
      if (synced) {
        entry.loaded = true;
        entry.liveSince = Date.now();
        entry.failuresBefore = 0;
        markReady();
        this.setPending(entry, 0);
        if (entry.refs <= 0 && entry.closeTimer === null && entry.background <= 0) this.scheduleClose(entry);
        this.schedule();
      }
      this.update();
    });
    provider.on('connection-close', (event) => {
      // A close the pool asked for (`event` null: taking turns, going offline) is no trouble.
      if (event !== null && entry.live && provider.wsUnsuccessfulReconnects > entry.failuresBefore) {
        this.onConnectionTrouble(name);
      }
      this.update();
    });
    // y-websocket gives up after a 44xx close; say so instead of showing the document as offline forever.
    provider.on('closed', ({ code, reason }) => {
      if (code === CLOSE_SESSION_ENDED) {
        // Not lost: the same user signing in again may go on, unsynced edits included (see `resume`).
        entry.sessionEnded = true;
        entry.live = false;
        this.onSessionEnded();
        this.update();
      } else {
        this.lose(entry, code, reason);
      }
    });
    this.entries.set(name, entry);
    this.scheduleClose(entry);
    this.schedule();
    return entry;
  }

  private setPending(entry: Entry, count: number): void {
    if (entry.pendingCount === count) return;
    entry.pendingCount = count;
    if (this.userId !== null && entry.persistence) writePending(this.userId, entry.name, count);
    this.update();
  }

  acquire(name: string): OpenDoc {
    const entry = this.entry(name);
    entry.used = true;
    entry.refs++;
    entry.lastUsed = Date.now();
    if (entry.closeTimer !== null) clearTimeout(entry.closeTimer);
    entry.closeTimer = null;
    this.schedule();
    return entry;
  }

  release(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.refs--;
    entry.lastUsed = Date.now();
    if (entry.refs <= 0 && entry.background <= 0) this.scheduleClose(entry);
    this.schedule();
  }

  /** A document read in the background (not shown): connected when a slot is free, in turns with the others. */
  acquireBackground(name: string): OpenDoc {
    const entry = this.entry(name);
    entry.used = true;
    entry.background++;
    if (entry.closeTimer !== null) clearTimeout(entry.closeTimer);
    entry.closeTimer = null;
    this.schedule();
    return entry;
  }

  releaseBackground(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.background--;
    if (entry.refs <= 0 && entry.background <= 0) this.scheduleClose(entry);
    this.schedule();
  }

  private scheduleClose(entry: Entry): void {
    if (entry.closeTimer !== null) clearTimeout(entry.closeTimer);
    entry.closeTimer = setTimeout(() => {
      entry.closeTimer = null;
      // A document with unsynced changes stays open until they are through (unless they never can be).
      if (entry.refs > 0 || entry.background > 0 || (entry.pending && !entry.lost)) return;
      this.destroy(entry);
      this.entries.delete(entry.name);
      this.schedule();
      this.update();
    }, GRACE_MS);
  }

  private destroy(entry: Entry): void {
    if (entry.closeTimer !== null) clearTimeout(entry.closeTimer);
    entry.provider.destroy();
    // The local copy is written as each update happens; destroying only closes the database.
    entry.doc.destroy();
  }

  /**
   * Decides which documents are connected: shown ones and ones with changes to send always, then background and
   * idle ones while slots are free, taking turns once a background reader has had its turn.
   */
  private schedule(): void {
    // A page acquires its documents one by one in the same task: decide once for all of them.
    if (this.scheduleQueued) return;
    this.scheduleQueued = true;
    queueMicrotask(() => {
      this.scheduleQueued = false;
      this.scheduleNow();
    });
  }

  private scheduleNow(): void {
    if (this.scheduling) {
      this.rescheduled = true;
      return;
    }
    if (this.turnTimer !== null) clearTimeout(this.turnTimer);
    this.turnTimer = null;
    const now = Date.now();
    const usable = [...this.entries.values()].filter((e) => !e.lost && !e.sessionEnded && this.online);
    const needed = usable.filter((e) => e.refs > 0 || e.pendingCount > 0);
    const neededSet = new Set(needed);
    const rest = usable.filter((e) => !neededSet.has(e) && e.used);
    // Order of the rest: background readers never synced, then those in their turn, then idle ones most recently
    // used, then background readers that have waited longest.
    const rank = (e: Entry): [number, number] => {
      if (e.background > 0 && !e.loaded) return [0, e.lastUsed];
      if (e.background > 0 && e.live && now - e.liveSince < this.turnMs) return [1, 0];
      if (e.background <= 0) return [2, -e.lastUsed];
      return [3, e.live ? e.liveSince : e.refreshedAt];
    };
    const ranked = rest
      .map((e) => ({ e, r: rank(e) }))
      .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1])
      .map(({ e }) => e);
    const slots = Math.max(0, this.maxLive - needed.length);
    const connect = new Set([...needed, ...ranked.slice(0, slots)]);
    // Providers emit events synchronously (a handler may schedule again): decide first, then close before opening,
    // so the number of sockets never goes over the bound, not even in between.
    const closing = [...this.entries.values()].filter((e) => e.live && !connect.has(e));
    const opening = [...connect].filter((e) => !e.live);
    for (const e of closing) {
      e.live = false;
      if (e.loaded) e.refreshedAt = now;
    }
    for (const e of opening) {
      e.live = true;
      e.liveSince = now;
      e.failuresBefore = e.provider.wsUnsuccessfulReconnects;
    }
    this.scheduling = true;
    try {
      for (const e of closing) e.provider.disconnect();
      for (const e of opening) if (e.live) e.provider.connect();
    } finally {
      this.scheduling = false;
    }
    if (this.rescheduled) {
      this.rescheduled = false;
      this.scheduleNow();
      return;
    }
    // Background readers left waiting get their turn when a connected one's turn is over.
    const waiting = ranked.slice(slots).some((e) => e.background > 0);
    if (waiting) this.turnTimer = setTimeout(() => this.schedule(), this.turnMs);
    this.update();
  }

  /** How many documents are connected now (at most `maxLive` unless more are shown or have changes to send). */
  get liveCount(): number {
    let count = 0;
    for (const e of this.entries.values()) if (e.live) count++;
    return count;
  }

  /** Closes everything at once (sign-out, another user); local copies stay in the browser. */
  closeAll(): void {
    for (const entry of this.entries.values()) this.destroy(entry);
    this.entries.clear();
    if (this.turnTimer !== null) clearTimeout(this.turnTimer);
    this.turnTimer = null;
    this.dismissLost();
    this.update();
  }

  /**
   * Signs the pool out: closes everything and, when nothing is waiting to be sent, forgets this user's local
   * copies. With changes waiting they stay (for the same user's next sign-in); the app warns before that.
   */
  async signOut(): Promise<void> {
    const userId = this.userId;
    const waiting = this.pendingCount();
    this.closeAll();
    this.userId = null;
    if (userId !== null && waiting === 0 && localStorageAvailable()) await discardAllLocal(userId);
  }

  /** After the same user signed in again: reconnects the documents whose session had ended. */
  resume(): void {
    for (const entry of this.entries.values()) entry.sessionEnded = false;
    this.schedule();
  }

  /**
   * Stops reconnecting a document the server refused for good at the upgrade (see `accessLost`), and reports it
   * like one it closed with `code`.
   */
  markLost(name: string, code: number, reason: string): void {
    const entry = this.entries.get(name);
    if (!entry || entry.lost) return;
    entry.live = false;
    entry.provider.disconnect();
    this.lose(entry, code, reason);
  }

  private lose(entry: Entry, code: number, reason: string): void {
    entry.lost = { name: entry.name, code, reason };
    entry.live = false;
    if (DISCARD_CODES.has(code) && this.userId !== null && entry.persistence) {
      // Refused for good: this browser must not keep (or re-send) what the user may no longer have.
      const { userId, name } = { userId: this.userId, name: entry.name };
      entry.pendingCount = 0;
      entry.persistence.destroy().then(() => discardLocal(userId, name));
      entry.persistence = null;
    }
    this.lostDocs = [...this.lostDocs.filter((lost) => lost.name !== entry.name), entry.lost];
    for (const listener of this.lostListeners) listener();
    this.schedule();
  }

  /** Documents the server closed for good since the last dismissal (see `importExport/lostAccess.ts`). */
  getLost = (): readonly LostDoc[] => this.lostDocs;

  subscribeLost = (listener: () => void): (() => void) => {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  };

  dismissLost(): void {
    if (this.lostDocs.length === 0) return;
    this.lostDocs = [];
    for (const listener of this.lostListeners) listener();
  }

  get hasPending(): boolean {
    return this.pendingCount() > 0;
  }

  /** Waiting changes that live only in this tab (the browser keeps no local copy: IndexedDB unavailable). */
  get hasUnkeptPending(): boolean {
    for (const entry of this.entries.values())
      if (entry.pendingCount > 0 && !entry.lost && !entry.persistence) return true;
    return false;
  }

  /** Changes made here that the server has not been sent yet, over every open document. */
  pendingCount = (): number => this.pendingTotal;

  getStatus = (): ConnectionStatus => this.status;

  /** Told when the status or the number of waiting changes changes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private update(): void {
    const next = this.computeStatus();
    let pending = 0;
    for (const entry of this.entries.values()) if (!entry.lost) pending += entry.pendingCount;
    if (next === this.status && pending === this.pendingTotal) return;
    this.status = next;
    this.pendingTotal = pending;
    for (const listener of this.listeners) listener();
  }

  private computeStatus(): ConnectionStatus {
    if (!this.online) return 'offline';
    let syncing = false;
    for (const { provider, lost, sessionEnded, live, failuresBefore } of this.entries.values()) {
      if (lost) continue;
      if (sessionEnded) return 'offline';
      if (!live) continue;
      if (!provider.wsconnected && provider.wsUnsuccessfulReconnects > failuresBefore) return 'offline';
      if (!provider.synced) syncing = true;
    }
    return syncing ? 'syncing' : 'online';
  }
}
