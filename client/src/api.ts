import type { DocKind, ProjectSettings, ProjectSummary, Role } from '@accord/shared';
import { ApiError } from './api/errors.js';

/** The REST API of the server, as the client uses it. Errors arrive as `{error: {code, message}}`. */

export interface User {
  id: string;
  email: string;
  name: string;
  admin: boolean;
}

export type { ProjectSettings };
export type Project = ProjectSummary;

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: Role;
  addedAt: number;
  /** Kept as a member for history (their coding stays attributed) with no access. */
  deactivated?: boolean;
}

export interface TranscriptMeta {
  id: string;
  projectId: string;
  title: string;
  participant: string;
  attributes: Record<string, string>;
  createdAt: number;
}

export interface DocEntry {
  name: string;
  kind: DocKind;
  access: 'read' | 'write';
  transcript?: string;
  coder?: string;
}

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
    throw new ApiError(response.status, error?.code ?? 'http', error?.message ?? `request failed (${response.status})`);
  }
  return parsed as T;
}

export const api = {
  session: () => request<{ user: User; csrfToken: string }>('GET', '/api/session'),
  setupNeeded: () => request<{ needed: boolean }>('GET', '/api/setup'),
  setup: (body: { email: string; name: string; password: string }) =>
    request<{ user: User; csrfToken: string }>('POST', '/api/setup', body),
  login: (email: string, password: string) =>
    request<{ user: User; csrfToken: string }>('POST', '/api/auth/login', { email, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  projects: () => request<{ projects: Project[] }>('GET', '/api/projects'),
  createProject: (name: string, description: string) =>
    request<{ project: Project }>('POST', '/api/projects', { name, description }),
  project: (id: string) => request<{ project: Project; members: Member[] }>('GET', `/api/projects/${id}`),
  updateProject: (
    id: string,
    patch: { name?: string; description?: string; archived?: boolean; settings?: Partial<ProjectSettings> },
  ) => request<{ project: Project }>('PATCH', `/api/projects/${id}`, patch),
  members: (id: string) => request<{ members: Member[] }>('GET', `/api/projects/${id}/members`),
  addMember: (id: string, email: string, role: Role) =>
    request<{ members: Member[] }>('POST', `/api/projects/${id}/members`, { email, role }),
  setRole: (id: string, userId: string, role: Role) =>
    request<{ members: Member[] }>('PATCH', `/api/projects/${id}/members/${userId}`, { role }),
  removeMember: (id: string, userId: string) => request<void>('DELETE', `/api/projects/${id}/members/${userId}`),
  transcripts: (id: string) => request<{ transcripts: TranscriptMeta[] }>('GET', `/api/projects/${id}/transcripts`),
  transcript: (id: string, tid: string) =>
    request<{ transcript: TranscriptMeta }>('GET', `/api/projects/${id}/transcripts/${tid}`),
  docs: (id: string) => request<{ docs: DocEntry[] }>('GET', `/api/projects/${id}/docs`),
};
