import {
  addTheme,
  moveTheme,
  setThemeStatus,
  type Theme,
  type ThemeFields,
  themesMap,
  updateTheme,
} from '@accord/shared';
import type * as Y from 'yjs';
import { local } from '../../coding/undo.js';

/**
 * The board's edits of themes, each one undoable step of this user's (`local`). An edit of a theme someone else
 * has just deleted does nothing rather than fail.
 */
export function createTheme(codebook: Y.Doc, name: string, parent: string | null = null): string {
  return local(codebook, () => {
    const siblings = [...themesMap(codebook).values()].filter((theme) => (theme.get('parent') ?? null) === parent);
    const order = Math.max(-1, ...siblings.map((theme) => Number(theme.get('order')) || 0)) + 1;
    return addTheme(codebook, { name, parent, order });
  });
}

export function editTheme(
  codebook: Y.Doc,
  id: string,
  fields: Partial<Pick<ThemeFields, 'name' | 'definition'>>,
): void {
  if (!themesMap(codebook).has(id)) return;
  local(codebook, () => updateTheme(codebook, id, fields));
}

export function setStatus(codebook: Y.Doc, id: string, status: Exclude<Theme['status'], 'final'>): void {
  if (!themesMap(codebook).has(id)) return;
  local(codebook, () => setThemeStatus(codebook, id, status));
}

/**
 * Moves a theme among its siblings (`by` -1: left or up, +1: right or down). `parent` is where the board shows it
 * (null for a top-level column, also for a sub-theme whose parent is gone, which this move makes top-level).
 */
export function shiftTheme(
  codebook: Y.Doc,
  theme: Theme,
  parent: string | null,
  siblings: readonly Theme[],
  by: -1 | 1,
): void {
  const index = siblings.findIndex((sibling) => sibling.id === theme.id);
  if (index < 0 || !themesMap(codebook).has(theme.id)) return;
  try {
    local(codebook, () => moveTheme(codebook, theme.id, parent, index + by));
  } catch (error) {
    // A concurrent edit put the parent below this theme: the move would make a cycle, so it is not made.
    if (!(error instanceof RangeError)) throw error;
  }
}

/** Makes a theme a sub-theme of `parent` (last among its sub-themes), or a top-level theme (null, last column). */
export function reparentTheme(codebook: Y.Doc, id: string, parent: string | null): void {
  if (!themesMap(codebook).has(id) || (parent !== null && !themesMap(codebook).has(parent))) return;
  try {
    local(codebook, () => moveTheme(codebook, id, parent, Number.MAX_SAFE_INTEGER));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
}
