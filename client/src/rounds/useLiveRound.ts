import {
  type CoderLayer,
  type Coding,
  docName,
  type ResolvedTurn,
  type RoundDocument,
  readCodings,
  readTurns,
  type Thresholds,
  transcriptText,
  type UnitKind,
} from '@accord/shared';
import { useContext, useEffect, useState } from 'react';
import { PoolContext } from '../sync/context.js';
import type { RoundView } from './api.js';
import { type DashboardData, liveDashboard } from './dashboardModel.js';

export interface LiveResult {
  data: DashboardData | null;
  /** How long the last recomputation took, in milliseconds (shown, and read by the benchmark). */
  lastMs: number | null;
  synced: number;
  total: number;
}

/** Bursts of keystrokes and remote updates are coalesced into one recomputation. */
const COALESCE_MS = 50;

/**
 * An open round's dashboard, live: every layer the user may open (names from the server) and every transcript
 * text stay open; a change re-reads only the layers it touched, then the whole round is recomputed.
 */
export function useLiveRound(
  projectId: string,
  round: RoundView,
  enabled: boolean,
  unit: UnitKind,
  minCoverage: number,
  thresholds: Thresholds,
): LiveResult {
  const pool = useContext(PoolContext);
  const [result, setResult] = useState<LiveResult>({ data: null, lastMs: null, synced: 0, total: 0 });
  const layersKey = round.layers.map((l) => l.docName).join('|');

  // biome-ignore lint/correctness/useExhaustiveDependencies: layersKey stands for round.layers
  useEffect(() => {
    if (!enabled) return;
    const assignments = round.transcripts.map((t) => ({
      transcriptId: t.transcriptId,
      textName: docName({ kind: 'text', project: projectId, transcript: t.transcriptId }),
      layers: round.layers.filter((l) => l.transcriptId === t.transcriptId),
    }));
    const coders = new Map<string, string[]>();
    for (const p of round.progress) coders.set(p.transcriptId, [...(coders.get(p.transcriptId) ?? []), p.coder]);
    const names = assignments.flatMap((a) => [a.textName, ...a.layers.map((l) => l.docName)]);
    const open = new Map(names.map((name) => [name, pool.acquire(name)]));
    const texts = new Map<string, { text: string; turns: ResolvedTurn[] }>();
    const codings = new Map<string, Coding[]>();
    const dirty = new Set(names);
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;

    const run = () => {
      timer = null;
      if (stopped) return;
      const started = performance.now();
      for (const a of assignments) {
        const textDoc = open.get(a.textName)!.doc;
        const textChanged = dirty.has(a.textName);
        if (textChanged)
          texts.set(a.transcriptId, { text: transcriptText(textDoc).toString(), turns: readTurns(textDoc) });
        for (const layer of a.layers) {
          // Anchors resolve against the text, so a text change re-reads that transcript's layers too.
          if (textChanged || dirty.has(layer.docName))
            codings.set(layer.docName, readCodings(open.get(layer.docName)!.doc, textDoc));
        }
      }
      dirty.clear();
      const documents: RoundDocument[] = assignments.map((a) => ({
        id: a.transcriptId,
        text: texts.get(a.transcriptId)?.text ?? '',
        turns: texts.get(a.transcriptId)?.turns ?? [],
        coders: coders.get(a.transcriptId) ?? a.layers.map((l) => l.coder),
      }));
      const layers: CoderLayer[] = assignments.flatMap((a) =>
        a.layers.map((l) => ({ document: a.transcriptId, coder: l.coder, codings: codings.get(l.docName) ?? [] })),
      );
      const data = liveDashboard(documents, layers, unit, minCoverage, thresholds);
      const lastMs = performance.now() - started;
      const synced = [...open.values()].filter((o) => o.provider.synced).length;
      setResult({ data, lastMs, synced, total: open.size });
    };
    const schedule = () => {
      timer ??= setTimeout(run, COALESCE_MS);
    };
    const listeners = [...open].map(([name, entry]) => {
      const onUpdate = () => {
        dirty.add(name);
        schedule();
      };
      const onSync = () => {
        dirty.add(name);
        schedule();
      };
      entry.doc.on('update', onUpdate);
      entry.provider.on('sync', onSync);
      return () => {
        entry.doc.off('update', onUpdate);
        entry.provider.off('sync', onSync);
      };
    });
    schedule();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      for (const off of listeners) off();
      for (const name of names) pool.release(name);
    };
  }, [pool, projectId, round.id, layersKey, enabled, unit, minCoverage, thresholds.kappa, thresholds.alpha]);

  return result;
}
