import { placeCode, themesMap } from '@accord/shared';
import { type DropItem, isTextDropItem } from 'react-aria-components';
import type * as Y from 'yjs';
import { local } from '../../coding/undo.js';

/** What a code card carries when dragged: the code, and the theme it leaves (null: the unassigned codes). */
export const CODE_DRAG_TYPE = 'application/x-accord-code';

export interface DraggedCode {
  code: string;
  from: string | null;
}

export function codeDragItem(dragged: DraggedCode, label: string): Record<string, string> {
  return { [CODE_DRAG_TYPE]: JSON.stringify(dragged), 'text/plain': label };
}

/** The codes of a drop (anything else dropped, such as text from another page, is ignored). */
export async function readDroppedCodes(items: readonly DropItem[]): Promise<DraggedCode[]> {
  const dropped: DraggedCode[] = [];
  for (const item of items) {
    if (!isTextDropItem(item) || !item.types.has(CODE_DRAG_TYPE)) continue;
    try {
      const value = JSON.parse(await item.getText(CODE_DRAG_TYPE)) as Partial<DraggedCode>;
      if (typeof value.code === 'string' && (value.from === null || typeof value.from === 'string')) {
        dropped.push({ code: value.code, from: value.from });
      }
    } catch {
      // Not one of ours.
    }
  }
  return dropped;
}

/**
 * Puts codes into theme `to` (null: back to the unassigned codes), out of where each came from unless `copy`:
 * one undoable step for the whole drop. A theme deleted meanwhile by someone else is skipped (its code is simply
 * added where it was dropped), never an error.
 */
export function placeCodes(codebook: Y.Doc, codes: readonly DraggedCode[], to: string | null, copy = false): void {
  const themes = themesMap(codebook);
  if (to !== null && !themes.has(to)) return;
  local(codebook, () => {
    for (const { code, from } of codes) {
      placeCode(codebook, code, from !== null && themes.has(from) ? from : null, to, { copy });
    }
  });
}
