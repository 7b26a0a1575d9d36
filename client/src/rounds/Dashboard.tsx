import {
  docName,
  INTERVAL_METHOD,
  type IntervalReading,
  MIN_INTERVAL_TRANSCRIPTS,
  ROUND_BOOTSTRAP,
  type Thresholds,
  UNIT_KINDS,
  type UnitKind,
} from '@accord/shared';
import { useMemo, useState } from 'react';
import type { IntlShape } from 'react-intl';
import { errorText } from '../api/errors.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { day, fixed } from '../i18n/format.js';
import { type MessageId, msg, type Translate, useIntl, useT } from '../i18n/index.js';
import { agreementWord, FLAG_LABEL } from '../i18n/labels.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { Table } from '../ui/Table.js';
import { type RoundView, roundsApi, useAgreementHistory, useSaveThresholds, useSpans } from './api.js';
import { type Bar, CodeBars, PairHeatmap } from './charts.js';
import { computeDashboard, perTranscript } from './dashboardModel.js';
import { useLiveRound } from './useLiveRound.js';

export const UNIT_LABELS: Record<UnitKind, MessageId> = {
  character: msg('unit.character'),
  sentence: msg('unit.sentence'),
  paragraph: msg('unit.paragraph'),
  speakerTurn: msg('unit.speakerTurn'),
  transcript: msg('unit.transcript'),
};

/** A coefficient in the interface's locale, to `digits` decimals; a missing one is a dash. */
const numberIn =
  (intl: IntlShape) =>
  (value: number | null | undefined, digits = 3) =>
    value === null || value === undefined ? '–' : fixed(intl, value, digits);

/** The shared interval reading (shared/src/agreement/bootstrap.ts): the same bounds and warning as the reports. */
const interval = (reading: IntervalReading, num: ReturnType<typeof numberIn>) =>
  reading.ci95 ? `[${num(reading.ci95[0], 2)}, ${num(reading.ci95[1], 2)}]${reading.warning ? ' *' : ''}` : '—';

