import type * as Y from 'yjs';

/**
 * Readers skip a stored entry they cannot read (written before the server validated content, or through a bug)
 * instead of failing the whole read, and say so here. The server installs a reporter that logs each one (once);
 * by default nothing is reported.
 */
export interface SkippedEntry {
  /** The root type the entry is in, e.g. `codings`, and its key (or index, for a turn). */
  root: string;
  id: string;
}

export type SkipReporter = (doc: Y.Doc, entry: SkippedEntry) => void;

let reporter: SkipReporter | null = null;

export function reportSkippedEntries(next: SkipReporter | null): void {
  reporter = next;
}

export function skipEntry(doc: Y.Doc, root: string, id: string): void {
  reporter?.(doc, { root, id });
}
