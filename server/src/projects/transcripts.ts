import { docName, initTranscript, newId, type Turn, transcriptText } from '@accord/shared';
import { canonicalLanguage } from '@accord/shared/text/index';
import type { AppContext } from '../context.js';
import { AccordError, badRequest, notFound } from '../errors.js';
import { forgetTranscriptMedia } from '../media/media.js';
import type { TranscriptMeta } from '../metadata/schema.js';
import { decideDocAccess } from './docAccess.js';

export interface TranscriptInput {
  title: string;
  participant?: string;
  attributes?: Record<string, string>;
  /** BCP 47 tag, already validated; stored in canonical form. */
  language?: string;
  text?: string;
  turns?: Turn[];
}

export function transcriptsOf(ctx: AppContext, projectId: string): Promise<TranscriptMeta[]> {
  return ctx.metadata.transcripts.listByProject(projectId);
}

export async function getTranscript(ctx: AppContext, projectId: string, transcriptId: string): Promise<TranscriptMeta> {
  const transcript = await ctx.metadata.transcripts.get(projectId, transcriptId);
  if (transcript === null) throw notFound('no such transcript');
  return transcript;
}

/**
 * The transcript, if `userId` may change or delete it: that needs write access to its text, which nobody has while a
 * round containing the transcript runs (409 `in_round`; docs/architecture.md, "Documents").
 */
export async function writableTranscript(
  ctx: AppContext,
  userId: string,
  projectId: string,
  transcriptId: string,
): Promise<TranscriptMeta> {
  const transcript = await getTranscript(ctx, projectId, transcriptId);
  const decision = await decideDocAccess(ctx.metadata, userId, {
    kind: 'text',
    project: projectId,
    transcript: transcript.id,
  });
  if (decision.access !== 'write') {
    throw new AccordError(
      409,
      'in_round',
      'the transcript is part of a running round; it is read-only until the round ends',
    );
  }
  return transcript;
}

/**
 * Text must already be normalised (LF, no BOM): offsets are counted in it from now on and it is never
 * re-normalised. The text document is written before the index entry, so a failure leaves no visible half.
 */
export async function createTranscript(
  ctx: AppContext,
  userId: string,
  projectId: string,
  input: TranscriptInput,
): Promise<TranscriptMeta> {
  const text = input.text ?? '';
  if (text.includes('\r') || text.startsWith('\uFEFF')) {
    throw badRequest('unnormalised_text', 'transcript text must use LF line endings and have no byte-order mark');
  }
  for (const turn of input.turns ?? []) {
    if (turn.start < 0 || turn.start > text.length)
      throw badRequest('bad_turn', `turn start ${turn.start} is outside the text`);
  }
  const transcript: TranscriptMeta = {
    id: newId(),
    projectId,
    title: input.title.trim(),
    participant: input.participant?.trim() ?? '',
    attributes: input.attributes ?? {},
    createdBy: userId,
    createdAt: Date.now(),
  };
  const language = input.language === undefined ? null : canonicalLanguage(input.language);
  if (language !== null) transcript.language = language;
  await ctx.sync.withDoc(docName({ kind: 'text', project: projectId, transcript: transcript.id }), (doc) => {
    if (transcriptText(doc).length === 0) initTranscript(doc, text, input.turns ?? []);
  });
  await ctx.metadata.transcripts.create(transcript);
  await ctx.metadata.audit.record({
    actor: userId,
    action: 'transcript.create',
    project: projectId,
    details: { id: transcript.id },
  });
  return transcript;
}

export interface TranscriptPatch {
  title?: string;
  participant?: string;
  attributes?: Record<string, string>;
  /** A BCP 47 tag, or null to clear it (units then follow the transcript's script). */
  language?: string | null;
}

export async function updateTranscript(
  ctx: AppContext,
  projectId: string,
  transcriptId: string,
  patch: TranscriptPatch,
): Promise<TranscriptMeta> {
  return ctx.metadata.transcripts.update(projectId, transcriptId, {
    ...(patch.title !== undefined ? { title: patch.title.trim() } : {}),
    ...(patch.participant !== undefined ? { participant: patch.participant.trim() } : {}),
    ...(patch.attributes !== undefined ? { attributes: patch.attributes } : {}),
    ...(patch.language !== undefined
      ? { language: patch.language === null ? null : canonicalLanguage(patch.language) }
      : {}),
  });
}

export async function deleteTranscript(
  ctx: AppContext,
  userId: string,
  projectId: string,
  transcriptId: string,
): Promise<void> {
  if (!(await ctx.metadata.transcripts.delete(projectId, transcriptId))) throw notFound('no such transcript');
  ctx.recheckConnections();
  await ctx.sync.deletePrefix(`p/${projectId}/t/${transcriptId}/`);
  await forgetTranscriptMedia(ctx, projectId, transcriptId);
  await ctx.metadata.audit.record({
    actor: userId,
    action: 'transcript.delete',
    project: projectId,
    details: { id: transcriptId },
  });
}
