import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './errors.js';

/**
 * The client's one data-fetching layer for REST (TanStack Query): every read is a query under a key from `keys`,
 * every write a mutation that invalidates the keys it changes. Documents (Yjs) are not here: they sync themselves.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Moving between a project's pages reuses what was just loaded; a change invalidates it explicitly.
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // A refusal (4xx) is an answer, not a glitch: only an unreachable or failing server is asked again.
        retry: (failures, error) =>
          failures < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
      },
      mutations: { retry: false },
    },
  });
}

/** Query keys, in one place: a key names what the server answered, so an invalidation finds every reader of it. */
export const keys = {
  all: ['accord'] as const,
  projects: () => [...keys.all, 'projects'] as const,
  project: (id: string) => [...keys.all, 'project', id] as const,
  /** A project's metadata, members, transcripts and the documents this user may open (`useProjectData`). */
  projectData: (id: string) => [...keys.project(id), 'data'] as const,

  /** Every analysis answer of a project (retrieval, statistics, gate, report): what a coding change invalidates. */
  analysis: (project: string) => [...keys.project(project), 'analysis'] as const,
  /** One analysis view for its parameters (filters, scope, theme…): the parameters are part of the key. */
  analysisView: (project: string, view: string, params: object = {}) =>
    [...keys.analysis(project), view, params] as const,

  /** A project's rounds: the list, and under each round what is computed from it. */
  rounds: (project: string) => [...keys.project(project), 'rounds'] as const,
  roundList: (project: string) => [...keys.rounds(project), 'list'] as const,
  round: (project: string, round: string) => [...keys.rounds(project), 'round', round] as const,
  roundView: (project: string, round: string, view: string, params: object = {}) =>
    [...keys.round(project, round), view, params] as const,
  /** A project's pending invitations and the accounts an owner may add (the members panel). */
  projectInvitations: (project: string) => [...keys.project(project), 'invitations'] as const,
  candidates: (project: string) => [...keys.project(project), 'candidates'] as const,

  /** Administration (administrators): accounts, every invitation and reset link, server settings. */
  admin: () => [...keys.all, 'admin'] as const,
  accounts: () => [...keys.admin(), 'accounts'] as const,
  invitations: () => [...keys.admin(), 'invitations'] as const,
  serverSettings: () => [...keys.admin(), 'settings'] as const,
  /** What a one-time link is for (the invitation page, before anyone is signed in). */
  link: (token: string) => [...keys.all, 'link', token] as const,

  /** Mean agreement per revealed round (all of a project's rounds): a reveal changes it. */
  agreementHistory: (project: string, unit: string) => [...keys.rounds(project), 'history', unit] as const,
};
