import {
  type AnalysisCodeInfo,
  type AnalysisScope,
  type CooccurrenceResponse,
  type CooccurrenceSegmentsResponse,
  type CooccurringPairView,
  type CountedDescription,
  DEFAULT_SCOPE,
  type FinaliseResponse,
  type FinalReportView,
  type FrequencyResponse,
  formatScope,
  type QuoteResponse,
  type SearchHitView,
  type SearchResponse,
  type SegmentsResponse,
  type AnalysisOptions as SharedAnalysisOptions,
  type ThemeGateView,
} from '@accord/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/queries.js';
import { useDebounced } from '../api/useDebounced.js';
import { request } from '../api.js';

/**
 * The analysis REST API (`/api/projects/<p>/analysis/...`). Every answer covers only the layers this user may
 * read; the filters travel as a query string, so that an export link is the same query as the view.
 */
export interface AnalysisFilters {
  /** What is analysed (shared/src/analysis/scope.ts); the scope selector sets it for every view. */
  scope: AnalysisScope;
  codes: string[];
  subcodes: boolean;
  rounds: string[];
  /** attribute -> accepted values */
  attributes: Record<string, string[]>;
  contains: string;
}

export const NO_FILTERS: AnalysisFilters = {
  scope: DEFAULT_SCOPE,
  codes: [],
  subcodes: true,
  rounds: [],
  attributes: {},
  contains: '',
};

export function filterQuery(filters: AnalysisFilters, extra: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  if (filters.scope.kind !== 'all') query.set('scope', formatScope(filters.scope));
  for (const code of filters.codes) query.append('code', code);
  if (!filters.subcodes) query.set('subcodes', 'false');
  for (const round of filters.rounds) query.append('round', round);
  for (const [key, values] of Object.entries(filters.attributes)) {
    for (const value of values) query.append('attr', `${key}=${value}`);
  }
  if (filters.contains.trim()) query.set('contains', filters.contains.trim());
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) query.set(key, value);
  return query.toString();
}

/** What an answer counted, in words (the server's `counted`). */
export type Counted = CountedDescription;
export type AnalysisOptions = SharedAnalysisOptions;
export type CodeInfo = AnalysisCodeInfo;
export type { CooccurrenceResponse, CooccurringPairView, FinalReportView, FrequencyResponse, SearchHitView };
/** What marking a theme final would rely on (`GET …/themes/<t>/gate`). */
export type GateView = ThemeGateView;

const base = (project: string) => `/api/projects/${project}/analysis`;
const reportQuery = (scope: AnalysisScope, format: 'json' | 'html') =>
  new URLSearchParams({ format, ...(scope.kind === 'all' ? {} : { scope: formatScope(scope) }) }).toString();

export const analysisApi = {
  base,
  options: (project: string) => request<AnalysisOptions>('GET', `${base(project)}/options`),
  segments: (project: string, filters: AnalysisFilters) =>
    request<SegmentsResponse>('GET', `${base(project)}/segments?${filterQuery(filters)}`),
  search: (project: string, filters: AnalysisFilters, q: string) =>
    request<SearchResponse>('GET', `${base(project)}/search?${filterQuery(filters, { q })}`),
  frequency: (project: string, filters: AnalysisFilters, by: string, attribute: string | undefined, rollUp: boolean) =>
    request<FrequencyResponse>(
      'GET',
      `${base(project)}/frequency?${filterQuery(filters, { by, attribute, rollUp: String(rollUp) })}`,
    ),
  cooccurrence: (project: string, filters: AnalysisFilters) =>
    request<CooccurrenceResponse>('GET', `${base(project)}/cooccurrence?${filterQuery(filters)}`),
  cell: (project: string, filters: AnalysisFilters, a: string, b: string) =>
    request<CooccurrenceSegmentsResponse>(
      'GET',
      `${base(project)}/cooccurrence/segments?${filterQuery({ ...filters, codes: [] }, { a, b })}`,
    ),
  gate: (project: string, theme: string) => request<GateView>('GET', `${base(project)}/themes/${theme}/gate`),
  finalise: (project: string, theme: string, acknowledgeWarnings: boolean) =>
    request<FinaliseResponse>('POST', `${base(project)}/themes/${theme}/finalise`, { acknowledgeWarnings }),
  quote: (
    project: string,
    theme: string,
    quote: { transcript: string; layer: string; coding: string; code: string; start: number; end: number },
  ) => request<QuoteResponse>('POST', `${base(project)}/themes/${theme}/quotes`, quote),
  report: (project: string, scope: AnalysisScope) =>
    request<FinalReportView>('GET', `${base(project)}/report?${reportQuery(scope, 'json')}`),
  reportUrl: (project: string, scope: AnalysisScope) => `${base(project)}/report?${reportQuery(scope, 'html')}`,
};

