import {
  DISAGREEMENT_KINDS,
  type DisagreementKind,
  docName,
  RESOLUTION_CHOICES,
  type ResolutionChoice,
} from '@accord/shared';
import { useId, useMemo, useState } from 'react';
import { errorText } from '../api/errors.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { dateTime } from '../i18n/format.js';
import { type MessageId, msg, type Translate, useIntl, useT } from '../i18n/index.js';
import { passageHref } from '../importExport/passage.js';
import { Link } from '../router.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { type ReviewItem, type RoundView, useChangeCode, useConsensus, useDecide, useDisagreements } from './api.js';

const KIND_LABELS: Record<DisagreementKind, MessageId> = {
  oneCoderOnly: msg('review.kind.oneCoderOnly'),
  differentCodes: msg('review.kind.differentCodes'),
  differentBoundaries: msg('review.kind.differentBoundaries'),
};

const CHOICE_LABELS: Record<ResolutionChoice, MessageId> = {
  keepA: msg('review.choice.keepA'),
  keepB: msg('review.choice.keepB'),
  merge: msg('review.choice.merge'),
  drop: msg('review.choice.drop'),
  recode: msg('review.choice.recode'),
};

const FIELD_LABELS: Record<string, MessageId> = {
  definition: msg('review.field.definition'),
  name: msg('review.field.name'),
};

/**
 * A consensus decision in words, in the interface's language (in English the words of shared/src/rounds'
 * `describeDecision`, which the reports use).
 */
