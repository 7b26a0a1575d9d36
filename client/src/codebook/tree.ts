import type { Code } from '@accord/shared';

export interface CodeNode {
  code: Code;
  depth: number;
  children: CodeNode[];
  /** Names from the top-level ancestor down to this code. */
  path: string[];
}

/**
 * The code hierarchy from the flat list (sorted by order, as `readCodes` gives it). A code whose parent is
 * missing (deleted concurrently) or which sits in a parent cycle (two concurrent moves) is shown at the top level,
 * so that no code ever disappears from the tree.
 */
export function buildTree(codes: readonly Code[]): CodeNode[] {
  const byId = new Map(codes.map((code) => [code.id, code]));
  const childrenOf = new Map<string | null, Code[]>();
  for (const code of codes) {
    const parent = code.parent !== null && byId.has(code.parent) && !inCycle(byId, code) ? code.parent : null;
    if (!childrenOf.has(parent)) childrenOf.set(parent, []);
    childrenOf.get(parent)!.push(code);
  }
  const build = (parent: string | null, depth: number, path: string[]): CodeNode[] =>
    (childrenOf.get(parent) ?? []).map((code) => {
      const own = [...path, code.name];
      return { code, depth, path: own, children: build(code.id, depth + 1, own) };
    });
  return build(null, 0, []);
}

function inCycle(byId: ReadonlyMap<string, Code>, code: Code): boolean {
  const seen = new Set<string>();
  for (let current: Code | undefined = code; current?.parent != null; current = byId.get(current.parent)) {
    if (seen.has(current.id)) return true;
    seen.add(current.id);
    if (current.parent === code.id) return true;
  }
  return false;
}

/** Depth-first list of the nodes to show: children of collapsed nodes are left out. */
export function flattenTree(roots: readonly CodeNode[], collapsed: ReadonlySet<string> = new Set()): CodeNode[] {
  const out: CodeNode[] = [];
  const visit = (node: CodeNode) => {
    out.push(node);
    if (!collapsed.has(node.code.id)) node.children.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}

/**
 * Codes matching a picker query: every word of the query must occur in the code's path (case- and accent-
 * insensitive); codes whose own name starts with the query come first, then the rest in tree order.
 */
export function filterCodes(nodes: readonly CodeNode[], query: string): CodeNode[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...nodes];
  const matches = nodes.filter((node) => {
    const haystack = fold(node.path.join(' '));
    return words.every((word) => haystack.includes(word));
  });
  const prefix = fold(query.trim());
  const starts = matches.filter((node) => fold(node.code.name).startsWith(prefix));
  return [...starts, ...matches.filter((node) => !starts.includes(node))];
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Ids of a code and all its descendants. */
export function subtreeIds(node: CodeNode): string[] {
  return [node.code.id, ...node.children.flatMap(subtreeIds)];
}
