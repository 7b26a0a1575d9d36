import type { ImportResponse, UploadResponse } from '@accord/shared';
import { ApiError, api, request } from '../api.js';
import { type DownloadProgress, downloadName } from './exportModel.js';
import type { ImportRequest, UploadPreview } from './files.js';

/**
 * The import/export REST calls (`server/src/http/routes/importExport.ts`). JSON goes through the app's `request`;
 * a file upload is a raw `application/octet-stream` body, so it is sent here, with the session's CSRF token (read
 * from `GET /api/session`, again once if the server says it is stale).
 */
let csrfToken: string | null = null;

async function token(fresh: boolean): Promise<string> {
  if (fresh || csrfToken === null) csrfToken = (await api.session()).csrfToken;
  return csrfToken;
}

async function errorOf(response: Response): Promise<ApiError> {
  const parsed = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const error = parsed?.error;
  return new ApiError(response.status, error?.code ?? 'http', error?.message ?? `request failed (${response.status})`);
}

export type { DownloadProgress };

/** The error a download stopped by its `AbortSignal` ends with: the person cancelled it, nothing failed. */
export const cancelled = () => new ApiError(0, 'cancelled', 'the export was cancelled');

export const isCancelled = (error: unknown) => error instanceof ApiError && error.code === 'cancelled';

/** The body of a download, reporting the bytes received (and the total, from Content-Length) as they arrive. */
export async function readBody(response: Response, onProgress?: (progress: DownloadProgress) => void): Promise<Blob> {
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (onProgress === undefined || response.body === null) return response.blob();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress({ received, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress({ received, total });
  }
  return new Blob(chunks as BlobPart[], { type: response.headers.get('content-type') ?? '' });
}

/** What an import wrote (the server's `ImportResponse`). */
export type ImportResult = ImportResponse;

export const importExportApi = {
  /** Uploads one file for a preview; nothing is written until `confirm`. */
  async upload(project: string, name: string, body: Blob): Promise<UploadPreview> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`/api/projects/${project}/import/files?name=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': await token(attempt > 0) },
          body,
          credentials: 'same-origin',
        });
      } catch {
        throw new ApiError(0, 'network', `${name}: the server cannot be reached; check your connection`);
      }
      if (response.ok) return ((await response.json()) as UploadResponse).upload;
      const error = await errorOf(response);
      if (error.code === 'csrf' && attempt === 0) continue;
      throw error;
    }
  },

  /** Imports every upload at once, all or nothing. */
  confirm: (project: string, body: ImportRequest) =>
    request<ImportResult>('POST', `/api/projects/${project}/import`, body),

  /**
   * Fetches an export and hands it to the browser as a download (so that an error is shown, not saved).
   * `onProgress` hears the bytes received once the server answers, with the total when it is known; `signal`
   * cancels it, while the server prepares the file or while it arrives (the error is then `isCancelled`).
   */
  async download(
    url: string,
    fallbackName: string,
    onProgress?: (progress: DownloadProgress) => void,
    signal?: AbortSignal,
  ): Promise<string> {
    let response: Response;
    try {
      response = await fetch(url, { credentials: 'same-origin', ...(signal ? { signal } : {}) });
    } catch {
      if (signal?.aborted) throw cancelled();
      throw new ApiError(0, 'network', 'the server cannot be reached; check your connection');
    }
    if (!response.ok) throw await errorOf(response);
    const name = downloadName(response.headers.get('content-disposition'), fallbackName);
    let blob: Blob;
    try {
      blob = await readBody(response, onProgress);
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      throw new ApiError(0, 'network', `the download stopped: ${error instanceof Error ? error.message : error}`);
    }
    const href = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = href;
    link.download = name;
    link.style.display = 'none';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
    return name;
  },
};