export function describeDecision(
  decision: string,
  names: { coderA: string; coderB: string; code?: string | undefined },
  t: Translate,
): string {
  switch (decision) {
    case 'keepA':
      return t('decision.keepA', { coder: names.coderA });
    case 'keepB':
      return t('decision.keepB', { coder: names.coderB });
    case 'merge':
      return t('decision.merge');
    case 'drop':
      return t('decision.drop');
    case 'recode':
      return names.code ? t('decision.recodeAs', { code: names.code }) : t('decision.recode');
    case 'agreed':
      return t('decision.agreed');
    default:
      return decision;
  }
}

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
  const titles = useMemo(
    () => new Map(round.transcripts.map((transcript) => [transcript.transcriptId, transcript.title])),
    [round.transcripts],
  );
  const t = useT();
  const intl = useIntl();

  if (!revealed) return <p className="notice">{t('review.notRevealed')}</p>;
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
    <section className="review" aria-label={t('review.label')}>
      <p>{t('review.summary', { count: items.length, resolved })}</p>
      <div className="row review-filters">
        <label>
          {t('review.code')}{' '}
          <select value={filter.code} onChange={(e) => setFilter({ ...filter, code: e.target.value })}>
            <option value="">{t('review.allCodes')}</option>
            {usedCodes.map((id) => (
              <option key={id} value={id}>
                {codeName(id)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('review.pair')}{' '}
          <select value={filter.pair} onChange={(e) => setFilter({ ...filter, pair: e.target.value })}>
            <option value="">{t('review.allPairs')}</option>
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
          {t('review.transcript')}{' '}
          <select value={filter.transcript} onChange={(e) => setFilter({ ...filter, transcript: e.target.value })}>
            <option value="">{t('review.allTranscripts')}</option>
            {round.transcripts.map((transcript) => (
              <option key={transcript.transcriptId} value={transcript.transcriptId}>
                {transcript.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('review.type')}{' '}
          <select value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value })}>
            <option value="">{t('review.allTypes')}</option>
            {DISAGREEMENT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(KIND_LABELS[kind])}
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
      <h3>{t('review.consensus')}</h3>
      {consensus.map((layer) => (
        <div key={layer.transcriptId} className="consensus" data-testid={`consensus-${layer.transcriptId}`}>
          <h4>{titles.get(layer.transcriptId) ?? layer.transcriptId}</h4>
          {layer.codings.length === 0 ? (
            <p className="muted">{t('review.noConsensus')}</p>
          ) : (
            <table className="agreement-table">
              <thead>
                <tr>
                  <th>{t('review.code')}</th>
                  <th>{t('review.col.offsets')}</th>
                  <th>{t('review.col.decision')}</th>
                  <th>{t('review.col.by')}</th>
                  <th>{t('review.col.when')}</th>
                  <th>{t('review.col.memo')}</th>
                </tr>
              </thead>
              <tbody>
                {layer.codings.map((c) => (
                  <tr key={c.id} data-decision={c.provenance.decision}>
                    <td>{codeName(c.code)}</td>
                    <td>
                      {c.start}–{c.end}
                    </td>
                    <td>
                      {(() => {
                        const record = layer.decisions.find((d) => d.disagreement === c.provenance.disagreement);
                        return describeDecision(
                          c.provenance.decision,
                          {
                            coderA: coderName.get(record?.coders[0] ?? '') ?? t('decision.coderA'),
                            coderB: coderName.get(record?.coders[1] ?? '') ?? t('decision.coderB'),
                            code: record?.code ? codeName(record.code) : undefined,
                          },
                          t,
                        );
                      })()}
                    </td>
                    <td>
                      {coderName.get(c.provenance.decidedBy) ??
                        round.adjudicators.find((a) => a.userId === c.provenance.decidedBy)?.name ??
                        ''}
                    </td>
                    <td>{dateTime(intl, c.provenance.decidedAt)}</td>
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
  const t = useT();
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
          <p className="muted">{t('review.notCoded')}</p>
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
        <strong>{t(KIND_LABELS[item.kind])}</strong> · {item.codes.map(codeName).join(', ')} · {title}
        {item.speaker && <span className="muted"> · {item.speaker}</span>}
        {item.resolution && (
          <span className="tag resolved">
            {describeDecision(
              item.resolution.decision,
              {
                coderA: coderName(item.coders[0]),
                coderB: coderName(item.coders[1]),
                code: item.resolution.code ? codeName(item.resolution.code) : undefined,
              },
              t,
            )}
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
          {t(context ? 'review.hideContext' : 'review.jump')}
        </button>
        <Link href={passageHref(projectId, item.transcriptId, item)}>{t('review.openTranscript')}</Link>
      </div>
      <div className="versions">
        {version('a')}
        {version('b')}
      </div>
      {round.mayAdjudicate && (
        <div className="decide">
          <label>
            {t('review.memoWhy')}{' '}
            <input value={memo} onChange={(e) => setMemo(e.target.value)} aria-label={t('review.decisionMemo')} />
          </label>
          <div className="row">
            {RESOLUTION_CHOICES.filter((c) => c !== 'recode').map((choice) => (
              <button key={choice} type="button" disabled={busy} onClick={() => decide(choice)}>
                {t(CHOICE_LABELS[choice])}
              </button>
            ))}
            <select value={recodeTo} onChange={(e) => setRecodeTo(e.target.value)} aria-label={t('review.recodeTo')}>
              {codes.map((code) => (
                <option key={code.id} value={code.id}>
                  {code.name}
                </option>
              ))}
            </select>
            <button type="button" disabled={busy || recodeTo === ''} onClick={() => decide('recode')}>
              {t(CHOICE_LABELS.recode)}
            </button>
          </div>
          {item.resolution?.memo && <p className="muted">{t('review.recordedMemo', { memo: item.resolution.memo })}</p>}
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
  const t = useT();
  const choose = (next: string) => {
    setCode(next);
    setDefinition(live.byId.get(next)?.definition ?? '');
  };
  const save = () => changing.mutate({ code, body: { definition, memo } }, { onSuccess: () => setMemo('') });
  const changed = changing.variables?.code;
  const status = changing.isError
    ? errorText(changing.error)
    : changing.isSuccess && changed !== undefined
      ? t('review.definitionChanged', { code: codeName(changed) })
      : null;
  return (
    <section className="code-change" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('review.changesTitle')}</h3>
      {changes.length === 0 ? (
        <p className="muted">{t('review.noneYet')}</p>
      ) : (
        <ul data-testid="codebook-changes">
          {changes.map((change) => (
            <li key={`${change.code}-${change.at}`}>
              <strong>{codeName(change.code)}</strong>:{' '}
              {t('review.fieldsChanged', {
                fields: Object.keys(change.fields)
                  .map((field) => (FIELD_LABELS[field] ? t(FIELD_LABELS[field]!) : field))
                  .join(', '),
              })}
              {change.memo ? ` (${change.memo})` : ''}
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <label>
          {t('review.code')}{' '}
          <select value={code} onChange={(event) => choose(event.target.value)}>
            <option value="">{t('review.chooseCode')}</option>
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
            {t('review.newDefinition')}
            <textarea rows={3} value={definition} onChange={(event) => setDefinition(event.target.value)} />
          </label>
          <label className="stack">
            {t('review.why')}
            <input value={memo} onChange={(event) => setMemo(event.target.value)} />
          </label>
          <button type="button" onClick={save} disabled={changing.isPending || memo.trim() === ''}>
            {t('review.changeDefinition')}
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
