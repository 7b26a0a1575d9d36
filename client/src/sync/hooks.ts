import { type DependencyList, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { PoolContext } from './context.js';
import type { ConnectionStatus, OpenDoc } from './pool.js';

/** What `useObserved` needs of a Yjs type. */
export interface Observable {
  observeDeep(listener: () => void): void;
  unobserveDeep(listener: () => void): void;
}

/** The open document of that name while the component is mounted (null name: none). */
export function useDoc(name: string | null): OpenDoc | null {
  const pool = useContext(PoolContext);
  const open = name === null ? null : pool.get(name);
  useEffect(() => {
    if (name === null) return;
    pool.acquire(name);
    return () => pool.release(name);
  }, [pool, name]);
  return open;
}

export function useConnectionStatus(): ConnectionStatus {
  const pool = useContext(PoolContext);
  return useSyncExternalStore(pool.subscribe, pool.getStatus);
}

/** How many changes made here are still waiting to be sent to the server. */
export function usePendingCount(): number {
  const pool = useContext(PoolContext);
  return useSyncExternalStore(pool.subscribe, pool.pendingCount);
}

/**
 * Whether the document has something to show: its first sync with the server, or its copy kept in this browser
 * (offline, after a reload). It shows nothing before that.
 */
export function useSynced(open: OpenDoc | null): boolean {
  const [ready, setReady] = useState(open?.ready ?? false);
  useEffect(() => {
    if (!open) return;
    setReady(open.ready);
    return open.onReady(() => setReady(true));
  }, [open]);
  return ready;
}

/**
 * A value computed from Yjs types, recomputed when any of them changes (deeply). Keep `compute` cheap or keep
 * the observed types narrow: this is how every component subscribes to exactly what it shows.
 */
export function useObserved<T>(
  types: readonly (Observable | null | undefined)[],
  compute: () => T,
  deps: DependencyList,
): T {
  const [value, setValue] = useState(compute);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when compute changes
  useEffect(() => {
    const update = () => setValue(compute);
    update();
    for (const type of types) type?.observeDeep(update);
    return () => {
      for (const type of types) type?.unobserveDeep(update);
    };
  }, [...types, ...deps]);
  return value;
}

export function useYText(ytext: Y.Text | null): string {
  return useObserved([ytext], () => ytext?.toString() ?? '', [ytext]);
}

/** Every awareness state of the document, by Yjs client id; re-renders on changes only (not renewals). */
export function useAwarenessStates(awareness: Awareness | null): Map<number, Record<string, unknown>> {
  const [states, setStates] = useState(() => new Map(awareness?.getStates() ?? []));
  useEffect(() => {
    if (!awareness) return;
    const update = () => setStates(new Map(awareness.getStates()));
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness]);
  return states;
}

/**
 * Several open documents at once (a variable number, e.g. the coding layers shown). `background`: read, not
 * shown (counts over every layer of a project): they share a bounded number of connections in turns (`DocPool`).
 */
export function useDocs(names: readonly string[], { background = false } = {}): OpenDoc[] {
  const pool = useContext(PoolContext);
  const key = names.join('\n');
  const open = names.map((name) => pool.get(name));
  useEffect(() => {
    const acquired = key === '' ? [] : key.split('\n');
    for (const name of acquired) {
      if (background) pool.acquireBackground(name);
      else pool.acquire(name);
    }
    return () => {
      for (const name of acquired) {
        if (background) pool.releaseBackground(name);
        else pool.release(name);
      }
    };
  }, [pool, key, background]);
  return open;
}
