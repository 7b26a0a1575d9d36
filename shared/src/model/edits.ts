import * as Y from 'yjs';
import { codesMap, readCode } from './codebook.js';
import { codingsMap, type StoredCoding } from './codings.js';
import { skipEntry } from './skipped.js';
import { isReadableCoding } from './values.js';

/**
 * Edits that go beyond adding: removing and recoding codings, moving, merging and deleting codes.
 *
 * A merge or delete changes codings in every coder's layer, but a coder may write only their own layer (one doc
 * per unit of access). So the codebook records the change as a redirect under `redirects` (old code id -> new code
 * id, or '' for a deleted code), every reader resolves codes through it, and each coder's client migrates its own
 * layer (`migrateLayer`) when it opens it. Until then nothing is lost: an unmigrated coding still reads correctly.
 */
export const REDIRECTS_KEY = 'redirects';

export function codeRedirects(codebookDoc: Y.Doc): Y.Map<string> {
  return codebookDoc.getMap<string>(REDIRECTS_KEY);
}

export function removeCoding(codingsDoc: Y.Doc, id: string): void {
  codingsMap(codingsDoc).delete(id);
}

function replaceCoding(codingsDoc: Y.Doc, id: string, change: (stored: StoredCoding) => StoredCoding): void {
  const codings = codingsMap(codingsDoc);
  const stored = codings.get(id);
  if (!isReadableCoding(stored)) throw new RangeError(`no coding ${id}`);
  codings.set(id, change(ownFields(stored)));
}

/**
 * Exactly the fields of a stored coding, for writing it back changed: a field an older or foreign writer added
 * would make the server refuse the write (`isStoredCoding`), and a missing `createdAt` is filled in.
 */
function ownFields(stored: StoredCoding): StoredCoding {
  const { code, start, end, memo, createdAt } = stored;
  const own: StoredCoding = { code, start, end, createdAt: typeof createdAt === 'number' ? createdAt : 0 };
  if (typeof memo === 'string') own.memo = memo;
  return own;
}

/** Applies another code to the same passage (the anchors are kept, so the passage is exactly the same). */
export function recodeCoding(codingsDoc: Y.Doc, id: string, code: string): void {
  replaceCoding(codingsDoc, id, (stored) => ({ ...stored, code }));
}

/** Sets the coding's memo; an empty memo removes it. */
export function setCodingMemo(codingsDoc: Y.Doc, id: string, memo: string): void {
  replaceCoding(codingsDoc, id, ({ memo: _old, ...rest }) => (memo === '' ? rest : { ...rest, memo }));
}

/** The code a (possibly merged or deleted) code id stands for now, or null when it was deleted. */
export function resolveCode(redirects: ReadonlyMap<string, string>, id: string): string | null {
  const seen = new Set<string>();
  let current = id;
  while (redirects.has(current) && !seen.has(current)) {
    seen.add(current);
    current = redirects.get(current)!;
    if (current === '') return null;
  }
  return current;
}

export function readRedirects(codebookDoc: Y.Doc): Map<string, string> {
  const redirects = new Map<string, string>();
  for (const [from, to] of codeRedirects(codebookDoc)) {
    if (typeof to === 'string') redirects.set(from, to);
    else skipEntry(codebookDoc, REDIRECTS_KEY, from);
  }
  return redirects;
}

/** Whether `candidate` is `id` or lies below it in the code tree (moving `id` under it would make a cycle). */
export function isSelfOrDescendant(codebookDoc: Y.Doc, id: string, candidate: string | null): boolean {
  const codes = codesMap(codebookDoc);
  const seen = new Set<string>();
  for (let current = candidate; current !== null && !seen.has(current); ) {
    if (current === id) return true;
    seen.add(current);
    const code = codes.get(current);
    const parent = code instanceof Y.Map ? code.get('parent') : null;
    current = typeof parent === 'string' ? parent : null;
  }
  return false;
}

