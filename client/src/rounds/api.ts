import type {
  Assignment,
  CodeSummary,
  DecisionRecord,
  ResolutionChoice,
  ReviewItem,
  RoundResponse,
  RoundsResponse,
  RoundView,
  SpansInput,
  SpansReport,
  Thresholds,
  UnitKind,
} from '@accord/shared';
import { request } from '../api.js';

/** The rounds REST API (server/src/http/routes/rounds.ts), as the client uses it; the round itself is shared. */
export type { Assignment, RoundView };

export interface NewRoundBody {
  name: string;
  mode: 'blind' | 'open';
  ownerMayLook: boolean;
  transcripts: { ids: string[] } | { percent: number; seed?: number };
  coders: string[];
  adjudicators?: string[];
}

export interface AgreementResponse {
  source: 'snapshot' | 'live';
  unit: { unit: UnitKind; minCoverage: number };
  thresholds: Thresholds;
  coders: { userId: string; name: string }[];
  transcripts: { transcriptId: string; title: string; length: number }[];
  codes: (CodeSummary & { name: string })[];
  agreement: SpansReport;
}

export type { ReviewItem };

export interface ConsensusTranscript {
  transcriptId: string;
  docName: string;
  codings: {
    id: string;
    code: string;
    start: number;
    end: number;
    provenance: { decidedBy: string; decidedAt: number; decision: string; memo: string; disagreement: string | null };
  }[];
  decisions: DecisionRecord[];
}

export interface HistoryEntry {
  round: { id: string; name: string; mode: string; revealedAt: number | null };
  codebookSha256: string | null;
  codebookChanges: number;
  meanKappa: number | null;
  meanAlpha: number | null;
}

const base = (project: string) => `/api/projects/${project}`;
const unitQuery = (unit: UnitKind, minCoverage: number) => `unit=${unit}&minCoverage=${minCoverage}`;

export const roundsApi = {
  list: (project: string) => request<RoundsResponse>('GET', `${base(project)}/rounds`),
  get: (project: string, round: string) => request<RoundResponse>('GET', `${base(project)}/rounds/${round}`),
  create: (project: string, body: NewRoundBody) =>
    request<{ round: RoundView; warnings: { code: string; message: string }[] }>(
      'POST',
      `${base(project)}/rounds`,
      body,
    ),
  markDone: (project: string, round: string, transcript: string, done: boolean) =>
    request<{ round: RoundView }>('PUT', `${base(project)}/rounds/${round}/transcripts/${transcript}/done`, { done }),
  reveal: (project: string, round: string, force: boolean) =>
    request<{ round: RoundView; warning: string | null }>('POST', `${base(project)}/rounds/${round}/reveal`, { force }),
  spans: (project: string, round: string, unit: UnitKind, minCoverage: number) =>
    request<SpansInput>('GET', `${base(project)}/rounds/${round}/spans?${unitQuery(unit, minCoverage)}`),
  agreement: (project: string, round: string, unit: UnitKind, minCoverage: number) =>
    request<AgreementResponse>('GET', `${base(project)}/rounds/${round}/agreement?${unitQuery(unit, minCoverage)}`),
  disagreements: (project: string, round: string) =>
    request<{ disagreements: ReviewItem[] }>('GET', `${base(project)}/rounds/${round}/disagreements`),
  consensus: (project: string, round: string) =>
    request<{ transcripts: ConsensusTranscript[] }>('GET', `${base(project)}/rounds/${round}/consensus`),
  decide: (
    project: string,
    round: string,
    body: { transcriptId: string; disagreement: string; choice: ResolutionChoice; code?: string; memo: string },
  ) => request<{ decision: DecisionRecord }>('POST', `${base(project)}/rounds/${round}/consensus`, body),
  /** A code definition change during review, recorded with the round (adjudicators who may edit the codebook). */
  changeCode: (
    project: string,
    round: string,
    code: string,
    body: { definition?: string; inclusion?: string; exclusion?: string; memo: string },
  ) =>
    request<{ codebookChanges: RoundView['codebookChanges'] }>(
      'PATCH',
      `${base(project)}/rounds/${round}/codes/${code}`,
      body,
    ),
  history: (project: string, unit: UnitKind) =>
    request<{ history: HistoryEntry[] }>('GET', `${base(project)}/agreement-history?unit=${unit}`),
  reportUrl: (
    project: string,
    round: string,
    format: 'json' | 'csv' | 'html' | 'md',
    unit: UnitKind,
    minCoverage: number,
  ) => `${base(project)}/rounds/${round}/report?format=${format}&${unitQuery(unit, minCoverage)}`,
  spansUrl: (project: string, round: string, unit: UnitKind, minCoverage: number) =>
    `${base(project)}/rounds/${round}/spans?${unitQuery(unit, minCoverage)}`,
};
