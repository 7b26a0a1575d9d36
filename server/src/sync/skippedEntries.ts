import { reportSkippedEntries } from '@accord/shared';
import type * as Y from 'yjs';
import type { Logger } from '../log.js';

/**
 * The server's reporter for entries the model's readers skip (see `skipEntry` in shared): a warning naming the
 * document and the entry, once per entry, so that a damaged layer read by every dashboard refresh does not flood
 * the log. Documents are named where the server creates them (`nameDoc`): the engine's loaded documents and the
 * private copies readers compute on.
 */
const names = new WeakMap<Y.Doc, string>();
const logged = new Set<string>();
/** Bounds the memory of what was logged: past it, an entry may be logged again (once per this many). */
const MAX_REMEMBERED = 10_000;

export function nameDoc<T extends Y.Doc>(doc: T, docName: string): T {
  names.set(doc, docName);
  return doc;
}

export function logSkippedEntries(logger: Logger): void {
  reportSkippedEntries((doc, entry) => {
    const docName = names.get(doc) ?? null;
    const key = `${docName}\u0000${entry.root}\u0000${entry.id}`;
    if (logged.has(key)) return;
    if (logged.size >= MAX_REMEMBERED) logged.clear();
    logged.add(key);
    logger.warn('model.entry_skipped', { docName, root: entry.root, entry: entry.id });
  });
}
