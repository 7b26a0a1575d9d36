import type { Readable } from 'node:stream';
import type { TranscriptMedia } from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError, notFound } from '../errors.js';
import { assertMayHear, transcriptFor } from './access.js';
import { mediaKeyOf, mediaStore } from './media.js';

/** A transcript's recording, checked and ready to be read (whole or a range). */
export interface ServedRecording {
  media: TranscriptMedia;
  /** The stored size: what the metadata says, since it was checked. */
  size: number;
  /** The bytes `[start, end]` (inclusive), or all of them. */
  read(range?: { start: number; end: number }): Readable;
}

/**
 * The recording of a transcript, for whoever may open the transcript (anyone else gets 404 `no such transcript`, as
 * for the transcript itself; 404 too when it has none). Its stored size is checked against the metadata first: a
 * recording that is missing or whose size differs is logged (`media.damaged`) and answered 500 `media_damaged`,
 * before any of it is sent (docs/media.md, "Backups and checks"). Reading it through to its SHA-256 is
 * `accord check`'s work, not every request's.
 */
export async function servedRecording(
  ctx: AppContext,
  userId: string,
  projectId: string,
  transcriptId: string,
): Promise<ServedRecording> {
  const transcript = await transcriptFor(ctx, projectId, transcriptId);
  await assertMayHear(ctx, userId, transcript);
  const media = transcript.media;
  const key = mediaKeyOf(transcript);
  if (media === undefined || key === null) throw notFound('the transcript has no recording');
  const store = await mediaStore(ctx);
  const size = await store.size(key);
  if (size !== media.bytes) {
    ctx.logger.error('media.damaged', { project: projectId, transcript: transcript.id, expected: media.bytes, size });
    throw new AccordError(
      500,
      'media_damaged',
      'the recording is missing or damaged in the data folder; run "accord check" and restore it from a backup',
    );
  }
  return { media, size, read: (range) => store.read(key, range) };
}
