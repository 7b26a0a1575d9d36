import type { RetrievedSegment } from '@accord/shared';
import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { errorText } from '../api/errors.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { useT } from '../i18n/index.js';
import { layerLabel } from '../i18n/labels.js';
import { passageHref } from '../importExport/passage.js';
import { Link } from '../router.js';
import {
  type AnalysisFilters,
  type AnalysisOptions,
  analysisApi,
  filterQuery,
  useChooseQuote,
  useSegments,
  useTextSearch,
} from './api.js';
import { CountedNote } from './ScopeSelector.js';
import { useThemes } from './useThemes.js';

/** Segments for the filters, with export links (the same query), and a text search across transcripts. */
export function RetrievalView({
  project,
  filters,
  options,
  codebook,
  canQuote,
}: {
  project: string;
  filters: AnalysisFilters;
  options: AnalysisOptions;
  codebook: Y.Doc;
  canQuote: boolean;
}) {
  const { data, error, refetch } = useSegments(project, filters);
  const segments = data?.segments ?? null;
  const t = useT();

  const layerName = (layer: string) => layerLabel(layer, options.layers.find((l) => l.id === layer)?.name ?? layer, t);
  const query = filterQuery(filters);
  return (
    <section className="retrieval" aria-label={t('retrieval.label')}>
      <div className="row">
        <h2>
          {t('retrieval.segments')}{' '}
          {segments && (
            <span className="muted" data-testid="segment-count">
              ({segments.length})
            </span>
          )}
        </h2>
        <span className="spacer" />
        <a href={`${analysisApi.base(project)}/segments?${query}&format=csv`} download>
          {t('retrieval.exportCsv')}
        </a>
        <a href={`${analysisApi.base(project)}/segments?${query}&format=html`} target="_blank" rel="noreferrer">
          {t('report.printable')}
        </a>
      </div>
      {(error || !data) && <QueryStatus error={error} what="loading.segments" onRetry={() => void refetch()} />}
      <CountedNote counted={data?.counted} />
      {segments?.length === 0 && <p className="muted">{t('retrieval.noMatch')}</p>}
      <ol className="segments">
        {segments?.map((segment) => (
          <li key={`${segment.layer}-${segment.codingId}`} className="segment" data-testid="segment">
            <div className="segment-meta">
              <Link href={passageHref(project, segment.transcript, segment)}>{segment.title}</Link>
              {segment.participant && <span> · {segment.participant}</span>}
              {Object.entries(segment.attributes).map(([key, value]) => (
                <span key={key} className="tag">
                  {key}: {value}
                </span>
              ))}
            </div>
            <div className="segment-meta">
              <strong>{segment.codePath.join(' › ')}</strong>
              {segment.speakers.length > 0 && <span> · {segment.speakers.join(', ')}</span>}
              <span data-testid="segment-layers"> · {segment.layers.map(layerName).join(' & ')}</span>
            </div>
            <blockquote>{segment.text}</blockquote>
            {segment.memo && <p className="muted">{t('retrieval.memo', { memo: segment.memo })}</p>}
            {canQuote && <QuotePicker project={project} codebook={codebook} segment={segment} />}
          </li>
        ))}
      </ol>
      <TextSearch project={project} filters={filters} />
    </section>
  );
}

/** Chooses a segment as a representative quote of a theme (anchored by the server). */
function QuotePicker({ project, codebook, segment }: { project: string; codebook: Y.Doc; segment: RetrievedSegment }) {
  const themes = useThemes(codebook);
  const quote = useChooseQuote(project);
  const t = useT();
  if (themes.length === 0) return null;
  const choose = (theme: string) => {
    if (!theme) return;
    quote.mutate({
      theme,
      quote: {
        transcript: segment.transcript,
        // A merged segment is quoted from one of the layers that coded it (any of them: the same passage).
        layer: segment.layers[0] ?? segment.layer,
        coding: segment.codingId,
        code: segment.code,
        start: segment.start,
        end: segment.end,
      },
    });
  };
  const quoted = quote.variables && themes.find((theme) => theme.id === quote.variables.theme);
  const status = quote.isError
    ? errorText(quote.error)
    : quote.isSuccess
      ? t('retrieval.quotedIn', { theme: quoted?.name ?? '' })
      : quote.isPending
        ? t('retrieval.quoting')
        : null;
  return (
    <div className="row">
      <select aria-label={t('retrieval.quoteFor')} value="" onChange={(event) => choose(event.target.value)}>
        <option value="">{t('retrieval.quoteForOption')}</option>
        {themes.map((theme) => (
          <option key={theme.id} value={theme.id}>
            {theme.name || t('theme.unnamed')}
          </option>
        ))}
      </select>
      {status && <span className="muted">{status}</span>}
    </div>
  );
}

function TextSearch({ project, filters }: { project: string; filters: AnalysisFilters }) {
  const [q, setQ] = useState('');
  const t = useT();
  /** What was searched for (on submit, not per keystroke); the filters may change under it. */
  const [asked, setAsked] = useState<string | null>(null);
  const searched = useTextSearch(project, { ...filters, contains: '' }, asked);
  const result = searched.data ?? null;
  const search = (event: FormEvent) => {
    event.preventDefault();
    if (!q.trim()) return;
    if (q === asked) void searched.refetch();
    else setAsked(q);
  };
  return (
    <section className="text-search" aria-label={t('search.label')}>
      <h2>{t('search.title')}</h2>
      <form className="row" onSubmit={search} aria-label={t('search.title')}>
        <input type="search" aria-label={t('search.text')} value={q} onChange={(event) => setQ(event.target.value)} />
        <button type="submit">{t('search.submit')}</button>
      </form>
      {asked !== null && (searched.error || !result) && (
        <QueryStatus error={searched.error} what="loading.searchResults" onRetry={() => void searched.refetch()} />
      )}
      {result && (
        <p className="muted">
          {t(result.truncated ? 'search.hitsTruncated' : 'search.hits', { count: result.hits.length })}
        </p>
      )}
      <ol className="hits">
        {result?.hits.map((hit) => (
          <li key={`${hit.transcript}-${hit.start}`} data-testid="hit">
            <span className="segment-meta">
              <Link href={passageHref(project, hit.transcript, hit)}>{hit.title}</Link>
              {hit.speaker && ` · ${hit.speaker}`}
            </span>
            <p className="kwic">
              …{hit.before}
              <mark>{hit.match}</mark>
              {hit.after}…
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
