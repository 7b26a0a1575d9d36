import type {
  AgreementHistoryResponse,
  AgreementResponse,
  Assignment,
  CodebookChangesResponse,
  ConsensusResponse,
  ConsensusTranscript,
  CreateRoundResponse,
  DecisionResponse,
  DisagreementsResponse,
  HistoryEntry,
  ProjectSettings,
  ResolutionChoice,
  RevealResponse,
  ReviewItem,
  RoundResponse,
  RoundsResponse,
  RoundView,
  SpansInput,
  UnitKind,
} from '@accord/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/queries.js';
import { api, request } from '../api.js';

/**
 * The rounds REST API (server/src/http/routes/rounds.ts), as the client uses it. Every answer's type is the
 * server's own (shared/src/api/rounds.ts), which the routes satisfy.
 */
export type { AgreementResponse, Assignment, ConsensusTranscript, HistoryEntry, ReviewItem, RoundView };

export interface NewRoundBody {
  name: string;
  mode: 'blind' | 'open';
  ownerMayLook: boolean;
  transcripts: { ids: string[] } | { percent: number; seed?: number };
  coders: string[];
  adjudicators?: string[];
}

export interface DecisionBody {
  transcriptId: string;
  disagreement: string;
  choice: ResolutionChoice;
  code?: string;
  memo: string;
}

export interface CodeChangeBody {
  definition?: string;
  inclusion?: string;
  exclusion?: string;
  memo: string;
}

const base = (project: string) => `/api/projects/${project}`;
const unitQuery = (unit: UnitKind, minCoverage: number) => `unit=${unit}&minCoverage=${minCoverage}`;

export const roundsApi = {
  list: (project: string) => request<RoundsResponse>('GET', `${base(project)}/rounds`),
  get: (project: string, round: string) => request<RoundResponse>('GET', `${base(project)}/rounds/${round}`),
  create: (project: string, body: NewRoundBody) =>
    request<CreateRoundResponse>('POST', `${base(project)}/rounds`, body),
  markDone: (project: string, round: string, transcript: string, done: boolean) =>
    request<RoundResponse>('PUT', `${base(project)}/rounds/${round}/transcripts/${transcript}/done`, { done }),
  reveal: (project: string, round: string, force: boolean) =>
    request<RevealResponse>('POST', `${base(project)}/rounds/${round}/reveal`, { force }),
  spans: (project: string, round: string, unit: UnitKind, minCoverage: number) =>
    request<SpansInput>('GET', `${base(project)}/rounds/${round}/spans?${unitQuery(unit, minCoverage)}`),
  agreement: (project: string, round: string, unit: UnitKind, minCoverage: number) =>
    request<AgreementResponse>('GET', `${base(project)}/rounds/${round}/agreement?${unitQuery(unit, minCoverage)}`),
  disagreements: (project: string, round: string) =>
    request<DisagreementsResponse>('GET', `${base(project)}/rounds/${round}/disagreements`),
  consensus: (project: string, round: string) =>
    request<ConsensusResponse>('GET', `${base(project)}/rounds/${round}/consensus`),
  decide: (project: string, round: string, body: DecisionBody) =>
    request<DecisionResponse>('POST', `${base(project)}/rounds/${round}/consensus`, body),
  /** A code definition change during review, recorded with the round (adjudicators who may edit the codebook). */
  changeCode: (project: string, round: string, code: string, body: CodeChangeBody) =>
    request<CodebookChangesResponse>('PATCH', `${base(project)}/rounds/${round}/codes/${code}`, body),
  history: (project: string, unit: UnitKind) =>
    request<AgreementHistoryResponse>('GET', `${base(project)}/agreement-history?unit=${unit}`),
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

/**
 * A round's answers depend on coding that syncs outside this query layer (counts, done flags set by others,
 * snapshots taken at reveal), so a view asks again whenever it is shown, showing the last answer meanwhile.
 */
const fresh = { staleTime: 0 } as const;

/** The rounds of a project this user may see. */
export function useRounds(project: string) {
  return useQuery({ queryKey: keys.roundList(project), queryFn: () => roundsApi.list(project), ...fresh });
}

/** One round as this user may see it. */
export function useRound(project: string, round: string) {
  return useQuery({ queryKey: keys.round(project, round), queryFn: () => roundsApi.get(project, round), ...fresh });
}

/**
 * Creates a round: the list changes, and so do the documents members may open (the round's layers and frozen
 * codebook), which the project's data lists.
 */
export function useCreateRound(project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewRoundBody) => roundsApi.create(project, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.roundList(project) }),
        queryClient.invalidateQueries({ queryKey: keys.projectData(project) }),
      ]),
  });
}

