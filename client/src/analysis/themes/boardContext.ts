import type { Code, FrequencyCell, Theme, ThemeNode } from '@accord/shared';
import { createContext, useContext } from 'react';
import type * as Y from 'yjs';
import { translate } from '../../i18n/core.js';

/** Which field of the details sheet to focus when it opens. */
export type DetailsFocus = 'name' | 'definition' | null;

/** What every part of the board reads: the live themes and codes, the counts in scope, and the board's actions. */
export interface Board {
  project: string;
  codebook: Y.Doc;
  canEdit: boolean;
  themes: readonly Theme[];
  tree: readonly ThemeNode[];
  themeById: ReadonlyMap<string, Theme>;
  codeById: ReadonlyMap<string, Code>;
  /** Names from the top-level code down, for a code's card. */
  codePath: (code: string) => string[];
  /** Codings of each code in the analysis scope (null while loading or when the count failed). */
  counts: ReadonlyMap<string, FrequencyCell> | null;
  selected: string | null;
  openDetails: (theme: string, focus?: DetailsFocus) => void;
  openGate: (theme: string) => void;
  askDelete: (theme: string) => void;
  /** Says something to screen readers (what a keyboard action did). */
  announce: (message: string) => void;
}

export const BoardContext = createContext<Board | null>(null);

export function useBoard(): Board {
  const board = useContext(BoardContext);
  if (!board) throw new Error('useBoard outside the theme board');
  return board;
}

export const themeLabel = (theme: Pick<Theme, 'name'> | undefined): string =>
  theme?.name.trim() || translate('theme.unnamed');

/** A theme's place for menus: "Parent › Sub-theme". */
export function themeTrail(theme: Theme, themeById: ReadonlyMap<string, Theme>): string {
  const names = [themeLabel(theme)];
  const seen = new Set([theme.id]);
  for (let parent = theme.parent; parent !== null && !seen.has(parent); ) {
    const above = themeById.get(parent);
    if (!above) break;
    seen.add(parent);
    names.unshift(themeLabel(above));
    parent = above.parent;
  }
  return names.join(' › ');
}
