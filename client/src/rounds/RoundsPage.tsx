import type { Thresholds } from '@accord/shared';
import { type FormEvent, useMemo, useState } from 'react';
import { codedText, errorText } from '../api/errors.js';
import { ProjectDataPending } from '../app/ProjectDataPending.js';
import { type ProjectData, useProjectData } from '../app/projectData.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { useSession } from '../app/session.js';
import { dateTime } from '../i18n/format.js';
import { type MessageId, msg, useIntl, useT } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { href, parseRoute, type Route } from '../routes.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { type RoundView, useCreateRound, useMarkDone, useReveal, useRound, useRounds } from './api.js';
import { Dashboard } from './Dashboard.js';
import { Review } from './Review.js';
import './rounds.css';

/** `/p/<project>/rounds`, `/p/<project>/rounds/<round>` and its `agreement` / `review` tabs (see `routes.ts`). */
export type RoundsRoute = Extract<Route, { page: 'rounds' }>;

export const MODE_LABEL: Record<string, MessageId> = { blind: msg('rounds.mode.blind'), open: msg('rounds.mode.open') };
export const STATUS_LABEL: Record<string, MessageId> = {
  running: msg('rounds.status.running'),
  revealed: msg('rounds.status.revealed'),
};

export function roundsRoute(path: string): RoundsRoute | null {
  const route = parseRoute(path);
  return route.page === 'rounds' ? route : null;
}

export function RoundsPage({ path }: { path: string }) {
  const route = roundsRoute(path)!;
  const { data, error } = useProjectData(route.project);
  const t = useT();
  if (!data) return <ProjectDataPending error={error} />;
  return (
    <div className="page rounds-page">
      <nav aria-label={t('rounds.breadcrumb')} className="crumbs">
        <Link href={href.projects()}>{t('app.projects')}</Link> ›{' '}
        <Link href={href.project(data.project.id)}>{data.project.name}</Link> ›{' '}
        {route.round ? (
          <Link href={href.rounds(data.project.id)}>{t('rounds.title')}</Link>
        ) : (
          <span>{t('rounds.title')}</span>
        )}
      </nav>
      {route.round === null ? (
        <RoundList data={data} />
      ) : (
        <RoundDetail key={route.round} data={data} roundId={route.round} tab={route.tab} />
      )}
    </div>
  );
}

function RoundList({ data }: { data: ProjectData }) {
  const listed = useRounds(data.project.id);
  const rounds = listed.data?.rounds;
  const t = useT();
  return (
    <>
      <h1>{t('rounds.title')}</h1>
      {!rounds && <QueryStatus error={listed.error} what="loading.rounds" onRetry={() => void listed.refetch()} />}
      {rounds && rounds.length === 0 && <p>{t('rounds.none')}</p>}
      <ul className="card-list">
        {rounds?.map((round) => (
          <li key={round.id} className="card">
            <Link href={href.rounds(data.project.id, round.id)}>{round.name}</Link>{' '}
            <span className="tag">{t(MODE_LABEL[round.mode]!)}</span>{' '}
            <span className="tag">{t(STATUS_LABEL[round.status]!)}</span>
            {round.myAssignments.length > 0 && (
              <span className="muted">
                {' · '}
                {t('rounds.yourTranscripts', {
                  done: round.myAssignments.filter((a) => a.done).length,
                  total: round.myAssignments.length,
                })}
              </span>
            )}
          </li>
        ))}
      </ul>
      {data.project.role === 'owner' && (
        <NewRound data={data} onCreated={(id) => navigate(href.rounds(data.project.id, id))} />
      )}
    </>
  );
}

