import { type DocRef, isId } from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError, notFound } from '../errors.js';
import type { TranscriptMeta } from '../metadata/schema.js';
import { decideDocAccess } from '../projects/docAccess.js';

/**
 * Who may hear a recording: exactly who may open its transcript's text document (the one access rule, through
 * `decideDocAccess`: membership, deactivation, rounds). Changing it needs what changing the text needs: an owner,
 * and no running round that contains the transcript (its coders must all hear the same recording). Anyone who may
 * not open the transcript gets "not found", as for the transcript itself.
 */
export async function transcriptFor(ctx: AppContext, projectId: string, transcriptId: string): Promise<TranscriptMeta> {
  const transcript = isId(transcriptId) ? await ctx.metadata.transcripts.get(projectId, transcriptId) : null;
  if (transcript === null) throw notFound('no such transcript');
  return transcript;
}

const textRef = (transcript: TranscriptMeta): DocRef => ({
  kind: 'text',
  project: transcript.projectId,
  transcript: transcript.id,
});

export async function assertMayHear(ctx: AppContext, userId: string, transcript: TranscriptMeta): Promise<void> {
  const { access } = await decideDocAccess(ctx.metadata, userId, textRef(transcript));
  if (access === 'none') throw notFound('no such transcript');
}

export async function assertMayChange(ctx: AppContext, userId: string, transcript: TranscriptMeta): Promise<void> {
  const { access } = await decideDocAccess(ctx.metadata, userId, textRef(transcript));
  if (access === 'none') throw notFound('no such transcript');
  if (access !== 'write') {
    throw new AccordError(
      409,
      'in_round',
      'the transcript is part of a running round; its recording cannot change until the round ends',
    );
  }
}
