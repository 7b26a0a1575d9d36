import type { Role } from '../access.js';

/**
 * What the REST API answers about accounts and sessions (server/src/http/routes/auth.ts, users.ts). The server's
 * serialisers are checked against these types (`satisfies`) and the web client reads them: one definition, no
 * hand-copied twin that can drift.
 */

/** An account as any signed-in user may see it. */
export interface User {
  id: string;
  email: string;
  name: string;
  admin: boolean;
  /** The interface language the user chose (one of `INTERFACE_LOCALES`); null: the browser's language. */
  locale: string | null;
}

/**
 * The interface languages whose catalogues the web client ships (client/src/i18n/locales.ts lists the same tags):
 * the values `PATCH /api/users/me` accepts for `locale`.
 */
export const INTERFACE_LOCALES: readonly string[] = ['en', 'de'];

/** `POST /api/users` (administrators): a new account; `admin` defaults to false. */
export interface NewAccount {
  email: string;
  name: string;
  password: string;
  admin?: boolean;
}

/** `POST /api/users/me/password`: the signed-in user's new password, with the current one. */
export interface PasswordChange {
  currentPassword: string;
  password: string;
}

/** `PATCH /api/users/me`: either field or both; `locale: null` goes back to the browser's language. */
export interface ProfileChange {
  name?: string;
  locale?: string | null;
}

/** `GET /api/session`, `POST /api/auth/login`, `POST /api/setup`. */
export interface SessionResponse {
  user: User;
  csrfToken: string;
  expiresAt: number;
}

/** `GET /api/setup`: whether the server still needs its first administrator. */
export interface SetupNeededResponse {
  needed: boolean;
}

/** `GET /api/users` (administrators): an account with its status. */
export interface Account extends User {
  createdAt: number;
  deactivatedAt: number | null;
}

/** `GET /api/users` (administrators): every account, in creation order. */
export interface AccountsResponse {
  users: Account[];
}

/** `POST /api/users` (201), `POST /api/users/<id>/deactivate` and `/reactivate` (administrators): the account now. */
export interface AccountResponse {
  user: Account;
}

/** `PATCH /api/users/me`: the signed-in user's own account after the change. */
export interface ProfileResponse {
  user: User;
}

/** Where a one-time link (invitation or password reset) stands. */
export type InvitationStatus = 'pending' | 'used' | 'expired' | 'revoked';

/** What administrators and the inviting owner see of a link: never its token (which is not stored). */
export interface InvitationView {
  id: string;
  kind: 'invite' | 'reset';
  email: string;
  admin: boolean;
  project: { id: string; name: string; role: Role } | null;
  createdBy: { id: string; name: string } | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
  status: InvitationStatus;
}

/** `GET /api/invitations` (administrators), `GET /api/projects/<p>/invitations` (owners): newest first. */
export interface InvitationsResponse {
  invitations: InvitationView[];
}

/**
 * A link just made (`POST /api/invitations`, `POST /api/users/<id>/reset-link`, `POST /api/projects/<p>/invitations`):
 * shown once to its maker, since the server keeps only its hash; `sent` is null without a mail relay, and
 * `sendError` says why a mail was not sent.
 */
export interface MadeLink {
  invitation: InvitationView;
  link: string;
  sent: boolean | null;
  sendError?: string;
}

/** `POST /api/invite/lookup`: what the page of a link shows before the person accepts it. */
export interface LinkInfo {
  kind: 'invite' | 'reset';
  email: string;
  project: { name: string; role: Role } | null;
  invitedBy: string | null;
  expiresAt: number;
  status: InvitationStatus;
}

/** An account an owner may pick when adding members. */
export interface Candidate {
  id: string;
  name: string;
  email: string;
}

/** `GET /api/projects/<p>/candidates`: by name. */
export interface CandidatesResponse {
  accounts: Candidate[];
}

/** `POST /api/projects/<p>/invitations` for an email that has an account: the account is a member at once. */
export interface MemberAddedResponse {
  added: { userId: string; name: string; email: string; role: Role };
}

/** Server-wide settings, changed by administrators. */
export interface ServerSettings {
  /** Owners may invite people who have no account yet into their projects (else only administrators invite). */
  ownersInvite: boolean;
}

/** `GET` and `PATCH /api/server-settings`. */
export interface ServerSettingsResponse {
  settings: ServerSettings;
}
