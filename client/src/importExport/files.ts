import type { CoderPreview, TranscriptPreview, UploadPreview } from '@accord/shared';
import { type MessageId, msg, type Translate, translate } from '../i18n/core.js';
import type { SpeakerChoices, SpeakerEdits } from './speakers.js';
import { speakerChoices } from './speakers.js';

/** What the server reads (`server/src/import/index.ts` `guessKind`), by extension. */
export const ACCEPTED: Readonly<Record<string, MessageId>> = {
  txt: msg('kind.transcript'),
  md: msg('kind.transcript'),
  docx: msg('kind.transcriptWord'),
  odt: msg('kind.transcriptOdt'),
  vtt: msg('kind.transcriptSubtitles'),
  srt: msg('kind.transcriptSubtitles'),
  pdf: msg('kind.transcriptPdf'),
  qdpx: msg('kind.project'),
  qdc: msg('kind.codebook'),
  csv: msg('kind.csv'),
};

/** The file input's `accept`. */
export const ACCEPT_ATTRIBUTE = Object.keys(ACCEPTED)
  .map((extension) => `.${extension}`)
  .join(',');

/** The server's per-file limit (`import/limits.ts`). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** A description of what the file will be read as, or null when the server would refuse its type. */
export function kindLabel(name: string, t: Translate = translate): string | null {
  const id = ACCEPTED[extensionOf(name)];
  return id === undefined ? null : t(id);
}

/**
 * Why a chosen file cannot be uploaded, before sending it (the server checks all of it again): its type, its size,
 * or a name already in the list (speaker corrections and titles go by file name).
 */
export function fileProblem(
  name: string,
  size: number,
  taken: readonly string[],
  t: Translate = translate,
): string | null {
  if (kindLabel(name) === null) {
    const extension = extensionOf(name);
    const what = extension ? t('file.extension', { extension }) : t('file.noExtension');
    return t('file.unsupported', { name, what });
  }
  if (size === 0) return t('file.empty', { name });
  if (size > MAX_FILE_BYTES) return t('file.tooLarge', { name });
  if (name.length > 255) return t('file.nameTooLong', { name: name.slice(0, 40) });
  if (taken.includes(name)) return t('file.duplicate', { name });
  return null;
}

/** Pasted text is uploaded as a `.txt` file named after its title, so it gets the same preview as a file. */
export function pastedFileName(title: string): string {
  const clean = title
    .trim()
    .replace(/[\\/]+/g, '-')
    .replace(/\s+/g, ' ');
  return `${clean.slice(0, 200)}.txt`;
}

export type { CoderPreview, TranscriptPreview, UploadPreview };

/** A coder of a `.qdpx`: a new account, or an existing account's id. */
export type CoderChoice = 'create' | { account: string };

export interface ImportRequest {
  uploads: string[];
  speakers?: Record<string, SpeakerChoices>;
  users?: Record<string, CoderChoice>;
}

export interface ReadyUpload {
  preview: UploadPreview;
  /** Speaker edits per transcript of the upload, by index. */
  edits: readonly SpeakerEdits[];
}

/** The default for a coder: the account the server matched (same id or the one account of that name), else new. */
export function defaultCoderChoice(coder: CoderPreview): CoderChoice {
  return coder.suggestedAccount === null ? 'create' : { account: coder.suggestedAccount };
}

/**
 * The confirm request. Speaker choices are keyed by the uploaded file's name (the server applies them per file);
 * every coder's account is sent explicitly, so the import does what the preview showed.
 */
export function buildImportRequest(
  uploads: readonly ReadyUpload[],
  coderChoices: Readonly<Record<string, CoderChoice>>,
): ImportRequest {
  const request: ImportRequest = { uploads: uploads.map((upload) => upload.preview.id) };
  const speakers: Record<string, SpeakerChoices> = {};
  const users: Record<string, CoderChoice> = {};
  for (const { preview, edits } of uploads) {
    preview.transcripts.forEach((transcript, i) => {
      const choices = speakerChoices(transcript.speakers, edits[i] ?? {});
      if (choices) speakers[preview.name] = { ...speakers[preview.name], ...choices };
    });
    for (const coder of preview.coders) users[coder.guid] = coderChoices[coder.guid] ?? defaultCoderChoice(coder);
  }
  if (Object.keys(speakers).length > 0) request.speakers = speakers;
  if (Object.keys(users).length > 0) request.users = users;
  return request;
}

/** "2 transcripts, 14 codes, 3 coders" for a preview's summary (only what is there). */
export function describeSummary(summary: UploadPreview['summary'], t: Translate = translate): string {
  const parts: string[] = [];
  const add = (count: number, id: MessageId) => {
    if (count > 0) parts.push(t(id, { count }));
  };
  add(summary.transcripts, 'summary.transcripts');
  add(summary.codes, 'summary.codes');
  add(summary.users, 'summary.coders');
  const codings = Object.values(summary.codingsPerCoder).reduce((sum, n) => sum + n, 0);
  add(codings, 'summary.codings');
  add(summary.memos, 'summary.memos');
  return parts.length > 0 ? parts.join(', ') : t('summary.nothing');
}
