import { docName, type Thresholds, type UnitKind } from '@accord/shared';
import { useContext, useEffect, useState } from 'react';
import { useProjectData } from '../app/projectData.js';
import { PoolContext } from '../sync/context.js';
import type { RoundView } from './api.js';
import { type DashboardData, type LiveAssignment, LiveRound, roundSegmentation } from './dashboardModel.js';

export interface LiveResult {
  data: DashboardData | null;
  /** How long the last recomputation took, in milliseconds (shown on the page). */
  lastMs: number | null;
  synced: number;
  total: number;
}

/** Bursts of keystrokes and remote updates are coalesced into one recomputation. */
const COALESCE_MS = 50;

/**
 * An open round's dashboard, live: every layer the user may open (names from the server) and every transcript
 * text stay open while the dashboard is shown, and each change triggers a recomputation. They are background
 * readers of the pool: a round over 40 transcripts x 4 coders does not open 200 WebSockets, it syncs them in turns
 * over a bounded number of connections (`DocPool`), so the figures follow the coding within a few seconds.
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
  // Each transcript's language, as the server cuts the round's units with it (absent: guessed from the text).
  const { data: project } = useProjectData(projectId);
  const languages = new Map(project?.transcripts.map((t) => [t.id, t.language ?? null]));
  const languagesKey = round.transcripts.map((t) => languages.get(t.transcriptId) ?? '').join('|');

  // biome-ignore lint/correctness/useExhaustiveDependencies: layersKey stands for round.layers, languagesKey for languages
  useEffect(() => {
    if (!enabled) return;
    const names: string[] = [];
    const acquire = (name: string) => {
      names.push(name);
      return pool.acquireBackground(name);
    };
    const assignments: LiveAssignment[] = round.transcripts.map((t) => {
      const textName = docName({ kind: 'text', project: projectId, transcript: t.transcriptId });
      return {
        transcriptId: t.transcriptId,
        textName,
        textDoc: acquire(textName).doc,
        language: languages.get(t.transcriptId) ?? null,
        coders: round.progress.filter((p) => p.transcriptId === t.transcriptId).map((p) => p.coder),
        layers: round.layers
          .filter((l) => l.transcriptId === t.transcriptId)
          .map((l) => ({ coder: l.coder, name: l.docName, doc: acquire(l.docName).doc })),
      };
    });
    const live = new LiveRound(assignments, roundSegmentation(round.segmentation));
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      timer = null;
      const started = performance.now();
      const data = live.recompute(unit, minCoverage, thresholds);
      const lastMs = performance.now() - started;
      const synced = names.filter((name) => pool.get(name).loaded).length;
      setResult({ data, lastMs, synced, total: names.length });
    };
    const listeners = names.map((name) => {
      const entry = pool.get(name);
      const changed = () => {
        live.markDirty(name);
        timer ??= setTimeout(run, COALESCE_MS);
      };
      entry.doc.on('update', changed);
      entry.provider.on('sync', changed);
      return () => {
        entry.doc.off('update', changed);
        entry.provider.off('sync', changed);
      };
    });
    timer = setTimeout(run, 0);
    return () => {
      if (timer !== null) clearTimeout(timer);
      for (const off of listeners) off();
      for (const name of names) pool.releaseBackground(name);
    };
  }, [
    pool,
    projectId,
    round.id,
    round.segmentation,
    layersKey,
    languagesKey,
    enabled,
    unit,
    minCoverage,
    thresholds.kappa,
    thresholds.alpha,
  ]);

  return result;
}
