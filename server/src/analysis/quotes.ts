import { addQuote, anchorQuote, CONSENSUS_LAYER, docName, MERGED_LAYER, readThemes } from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError, notFound } from '../errors.js';
import type { Project } from '../metadata/schema.js';
import { AccessReader } from '../projects/docAccess.js';
import { readableForAnalysis } from './dataset.js';

export interface QuoteChoice {
  transcript: string;
  /** The layer the passage was retrieved from: consensus or a coder (a merged segment names one of its layers). */
  layer: string;
  coding?: string | null | undefined;
  code?: string | null | undefined;
  start: number;
  end: number;
}

/** Chooses a passage as a representative quote of a theme, anchored against the transcript text. */
export async function chooseQuote(
  ctx: AppContext,
  userId: string,
  project: Project,
  themeId: string,
  choice: QuoteChoice,
): Promise<{ id: string; transcript: string; text: string }> {
  const codebookRef = { kind: 'codebook', project: project.id } as const;
  const reader = new AccessReader(ctx.metadata);
  if ((await reader.decide(userId, codebookRef)).access !== 'write') {
    throw new AccordError(403, 'forbidden', 'your role does not allow editing themes in this project');
  }
  if (choice.layer === MERGED_LAYER) throw new AccordError(400, 'invalid_input', 'name one layer of the segment');
  const layerRef =
    choice.layer === CONSENSUS_LAYER
      ? ({ kind: 'consensus', project: project.id, transcript: choice.transcript } as const)
      : ({ kind: 'codings', project: project.id, transcript: choice.transcript, coder: choice.layer } as const);
  const textRef = { kind: 'text', project: project.id, transcript: choice.transcript } as const;
  if (!(await readableForAnalysis(reader, userId, textRef)) || !(await readableForAnalysis(reader, userId, layerRef))) {
    throw notFound('no such transcript or layer');
  }
  const stored = await ctx.sync.withDoc(docName(textRef), (textDoc) => {
    try {
      return anchorQuote(textDoc, { ...choice, chosenBy: userId });
    } catch (error) {
      throw new AccordError(400, 'invalid_input', (error as Error).message);
    }
  });
  const id = await ctx.sync.withDoc(docName(codebookRef), (doc) => {
    if (!readThemes(doc).some((theme) => theme.id === themeId)) throw notFound('no such theme');
    return addQuote(doc, themeId, stored);
  });
  return { id, transcript: stored.transcript, text: stored.text };
}