/** Moves a code under `parent` (null: top level) at position `index` among its new siblings. */
export function moveCode(codebookDoc: Y.Doc, id: string, parent: string | null, index: number): void {
  const codes = codesMap(codebookDoc);
  const code = codes.get(id);
  if (code === undefined) throw new RangeError(`no code ${id}`);
  if (isSelfOrDescendant(codebookDoc, id, parent)) throw new RangeError('a code cannot move below itself');
  const siblings = [...codes.entries()]
    .filter(
      ([other, map]) =>
        other !== id && map instanceof Y.Map && ((map.get('parent') as string | null | undefined) ?? null) === parent,
    )
    .map(([other, map]) => readCode(other, map))
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  const at = Math.max(0, Math.min(index, siblings.length));
  const ordered = [...siblings.slice(0, at).map((c) => c.id), id, ...siblings.slice(at).map((c) => c.id)];
  codebookDoc.transact(() => {
    if (((code.get('parent') as string | null | undefined) ?? null) !== parent) code.set('parent', parent);
    ordered.forEach((sibling, order) => {
      const map = codes.get(sibling)!;
      if (map.get('order') !== order) map.set('order', order);
    });
  });
}

function removeFromTree(codebookDoc: Y.Doc, id: string, adoptiveParent: string | null, redirectTo: string): void {
  const codes = codesMap(codebookDoc);
  const redirects = codeRedirects(codebookDoc);
  codebookDoc.transact(() => {
    for (const [childId, child] of codes) {
      if (childId !== id && child instanceof Y.Map && child.get('parent') === id) child.set('parent', adoptiveParent);
    }
    codes.delete(id);
    // Earlier redirects to this code follow it, so that chains stay short.
    for (const [from, to] of redirects) if (to === id) redirects.set(from, redirectTo);
    redirects.set(id, redirectTo);
  });
}

/** Merges `from` into `into`: codings of `from` count as `into` from now on; children of `from` move to `into`. */
export function mergeCode(codebookDoc: Y.Doc, from: string, into: string): void {
  const codes = codesMap(codebookDoc);
  const source = codes.get(from);
  const target = codes.get(into);
  if (source === undefined || target === undefined || from === into) throw new RangeError('merge needs two codes');
  codebookDoc.transact(() => {
    // Merging a code into one of its own descendants: the target takes the source's place in the tree first.
    if (isSelfOrDescendant(codebookDoc, from, into)) target.set('parent', source.get('parent') ?? null);
    removeFromTree(codebookDoc, from, into, into);
  });
}

/** Deletes a code: its codings are removed (as layers are migrated), its children move up to its parent. */
export function deleteCode(codebookDoc: Y.Doc, id: string): void {
  const code = codesMap(codebookDoc).get(id);
  if (code === undefined) throw new RangeError(`no code ${id}`);
  removeFromTree(codebookDoc, id, (code.get('parent') as string | null | undefined) ?? null, '');
}

/**
 * Applies the codebook's redirects to one layer (the caller's own): merged codings are recoded, codings of
 * deleted codes removed, and a coding that a merge made a duplicate of another (same code, same anchors) dropped.
 * Returns how many codings changed.
 */
export function migrateLayer(codingsDoc: Y.Doc, redirects: ReadonlyMap<string, string>): number {
  const codings = codingsMap(codingsDoc);
  let changed = 0;
  codingsDoc.transact(() => {
    const seen = new Set<string>();
    const key = (stored: StoredCoding, code: string) => `${code}|${bytesKey(stored.start)}|${bytesKey(stored.end)}`;
    for (const stored of codings.values()) {
      if (isReadableCoding(stored) && !redirects.has(stored.code)) seen.add(key(stored, stored.code));
    }
    for (const [id, stored] of [...codings.entries()]) {
      if (!isReadableCoding(stored) || !redirects.has(stored.code)) continue;
      const code = resolveCode(redirects, stored.code);
      changed++;
      if (code === null || seen.has(key(stored, code))) codings.delete(id);
      else {
        seen.add(key(stored, code));
        codings.set(id, { ...ownFields(stored), code });
      }
    }
  });
  return changed;
}

function bytesKey(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
