import type { Thresholds } from '@accord/shared';
import { type FormEvent, useMemo, useState } from 'react';
import { errorText } from '../api/errors.js';
import { ProjectDataPending } from '../app/ProjectDataPending.js';
import { type ProjectData, useProjectData } from '../app/projectData.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { useSession } from '../app/session.js';
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

export function roundsRoute(path: string): RoundsRoute | null {
  const route = parseRoute(path);
  return route.page === 'rounds' ? route : null;
}

export function RoundsPage({ path }: { path: string }) {
  const route = roundsRoute(path)!;
  const { data, error } = useProjectData(route.project);
  if (!data) return <ProjectDataPending error={error} />;
  return (
    <div className="page rounds-page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href={href.projects()}>Projects</Link> ›{' '}
        <Link href={href.project(data.project.id)}>{data.project.name}</Link> ›{' '}
        {route.round ? <Link href={href.rounds(data.project.id)}>Rounds</Link> : <span>Rounds</span>}
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
  return (
    <>
      <h1>Rounds</h1>
      {!rounds && <QueryStatus error={listed.error} what="loading.rounds" onRetry={() => void listed.refetch()} />}
      {rounds && rounds.length === 0 && <p>No rounds yet.</p>}
      <ul className="card-list">
        {rounds?.map((round) => (
          <li key={round.id} className="card">
            <Link href={href.rounds(data.project.id, round.id)}>{round.name}</Link>{' '}
            <span className="tag">{round.mode}</span> <span className="tag">{round.status}</span>
            {round.myAssignments.length > 0 && (
              <span className="muted">
                {' '}
                · your transcripts: {round.myAssignments.filter((a) => a.done).length}/{round.myAssignments.length} done
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
    <form className="form new-round" onSubmit={submit} aria-label="New round">
      <h2>New round</h2>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <fieldset>
        <legend>Mode</legend>
        <label>
          <input type="radio" checked={mode === 'blind'} onChange={() => setMode('blind')} /> Blind: coders cannot see
          each other's codings until you reveal
        </label>
        <label>
          <input type="radio" checked={mode === 'open'} onChange={() => setMode('open')} /> Open: everyone sees
          everything, agreement updates live
        </label>
        {mode === 'blind' && (
          <label>
            <input type="checkbox" checked={ownerMayLook} onChange={(e) => setOwnerMayLook(e.target.checked)} /> Owners
            who are not coding may look before reveal (every look is audited)
          </label>
        )}
      </fieldset>
      <fieldset>
        <legend>Transcripts</legend>
        <label>
          <input type="radio" checked={selection === 'hand'} onChange={() => setSelection('hand')} /> Pick by hand
        </label>
        <label>
          <input type="radio" checked={selection === 'sample'} onChange={() => setSelection('sample')} /> Random sample
        </label>
        {selection === 'hand' ? (
          <div className="checks">
            {data.transcripts.map((t) => (
              <label key={t.id}>
                <input type="checkbox" checked={picked.has(t.id)} onChange={() => toggle(picked, t.id, setPicked)} />{' '}
                {t.title}
              </label>
            ))}
          </div>
        ) : (
          <div className="row">
            <label>
              Percent{' '}
              <input
                type="number"
                min={1}
                max={100}
                value={percent}
                onChange={(e) => setPercent(Number(e.target.value))}
              />
            </label>
            <label>
              Seed (empty: random, recorded){' '}
              <input inputMode="numeric" pattern="[0-9]*" value={seed} onChange={(e) => setSeed(e.target.value)} />
            </label>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Coders (two or more, each codes every transcript)</legend>
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
        <legend>Adjudicators</legend>
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
      <p className="muted">The codebook is frozen for the round when you create it.</p>
      {create.error && (
        <p className="error" role="alert">
          {errorText(create.error)}
        </p>
      )}
      {created && (
        <div className="notice" role="status">
          {created.warnings.map((w) => (
            <p key={w.message}>{w.message}</p>
          ))}
          <Link href={href.rounds(data.project.id, created.round.id)}>Open the round</Link>
        </div>
      )}
      <button type="submit" disabled={create.isPending}>
        Create round
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
  if (!round) return <QueryStatus error={loaded.error} what="loading.round" onRetry={() => void loaded.refetch()} />;
  const isOwner = data.project.role === 'owner';
  const codeName = (id: string) => frozen.byId.get(id)?.name ?? id;
  const reveal = () => {
    const pending = round.progress.filter((p) => !p.done).length;
    if (pending > 0 && !window.confirm(`${pending} coder layer(s) are not marked done. Reveal anyway?`)) return;
    revealing.mutate(pending > 0);
  };
  const notice = revealing.data?.warning ?? null;
  const failed = markDone.error ?? revealing.error;
  const tabs: [RoundsRoute['tab'], string][] = [
    ['progress', 'Progress'],
    ['agreement', 'Agreement'],
    ['review', 'Review'],
  ];
  return (
    <>
      <h1>
        {round.name} <span className="tag">{round.mode}</span> <span className="tag">{round.status}</span>
      </h1>
      <p className="muted">
        {round.transcripts.length} transcript(s)
        {round.sample
          ? ` · ${round.sample.percent}% sample of ${round.sample.populationSize}, seed ${round.sample.seed}`
          : ''}
        {round.codebook.sha256 ? ` · codebook ${round.codebook.sha256.slice(0, 12)}` : ''}
        {round.revealedAt
          ? ` · revealed ${new Date(round.revealedAt).toLocaleString()}${round.forced ? ' (forced)' : ''}`
          : ''}
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
      <nav className="tabs" aria-label="Round sections">
        {tabs.map(([key, label]) => (
          <Link key={key} href={href.rounds(projectId, round.id, key)} aria-current={tab === key ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {tab === 'progress' && (
        <>
          {round.myAssignments.length > 0 && (
            <section aria-label="Your assignments">
              <h2>Your assignments</h2>
              <ul className="card-list">
                {round.myAssignments.map((a) => (
                  <li key={a.transcriptId} className="card assignment">
                    <Link href={href.transcript(projectId, a.transcriptId)}>{a.title}</Link>{' '}
                    <span className="muted">{a.codings} codings</span>{' '}
                    {round.status === 'running' && (
                      <label>
                        <input
                          type="checkbox"
                          checked={a.done}
                          disabled={markDone.isPending}
                          onChange={(e) => markDone.mutate({ transcript: a.transcriptId, done: e.target.checked })}
                        />{' '}
                        Done
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
              Reveal round
            </button>
          )}
          {round.codebookChanges.length > 0 && (
            <>
              <h2>Codebook changes from this review</h2>
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
  return (
    <table className="agreement-table progress" aria-label="Progress">
      <thead>
        <tr>
          <th>Transcript</th>
          {coders.map((c) => (
            <th key={c.userId}>{c.name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {round.transcripts.map((t) => (
          <tr key={t.transcriptId}>
            <th scope="row">{t.title}</th>
            {coders.map((c) => {
              const cell = round.progress.find((p) => p.transcriptId === t.transcriptId && p.coder === c.userId);
              return (
                <td key={c.userId} data-done={cell?.done ? 'yes' : 'no'}>
                  {cell === undefined ? '' : cell.done ? '✓ done' : 'not done'}
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