function NewRound({ data, onCreated }: { data: ProjectData; onCreated: (id: string) => void }) {
  const { user } = useSession();
  const candidates = data.members.filter((m) => m.role !== 'viewer');
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'blind' | 'open'>('blind');
  const [ownerMayLook, setOwnerMayLook] = useState(false);
  const [selection, setSelection] = useState<'hand' | 'sample'>('hand');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [percent, setPercent] = useState(20);
  const [seed, setSeed] = useState('');
  const [coders, setCoders] = useState<Set<string>>(new Set());
  const [adjudicators, setAdjudicators] = useState<Set<string>>(new Set([user.id]));
  const create = useCreateRound(data.project.id);
  const t = useT();
  const created = create.data && create.data.warnings.length > 0 ? create.data : null;
  const toggle = (set: Set<string>, id: string, update: (next: Set<string>) => void) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    update(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name,
        mode,
        ownerMayLook,
        transcripts:
          selection === 'hand'
            ? { ids: [...picked] }
            : { percent, ...(seed.trim() === '' ? {} : { seed: Number(seed) }) },
        coders: [...coders],
        adjudicators: [...adjudicators],
      },
      {
        // Layers that already hold codings count in the round: the owner reads that before anyone codes.
        onSuccess: ({ round, warnings }) => {
          if (warnings.length === 0) onCreated(round.id);
        },
      },
    );
  };
  return (
    <form className="form new-round" onSubmit={submit} aria-label={t('rounds.new')}>
      <h2>{t('rounds.new')}</h2>
      <label>
        {t('rounds.name')} <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <fieldset>
        <legend>{t('rounds.mode')}</legend>
        <label>
          <input type="radio" checked={mode === 'blind'} onChange={() => setMode('blind')} /> {t('rounds.blind')}
        </label>
        <label>
          <input type="radio" checked={mode === 'open'} onChange={() => setMode('open')} /> {t('rounds.open')}
        </label>
        {mode === 'blind' && (
          <label>
            <input type="checkbox" checked={ownerMayLook} onChange={(e) => setOwnerMayLook(e.target.checked)} />{' '}
            {t('rounds.ownerMayLook')}
          </label>
        )}
      </fieldset>
      <fieldset>
        <legend>{t('rounds.transcripts')}</legend>
        <label>
          <input type="radio" checked={selection === 'hand'} onChange={() => setSelection('hand')} />{' '}
          {t('rounds.byHand')}
        </label>
        <label>
          <input type="radio" checked={selection === 'sample'} onChange={() => setSelection('sample')} />{' '}
          {t('rounds.sample')}
        </label>
        {selection === 'hand' ? (
          <div className="checks">
            {data.transcripts.map((transcript) => (
              <label key={transcript.id}>
                <input
                  type="checkbox"
                  checked={picked.has(transcript.id)}
                  onChange={() => toggle(picked, transcript.id, setPicked)}
                />{' '}
                {transcript.title}
              </label>
            ))}
          </div>
        ) : (
          <div className="row">
            <label>
              {t('rounds.percent')}{' '}
              <input
                type="number"
                min={1}
                max={100}
                value={percent}
                onChange={(e) => setPercent(Number(e.target.value))}
              />
            </label>
            <label>
              {t('rounds.seed')}{' '}
              <input inputMode="numeric" pattern="[0-9]*" value={seed} onChange={(e) => setSeed(e.target.value)} />
            </label>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>{t('rounds.coders')}</legend>
        <div className="checks">
          {candidates.map((m) => (
            <label key={m.userId}>
              <input
                type="checkbox"
                checked={coders.has(m.userId)}
                onChange={() => toggle(coders, m.userId, setCoders)}
              />{' '}
              {m.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('rounds.adjudicators')}</legend>
        <div className="checks">
          {candidates.map((m) => (
            <label key={m.userId}>
              <input
                type="checkbox"
                checked={adjudicators.has(m.userId)}
                onChange={() => toggle(adjudicators, m.userId, setAdjudicators)}
              />{' '}
              {m.name}
            </label>
          ))}
        </div>
      </fieldset>
      <p className="muted">{t('rounds.frozen')}</p>
      {create.error && (
        <p className="error" role="alert">
          {errorText(create.error)}
        </p>
      )}
      {created && (
        <div className="notice" role="status">
          {created.warnings.map((w) => (
            <p key={w.message}>{codedText(w.code, w.message)}</p>
          ))}
          <Link href={href.rounds(data.project.id, created.round.id)}>{t('rounds.openRound')}</Link>
        </div>
      )}
      <button type="submit" disabled={create.isPending}>
        {t('rounds.create')}
      </button>
    </form>
  );
}

function RoundDetail({ data, roundId, tab }: { data: ProjectData; roundId: string; tab: RoundsRoute['tab'] }) {
  const projectId = data.project.id;
  const loaded = useRound(projectId, roundId);
  const round = loaded.data?.round ?? null;
  const markDone = useMarkDone(projectId, roundId);
  const revealing = useReveal(projectId, roundId);
  const frozen = useCodebook(useDoc(round?.codebook.docName ?? null)?.doc ?? null);
  const { kappaThreshold, alphaThreshold } = data.project.settings;
  const thresholds: Thresholds = useMemo(
    () => ({ kappa: kappaThreshold, alpha: alphaThreshold }),
    [kappaThreshold, alphaThreshold],
  );
  const t = useT();
  const intl = useIntl();
  if (!round) return <QueryStatus error={loaded.error} what="loading.round" onRetry={() => void loaded.refetch()} />;
  const isOwner = data.project.role === 'owner';
  const codeName = (id: string) => frozen.byId.get(id)?.name ?? id;
  const reveal = () => {
    const pending = round.progress.filter((p) => !p.done).length;
    if (pending > 0 && !window.confirm(t('rounds.confirmReveal', { count: pending }))) return;
    revealing.mutate(pending > 0);
  };
  const notice = revealing.data?.warning ?? null;
  const failed = markDone.error ?? revealing.error;
  const tabs: [RoundsRoute['tab'], MessageId][] = [
    ['progress', msg('rounds.tab.progress')],
    ['agreement', msg('rounds.tab.agreement')],
    ['review', msg('rounds.tab.review')],
  ];
  return (
    <>
      <h1>
        {round.name} <span className="tag">{t(MODE_LABEL[round.mode]!)}</span>{' '}
        <span className="tag">{t(STATUS_LABEL[round.status]!)}</span>
      </h1>
      <p className="muted">
        {t('rounds.transcriptCount', { count: round.transcripts.length })}
        {round.sample
          ? t('rounds.sampleOf', {
              percent: round.sample.percent,
              population: round.sample.populationSize,
              seed: String(round.sample.seed),
            })
          : ''}
        {round.codebook.sha256 ? t('rounds.codebookHash', { hash: round.codebook.sha256.slice(0, 12) }) : ''}
        {round.revealedAt ? t('rounds.revealedAt', { date: dateTime(intl, round.revealedAt) }) : ''}
        {round.revealedAt && round.forced ? t('rounds.forced') : ''}
      </p>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {failed && (
        <p className="error" role="alert">
          {errorText(failed)}
        </p>
      )}
      <nav className="tabs" aria-label={t('rounds.sections')}>
        {tabs.map(([key, label]) => (
          <Link key={key} href={href.rounds(projectId, round.id, key)} aria-current={tab === key ? 'page' : undefined}>
            {t(label)}
          </Link>
        ))}
      </nav>
      {tab === 'progress' && (
        <>
          {round.myAssignments.length > 0 && (
            <section aria-label={t('rounds.yourAssignments')}>
              <h2>{t('rounds.yourAssignments')}</h2>
              <ul className="card-list">
                {round.myAssignments.map((a) => (
                  <li key={a.transcriptId} className="card assignment">
                    <Link href={href.transcript(projectId, a.transcriptId)}>{a.title}</Link>{' '}
                    <span className="muted">{t('rounds.codings', { count: a.codings })}</span>{' '}
                    {round.status === 'running' && (
                      <label>
                        <input
                          type="checkbox"
                          checked={a.done}
                          disabled={markDone.isPending}
                          onChange={(e) => markDone.mutate({ transcript: a.transcriptId, done: e.target.checked })}
                        />{' '}
                        {t('rounds.done')}
                      </label>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {round.progress.length > 0 && <ProgressTable round={round} />}
          {isOwner && round.status === 'running' && (
            <button type="button" onClick={reveal} disabled={revealing.isPending}>
              {t('rounds.reveal')}
            </button>
          )}
          {round.codebookChanges.length > 0 && (
            <>
              <h2>{t('rounds.codebookChanges')}</h2>
              <ul>
                {round.codebookChanges.map((c) => (
                  <li key={`${c.code}-${c.at}`}>
                    {codeName(c.code)}: {Object.keys(c.fields).join(', ')} {c.memo && `(${c.memo})`}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      {tab === 'agreement' && (
        <Dashboard projectId={projectId} round={round} thresholds={thresholds} isOwner={isOwner} />
      )}
      {tab === 'review' && (
        <Review
          projectId={projectId}
          round={round}
          codeName={codeName}
          codes={frozen.codes.map((c) => ({ id: c.id, name: c.name }))}
        />
      )}
    </>
  );
}

/** Done per coder and transcript; in a blind round nothing more (no counts, no content). */
function ProgressTable({ round }: { round: RoundView }) {
  const coders = round.coders;
  const t = useT();
  return (
    <table className="agreement-table progress" aria-label={t('rounds.progress')}>
      <thead>
        <tr>
          <th>{t('rounds.transcript')}</th>
          {coders.map((c) => (
            <th key={c.userId}>{c.name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {round.transcripts.map((transcript) => (
          <tr key={transcript.transcriptId}>
            <th scope="row">{transcript.title}</th>
            {coders.map((c) => {
              const cell = round.progress.find(
                (p) => p.transcriptId === transcript.transcriptId && p.coder === c.userId,
              );
              return (
                <td key={c.userId} data-done={cell?.done ? 'yes' : 'no'}>
                  {cell === undefined ? '' : t(cell.done ? 'rounds.cellDone' : 'rounds.cellNotDone')}
                  {cell?.codings !== undefined && <span className="muted"> · {cell.codings}</span>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
