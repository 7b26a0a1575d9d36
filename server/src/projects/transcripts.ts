import { docName, initTranscript, newId, type Turn, transcriptText } from '@accord/shared';
import { canonicalLanguage } from '@accord/shared/text/index';
import type { AppContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { forgetTranscriptMedia } from '../media/media.js';
import type { TranscriptMeta } from '../metadata/schema.js';

export interface TranscriptInput {
  title: string;
  participant?: string;
  attributes?: Record<string, string>;
  /** BCP 47 tag, already validated; stored in canonical form. */
  language?: string;
  text?: string;
  turns?: Turn[];
}

export function transcriptsOf(ctx: AppContext, projectId: string): TranscriptMeta[] {
  return ctx.store.data.transcripts.filter((transcript) => transcript.projectId === projectId);
}

export function getTranscript(ctx: AppContext, projectId: string, transcriptId: string): TranscriptMeta {
  const transcript = ctx.store.data.transcripts.find((t) => t.id === transcriptId && t.projectId === projectId);
  if (transcript === undefined) throw notFound('no such transcript');
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
  await ctx.store.mutate((data) => {
    data.transcripts.push(transcript);
  });
  ctx.audit.record({ actor: userId, action: 'transcript.create', project: projectId, details: { id: transcript.id } });
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
  return ctx.store.mutate((data) => {
    const transcript = data.transcripts.find((t) => t.id === transcriptId && t.projectId === projectId);
    if (transcript === undefined) throw notFound('no such transcript');
    if (patch.title !== undefined) transcript.title = patch.title.trim();
    if (patch.participant !== undefined) transcript.participant = patch.participant.trim();
    if (patch.attributes !== undefined) transcript.attributes = patch.attributes;
    if (patch.language !== undefined) {
      const language = patch.language === null ? null : canonicalLanguage(patch.language);
      if (language === null) delete transcript.language;
      else transcript.language = language;
    }
    return transcript;
  });
}

export async function deleteTranscript(
  ctx: AppContext,
  userId: string,
  projectId: string,
  transcriptId: string,
): Promise<void> {
  getTranscript(ctx, projectId, transcriptId);
  await ctx.store.mutate((data) => {
    data.transcripts = data.transcripts.filter((t) => !(t.id === transcriptId && t.projectId === projectId));
  });
  ctx.recheckConnections();
  await ctx.sync.deletePrefix(`p/${projectId}/t/${transcriptId}/`);
  await forgetTranscriptMedia(ctx, projectId, transcriptId);
  ctx.audit.record({ actor: userId, action: 'transcript.delete', project: projectId, details: { id: transcriptId } });
}
