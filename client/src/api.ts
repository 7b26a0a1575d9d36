import type {
  DocEntry,
  DocsResponse,
  Member,
  MembersResponse,
  PasswordChange,
  ProfileChange,
  ProfileResponse,
  Project,
  ProjectDetailResponse,
  ProjectResponse,
  ProjectSettings,
  ProjectsResponse,
  Role,
  SessionResponse,
  SetupNeededResponse,
  Transcript,
  TranscriptResponse,
  TranscriptsResponse,
  User,
} from '@accord/shared';
import { ApiError } from './api/errors.js';

/**
 * The REST API of the server, as the client uses it. Errors arrive as `{error: {code, message}}`. The response
 * types are the server's own (`shared/src/api`), which its routes' serialisers satisfy.
 */

export type { DocEntry, Member, Project, ProjectSettings, User };
/** A transcript's metadata. */
export type TranscriptMeta = Transcript;

export { ApiError, errorText } from './api/errors.js';

let csrfToken: string | null = null;
const expiredListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called whenever the server answers 401 to a signed-in request: the session expired or was revoked. */
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'the server cannot be reached; check your connection');
  }
  if (response.status === 204) return undefined as T;
  const parsed = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
    if (response.status === 401 && csrfToken !== null && error?.code === 'unauthenticated') {
      for (const listener of expiredListeners) listener();
    }
    const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
    throw new ApiError(
      response.status,
      error?.code ?? 'http',
      error?.message ?? `request failed (${response.status})`,
      Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
    );
  }
  return parsed as T;
}

export const api = {
  session: () => request<SessionResponse>('GET', '/api/session'),
  setupNeeded: () => request<SetupNeededResponse>('GET', '/api/setup'),
  setup: (body: { email: string; name: string; password: string }) =>
    request<SessionResponse>('POST', '/api/setup', body),
  login: (email: string, password: string) => request<SessionResponse>('POST', '/api/auth/login', { email, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  /** The signed-in user's own account: display name and interface language; the password (ends every session). */
  changeProfile: (change: ProfileChange) => request<ProfileResponse>('PATCH', '/api/users/me', change),
  changePassword: (change: PasswordChange) => request<void>('POST', '/api/users/me/password', change),
  projects: () => request<ProjectsResponse>('GET', '/api/projects'),
  createProject: (name: string, description: string) =>
    request<ProjectResponse>('POST', '/api/projects', { name, description }),
  project: (id: string) => request<ProjectDetailResponse>('GET', `/api/projects/${id}`),
  updateProject: (
    id: string,
    patch: { name?: string; description?: string; archived?: boolean; settings?: Partial<ProjectSettings> },
  ) => request<ProjectResponse>('PATCH', `/api/projects/${id}`, patch),
  members: (id: string) => request<MembersResponse>('GET', `/api/projects/${id}/members`),
  addMember: (id: string, email: string, role: Role) =>
    request<MembersResponse>('POST', `/api/projects/${id}/members`, { email, role }),
  setRole: (id: string, userId: string, role: Role) =>
    request<MembersResponse>('PATCH', `/api/projects/${id}/members/${userId}`, { role }),
  removeMember: (id: string, userId: string) => request<void>('DELETE', `/api/projects/${id}/members/${userId}`),
  transcripts: (id: string) => request<TranscriptsResponse>('GET', `/api/projects/${id}/transcripts`),
  transcript: (id: string, tid: string) => request<TranscriptResponse>('GET', `/api/projects/${id}/transcripts/${tid}`),
  docs: (id: string) => request<DocsResponse>('GET', `/api/projects/${id}/docs`),
};
