import {
  DISAGREEMENT_KINDS,
  type DisagreementKind,
  describeDecision,
  docName,
  RESOLUTION_CHOICES,
  type ResolutionChoice,
} from '@accord/shared';
import { useId, useMemo, useState } from 'react';
import { errorText } from '../api/errors.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { passageHref } from '../importExport/passage.js';
import { Link } from '../router.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { type ReviewItem, type RoundView, useChangeCode, useConsensus, useDecide, useDisagreements } from './api.js';

const KIND_LABELS: Record<DisagreementKind, string> = {
  oneCoderOnly: 'Coded by one coder only',
  differentCodes: 'Same passage, different codes',
  differentBoundaries: 'Same code, different boundaries',
};

const CHOICE_LABELS: Record<ResolutionChoice, string> = {
  keepA: 'Keep A',
  keepB: 'Keep B',
  merge: 'Merge',
  drop: 'Drop',
  recode: 'Recode',
};

/**
 * Disagreement review after reveal: every disagreement with its passage, speaker and both coders' versions side
 * by side, filters, and (for adjudicators) the consensus decisions; the consensus layer is listed below.
 */
export function Review({
  projectId,
  round,
  codeName,
  codes,
}: {
  projectId: string;
  round: RoundView;
  codeName: (id: string) => string;
  codes: { id: string; name: string }[];
}) {
  const revealed = round.status === 'revealed';
  const listed = useDisagreements(projectId, round.id, revealed);
  const layers = useConsensus(projectId, round.id, revealed);
  const [filter, setFilter] = useState({ code: '', pair: '', transcript: '', kind: '' });
  const coderName = useMemo(() => new Map(round.coders.map((c) => [c.userId, c.name])), [round.coders]);
  const titles = useMemo(() => new Map(round.transcripts.map((t) => [t.transcriptId, t.title])), [round.transcripts]);

  if (!revealed) return <p className="notice">Disagreements are reviewed after the round is revealed.</p>;
  const items = listed.data?.disagreements;
  const consensus = layers.data?.transcripts;
  if (!items || !consensus) {
    const error = listed.error ?? layers.error;
    const retry = () => {
      if (listed.error) void listed.refetch();
      if (layers.error) void layers.refetch();
    };
    return <QueryStatus error={error} what="loading.disagreements" onRetry={retry} />;
  }

  const pairs = [...new Set(items.map((d) => d.coders.join('|')))];
  const shown = items.filter(
    (d) =>
      (filter.code === '' || d.codes.includes(filter.code)) &&
      (filter.pair === '' || d.coders.join('|') === filter.pair) &&
      (filter.transcript === '' || d.transcriptId === filter.transcript) &&
      (filter.kind === '' || d.kind === filter.kind),
  );
  const usedCodes = [...new Set(items.flatMap((d) => d.codes))];
  const resolved = items.filter((d) => d.resolution !== null).length;

  return (
    <section className="review" aria-label="Disagreement review">
      <p>
        {items.length} disagreements, {resolved} resolved.
      </p>
      <div className="row review-filters">
        <label>
          Code{' '}
          <select value={filter.code} onChange={(e) => setFilter({ ...filter, code: e.target.value })}>
            <option value="">All codes</option>
            {usedCodes.map((id) => (
              <option key={id} value={id}>
                {codeName(id)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Coder pair{' '}
          <select value={filter.pair} onChange={(e) => setFilter({ ...filter, pair: e.target.value })}>
            <option value="">All pairs</option>
            {pairs.map((pair) => (
              <option key={pair} value={pair}>
                {pair
                  .split('|')
                  .map((c) => coderName.get(c) ?? c)
                  .join(' / ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Transcript{' '}
          <select value={filter.transcript} onChange={(e) => setFilter({ ...filter, transcript: e.target.value })}>
            <option value="">All transcripts</option>
            {round.transcripts.map((t) => (
              <option key={t.transcriptId} value={t.transcriptId}>
                {t.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type{' '}
          <select value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value })}>
            <option value="">All types</option>
            {DISAGREEMENT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_LABELS[kind]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ol className="disagreements">
        {shown.map((item) => (
          <DisagreementCard
            key={`${item.transcriptId}-${item.id}`}
            projectId={projectId}
            round={round}
            item={item}
            title={titles.get(item.transcriptId) ?? item.transcriptId}
            coderName={(id) => coderName.get(id) ?? id}
            codeName={codeName}
            codes={codes}
          />
        ))}
      </ol>
      {round.mayAdjudicate && (
        <CodeDefinitionChange projectId={projectId} round={round} codes={codes} codeName={codeName} />
      )}
      <h3>Consensus layer</h3>
      {consensus.map((t) => (
        <div key={t.transcriptId} className="consensus" data-testid={`consensus-${t.transcriptId}`}>
          <h4>{titles.get(t.transcriptId) ?? t.transcriptId}</h4>
          {t.codings.length === 0 ? (
            <p className="muted">No consensus codings yet.</p>
          ) : (
            <table className="agreement-table">
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Offsets</th>
                  <th>Decision</th>
                  <th>By</th>
                  <th>When</th>
                  <th>Memo</th>
                </tr>
              </thead>
              <tbody>
                {t.codings.map((c) => (
                  <tr key={c.id} data-decision={c.provenance.decision}>
                    <td>{codeName(c.code)}</td>
                    <td>
                      {c.start}–{c.end}
                    </td>
                    <td>
                      {(() => {
                        const record = t.decisions.find((d) => d.disagreement === c.provenance.disagreement);
                        return describeDecision(c.provenance.decision, {
                          coderA: coderName.get(record?.coders[0] ?? '') ?? 'coder A',
                          coderB: coderName.get(record?.coders[1] ?? '') ?? 'coder B',
                          code: record?.code ? codeName(record.code) : undefined,
                        });
                      })()}
                    </td>
                    <td>
                      {coderName.get(c.provenance.decidedBy) ??
                        round.adjudicators.find((a) => a.userId === c.provenance.decidedBy)?.name ??
                        ''}
                    </td>
                    <td>{new Date(c.provenance.decidedAt).toLocaleString()}</td>
                    <td>{c.provenance.memo}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}

function DisagreementCard({
  projectId,
  round,
  item,
  title,
  coderName,
  codeName,
  codes,
}: {
  projectId: string;
  round: RoundView;
  item: ReviewItem;
  title: string;
  coderName: (id: string) => string;
  codeName: (id: string) => string;
  codes: { id: string; name: string }[];
}) {
  const [memo, setMemo] = useState(item.resolution?.memo ?? '');
  const [recodeTo, setRecodeTo] = useState(item.codes[0] ?? '');
  const [context, setContext] = useState(false);
  // The review list and the consensus layer are asked again once the decision is recorded (`useDecide`).
  const deciding = useDecide(projectId, round.id);
  const busy = deciding.isPending;
  const decide = (choice: ResolutionChoice) =>
    deciding.mutate({
      transcriptId: item.transcriptId,
      disagreement: item.id,
      choice,
      memo,
      ...(choice === 'recode' ? { code: recodeTo } : {}),
    });
  const version = (side: 'a' | 'b') => {
    const list = item[side];
    return (
      <div className={`version version-${side}`}>
        <h5>
          {side.toUpperCase()}: {coderName(item.coders[side === 'a' ? 0 : 1])}
        </h5>
        {list.length === 0 ? (
          <p className="muted">Not coded here.</p>
        ) : (
          <ul>
            {list.map((c) => (
              <li key={c.id}>
                <span className="tag">{codeName(c.code)}</span>{' '}
                <span className="muted">
                  {c.start}–{c.end}
                </span>
                <blockquote>{c.text}</blockquote>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  };
  return (
    <li className="disagreement card" data-kind={item.kind} data-id={item.id}>
      <div className="disagreement-head">
        <strong>{KIND_LABELS[item.kind]}</strong> · {item.codes.map(codeName).join(', ')} · {title}
        {item.speaker && <span className="muted"> · {item.speaker}</span>}
        {item.resolution && (
          <span className="tag resolved">
            {describeDecision(item.resolution.decision, {
              coderA: coderName(item.coders[0]),
              coderB: coderName(item.coders[1]),
              code: item.resolution.code ? codeName(item.resolution.code) : undefined,
            })}
          </span>
        )}
      </div>
      {context ? (
        <p className="passage in-context">
          …{item.before}
          <mark>{item.text}</mark>
          {item.after}…
        </p>
      ) : (
        <p className="passage">{item.text}</p>
      )}
      <div className="row">
        <button type="button" className="link" onClick={() => setContext(!context)} aria-expanded={context}>
          {context ? 'Hide context' : 'Jump to passage'}
        </button>
        <Link href={passageHref(projectId, item.transcriptId, item)}>Open the transcript</Link>
      </div>
      <div className="versions">
        {version('a')}
        {version('b')}
      </div>
      {round.mayAdjudicate && (
        <div className="decide">
          <label>
            Memo (why) <input value={memo} onChange={(e) => setMemo(e.target.value)} aria-label="Decision memo" />
          </label>
          <div className="row">
            {RESOLUTION_CHOICES.filter((c) => c !== 'recode').map((choice) => (
              <button key={choice} type="button" disabled={busy} onClick={() => decide(choice)}>
                {CHOICE_LABELS[choice]}
              </button>
            ))}
            <select value={recodeTo} onChange={(e) => setRecodeTo(e.target.value)} aria-label="Recode to">
              {codes.map((code) => (
                <option key={code.id} value={code.id}>
                  {code.name}
                </option>
              ))}
            </select>
            <button type="button" disabled={busy || recodeTo === ''} onClick={() => decide('recode')}>
              {CHOICE_LABELS.recode}
            </button>
          </div>
          {item.resolution?.memo && <p className="muted">Recorded memo: {item.resolution.memo}</p>}
          {deciding.error && (
            <p className="error" role="alert">
              {errorText(deciding.error)}
            </p>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * A code's definition sharpened during review (what the disagreements showed), applied to the live codebook and
 * recorded with the round: before, after, who, when and why; the reliability report lists these changes.
 */
function CodeDefinitionChange({
  projectId,
  round,
  codes,
  codeName,
}: {
  projectId: string;
  round: RoundView;
  codes: { id: string; name: string }[];
  codeName: (id: string) => string;
}) {
  const id = useId();
  const live = useCodebook(useDoc(docName({ kind: 'codebook', project: projectId }))?.doc ?? null);
  const [code, setCode] = useState('');
  const [definition, setDefinition] = useState('');
  const [memo, setMemo] = useState('');
  // The round's cached view takes the changes the server answers with (`useChangeCode`).
  const changes = round.codebookChanges;
  const changing = useChangeCode(projectId, round.id);
  const choose = (next: string) => {
    setCode(next);
    setDefinition(live.byId.get(next)?.definition ?? '');
  };
  const save = () => changing.mutate({ code, body: { definition, memo } }, { onSuccess: () => setMemo('') });
  const changed = changing.variables?.code;
  const status = changing.isError
    ? errorText(changing.error)
    : changing.isSuccess && changed !== undefined
      ? `Definition of “${codeName(changed)}” changed and recorded with the round.`
      : null;
  return (
    <section className="code-change" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Code definitions changed in this review</h3>
      {changes.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul data-testid="codebook-changes">
          {changes.map((change) => (
            <li key={`${change.code}-${change.at}`}>
              <strong>{codeName(change.code)}</strong>: {Object.keys(change.fields).join(', ')} changed
              {change.memo ? ` (${change.memo})` : ''}
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <label>
          Code{' '}
          <select value={code} onChange={(event) => choose(event.target.value)}>
            <option value="">Choose a code…</option>
            {codes.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {code && (
        <>
          <label className="stack">
            New definition
            <textarea rows={3} value={definition} onChange={(event) => setDefinition(event.target.value)} />
          </label>
          <label className="stack">
            Why (recorded with the round)
            <input value={memo} onChange={(event) => setMemo(event.target.value)} />
          </label>
          <button type="button" onClick={save} disabled={changing.isPending || memo.trim() === ''}>
            Change definition
          </button>
        </>
      )}
      {status && (
        <p className="muted" role="status">
          {status}
        </p>
      )}
    </section>
  );
}
