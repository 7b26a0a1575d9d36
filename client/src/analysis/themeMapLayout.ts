import { type Code, type Theme, type ThemeNode, themeTree } from '@accord/shared';
import { type Translate, translate } from '../i18n/core.js';

/**
 * The theme map as a layered graph: themes on the left (in the board's order, sub-themes indented under their
 * parent), their codes on the right in the order they are first reached, so that edges cross as little as a
 * simple ordering allows. Pure, so that the same picture comes out for the same board.
 */
export interface MapNode {
  id: string;
  kind: 'theme' | 'code';
  label: string;
  x: number;
  y: number;
  colour: string;
  status?: Theme['status'];
}

export interface MapEdge {
  from: MapNode;
  to: MapNode;
  kind: 'subtheme' | 'code';
}

export interface ThemeMapLayout {
  width: number;
  height: number;
  nodes: MapNode[];
  edges: MapEdge[];
}

export const ROW = 34;
export const THEME_X = 20;
/** Theme boxes end at the same x, whatever their indent, so that code edges start in one column. */
export const THEME_WIDTH = 200;
export const CODE_X = 420;
export const INDENT = 24;

export const STATUS_COLOUR: Record<Theme['status'], string> = {
  candidate: '#999999',
  reviewed: '#e69f00',
  final: '#009e73',
};

export function layoutThemeMap(
  themes: readonly Theme[],
  codes: readonly Code[],
  t: Translate = translate,
): ThemeMapLayout {
  const codeById = new Map(codes.map((code) => [code.id, code]));
  // The board's tree (shared/src/model/themes.ts): the same order, and no theme hidden by a parent cycle.
  const ordered: { theme: Theme; depth: number }[] = [];
  const visit = (nodes: readonly ThemeNode[]) => {
    for (const node of nodes) {
      ordered.push(node);
      visit(node.children);
    }
  };
  visit(themeTree(themes));

  const themeNodes = new Map<string, MapNode>();
  ordered.forEach(({ theme, depth }, row) => {
    themeNodes.set(theme.id, {
      id: theme.id,
      kind: 'theme',
      label: theme.name || t('theme.unnamed'),
      x: THEME_X + depth * INDENT,
      y: 20 + row * ROW,
      colour: STATUS_COLOUR[theme.status],
      status: theme.status,
    });
  });
  const codeOrder: string[] = [];
  for (const { theme } of ordered) for (const code of theme.codes) if (!codeOrder.includes(code)) codeOrder.push(code);
  const codeNodes = new Map<string, MapNode>();
  codeOrder.forEach((id, row) => {
    const code = codeById.get(id);
    codeNodes.set(id, {
      id,
      kind: 'code',
      label: code?.name ?? t('theme.deletedCode'),
      x: CODE_X,
      y: 20 + row * ROW,
      colour: code?.colour ?? '#999999',
    });
  });
  const edges: MapEdge[] = [];
  for (const { theme } of ordered) {
    const from = themeNodes.get(theme.id)!;
    if (theme.parent !== null && themeNodes.has(theme.parent)) {
      edges.push({ from: themeNodes.get(theme.parent)!, to: from, kind: 'subtheme' });
    }
    for (const code of theme.codes) edges.push({ from, to: codeNodes.get(code)!, kind: 'code' });
  }
  const rows = Math.max(ordered.length, codeOrder.length, 1);
  return {
    width: CODE_X + 240,
    height: 20 + rows * ROW,
    nodes: [...themeNodes.values(), ...codeNodes.values()],
    edges,
  };
}
