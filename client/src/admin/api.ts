import type {
  Account,
  AccountResponse,
  AccountsResponse,
  Candidate,
  CandidatesResponse,
  InvitationStatus,
  InvitationsResponse,
  InvitationView,
  LinkInfo,
  MadeLink,
  MemberAddedResponse,
  NewAccount,
  Role,
  ServerSettings,
  ServerSettingsResponse,
  SessionResponse,
} from '@accord/shared';

export type { Account, Candidate, InvitationView, LinkInfo, MadeLink };

import { useQuery } from '@tanstack/react-query';
import { keys } from '../api/queries.js';
import { request } from '../api.js';
import { currentIntl, type MessageId, msg } from '../i18n/core.js';
import { dateTime } from '../i18n/format.js';

/** The accounts and invitations part of the REST API (docs/admin.md, docs/API.md). */

export type LinkStatus = InvitationStatus;

export const adminApi = {
  accounts: () => request<AccountsResponse>('GET', '/api/users'),
  createAccount: (body: NewAccount) => request<AccountResponse>('POST', '/api/users', body),
  deactivate: (id: string) => request<AccountResponse>('POST', `/api/users/${id}/deactivate`),
  reactivate: (id: string) => request<AccountResponse>('POST', `/api/users/${id}/reactivate`),
  resetLink: (id: string) => request<MadeLink>('POST', `/api/users/${id}/reset-link`),
  invitations: () => request<InvitationsResponse>('GET', '/api/invitations'),
  invite: (email: string, admin: boolean) => request<MadeLink>('POST', '/api/invitations', { email, admin }),
  revoke: (id: string) => request<void>('DELETE', `/api/invitations/${id}`),
  settings: () => request<ServerSettingsResponse>('GET', '/api/server-settings'),
  setSettings: (settings: ServerSettings) => request<ServerSettingsResponse>('PATCH', '/api/server-settings', settings),
  lookupLink: (token: string) => request<LinkInfo>('POST', '/api/invite/lookup', { token }),
  acceptLink: (token: string, password: string, name?: string) =>
    request<SessionResponse>('POST', '/api/invite/accept', { token, password, name }),
  candidates: (project: string) => request<CandidatesResponse>('GET', `/api/projects/${project}/candidates`),
  projectInvitations: (project: string) => request<InvitationsResponse>('GET', `/api/projects/${project}/invitations`),
  inviteToProject: (project: string, email: string, role: Role) =>
    request<MadeLink | MemberAddedResponse>('POST', `/api/projects/${project}/invitations`, {
      email,
      role,
    }),
};

export const STATUS_WORDS: Record<LinkStatus, MessageId> = {
  pending: msg('admin.status.pending'),
  used: msg('admin.status.used'),
  expired: msg('admin.status.expired'),
  revoked: msg('admin.status.revoked'),
};

/** A moment in the interface's language. */
export const formatDate = (at: number) => dateTime(currentIntl(), at);

/** Every account (administrators; `enabled` false asks nothing). */
export const useAccounts = (enabled = true) =>
  useQuery({ queryKey: keys.accounts(), queryFn: () => adminApi.accounts().then((r) => r.users), enabled });

/** Every invitation and reset link (administrators). */
export const useInvitations = (enabled = true) =>
  useQuery({
    queryKey: keys.invitations(),
    queryFn: () => adminApi.invitations().then((r) => r.invitations),
    enabled,
  });

/** The server-wide settings (administrators). */
export const useServerSettings = (enabled = true) =>
  useQuery({ queryKey: keys.serverSettings(), queryFn: () => adminApi.settings().then((r) => r.settings), enabled });

/** Accounts an owner may add to the project. */
export const useCandidates = (project: string) =>
  useQuery({ queryKey: keys.candidates(project), queryFn: () => adminApi.candidates(project).then((r) => r.accounts) });

/** The project's invitations still waiting to be used. */
export const usePendingInvitations = (project: string) =>
  useQuery({
    queryKey: keys.projectInvitations(project),
    queryFn: () =>
      adminApi
        .projectInvitations(project)
        .then((r) => r.invitations.filter((invitation) => invitation.status === 'pending')),
  });

/** What a one-time link is for; asked once (`token` empty asks nothing). */
export const useLinkInfo = (token: string) =>
  useQuery({
    queryKey: keys.link(token),
    queryFn: () => adminApi.lookupLink(token),
    enabled: token !== '',
    staleTime: Number.POSITIVE_INFINITY,
    // The token is a secret: it leaves the cache as soon as the page does.
    gcTime: 0,
  });
