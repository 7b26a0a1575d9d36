import { open } from 'node:fs/promises';
import type { TranscriptMedia } from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError, notFound } from '../errors.js';
import { formatBytes } from '../import/limits.js';
import { assertMayChange, transcriptFor } from './access.js';
import { detectFile } from './detect.js';
import { type Claim, claimOf, describeDetected, servedType, UnsupportedMediaType } from './formats.js';
import { FileMediaStore, type MediaKey, type MediaStore, MediaTooLarge, type StagedMedia } from './store.js';
import { checkStructure, fileSource } from './structure.js';

/**
 * Recordings attached to transcripts (docs/media.md): received as a stream into a staging file (never held in
 * memory), checked from their bytes (the type they claim, and whole), then made the transcript's recording in one
 * step. The recording's SHA-256 and size go into the metadata, which `accord check` verifies the file against.
 */
const stores = new WeakMap<AppContext, MediaStore>();

/** The media store of a running server or CLI command; uploads a crash interrupted are swept when it is first made. */
export async function mediaStore(ctx: AppContext): Promise<MediaStore> {
  let store = stores.get(ctx);
  if (store === undefined) {
    const files = new FileMediaStore(ctx.config.dataDir);
    stores.set(ctx, files);
    store = files;
    const swept = await files.sweepStaging();
    if (swept > 0) ctx.logger.info('media.staging_swept', { files: swept });
  }
  return store;
}

/**
 * Gives a context the store its recordings live in when that is not its data directory (PostgreSQL: the
 * composition root, app.ts, sets a PostgresMediaStore before any request).
 */
export function useMediaStore(ctx: AppContext, store: MediaStore): void {
  stores.set(ctx, store);
}

export interface MediaUpload {
  /** The file name, as sent (`?name=`). */
  name: string;
  /** The `Content-Type` sent. */
  contentType: string | undefined;
  /** `Content-Length`, when sent: refused at once when over the limit. */
  declaredBytes: number | null;
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

const locks = new Map<string, Promise<unknown>>();

/** One change at a time per transcript, so a commit and the cleanup of older recordings never cross. */
async function exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.catch(() => {});
  locks.set(key, settled);
  try {
    return await run;
  } finally {
    if (locks.get(key) === settled) locks.delete(key);
  }
}

export function tooLarge(name: string, limit: number, bytes?: number): AccordError {
  const size = bytes === undefined ? '' : ` (${formatBytes(bytes)})`;
  return new AccordError(
    413,
    'too_large',
    `${name}: the recording is too large${size}: the limit is ${formatBytes(limit)} (${limit} bytes; ACCORD_MAX_MEDIA_BYTES)`,
  );
}

/** Attaches (or replaces) a transcript's recording; nothing is stored when any check fails. */
export async function attachMedia(
  ctx: AppContext,
  userId: string,
  projectId: string,
  transcriptId: string,
  upload: MediaUpload,
): Promise<TranscriptMedia> {
  await assertMayChange(ctx, userId, await transcriptFor(ctx, projectId, transcriptId));
  const checked = await receiveRecording(ctx, upload);
  try {
    // A round may have started, or the transcript gone, while the bytes were arriving.
    return await commitRecording(ctx, checked, { actorId: userId, projectId, transcriptId }, async () =>
      assertMayChange(ctx, userId, await transcriptFor(ctx, projectId, transcriptId)),
    );
  } finally {
    await discardRecording(ctx, checked);
  }
}

/** A recording received and checked, not yet attached to anything (nothing visible). */
export interface CheckedRecording {
  name: string;
  type: string;
  staged: StagedMedia;
}

/** Receives a recording into staging and checks it; throws (having kept nothing) when it is not acceptable. */
export async function receiveRecording(ctx: AppContext, upload: MediaUpload): Promise<CheckedRecording> {
  let claim: Claim;
  try {
    claim = claimOf(upload.contentType, upload.name);
  } catch (error) {
    if (error instanceof UnsupportedMediaType)
      throw new AccordError(415, 'unsupported_media_type', `${upload.name}: ${error.message}`);
    throw error;
  }
  const limit = ctx.config.maxMediaBytes;
  if (upload.declaredBytes !== null && upload.declaredBytes > limit)
    throw tooLarge(upload.name, limit, upload.declaredBytes);
  const store = await mediaStore(ctx);
  let staged: StagedMedia;
  try {
    staged = await store.receive(upload.body, limit);
  } catch (error) {
    if (error instanceof MediaTooLarge) throw tooLarge(upload.name, limit);
    throw error;
  }
  try {
    return { name: upload.name, type: await checkStaged(upload.name, staged, claim), staged };
  } catch (error) {
    await store.discard(staged);
    throw error;
  }
}

