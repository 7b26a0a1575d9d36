import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';

/**
 * Documents kept in the browser (IndexedDB, one database per document and user), so edits survive a closed tab or
 * a reboot and are sent when the connection is back. The database name starts with the user id: two accounts on
 * one browser never share local data. How many changes each document still has to send is kept in localStorage
 * (small and synchronous), so a tab opened later knows what is waiting and can send it without being asked.
 */
const PREFIX = 'accord:';

export function localDbName(userId: string, docName: string): string {
  return `${PREFIX}${userId}:${docName}`;
}

/** Whether this browser can keep documents at all (no IndexedDB in Node, or in some private modes). */
export function localStorageAvailable(): boolean {
  return typeof indexedDB !== 'undefined' && typeof localStorage !== 'undefined';
}

export function persist(userId: string, docName: string, doc: Y.Doc): IndexeddbPersistence {
  return new IndexeddbPersistence(localDbName(userId, docName), doc);
}

const pendingKey = (userId: string) => `${PREFIX}pending:${userId}`;

/** Changes not yet sent, per document, as the last tab recorded them. */
export function readPending(userId: string): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(pendingKey(userId)) ?? '{}');
    if (!parsed || typeof parsed !== 'object') return {};
    const counts: Record<string, number> = {};
    for (const [name, count] of Object.entries(parsed)) {
      if (typeof count === 'number' && Number.isInteger(count) && count > 0) counts[name] = count;
    }
    return counts;
  } catch {
    return {};
  }
}

export function writePending(userId: string, docName: string, count: number): void {
  const counts = readPending(userId);
  if (count > 0) counts[docName] = count;
  else delete counts[docName];
  try {
    if (Object.keys(counts).length === 0) localStorage.removeItem(pendingKey(userId));
    else localStorage.setItem(pendingKey(userId), JSON.stringify(counts));
  } catch {
    // A full or disabled localStorage costs the count shown after a reload, never the edits (they are in IndexedDB).
  }
}

/** Forgets one document's local copy (the server refused it for good). */
export function discardLocal(userId: string, docName: string): Promise<void> {
  writePending(userId, docName, 0);
  return deleteDb(localDbName(userId, docName));
}

/** Forgets every document this user kept in this browser (an explicit sign-out with nothing waiting). */
export async function discardAllLocal(userId: string): Promise<void> {
  try {
    localStorage.removeItem(pendingKey(userId));
  } catch {}
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const prefix = `${PREFIX}${userId}:`;
  const databases = await indexedDB.databases();
  await Promise.all(databases.flatMap(({ name }) => (name?.startsWith(prefix) ? [deleteDb(name)] : [])));
}

function deleteDb(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}
