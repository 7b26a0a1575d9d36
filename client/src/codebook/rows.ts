import { startTransition, useEffect, useRef, useState } from 'react';
import type { CodeNode } from './tree.js';

/** One row of the codebook tree as shown: kept as the same object while nothing it shows has changed. */
export interface CodeRow {
  node: CodeNode;
  /** The code's name, or its path when the tree is filtered. */
  label: string;
  count: number;
  /** Digit-key slot (0-8), or -1. */
  shortcut: number;
  children: CodeRow[];
}

/**
 * The rows for `nodes` (the tree, or the flat list of matches when `filtered`), reusing each row of `previous`
 * whose code, label, count, key and children are unchanged. Every row made or reused is put in `next`. React Aria
 * caches each rendered row by its item object, so only changed rows (and their ancestors) render again.
 */
export function rowsOf(
  nodes: readonly CodeNode[],
  filtered: boolean,
  counts: ReadonlyMap<string, number>,
  shortcuts: readonly (string | null)[],
  previous: ReadonlyMap<string, CodeRow>,
  next: Map<string, CodeRow>,
): CodeRow[] {
  const rowOf = (node: CodeNode): CodeRow => {
    const children = filtered ? [] : node.children.map(rowOf);
    const label = filtered ? node.path.join(' › ') : node.code.name;
    const count = counts.get(node.code.id) ?? 0;
    const shortcut = shortcuts.indexOf(node.code.id);
    const was = previous.get(node.code.id);
    const row =
      was &&
      was.node.code === node.code &&
      was.label === label &&
      was.count === count &&
      was.shortcut === shortcut &&
      sameItems(was.children, children)
        ? was
        : { node, label, count, shortcut, children };
    next.set(node.code.id, row);
    return row;
  };
  return nodes.map(rowOf);
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * `value`, passed on at most once every `ms` milliseconds (the latest one, at the end of the wait) as a transition,
 * so that whatever renders from it yields to urgent updates such as a new coding's highlight.
 */
export function useCalmValue<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  latest.current = value;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown) || timer.current !== null) return;
    const wait = Math.max(0, last.current + ms - performance.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = performance.now();
      startTransition(() => setShown(latest.current));
    }, wait);
  }, [value, shown, ms]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return shown;
}
