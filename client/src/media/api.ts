import type { MediaResponse, TranscriptMedia } from '@accord/shared';
import { ApiError, errorText } from '../api/errors.js';
import { api, request } from '../api.js';
import { type MessageId, msg, type Translate, translate } from '../i18n/core.js';

/**
 * A transcript's recording (`server/src/http/routes/media.ts`, docs/media.md): the address the player reads it from
 * (range requests, served only to whoever may open the transcript), its upload with progress, its removal.
 */
export type { TranscriptMedia };

export function mediaUrl(project: string, transcript: string, media: Pick<TranscriptMedia, 'sha256'>): string {
  // The SHA-256 in the address: a replaced recording is a new address, so no player keeps the old one's bytes.
  return `/api/projects/${project}/transcripts/${transcript}/media?v=${media.sha256.slice(0, 16)}`;
}

/** What the file chooser offers (docs/media.md, "What is accepted"). */
export const MEDIA_ACCEPT = [
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/wav',
  'audio/x-wav',
  'audio/ogg',
  'audio/webm',
  'video/mp4',
  'video/webm',
  'video/ogg',
  '.mp3',
  '.m4a',
  '.wav',
  '.ogg',
  '.oga',
  '.opus',
  '.ogv',
  '.mp4',
  '.m4v',
  '.webm',
].join(',');

const EXTENSIONS: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  ogv: 'video/ogg',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
};

/** The type to send: the browser's, when it names a kept format, else the one the extension says. */
export function mediaTypeOf(file: { name: string; type: string }): string | null {
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  const byName = EXTENSIONS[extension] ?? null;
  const type = file.type.toLowerCase();
  if (type.startsWith('audio/') || type.startsWith('video/') || type === 'application/ogg') return type;
  return byName;
}

/**
 * Why a file cannot be attached, before a byte is sent (the server checks everything again, from the bytes): an
 * empty file, or one that is not a recording format Accord keeps.
 */
export function mediaFileProblem(
  file: { name: string; type: string; size: number },
  t: Translate = translate,
): string | null {
  if (file.size === 0) return t('media.fileEmpty', { name: file.name });
  if (mediaTypeOf(file) === null) return t('media.notRecording', { name: file.name });
  return null;
}

export interface UploadProgress {
  sent: number;
  total: number;
}

/**
 * Uploads `file` as the transcript's recording (replacing any earlier one), reporting the bytes sent. XMLHttpRequest,
 * not fetch: only it reports an upload's progress in every browser. `signal` cancels it (nothing is stored then).
 * The error is an `ApiError` with the server's code (`media_type_mismatch`, `too_large`, `empty_file`...).
 */
export async function uploadMedia(
  project: string,
  transcript: string,
  file: File,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<TranscriptMedia> {
  const type = mediaTypeOf(file) ?? 'application/octet-stream';
  for (let attempt = 0; ; attempt++) {
    const token = (await api.session()).csrfToken;
    try {
      return await send(project, transcript, file, type, token, onProgress, signal);
    } catch (error) {
      // A session renewed meanwhile has a new token: asked once more.
      if (error instanceof ApiError && error.code === 'csrf' && attempt === 0) continue;
      throw error;
    }
  }
}

function send(
  project: string,
  transcript: string,
  file: File,
  type: string,
  token: string,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<TranscriptMedia> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let sent = 0;
    xhr.open('POST', `/api/projects/${project}/transcripts/${transcript}/media?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', type);
    xhr.setRequestHeader('x-csrf-token', token);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      sent = event.loaded;
      onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    xhr.onload = () => {
      const parsed = parse(xhr.responseText);
      if (xhr.status === 201) {
        resolve((parsed as MediaResponse).media);
        return;
      }
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      reject(new ApiError(xhr.status, error?.code ?? 'http', error?.message ?? `the upload failed (${xhr.status})`));
    };
    xhr.onerror = () => {
      // The server closes the connection after refusing a body it will not read (over the limit, say): a browser
      // still sending it may see only the closed connection.
      reject(
        new ApiError(
          0,
          'network',
          sent > 0 && sent < file.size
            ? `${file.name}: the connection closed during the upload; the file may be larger than this server accepts, or the network dropped`
            : `${file.name}: the server cannot be reached; check your connection`,
        ),
      );
    };
    xhr.onabort = () =>
      reject(new ApiError(0, 'cancelled', `${file.name}: the upload was cancelled; nothing was stored`));
    if (signal) {
      if (signal.aborted) {
        reject(new ApiError(0, 'cancelled', `${file.name}: the upload was cancelled; nothing was stored`));
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    onProgress({ sent: 0, total: file.size });
    xhr.send(file);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const removeMedia = (project: string, transcript: string) =>
  request<void>('DELETE', `/api/projects/${project}/transcripts/${transcript}/media`);

/** What to tell the owner about a refused upload: the server's message names the file and what was wrong. */
export function uploadErrorText(error: unknown, t: Translate = translate): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const hint: Record<string, MessageId> = {
    unsupported_media_type: msg('media.hint.unsupported'),
    media_type_mismatch: msg('media.hint.mismatch'),
    too_large: msg('media.hint.tooLarge'),
    empty_file: msg('media.hint.empty'),
    truncated_media: msg('media.hint.truncated'),
    malformed_media: msg('media.hint.malformed'),
    in_round: msg('media.hint.inRound'),
  };
  const extra = hint[error.code];
  // The server's message names the file and what was wrong (in the interface's language where the code is known).
  return extra ? `${t(extra)} ${errorText(error)}` : errorText(error);
}