/** Makes a checked recording a transcript's recording (replacing any other), recorded and audited. */
export async function commitRecording(
  ctx: AppContext,
  checked: CheckedRecording,
  target: { actorId: string; projectId: string; transcriptId: string },
  recheck: () => Promise<void> | void = () => {},
): Promise<TranscriptMedia> {
  const { actorId, projectId, transcriptId } = target;
  const store = await mediaStore(ctx);
  const record: TranscriptMedia = {
    name: checked.name,
    type: checked.type,
    bytes: checked.staged.bytes,
    sha256: checked.staged.sha256,
    uploadedBy: actorId,
    uploadedAt: Date.now(),
  };
  return await exclusive(`${projectId}/${transcriptId}`, async () => {
    await recheck();
    const key = await store.commit(checked.staged, { project: projectId, transcript: transcriptId });
    await recordMedia(ctx, key, record);
    await ctx.metadata.audit.record({
      actor: actorId,
      action: 'transcript.media.attach',
      project: projectId,
      details: { id: transcriptId, name: record.name, type: record.type, bytes: record.bytes, sha256: record.sha256 },
    });
    return record;
  });
}

/** Deletes what is left of a received recording (nothing, once committed). */
export async function discardRecording(ctx: AppContext, checked: CheckedRecording): Promise<void> {
  await (await mediaStore(ctx)).discard(checked.staged);
}

/** Sets the record, then deletes the recordings it replaced (a crash in between leaves only unreferenced files). */
async function recordMedia(ctx: AppContext, key: MediaKey, record: TranscriptMedia): Promise<void> {
  const store = await mediaStore(ctx);
  const owner = { project: key.project, transcript: key.transcript };
  try {
    await ctx.metadata.transcripts.setMedia(key.project, key.transcript, record);
  } catch (error) {
    const current = (await ctx.metadata.transcripts.get(key.project, key.transcript))?.media?.sha256 ?? null;
    await store.prune(owner, current);
    throw error;
  }
  await store.prune(owner, key.sha256);
}

/** The type the file is served as, once its bytes are found to be what was claimed and whole. */
async function checkStaged(name: string, staged: StagedMedia, claim: Claim): Promise<string> {
  if (staged.bytes === 0) throw new AccordError(400, 'empty_file', `${name}: the file is empty (0 bytes)`);
  const detected = await detectFile(staged.path);
  if (detected === undefined || !claim.format.detected.includes(detected.ext)) {
    const found = describeDetected(detected?.ext, detected?.mime);
    throw new AccordError(
      415,
      'media_type_mismatch',
      `${name}: sent as ${claim.format.label} (${claim.type}), but its bytes are ${found}; nothing was stored`,
    );
  }
  const handle = await open(staged.path, 'r');
  try {
    const problem = await checkStructure(claim.format.container, fileSource(handle, staged.bytes));
    if (problem !== null) {
      throw new AccordError(400, problem.code, `${name}: ${problem.problem}; nothing was stored`);
    }
  } finally {
    await handle.close();
  }
  return servedType(claim, detected.ext);
}

export async function removeMedia(
  ctx: AppContext,
  userId: string,
  projectId: string,
  transcriptId: string,
): Promise<void> {
  const transcript = await transcriptFor(ctx, projectId, transcriptId);
  await assertMayChange(ctx, userId, transcript);
  if (transcript.media === undefined) throw notFound('the transcript has no recording');
  const store = await mediaStore(ctx);
  await exclusive(`${projectId}/${transcriptId}`, async () => {
    const removed = transcript.media;
    await ctx.metadata.transcripts.setMedia(projectId, transcriptId, null);
    await store.prune({ project: projectId, transcript: transcriptId }, null);
    await ctx.metadata.audit.record({
      actor: userId,
      action: 'transcript.media.remove',
      project: projectId,
      details: { id: transcriptId, name: removed?.name, sha256: removed?.sha256 },
    });
  });
}

/** After a transcript left the metadata: its recordings go too (called by `deleteTranscript`). */
export async function forgetTranscriptMedia(ctx: AppContext, projectId: string, transcriptId: string): Promise<void> {
  const store = await mediaStore(ctx);
  await exclusive(`${projectId}/${transcriptId}`, () =>
    store.prune({ project: projectId, transcript: transcriptId }, null),
  );
}

/** After a project left the metadata: every recording of it goes too (called by `deleteProject`). */
export async function forgetProjectMedia(ctx: AppContext, projectId: string): Promise<void> {
  await (await mediaStore(ctx)).removeProject(projectId);
}

export function mediaKeyOf(transcript: { projectId: string; id: string; media?: TranscriptMedia }): MediaKey | null {
  return transcript.media === undefined
    ? null
    : { project: transcript.projectId, transcript: transcript.id, sha256: transcript.media.sha256 };
}
