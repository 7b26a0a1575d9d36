import { randomBytes } from 'node:crypto';
import type { ImportResponse, UploadPreview } from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import { type BundleTranscript, summariseBundle } from '../interchange/bundle.js';
import { attachImportedRecordings } from '../media/interchange.js';
import type { User } from '../metadata/schema.js';
import { matchAccount, type UserChoice, writeBundle } from '../projects/bundleIo.js';
import { ImportError } from './errors.js';
import { type ImportFile, type ImportResult, readImport, transcriptFromDraft } from './index.js';
import { DEFAULT_LIMITS, formatBytes } from './limits.js';
import { applySpeakerChoices, type SpeakerChoices } from './speakers.js';
import { readPastedTranscript } from './transcripts.js';

/**
 * Imports over REST, in two steps so that the lead can check before anything is written (docs/import-export.md):
 * each file is read on its own for a preview (`previewUpload`) and held; the import (`importUploads`) reads the held
 * files again with the speaker corrections and account choices, adds pasted text, and writes everything in one go.
 */

/** How long a file is held for its import. */
export const UPLOAD_TTL_MS = 60 * 60 * 1000;
/** The most bytes held for all users at once; past it an upload is refused (503) until some are confirmed. */
export const MAX_HELD_BYTES = 1024 * 1024 * 1024;

interface HeldUpload {
  userId: string;
  projectId: string;
  file: ImportFile;
  expiresAt: number;
}

/**
 * Files read for a preview, held in this process's memory until the import that confirms them, for an hour at most,
 * and only for the user who uploaded them into that project. One per running router (http/routes/importExport.ts).
 */
export class HeldUploads {
  private readonly held = new Map<string, HeldUpload>();
  private readonly ttlMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: { ttlMs?: number; maxBytes?: number; now?: () => number } = {}) {
    this.ttlMs = options.ttlMs ?? UPLOAD_TTL_MS;
    this.maxBytes = options.maxBytes ?? MAX_HELD_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** Holds `file` for its uploader and answers its id; 503 `busy` when it would take the store past its bytes. */
  hold(userId: string, projectId: string, file: ImportFile): string {
    this.forgetExpired();
    const heldBytes = [...this.held.values()].reduce((sum, upload) => sum + upload.file.bytes.byteLength, 0);
    if (heldBytes + file.bytes.byteLength > this.maxBytes) {
      throw new AccordError(
        503,
        'busy',
        `too many uploads waiting (${formatBytes(heldBytes)}); confirm or retry later`,
      );
    }
    const id = randomBytes(12).toString('hex');
    this.held.set(id, { userId, projectId, file, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  /**
   * The held files `ids` name, in that order; 404 for the first that is unknown, expired, another user's or another
   * project's (all look the same). They stay held until `release`.
   */
  take(userId: string, projectId: string, ids: readonly string[]): ImportFile[] {
    this.forgetExpired();
    return ids.map((id) => {
      const upload = this.held.get(id);
      if (upload === undefined || upload.userId !== userId || upload.projectId !== projectId) {
        throw new AccordError(404, 'not_found', `upload ${id} is unknown or expired; upload the file again`);
      }
      return upload.file;
    });
  }

  /** Forgets files once their import is written. */
  release(ids: readonly string[]): void {
    for (const id of ids) this.held.delete(id);
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [id, upload] of this.held) if (upload.expiresAt < now) this.held.delete(id);
  }
}

/**
 * Reads one uploaded file (a bad one is refused here, naming it), holds it, and answers the preview: detected speakers
 * per transcript, codes, coders with the account each would become.
 */
export async function previewUpload(
  ctx: AppContext,
  uploads: HeldUploads,
  userId: string,
  projectId: string,
  file: ImportFile,
): Promise<UploadPreview> {
  const read = await asAccordError(readImport([file], { limits: DEFAULT_LIMITS }));
  const id = uploads.hold(userId, projectId, file);
  return uploadPreview(id, file.name, read, await ctx.metadata.users.list());
}

/** What the lead checks before importing `name` (held as `id`): the file read, and the accounts coders match. */
export function uploadPreview(
  id: string,
  name: string,
  { bundle, drafts, warnings }: Pick<ImportResult, 'bundle' | 'drafts' | 'warnings'>,
  accounts: readonly User[],
): UploadPreview {
  return {
    id,
    name,
    summary: summariseBundle(bundle),
    warnings,
    transcripts: drafts.map((draft) => ({
      title: draft.title,
      characters: draft.text.length,
      turns: draft.turns.length,
      speakers: draft.speakers,
      excerpt: draft.text.slice(0, 500),
    })),
    codes: bundle.codes.map(({ guid, name: codeName, parentGuid }) => ({ guid, name: codeName, parentGuid })),
    coders: bundle.users.map((coder) => {
      const account = matchAccount(accounts, coder);
      return { guid: coder.guid, name: coder.name, suggestedAccount: account ?? null };
    }),
  };
}

export interface ImportRequest {
  /** Held files (`previewUpload`'s ids). */
  uploads: string[];
  /** Transcripts pasted as text. */
  pasted: { title: string; text: string }[];
  /** Speaker corrections per file name or pasted title. */
  speakers?: Record<string, SpeakerChoices>;
  /** The account each coder of an imported project becomes, by the coder's GUID. */
  users?: Record<string, UserChoice>;
}

/**
 * Imports held files and pasted text into a project, all or nothing, audited (`project.import`, by `writeBundle`);
 * recordings a `.qdpx` held are attached to their transcripts. The files are forgotten once written. 404 for a file
 * not held for this user and project, 400 `invalid_input` when there is nothing to import.
 */
export async function importUploads(
  ctx: AppContext,
  uploads: HeldUploads,
  userId: string,
  projectId: string,
  request: ImportRequest,
): Promise<ImportResponse> {
  const files = uploads.take(userId, projectId, request.uploads);
  if (files.length === 0 && request.pasted.length === 0)
    throw new AccordError(400, 'invalid_input', 'nothing to import');
  const options =
    request.speakers === undefined
      ? { limits: DEFAULT_LIMITS }
      : { limits: DEFAULT_LIMITS, speakers: request.speakers };
  const { bundle, recordings, warnings } = await asAccordError(readImport(files, options));
  for (const paste of request.pasted) {
    bundle.transcripts.push(
      await asAccordError(
        Promise.resolve().then(() => pastedTranscript(paste.title, paste.text, request.speakers?.[paste.title])),
      ),
    );
  }
  const result = await writeBundle(
    ctx,
    bundle,
    request.users === undefined
      ? { actorId: userId, project: { id: projectId } }
      : { actorId: userId, project: { id: projectId }, users: request.users },
  );
  await attachImportedRecordings(ctx, userId, result, recordings, warnings);
  uploads.release(request.uploads);
  return { ...result, warnings };
}

/** A pasted text as a transcript of the import, its speakers corrected by `choices` (those of its title). */
export function pastedTranscript(title: string, text: string, choices: SpeakerChoices | undefined): BundleTranscript {
  const draft = readPastedTranscript(title, text);
  return transcriptFromDraft(draft, choices === undefined ? draft.turns : applySpeakerChoices(draft.turns, choices));
}

/** Import errors name the file and the problem; REST answers them as `{error: {code, message}}` with their status. */
async function asAccordError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ImportError) throw new AccordError(error.status, error.code, error.message);
    throw error;
  }
}
