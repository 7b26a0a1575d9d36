import type { ApiClient } from '../helpers/server.js';

/** Media routes need raw bodies and raw answers, which ApiClient (JSON) does not give. */
export function mediaPath(project: string, transcript: string, name?: string): string {
  const base = `/api/projects/${project}/transcripts/${transcript}/media`;
  return name === undefined ? base : `${base}?name=${encodeURIComponent(name)}`;
}

export async function uploadMedia(
  client: ApiClient,
  project: string,
  transcript: string,
  name: string,
  body: Uint8Array | ReadableStream<Uint8Array>,
  type: string | undefined,
  init: { signal?: AbortSignal } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { cookie: client.cookie!, 'x-csrf-token': client.csrfToken! };
  if (type !== undefined) headers['content-type'] = type;
  const response = await fetch(`${client.baseUrl}${mediaPath(project, transcript, name)}`, {
    method: 'POST',
    headers,
    body: body instanceof Uint8Array ? Buffer.from(body) : body,
    ...(body instanceof Uint8Array ? {} : { duplex: 'half' }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  } as RequestInit);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

export async function fetchMedia(
  client: ApiClient,
  project: string,
  transcript: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const response = await fetch(`${client.baseUrl}${mediaPath(project, transcript)}`, {
    method,
    headers: { ...(client.cookie === undefined ? {} : { cookie: client.cookie }), ...headers },
  });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}
