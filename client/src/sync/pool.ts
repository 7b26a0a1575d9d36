import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CLOSE_SESSION_ENDED, type LostDoc } from '../importExport/lostAccess.js';

export type ConnectionStatus = 'online' | 'syncing' | 'offline';

/** One open document: a Y.Doc kept in sync with the server by a y-websocket provider. */
export interface OpenDoc {
  name: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Local changes made while disconnected, not yet synced. */
  pending: boolean;
}

interface Entry extends OpenDoc {
  refs: number;
  closeTimer: ReturnType<typeof setTimeout> | null;
  /** The server closed it for good (44xx: access revoked, deleted); it is not reconnected. */
  lost: LostDoc | null;
  /** The server ended the session behind its socket (4401); it reconnects once the user has signed in again. */
  sessionEnded: boolean;
}

/** How long a document nobody uses stays open: moving between views does not reload it. */
const GRACE_MS = 10_000;

/**
 * Every document the tab has open, reference-counted, with one aggregated connection status. Going offline
 * (the browser's `offline` event) disconnects at once instead of waiting for y-websocket's 30 s watchdog; edits go
 * on in the local docs and are exchanged by the sync handshake when the connection is back.
 */
export class DocPool {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private status: ConnectionStatus = 'online';
  private online = typeof navigator === 'undefined' ? true : navigator.onLine;
  private lostDocs: readonly LostDoc[] = [];
  private readonly lostListeners = new Set<() => void>();

  /**
   * Told when a document's connection closes after failing before: the app then checks whether the session expired
   * and whether access to the document was lost.
   */
  onConnectionTrouble: (name: string) => void = () => {};

  /** Told when the server closed a document because the session behind it ended: the app asks to sign in again. */
  onSessionEnded: () => void = () => {};

  constructor(private readonly url: string) {
    if (typeof window !== 'undefined') {
      window.addEventListener('offline', () => this.setOnline(false));
      window.addEventListener('online', () => this.setOnline(true));
    }
  }

  private setOnline(online: boolean): void {
    this.online = online;
    for (const entry of this.entries.values()) {
      if (entry.lost) continue;
      if (online) entry.provider.connect();
      else entry.provider.disconnect();
    }
    this.update();
  }

  /** The document (opened if needed); it stays open while acquired and for a grace period after. */
  get(name: string): OpenDoc {
    let entry = this.entries.get(name);
    if (!entry) {
      const doc = new Y.Doc();
      // The broadcast channel would sync tabs of this browser behind the server's back (and its access checks).
      const provider = new WebsocketProvider(this.url, name, doc, { connect: this.online, disableBc: true });
      const created: Entry = {
        name,
        doc,
        provider,
        pending: false,
        refs: 0,
        closeTimer: null,
        lost: null,
        sessionEnded: false,
      };
      entry = created;
      doc.on('update', (_update: Uint8Array, origin: unknown) => {
        if (origin !== provider && !provider.synced) {
          created.pending = true;
          this.update();
        }
      });
      provider.on('status', () => this.update());
      provider.on('sync', (synced: boolean) => {
        if (synced) created.pending = false;
        this.update();
      });
      provider.on('connection-close', () => {
        if (provider.wsUnsuccessfulReconnects >= 1) this.onConnectionTrouble(name);
        this.update();
      });
      // y-websocket gives up after a 44xx close; say so instead of showing the document as offline forever.
      provider.on('closed', ({ code, reason }) => {
        if (code === CLOSE_SESSION_ENDED) {
          // Not lost: the same user signing in again may go on, unsynced edits included (see `resume`).
          created.sessionEnded = true;
          this.onSessionEnded();
          this.update();
        } else {
          this.lose(created, code, reason);
        }
      });
      this.entries.set(name, entry);
      this.scheduleClose(entry);
      this.update();
    }
    return entry;
  }

  acquire(name: string): OpenDoc {
    const entry = this.get(name) as Entry;
    entry.refs++;
    if (entry.closeTimer !== null) clearTimeout(entry.closeTimer);
    entry.closeTimer = null;
    return entry;
  }

  release(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.refs--;
    if (entry.refs <= 0) this.scheduleClose(entry);
  }

  private scheduleClose(entry: Entry): void {
    if (entry.closeTimer !== null) clearTimeout(entry.closeTimer);
    entry.closeTimer = setTimeout(() => {
      // A document with unsynced changes stays open until they are through (unless they never can be).
      if (entry.refs > 0 || (entry.pending && !entry.lost)) return;
      entry.provider.destroy();
      entry.doc.destroy();
      this.entries.delete(entry.name);
      this.update();
    }, GRACE_MS);
  }

  /** Closes everything at once (sign-out). */
  closeAll(): void {
    for (const entry of this.entries.values()) {
      if (entry.closeTimer !== null) clearTimeout(entry.closeTimer);
      entry.provider.destroy();
      entry.doc.destroy();
    }
    this.entries.clear();
    this.dismissLost();
    this.update();
  }

  /** After the same user signed in again: reconnects the documents whose session had ended. */
  resume(): void {
    for (const entry of this.entries.values()) {
      if (!entry.sessionEnded) continue;
      entry.sessionEnded = false;
      if (this.online && !entry.lost) entry.provider.connect();
    }
    this.update();
  }

  /**
   * Stops reconnecting a document the server refused for good at the upgrade (see `accessLost`), and reports it
   * like one it closed with `code`.
   */
  markLost(name: string, code: number, reason: string): void {
    const entry = this.entries.get(name);
    if (!entry || entry.lost) return;
    entry.provider.disconnect();
    this.lose(entry, code, reason);
  }

  private lose(entry: Entry, code: number, reason: string): void {
    entry.lost = { name: entry.name, code, reason };
    this.lostDocs = [...this.lostDocs.filter((lost) => lost.name !== entry.name), entry.lost];
    for (const listener of this.lostListeners) listener();
    this.update();
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
    return [...this.entries.values()].some((entry) => entry.pending && !entry.lost);
  }

  getStatus = (): ConnectionStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private update(): void {
    const next = this.computeStatus();
    if (next === this.status) return;
    this.status = next;
    for (const listener of this.listeners) listener();
  }

  private computeStatus(): ConnectionStatus {
    if (!this.online) return 'offline';
    let syncing = false;
    for (const { provider, lost, sessionEnded } of this.entries.values()) {
      if (lost) continue;
      if (sessionEnded) return 'offline';
      if (!provider.wsconnected && provider.wsUnsuccessfulReconnects > 0) return 'offline';
      if (!provider.synced) syncing = true;
    }
    return syncing ? 'syncing' : 'online';
  }
}
