import * as Y from 'yjs';

/**
 * The origin of every edit this tab makes on purpose (coding, recoding, removing, memo and codebook edits). Undo
 * tracks this origin only: changes that arrive from the server (another coder's work, the provider's origin),
 * from the browser's local store, or that the app makes on its own (migrating a layer after a merge) carry another
 * origin and are never undone from here.
 */
export const LOCAL_ORIGIN: unique symbol = Symbol('accord local edit');

/** Runs `edit` as one transaction with the local origin (nested transactions join it and keep that origin). */
export function local<T>(doc: Y.Doc, edit: () => T): T {
  let result: T | undefined;
  doc.transact(() => {
    result = edit();
  }, LOCAL_ORIGIN);
  return result as T;
}

/** What `track` needs of a document to undo: which shared types to watch, how long typing merges into one step. */
export interface TrackOptions {
  /** Changes closer together than this become one undo step (memo typing); 0 makes every transaction a step. */
  captureTimeout?: number;
}

/**
 * One undo history for the whole tab over several documents (a coding touches the coder's layer, a new code the
 * codebook, a memo its memo doc): a `Y.UndoManager` per document, and the order in which the user's actions
 * touched them, so that Ctrl+Z undoes the last action wherever it was. Only the tab's own `LOCAL_ORIGIN`
 * transactions are tracked.
 */
export class UndoHistory {
  private readonly managers = new Map<Y.Doc, Y.UndoManager>();
  private undoOrder: Y.UndoManager[] = [];
  private redoOrder: Y.UndoManager[] = [];
  /** Set while this history itself undoes or redoes: the stack items that creates are not new actions. */
  private busy = false;
  private readonly listeners = new Set<() => void>();
  private snapshot = { canUndo: false, canRedo: false };

  /** Tracks `types` of `doc` (idempotent; more types of the same doc join its manager). */
  // biome-ignore lint/suspicious/noExplicitAny: any shared type of the doc (Y.Map<T>, Y.Text)
  track(doc: Y.Doc, types: readonly Y.AbstractType<any>[], options: TrackOptions = {}): void {
    let manager = this.managers.get(doc);
    if (manager) {
      manager.addToScope([...types]);
      return;
    }
    manager = new Y.UndoManager([...types], {
      trackedOrigins: new Set([LOCAL_ORIGIN]),
      captureTimeout: options.captureTimeout ?? 0,
    });
    const m = manager;
    this.managers.set(doc, m);
    m.on('stack-item-added', (event: { type: 'undo' | 'redo' }) => {
      if (this.busy || event.type !== 'undo') return;
      // A new action: it goes on top, and nothing undone before it can be redone any more (in any document).
      this.undoOrder.push(m);
      for (const other of this.redoOrder) if (other !== m) other.clear(false, true);
      this.redoOrder = [];
      this.changed();
    });
    doc.once('destroy', () => this.forget(doc));
  }

  private forget(doc: Y.Doc): void {
    const manager = this.managers.get(doc);
    if (!manager) return;
    this.managers.delete(doc);
    this.undoOrder = this.undoOrder.filter((m) => m !== manager);
    this.redoOrder = this.redoOrder.filter((m) => m !== manager);
    manager.destroy();
    this.changed();
  }

  /** Undoes the last action; false when there was none. */
  undo(): boolean {
    return this.step(this.undoOrder, this.redoOrder, (m) => m.undo());
  }

  redo(): boolean {
    return this.step(this.redoOrder, this.undoOrder, (m) => m.redo());
  }

  private step(from: Y.UndoManager[], to: Y.UndoManager[], run: (m: Y.UndoManager) => unknown): boolean {
    this.busy = true;
    try {
      while (from.length > 0) {
        const manager = from.pop()!;
        if (run(manager) !== null) {
          to.push(manager);
          return true;
        }
      }
      return false;
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  /** Ends the current step: the next change starts a new one even within the capture timeout. */
  stopCapturing(): void {
    for (const manager of this.managers.values()) manager.stopCapturing();
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    for (const manager of this.managers.values()) manager.clear();
    this.undoOrder = [];
    this.redoOrder = [];
    this.changed();
  }

  getSnapshot = (): { canUndo: boolean; canRedo: boolean } => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    const canUndo = this.undoOrder.length > 0;
    const canRedo = this.redoOrder.length > 0;
    if (canUndo === this.snapshot.canUndo && canRedo === this.snapshot.canRedo) return;
    this.snapshot = { canUndo, canRedo };
    for (const listener of this.listeners) listener();
  }
}

/** The tab's history (one user per tab: signing out closes every document, which forgets their steps). */
export const undoHistory = new UndoHistory();

/** Whether a key event is undo or redo: Ctrl (Cmd on macOS) +Z, +Shift+Z and +Y. */
export function undoKey(event: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}): 'undo' | 'redo' | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !event.shiftKey) return 'redo';
  return null;
}
