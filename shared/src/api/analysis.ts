import type { FrequencyCell } from '../analysis/frequency.js';
import type { RetrievedSegment } from '../analysis/retrieval.js';
import type { SearchHit } from '../analysis/search.js';
import type { FinalisedCode, ThemeFinalisation, ThemeStatus } from '../model/themes.js';

/**
 * What the analysis REST API answers (server/src/http/routes/analysis.ts, computed in server/src/analysis/*). The
 * routes check every JSON answer against these types (`satisfies`) and the web client reads them: one
 * definition, so a change of shape fails to compile on both sides.
 */

/** A layer whose codings were read: a coder's, or the consensus layer. */
export interface AnalysisLayer {
  id: string;
  name: string;
}

/** What an answer counted, in words: the scope, the layers read and the counting rule when layers are merged. */
export interface CountedDescription {
  scope: string;
  /** Names of the layers whose codings were read. */
  layers: string[];
  /** How a passage coded in several layers counts; null for a single layer. */
  rule: string | null;
  /** One sentence for captions and reports. */
  text: string;
}

/** `GET …/analysis/options`: what the filters and the scope selector can offer this user. */
export interface AnalysisOptions {
  layers: AnalysisLayer[];
  /** attribute -> its values in the project's transcripts, sorted */
  attributes: Record<string, string[]>;
  rounds: { id: string; name: string; status: 'running' | 'revealed' }[];
  transcripts: { id: string; title: string; participant: string }[];
}

/** A code as a statistics table names it: its path from the root and its colour. */
export interface AnalysisCodeInfo {
  id: string;
  path: string[];
  colour: string;
}

/** `GET …/analysis/segments` (JSON). */
export interface SegmentsResponse {
  layers: AnalysisLayer[];
  counted: CountedDescription;
  segments: RetrievedSegment[];
}

/** A text search hit, with its transcript and the codes coding the matched passage. */
export interface SearchHitView extends SearchHit {
  title: string;
  participant: string;
  codes: string[];
}

/** `GET …/analysis/search`. */
export interface SearchResponse {
  counted: CountedDescription;
  truncated: boolean;
  hits: SearchHitView[];
}

/** `GET …/analysis/frequency`: codes (rows) by transcript, attribute value or speaker (columns). */
export interface FrequencyResponse {
  by: 'transcript' | 'attribute' | 'speaker';
  attribute: string | null;
  layers: AnalysisLayer[];
  counted: CountedDescription;
  codes: AnalysisCodeInfo[];
  columns: { id: string; label: string; transcripts: number }[];
  cells: FrequencyCell[][];
  totals: FrequencyCell[];
}

/** `GET …/analysis/cooccurrence`: `counts[i][j]`, passages where codes i and j overlap. */
export interface CooccurrenceResponse {
  layers: AnalysisLayer[];
  counted: CountedDescription;
  codes: AnalysisCodeInfo[];
  counts: number[][];
}

/** One passage behind a co-occurrence cell: the overlap and both codings. */
export interface CooccurringPairView {
  transcript: string;
  title: string;
  participant: string;
  layer: string;
  layerName: string;
  start: number;
  end: number;
  overlap: string;
  speakers: string[];
  a: { codingId: string; start: number; end: number; text: string };
  b: { codingId: string; start: number; end: number; text: string };
}

/** `GET …/analysis/cooccurrence/segments?a=&b=`. */
export interface CooccurrenceSegmentsResponse {
  counted: CountedDescription;
  pairs: CooccurringPairView[];
}

/** `GET …/analysis/themes/<t>/gate`: what marking a theme final would rely on, and whether it must be confirmed. */
export interface ThemeGateView {
  theme: { id: string; name: string; status: ThemeStatus; codes: string[] };
  round: { id: string; name: string; revealedAt: number | null } | null;
  report: NonNullable<ThemeFinalisation['report']> | null;
  thresholds: { kappa: number; alpha: number };
  codes: (FinalisedCode & { name: string })[];
  warns: boolean;
}

/** `POST …/analysis/themes/<t>/finalise`: the gate it was finalised on and the evidence recorded. */
export interface FinaliseResponse {
  gate: ThemeGateView;
  evidence: ThemeFinalisation;
}

/** `POST …/analysis/themes/<t>/quotes` (201): the quote as anchored by the server. */
export interface QuoteResponse {
  quote: { id: string; transcript: string; text: string };
}

/** A code in the final report, with its counts (the code and its subcodes, by the scope's counting rule). */
export interface ReportCodeView {
  id: string;
  path: string[];
  definition: string;
  codings: number;
  transcripts: number;
}

export interface ReportQuoteView {
  text: string;
  transcript: string;
  participant: string;
  speakers: string[];
  /** The passage was deleted from the transcript since it was chosen: this is the text as chosen. */
  asChosen: boolean;
}

export interface ReportThemeView {
  id: string;
  name: string;
  definition: string;
  memo: string;
  status: ThemeStatus;
  depth: number;
  codes: ReportCodeView[];
  quotes: ReportQuoteView[];
  counts: { codings: number; transcripts: number; participants: number };
  finalisedWith: (ThemeFinalisation & { roundName: string | null }) | null;
}

/** The reliability summary of the latest revealed round, or why there is none. */
export interface ReliabilitySummaryView {
  round: { id: string; name: string; revealedAt: number | null } | null;
  digest: string | null;
  thresholds: { kappa: number; alpha: number };
  meanKappa: number | null;
  meanAlpha: number | null;
  codes: {
    code: string;
    name: string;
    kappaName: string;
    kappa: number | null;
    alpha: number | null;
    flags: string[];
  }[];
  unavailable: string | null;
}

/** `GET …/analysis/report?format=json`: the final report's data (the HTML page renders the same). */
export interface FinalReportView {
  project: { id: string; name: string; description: string };
  generatedAt: number;
  counted: CountedDescription;
  layers: AnalysisLayer[];
  themes: ReportThemeView[];
  unthemedCodes: ReportCodeView[];
  reliability: ReliabilitySummaryView;
}