/** Why an interval is missing or approximate, in the interface's language (the engine says it in English). */
export function intervalWarning(reading: IntervalReading, t: Translate): string | null {
  if (reading.warning === null) return null;
  if (reading.ci95 === null && reading.transcripts < MIN_INTERVAL_TRANSCRIPTS) {
    return t('interval.tooFew', { transcripts: reading.transcripts, min: MIN_INTERVAL_TRANSCRIPTS });
  }
  if (reading.ci95 === null) {
    const total = ROUND_BOOTSTRAP.samples;
    return t('interval.undefinedIn', { undefined: total - (reading.samples ?? 0), total });
  }
  return t('interval.approximate', { transcripts: reading.transcripts });
}

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
  const t = useT();
  const intl = useIntl();
  const num = numberIn(intl);

  if (round.status === 'running' && round.mode === 'blind') {
    if (!ownerLook) return <p className="notice">{t('dashboard.blindHidden')}</p>;
    if (!looking) {
      return (
        <p className="notice">
          {t('dashboard.ownerMayLook')}{' '}
          <button type="button" onClick={() => setLooking(true)}>
            {t('dashboard.look')}
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
  const kappaName = agreementWord(data?.rows[0]?.kappaName ?? "Cohen's kappa", t);
  const titles = new Map(round.transcripts.map((t) => [t.transcriptId, t.title]));

  return (
    <section className="dashboard" aria-label={t('dashboard.label')}>
      <div className="row dashboard-controls">
        <label>
          {t('dashboard.unit')}{' '}
          <select
            value={unit}
            onChange={(event) => setUnit(event.target.value as UnitKind)}
            aria-label={t('dashboard.unitOfAnalysis')}
          >
            {UNIT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(UNIT_LABELS[kind])}
              </option>
            ))}
          </select>
        </label>
        {unit !== 'character' && (
          <label>
            {t('dashboard.codedFrom')}{' '}
            <input
              type="number"
              min={0}
              max={1}
              step={0.1}
              value={minCoverage}
              onChange={(event) => setMinCoverage(Math.max(0, Math.min(1, Number(event.target.value) || 0)))}
              aria-label={t('dashboard.minCoverage')}
            />{' '}
            {t('dashboard.coverage')}
          </label>
        )}
        <span className="muted" data-testid="dashboard-source">
          {live
            ? liveResult.lastMs !== null
              ? t('dashboard.liveRecomputed', {
                  synced: liveResult.synced,
                  total: liveResult.total,
                  ms: Math.round(liveResult.lastMs),
                })
              : t('dashboard.live', { synced: liveResult.synced, total: liveResult.total })
            : t(round.status === 'revealed' ? 'dashboard.fromSnapshots' : 'dashboard.ownerLook')}
        </span>
      </div>
      {error && <QueryStatus error={error} what="loading.agreement" onRetry={() => void spans.refetch()} />}
      {!data && !error && <p role="status">{t('dashboard.computing')}</p>}
      {data && data.rows.length === 0 && <p>{t('dashboard.noCodings')}</p>}
      {data && data.rows.length > 0 && (
        <>
          <Table label={t('dashboard.perCode')} className="agreement-table" maxHeight="70vh">
            <thead>
              <tr>
                <th>{t('gate.col.code')}</th>
                <th>{kappaName}</th>
                <th>{t('dashboard.col.ci')}</th>
                <th>{t('dashboard.col.interpretation')}</th>
                <th>{t('dashboard.col.percent')}</th>
                <th>{t('dashboard.col.pabak')}</th>
                <th>{t('dashboard.col.ac1')}</th>
                <th>{t('dashboard.col.alpha')}</th>
                <th>{t('report.col.flags')}</th>
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
                  <td className="interval" title={intervalWarning(row.intervals.kappa, t) ?? undefined}>
                    {interval(row.intervals.kappa, num)}
                  </td>
                  <td>
                    {row.kappa.interpretation ? agreementWord(row.kappa.interpretation, t) : (row.kappa.reason ?? '')}
                  </td>
                  <td>{num(row.percentAgreement.value === null ? null : row.percentAgreement.value * 100, 1)}</td>
                  <td>{num(row.pabak.value)}</td>
                  <td>{num(row.ac1.value)}</td>
                  <td title={row.alpha.interpretation ? agreementWord(row.alpha.interpretation, t) : undefined}>
                    {num(row.alpha.value)}
                  </td>
                  <td>
                    {row.flags.map((flag) => (
                      <span key={flag} className={`tag flag-${flag}`}>
                        {FLAG_LABEL[flag] ? t(FLAG_LABEL[flag]!) : flag}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          <p className="muted">
            {t('dashboard.thresholdsNote', {
              kappaName,
              kappa: thresholds.kappa,
              alpha: thresholds.alpha,
              method: agreementWord(INTERVAL_METHOD, t),
              samples: ROUND_BOOTSTRAP.samples,
              seed: String(ROUND_BOOTSTRAP.seed),
            })}
          </p>
          {isOwner && <ThresholdsForm projectId={projectId} thresholds={thresholds} />}
          {data.rows.some((row) => row.intervals.kappa.warning) && (
            <p className="notice" data-testid="interval-warning">
              {(() => {
                const missing = data.rows.find(
                  (row) => row.intervals.kappa.ci95 === null && row.intervals.kappa.warning,
                );
                if (!missing) return t('dashboard.approximate');
                const warning = intervalWarning(missing.intervals.kappa, t);
                return data.rows.every((row) => row.intervals.kappa.ci95 === null)
                  ? t('dashboard.noCiAny', { warning })
                  : t('dashboard.noCiSome', { warning });
              })()}
            </p>
          )}
          <CodeBars bars={bars} thresholds={thresholds} kappaName={kappaName} />
          {entry && (
            <div className="code-detail">
              <h3>{t('dashboard.pairs', { code: codeName(entry.code) })}</h3>
              <PairHeatmap
                coders={entry.all_coders.pairwise.coders}
                names={coderNames}
                matrix={entry.all_coders.pairwise.cohen_kappa}
              />
              <h3>{t('dashboard.perTranscript', { code: codeName(entry.code) })}</h3>
              <table className="agreement-table">
                <thead>
                  <tr>
                    <th>{t('rounds.transcript')}</th>
                    <th>{t('dashboard.col.pair')}</th>
                    <th>{t('kappa.cohen')}</th>
                    <th>{t('dashboard.col.percent')}</th>
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
          {t('dashboard.spans')}
        </a>
        {round.status === 'revealed' && (
          <>
            <a
              href={roundsApi.reportUrl(projectId, round.id, 'html', unit, minCoverage)}
              target="_blank"
              rel="noreferrer"
            >
              {t('dashboard.reportHtml')}
            </a>
            <a href={roundsApi.reportUrl(projectId, round.id, 'md', unit, minCoverage)} download>
              {t('dashboard.markdown')}
            </a>
            <a href={roundsApi.reportUrl(projectId, round.id, 'json', unit, minCoverage)} download>
              {t('dashboard.json')}
            </a>
            <a href={roundsApi.reportUrl(projectId, round.id, 'csv', unit, minCoverage)} download>
              {t('dashboard.csv')}
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
  const t = useT();
  const intl = useIntl();
  const num = numberIn(intl);
  // The history is secondary: nothing is shown while it loads, and a failure says so without taking the page.
  if (error) return <QueryStatus error={error} what="loading.history" onRetry={() => void refetch()} />;
  const history = data?.history;
  if (!history || history.length === 0) return null;
  return (
    <>
      <h3>{t('dashboard.history')}</h3>
      <table className="agreement-table">
        <thead>
          <tr>
            <th>{t('dashboard.col.round')}</th>
            <th>{t('dashboard.col.revealed')}</th>
            <th>{t('dashboard.col.meanKappa')}</th>
            <th>{t('dashboard.col.meanAlpha')}</th>
            <th>{t('dashboard.col.changes')}</th>
          </tr>
        </thead>
        <tbody>
          {history.map((h) => (
            <tr key={h.round.id}>
              <td>{h.round.name}</td>
              <td>{h.round.revealedAt ? day(intl, h.round.revealedAt) : ''}</td>
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
  const t = useT();
  const valid = (value: string) => value.trim() !== '' && Number(value) >= -1 && Number(value) <= 1;
  const save = () => saving.mutate({ kappa: Number(kappa), alpha: Number(alpha) });
  const status = saving.isError
    ? errorText(saving.error)
    : saving.isSuccess
      ? t('dashboard.thresholdsSaved')
      : saving.isPending
        ? t('dashboard.saving')
        : null;
  return (
    <form
      className="row thresholds-form"
      aria-label={t('dashboard.thresholds')}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <label>
        {t('dashboard.kappaThreshold')}{' '}
        <input type="number" step="0.01" min="-1" max="1" value={kappa} onChange={(e) => setKappa(e.target.value)} />
      </label>
      <label>
        {t('dashboard.alphaThreshold')}{' '}
        <input type="number" step="0.001" min="-1" max="1" value={alpha} onChange={(e) => setAlpha(e.target.value)} />
      </label>
      <button type="submit" disabled={saving.isPending || !valid(kappa) || !valid(alpha)}>
        {t('dashboard.saveThresholds')}
      </button>
      {status && (
        <span className="muted" role="status">
          {status}
        </span>
      )}
    </form>
  );
}