/** The server's new view of a round replaces the cached one; the list shows done counts, so it is asked again. */
function useRoundUpdate(project: string, round: string) {
  const queryClient = useQueryClient();
  return (view: RoundView) => {
    queryClient.setQueryData(keys.round(project, round), { round: view } satisfies RoundResponse);
    return queryClient.invalidateQueries({ queryKey: keys.roundList(project) });
  };
}

/** A coder marks one of their transcripts done (or not). */
export function useMarkDone(project: string, round: string) {
  const update = useRoundUpdate(project, round);
  return useMutation({
    mutationFn: ({ transcript, done }: { transcript: string; done: boolean }) =>
      roundsApi.markDone(project, round, transcript, done),
    onSuccess: ({ round: view }) => update(view),
  });
}

/**
 * Reveals a round. Almost everything about the project may change with it: who may open which layer, the
 * round's agreement (now from snapshots), the history, and what analysis may count.
 */
export function useReveal(project: string, round: string) {
  const queryClient = useQueryClient();
  const update = useRoundUpdate(project, round);
  return useMutation({
    mutationFn: (force: boolean) => roundsApi.reveal(project, round, force),
    onSuccess: async ({ round: view }) => {
      await update(view);
      await queryClient.invalidateQueries({ queryKey: keys.project(project) });
    },
  });
}

/** The round's `spans` input for a unit (what the dashboard computes from); `enabled` false asks nothing. */
export function useSpans(project: string, round: string, unit: UnitKind, minCoverage: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.roundView(project, round, 'spans', { unit, minCoverage }),
    queryFn: () => roundsApi.spans(project, round, unit, minCoverage),
    enabled,
    ...fresh,
  });
}

/** Mean agreement per revealed round of the project, at a unit. */
export function useAgreementHistory(project: string, unit: UnitKind) {
  return useQuery({
    queryKey: keys.agreementHistory(project, unit),
    queryFn: () => roundsApi.history(project, unit),
    ...fresh,
  });
}

/** The review list of a revealed round; `enabled` false asks nothing. */
export function useDisagreements(project: string, round: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.roundView(project, round, 'disagreements'),
    queryFn: () => roundsApi.disagreements(project, round),
    enabled,
    ...fresh,
  });
}

/** The consensus layers of a round's transcripts, with the decisions recorded; `enabled` false asks nothing. */
export function useConsensus(project: string, round: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.roundView(project, round, 'consensus'),
    queryFn: () => roundsApi.consensus(project, round),
    enabled,
    ...fresh,
  });
}

/** Records a consensus decision: the review list, the consensus layer and analysis (which counts it) change. */
export function useDecide(project: string, round: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DecisionBody) => roundsApi.decide(project, round, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.roundView(project, round, 'disagreements') }),
        queryClient.invalidateQueries({ queryKey: keys.roundView(project, round, 'consensus') }),
        queryClient.invalidateQueries({ queryKey: keys.analysis(project) }),
      ]),
  });
}

/**
 * Changes a code's definition during review: the round records it (its view lists the changes, the history
 * counts them) and the live codebook, which analysis reports, changes.
 */
export function useChangeCode(project: string, round: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ code, body }: { code: string; body: CodeChangeBody }) =>
      roundsApi.changeCode(project, round, code, body),
    onSuccess: ({ codebookChanges }) => {
      queryClient.setQueryData<RoundResponse>(keys.round(project, round), (cached) =>
        cached ? { round: { ...cached.round, codebookChanges } } : cached,
      );
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.rounds(project) }),
        queryClient.invalidateQueries({ queryKey: keys.analysis(project) }),
      ]);
    },
  });
}

/**
 * Saves the project's agreement thresholds (owners). They are part of the project's data and flag codes on the
 * dashboard, in reports and at the finalisation gate: every answer of the project is asked again.
 */
export function useSaveThresholds(project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (thresholds: { kappa: number; alpha: number }) =>
      api.updateProject(project, {
        settings: {
          kappaThreshold: thresholds.kappa,
          alphaThreshold: thresholds.alpha,
        } satisfies Partial<ProjectSettings>,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.project(project) }),
  });
}