/** Typing in a filter field should not send a request per key: a view asks this long after the last change. */
export const FILTER_DEBOUNCE_MS = 200;

/**
 * Analysis answers depend on coding that changes outside this query layer (documents sync themselves), so a view
 * asks again whenever it is shown, showing the last answer meanwhile.
 */
const fresh = { staleTime: 0 } as const;

/** The TanStack Query hooks of the analysis views: each keyed by what it asked, under `keys.analysis(project)`. */
export function useAnalysisOptions(project: string) {
  return useQuery({
    queryKey: keys.analysisView(project, 'options'),
    queryFn: () => analysisApi.options(project),
    ...fresh,
  });
}

/** Retrieved segments for the filters (debounced); the previous answer stays shown while the next one loads. */
export function useSegments(project: string, filters: AnalysisFilters) {
  const settled = useDebounced(filters, FILTER_DEBOUNCE_MS);
  return useQuery({
    queryKey: keys.analysisView(project, 'segments', settled),
    queryFn: () => analysisApi.segments(project, settled),
    placeholderData: keepPreviousData,
    ...fresh,
  });
}

/** A text search in context for `q` (null: nothing searched yet). */
export function useTextSearch(project: string, filters: AnalysisFilters, q: string | null) {
  const settled = useDebounced(filters, FILTER_DEBOUNCE_MS);
  return useQuery({
    queryKey: keys.analysisView(project, 'search', { filters: settled, q }),
    queryFn: () => analysisApi.search(project, settled, q ?? ''),
    enabled: q !== null && q.trim() !== '',
    ...fresh,
  });
}

/** Code frequencies by transcript, attribute value or speaker (debounced filters). */
export function useFrequency(
  project: string,
  filters: AnalysisFilters,
  by: string,
  attribute: string | undefined,
  rollUp: boolean,
) {
  const settled = useDebounced(filters, FILTER_DEBOUNCE_MS);
  return useQuery({
    queryKey: keys.analysisView(project, 'frequency', { filters: settled, by, attribute, rollUp }),
    queryFn: () => analysisApi.frequency(project, settled, by, attribute, rollUp),
    placeholderData: keepPreviousData,
    ...fresh,
  });
}

/** The code co-occurrence matrix (debounced filters). */
export function useCooccurrence(project: string, filters: AnalysisFilters) {
  const settled = useDebounced(filters, FILTER_DEBOUNCE_MS);
  return useQuery({
    queryKey: keys.analysisView(project, 'cooccurrence', settled),
    queryFn: () => analysisApi.cooccurrence(project, settled),
    placeholderData: keepPreviousData,
    ...fresh,
  });
}

/** The passages behind one co-occurrence cell; `cell` null asks nothing. */
export function useCooccurrencePairs(project: string, filters: AnalysisFilters, cell: { a: string; b: string } | null) {
  return useQuery({
    queryKey: keys.analysisView(project, 'cooccurrence-pairs', { filters, cell }),
    queryFn: () => analysisApi.cell(project, filters, cell!.a, cell!.b),
    enabled: cell !== null,
    ...fresh,
  });
}

/** A theme's finalisation gate; `theme` null asks nothing. */
export function useGate(project: string, theme: string | null) {
  return useQuery({
    queryKey: keys.analysisView(project, 'gate', { theme }),
    queryFn: () => analysisApi.gate(project, theme!),
    enabled: theme !== null,
    ...fresh,
  });
}

/** Marks a theme final: its gate and the final report change. */
export function useFinalise(project: string, theme: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (acknowledgeWarnings: boolean) => analysisApi.finalise(project, theme, acknowledgeWarnings),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.analysisView(project, 'gate', { theme }) }),
        queryClient.invalidateQueries({ queryKey: [...keys.analysis(project), 'report'] }),
      ]),
  });
}

export type QuoteChoice = Parameters<typeof analysisApi.quote>[2];

/** Chooses a passage as a quote of a theme: the final report quotes it. */
export function useChooseQuote(project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ theme, quote }: { theme: string; quote: QuoteChoice }) => analysisApi.quote(project, theme, quote),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...keys.analysis(project), 'report'] }),
  });
}

/** The final report's data for a scope. */
export function useFinalReport(project: string, scope: AnalysisScope) {
  return useQuery({
    queryKey: keys.analysisView(project, 'report', scope),
    queryFn: () => analysisApi.report(project, scope),
    ...fresh,
  });
}
