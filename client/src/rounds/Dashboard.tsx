import {
  docName,
  fixedDigits,
  INTERVAL_METHOD,
  type IntervalReading,
  ROUND_BOOTSTRAP,
  type Thresholds,
  UNIT_KINDS,
  type UnitKind,
} from '@accord/shared';
import { useMemo, useState } from 'react';
import { errorText } from '../api/errors.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { Table } from '../ui/Table.js';
import { type RoundView, roundsApi, useAgreementHistory, useSaveThresholds, useSpans } from './api.js';
import { type Bar, CodeBars, PairHeatmap } from './charts.js';
import { computeDashboard, perTranscript } from './dashboardModel.js';
import { useLiveRound } from './useLiveRound.js';

const UNIT_LABELS: Record<UnitKind, string> = {
  character: 'Character',
  sentence: 'Sentence',
  paragraph: 'Paragraph',
  speakerTurn: 'Speaker turn',
  transcript: 'Transcript (presence)',
};

const num = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined ? '–' : fixedDigits(value, digits);
/** The shared interval reading (shared/src/agreement/bootstrap.ts): the same bounds and warning as the reports. */
const interval = (reading: IntervalReading) =>
  reading.ci95 ? `[${num(reading.ci95[0], 2)}, ${num(reading.ci95[1], 2)}]${reading.warning ? ' *' : ''}` : '—';

/**
 * The agreement dashboard of a round: per-code coefficients with thresholds, bars, the coder-pair heat map and a
 * per-transcript breakdown, for a chosen unit. Open rounds recompute live in the browser; revealed rounds use
 * the server's spans input built from the reveal snapshots, with the same shared engine.
 */
