import {
  type AnalysisScope,
  DEFAULT_SCOPE,
  type FinalisedCode,
  type FrequencyCell,
  formatScope,
  type RetrievedSegment,
  type SearchHit,
} from '@accord/shared';
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
export interface Counted {
  scope: string;
  layers: string[];
  rule: string | null;
  text: string;
}

export interface AnalysisOptions {
  layers: { id: string; name: string }[];
  attributes: Record<string, string[]>;
  rounds: { id: string; name: string; status: string }[];
  transcripts: { id: string; title: string; participant: string }[];
}

export interface CodeInfo {
  id: string;
  path: string[];
  colour: string;
}

export interface FrequencyResponse {
  by: 'transcript' | 'attribute' | 'speaker';
  counted: Counted;
  codes: CodeInfo[];
  columns: { id: string; label: string; transcripts: number }[];
  cells: FrequencyCell[][];
  totals: FrequencyCell[];
}

export interface CooccurrenceResponse {
  counted: Counted;
  codes: CodeInfo[];
  counts: number[][];
}

export interface CooccurringPairView {
  transcript: string;
  title: string;
  participant: string;
  layerName: string;
  overlap: string;
  speakers: string[];
  a: { codingId: string; text: string };
  b: { codingId: string; text: string };
}

export interface SearchHitView extends SearchHit {
  title: string;
  participant: string;
  codes: string[];
}

export interface GateView {
  theme: { id: string; name: string; status: string; codes: string[] };
  round: { id: string; name: string; revealedAt: number | null } | null;
  report: { unit: string; minCoverage: number; digest: string } | null;
  thresholds: { kappa: number; alpha: number };
  codes: (FinalisedCode & { name: string })[];
  warns: boolean;
}

export interface FinalReportView {
  project: { name: string; description: string };
  counted: Counted;
  themes: {
    id: string;
    name: string;
    definition: string;
    memo: string;
    status: string;
    depth: number;
    codes: { id: string; path: string[]; definition: string; codings: number; transcripts: number }[];
    quotes: { text: string; transcript: string; participant: string; speakers: string[]; asChosen: boolean }[];
    counts: { codings: number; transcripts: number; participants: number };
    finalisedWith: { roundName: string | null; warningsAcknowledged: boolean; at: number } | null;
  }[];
  unthemedCodes: { id: string; path: string[]; definition: string; codings: number; transcripts: number }[];
  reliability: {
    round: { name: string } | null;
    meanKappa: number | null;
    meanAlpha: number | null;
    codes: { code: string; name: string; kappa: number | null; alpha: number | null; flags: string[] }[];
    unavailable: string | null;
  };
}

const base = (project: string) => `/api/projects/${project}/analysis`;
const reportQuery = (scope: AnalysisScope, format: 'json' | 'html') =>
  new URLSearchParams({ format, ...(scope.kind === 'all' ? {} : { scope: formatScope(scope) }) }).toString();

export const analysisApi = {
  base,
  options: (project: string) => request<AnalysisOptions>('GET', `${base(project)}/options`),
  segments: (project: string, filters: AnalysisFilters) =>
    request<{ segments: RetrievedSegment[]; counted: Counted }>(
      'GET',
      `${base(project)}/segments?${filterQuery(filters)}`,
    ),
  search: (project: string, filters: AnalysisFilters, q: string) =>
    request<{ hits: SearchHitView[]; truncated: boolean }>(
      'GET',
      `${base(project)}/search?${filterQuery(filters, { q })}`,
    ),
  frequency: (project: string, filters: AnalysisFilters, by: string, attribute: string | undefined, rollUp: boolean) =>
    request<FrequencyResponse>(
      'GET',
      `${base(project)}/frequency?${filterQuery(filters, { by, attribute, rollUp: String(rollUp) })}`,
    ),
  cooccurrence: (project: string, filters: AnalysisFilters) =>
    request<CooccurrenceResponse>('GET', `${base(project)}/cooccurrence?${filterQuery(filters)}`),
  cell: (project: string, filters: AnalysisFilters, a: string, b: string) =>
    request<{ pairs: CooccurringPairView[] }>(
      'GET',
      `${base(project)}/cooccurrence/segments?${filterQuery({ ...filters, codes: [] }, { a, b })}`,
    ),
  gate: (project: string, theme: string) => request<GateView>('GET', `${base(project)}/themes/${theme}/gate`),
  finalise: (project: string, theme: string, acknowledgeWarnings: boolean) =>
    request<{ gate: GateView }>('POST', `${base(project)}/themes/${theme}/finalise`, { acknowledgeWarnings }),
  quote: (
    project: string,
    theme: string,
    quote: { transcript: string; layer: string; coding: string; code: string; start: number; end: number },
  ) => request<{ quote: { id: string } }>('POST', `${base(project)}/themes/${theme}/quotes`, quote),
  report: (project: string, scope: AnalysisScope) =>
    request<FinalReportView>('GET', `${base(project)}/report?${reportQuery(scope, 'json')}`),
  reportUrl: (project: string, scope: AnalysisScope) => `${base(project)}/report?${reportQuery(scope, 'html')}`,
};
