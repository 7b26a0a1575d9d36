import { codingsMap } from '@accord/shared';
import { useEffect, useState } from 'react';
import { useDocs } from '../sync/hooks.js';
import { countCodes } from './counts.js';

export interface LayerCounts {
  /** Per-code counts of each layer (codings doc) that has synced so far. */
  layers: Map<string, Map<string, number>>;
  /** Layers still loading. */
  loading: number;
}

/**
 * Per-code counts of many codings docs (e.g. every layer of the project this user may read), kept live. Counting
 * needs only the `code` of each coding, not its text, so no transcript text is loaded.
 */
export function useLayerCounts(names: readonly string[], redirects: ReadonlyMap<string, string>): LayerCounts {
  // Many layers (40 transcripts x 4 coders): read in the background over a bounded number of connections.
  const docs = useDocs(names, { background: true });
  const [counts, setCounts] = useState<LayerCounts>({ layers: new Map(), loading: names.length });
  const key = docs.map((open) => open.name).join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: key stands for docs (a new array on every render)
  useEffect(() => {
    const cleanups: (() => void)[] = [];
    const recount = () => {
      const layers = new Map<string, Map<string, number>>();
      let loading = 0;
      for (const open of docs) {
        if (!open.ready && codingsMap(open.doc).size === 0) loading++;
        else
          layers.set(
            open.name,
            countCodes(
              [...codingsMap(open.doc).values()].map((c) => c.code),
              redirects,
            ),
          );
      }
      setCounts({ layers, loading });
    };
    for (const open of docs) {
      const map = codingsMap(open.doc);
      map.observe(recount);
      const offReady = open.onReady(recount);
      cleanups.push(() => {
        map.unobserve(recount);
        offReady();
      });
    }
    recount();
    return () => {
      for (const cleanup of cleanups) cleanup();
    };
  }, [key, redirects]);
  return counts;
}