export function Dashboard({
  projectId,
  round,
  thresholds,
  isOwner,
}: {
  projectId: string;
  round: RoundView;
  thresholds: Thresholds;
  isOwner: boolean;
}) {
  const [unit, setUnit] = useState<UnitKind>('character');
  const [minCoverage, setMinCoverage] = useState(0);
  const [looking, setLooking] = useState(false);
  const live = round.status === 'running' && round.mode === 'open';
  const ownerLook = round.status === 'running' && round.mode === 'blind' && isOwner && round.ownerMayLook;
  const liveResult = useLiveRound(projectId, round, live, unit, minCoverage, thresholds);
  // A revealed round (or an owner's audited look) is computed here from the server's spans input.
  const spans = useSpans(projectId, round.id, unit, minCoverage, round.status === 'revealed' || (ownerLook && looking));
  const snapshotData = useMemo(
    () => (spans.data ? computeDashboard(spans.data, thresholds) : null),
    [spans.data, thresholds],
  );
  const error = live ? null : spans.error;

  const frozen = useCodebook(useDoc(round.codebook.docName)?.doc ?? null);
  const liveCodebook = useCodebook(useDoc(docName({ kind: 'codebook', project: projectId }))?.doc ?? null);
  const codeName = (id: string) => frozen.byId.get(id)?.name ?? liveCodebook.byId.get(id)?.name ?? id;
  const coderNames = useMemo(() => new Map(round.coders.map((c) => [c.userId, c.name])), [round.coders]);
  const data = live ? liveResult.data : snapshotData;
  const [selected, setSelected] = useState<string | null>(null);

  if (round.status === 'running' && round.mode === 'blind') {
    if (!ownerLook) return <p className="notice">Agreement is shown when the owner reveals this blind round.</p>;
    if (!looking) {
      return (
        <p className="notice">
          This round lets owners look before reveal. Every look is written to the audit log.{' '}
          <button type="button" onClick={() => setLooking(true)}>
            Look at agreement (audited)
          </button>
        </p>
      );
    }
  }

  const code = selected ?? data?.rows[0]?.code ?? null;
  const entry = data && code !== null ? data.report.codes.find((c) => c.code === code) : undefined;
  const bars: Bar[] = (data?.rows ?? []).map((row) => ({
    id: row.code,
    label: codeName(row.code),
    kappa: row.kappa.value,
    alpha: row.alpha.value,
    flagged: row.flags.length > 0,
  }));
  const kappaName = data?.rows[0]?.kappaName ?? "Cohen's kappa";
  const titles = new Map(round.transcripts.map((t) => [t.transcriptId, t.title]));

  return (
    <section className="dashboard" aria-label="Agreement dashboard">
      <div className="row dashboard-controls">
        <label>
          Unit{' '}
          <select
            value={unit}
            onChange={(event) => setUnit(event.target.value as UnitKind)}
            aria-label="Unit of analysis"
          >
            {UNIT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {UNIT_LABELS[kind]}
              </option>
            ))}
          </select>
        </label>
        {unit !== 'character' && (
          <label>
            A unit is coded from{' '}
            <input
              type="number"
              min={0}
              max={1}
              step={0.1}
              value={minCoverage}
              onChange={(event) => setMinCoverage(Math.max(0, Math.min(1, Number(event.target.value) || 0)))}
              aria-label="Minimum coverage"
            />{' '}
            coverage (0: any overlap)
          </label>
        )}
        <span className="muted" data-testid="dashboard-source">
          {live
            ? `Live: ${liveResult.synced}/${liveResult.total} documents synced${liveResult.lastMs !== null ? `, recomputed in ${liveResult.lastMs.toFixed(0)} ms` : ''}`
            : round.status === 'revealed'
              ? 'Computed from the reveal snapshots'
              : 'Owner look (audited)'}
        </span>
      </div>
      {error && <QueryStatus error={error} what="loading.agreement" onRetry={() => void spans.refetch()} />}
      {!data && !error && <p role="status">Computing…</p>}
      {data && data.rows.length === 0 && <p>No codings yet.</p>}
      {data && data.rows.length > 0 && (
        <>
          <Table label="Agreement per code" className="agreement-table" maxHeight="70vh">
            <thead>
              <tr>
                <th>Code</th>
                <th>{kappaName}</th>
                <th>95% CI</th>
                <th>Interpretation</th>
                <th>% agreement</th>
                <th>PABAK</th>
                <th>AC1</th>
                <th>Krippendorff's α</th>
                <th>Flags</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row) => (
                <tr
                  key={row.code}
                  data-code={row.code}
                  data-code-name={codeName(row.code)}
                  data-kappa={row.kappa.value === null ? '' : String(row.kappa.value)}
                  aria-selected={row.code === code}
                  onClick={() => setSelected(row.code)}
                  className={row.flags.length > 0 ? 'flagged' : undefined}
                >
                  <th scope="row">
                    <button type="button" className="link" onClick={() => setSelected(row.code)}>
                      {codeName(row.code)}
                    </button>
                  </th>
                  <td className="kappa" title={row.kappa.reason}>
                    {num(row.kappa.value)}
                  </td>
                  <td className="interval" title={row.intervals.kappa.warning ?? undefined}>
                    {interval(row.intervals.kappa)}
                  </td>
                  <td>{row.kappa.interpretation ?? row.kappa.reason ?? ''}</td>
                  <td>{num(row.percentAgreement.value === null ? null : row.percentAgreement.value * 100, 1)}</td>
                  <td>{num(row.pabak.value)}</td>
                  <td>{num(row.ac1.value)}</td>
                  <td title={row.alpha.interpretation}>{num(row.alpha.value)}</td>
                  <td>
                    {row.flags.map((flag) => (
                      <span key={flag} className={`tag flag-${flag}`}>
                        {flag}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          <p className="muted">
            Thresholds (project setting): {kappaName} below {thresholds.kappa} → discuss; α below {thresholds.alpha} →
            unreliable. 95% CI: {INTERVAL_METHOD} ({ROUND_BOOTSTRAP.samples} resamples, seed {ROUND_BOOTSTRAP.seed}),
            the same as the reliability report; units within a transcript are not independent, so transcripts are
            resampled.
          </p>
          {isOwner && <ThresholdsForm projectId={projectId} thresholds={thresholds} />}
          {data.rows.some((row) => row.intervals.kappa.warning) && (
            <p className="notice" data-testid="interval-warning">
              {(() => {
                const missing = data.rows.find(
                  (row) => row.intervals.kappa.ci95 === null && row.intervals.kappa.warning,
                );
                return missing
                  ? `No 95% CI for ${data.rows.every((row) => row.intervals.kappa.ci95 === null) ? 'any code' : 'some codes'}: ${missing.intervals.kappa.warning}.`
                  : 'Intervals marked * rest on fewer than 10 transcripts and are approximate.';
              })()}
            </p>
          )}
          <CodeBars bars={bars} thresholds={thresholds} kappaName={kappaName} />
          {entry && (
            <div className="code-detail">
              <h3>{codeName(entry.code)}: coder pairs</h3>
              <PairHeatmap
                coders={entry.all_coders.pairwise.coders}
                names={coderNames}
                matrix={entry.all_coders.pairwise.cohen_kappa}
              />
              <h3>{codeName(entry.code)}: per transcript</h3>
              <table className="agreement-table">
                <thead>
                  <tr>
                    <th>Transcript</th>
                    <th>Pair</th>
                    <th>Cohen's kappa</th>
                    <th>% agreement</th>
                  </tr>
                </thead>
                <tbody>
                  {[...perTranscript(data.report, entry.code)].flatMap(([document, pairs]) =>
                    pairs.map((p) => (
                      <tr key={`${document}-${p.pair.join('-')}`}>
                        <td>{titles.get(document) ?? document}</td>
                        <td>{p.pair.map((c) => coderNames.get(c) ?? c).join(' / ')}</td>
                        <td>{num(p.kappa)}</td>
                        <td>{num(p.percent === null ? null : p.percent * 100, 1)}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <div className="row">
        <a href={roundsApi.spansUrl(projectId, round.id, unit, minCoverage)} download={`spans-${round.id}.json`}>
          Spans input (for accord agreement)
        </a>
        {round.status === 'revealed' && (
          <>
            <a
              href={roundsApi.reportUrl(projectId, round.id, 'html', unit, minCoverage)}
              target="_blank"
              rel="noreferrer"
            >
              Reliability report (HTML; print it as PDF)
            </a>
            <a href={roundsApi.reportUrl(projectId, round.id, 'md', unit, minCoverage)} download>
              Markdown
            </a>
            <a href={roundsApi.reportUrl(projectId, round.id, 'json', unit, minCoverage)} download>
              JSON
            </a>
            <a href={roundsApi.reportUrl(projectId, round.id, 'csv', unit, minCoverage)} download>
              CSV
            </a>
          </>
        )}
      </div>
      <History projectId={projectId} unit={unit} />
    </section>
  );
}

/** Mean agreement per revealed round: does it improve as the codebook is refined? */
function History({ projectId, unit }: { projectId: string; unit: UnitKind }) {
  const { data, error, refetch } = useAgreementHistory(projectId, unit);
  // The history is secondary: nothing is shown while it loads, and a failure says so without taking the page.
  if (error) return <QueryStatus error={error} what="loading.history" onRetry={() => void refetch()} />;
  const history = data?.history;
  if (!history || history.length === 0) return null;
  return (
    <>
      <h3>History across rounds</h3>
      <table className="agreement-table">
        <thead>
          <tr>
            <th>Round</th>
            <th>Revealed</th>
            <th>Mean kappa</th>
            <th>Mean α</th>
            <th>Codebook changes in review</th>
          </tr>
        </thead>
        <tbody>
          {history.map((h) => (
            <tr key={h.round.id}>
              <td>{h.round.name}</td>
              <td>{h.round.revealedAt ? new Date(h.round.revealedAt).toLocaleDateString() : ''}</td>
              <td>{num(h.meanKappa)}</td>
              <td>{num(h.meanAlpha)}</td>
              <td>{h.codebookChanges}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The project's thresholds (owners): below them a code is flagged on the dashboard, in reports and at the gate. */
function ThresholdsForm({ projectId, thresholds }: { projectId: string; thresholds: Thresholds }) {
  const [kappa, setKappa] = useState(String(thresholds.kappa));
  const [alpha, setAlpha] = useState(String(thresholds.alpha));
  // Saving asks the project's data again: the new thresholds reach this page (and every other) from there.
  const saving = useSaveThresholds(projectId);
  const valid = (value: string) => value.trim() !== '' && Number(value) >= -1 && Number(value) <= 1;
  const save = () => saving.mutate({ kappa: Number(kappa), alpha: Number(alpha) });
  const status = saving.isError
    ? errorText(saving.error)
    : saving.isSuccess
      ? 'Thresholds saved for this project.'
      : saving.isPending
        ? 'Saving…'
        : null;
  return (
    <form
      className="row thresholds-form"
      aria-label="Project thresholds"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <label>
        Kappa threshold{' '}
        <input type="number" step="0.01" min="-1" max="1" value={kappa} onChange={(e) => setKappa(e.target.value)} />
      </label>
      <label>
        Alpha threshold{' '}
        <input type="number" step="0.001" min="-1" max="1" value={alpha} onChange={(e) => setAlpha(e.target.value)} />
      </label>
      <button type="submit" disabled={saving.isPending || !valid(kappa) || !valid(alpha)}>
        Save thresholds
      </button>
      {status && (
        <span className="muted" role="status">
          {status}
        </span>
      )}
    </form>
  );
}
