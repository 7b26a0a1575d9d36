import {
  addAgreedCodings,
  codingsMap,
  compareLayers,
  type Disagreement,
  type DisagreementKind,
  describePassage,
  docName,
  newId,
  type ResolutionChoice,
  ResolutionError,
  type ReviewItem,
  readDecisions,
  recordDecision,
  resolveDisagreement,
  type StoredCoding,
} from '@accord/shared';
import type * as Y from 'yjs';
import type { AppContext } from '../context.js';
import { AccordError, badRequest, conflict, notFound } from '../errors.js';
import type { Round } from '../metadata/schema.js';
import { copyOfLiveDoc, loadRoundData, type RoundData, type RoundTranscript } from './data.js';

export interface ReviewFilter {
  code?: string;
  coders?: [string, string];
  transcript?: string;
  kind?: DisagreementKind;
}

const CONTEXT_CHARS = 240;

export const consensusDocName = (projectId: string, transcript: string) =>
  docName({ kind: 'consensus', project: projectId, transcript });

function pairs(coders: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i < coders.length; i++)
    for (let j = i + 1; j < coders.length; j++) result.push([coders[i]!, coders[j]!]);
  return result;
}

const samePair = (x: readonly [string, string], y: readonly [string, string]) =>
  (x[0] === y[0] && x[1] === y[1]) || (x[0] === y[1] && x[1] === y[0]);

export function transcriptDisagreements(transcript: RoundTranscript, filter: ReviewFilter = {}): Disagreement[] {
  const result: Disagreement[] = [];
  for (const pair of pairs(transcript.coders)) {
    if (filter.coders && !samePair(pair, filter.coders)) continue;
    const layer = (coder: string) => ({ coder, codings: transcript.layers.get(coder)?.codings ?? [] });
    for (const d of compareLayers(layer(pair[0]), layer(pair[1])).disagreements) {
      if (filter.code !== undefined && !d.codes.includes(filter.code)) continue;
      if (filter.kind !== undefined && d.kind !== filter.kind) continue;
      result.push(d);
    }
  }
  return result;
}

export async function reviewList(
  ctx: AppContext,
  round: Round,
  data: RoundData,
  filter: ReviewFilter,
): Promise<ReviewItem[]> {
  const items: ReviewItem[] = [];
  for (const transcript of data.transcripts) {
    if (filter.transcript !== undefined && transcript.id !== filter.transcript) continue;
    const found = transcriptDisagreements(transcript, filter);
    const quote = (c: Disagreement['a'][number]) => ({
      ...c,
      text: describePassage(transcript.text, [], c.start, c.end).text,
    });
    if (found.length === 0) continue;
    const decisions =
      round.status === 'revealed'
        ? new Map(
            readDecisions(await copyOfLiveDoc(ctx, consensusDocName(round.projectId, transcript.id))).map((d) => [
              d.disagreement,
              d,
            ]),
          )
        : new Map();
    for (const d of found) {
      const decided = decisions.get(d.id);
      items.push({
        ...d,
        a: d.a.map(quote),
        b: d.b.map(quote),
        transcriptId: transcript.id,
        ...describePassage(transcript.text, transcript.turns, d.start, d.end),
        before: transcript.text.slice(Math.max(0, d.start - CONTEXT_CHARS), d.start),
        after: transcript.text.slice(d.end, d.end + CONTEXT_CHARS),
        resolution: decided
          ? {
              decision: decided.decision,
              decidedBy: decided.decidedBy,
              decidedAt: decided.decidedAt,
              memo: decided.memo,
              ...(decided.code ? { code: decided.code } : {}),
            }
          : null,
      });
    }
  }
  return items;
}

function storedCoding(transcript: RoundTranscript, coder: string, coding: string): StoredCoding {
  const layer = transcript.layers.get(coder);
  const stored = layer ? codingsMap(layer.doc).get(coding) : undefined;
  if (stored === undefined) throw new Error(`coding ${coding} of ${coder} is missing from the reveal snapshot`);
  return stored;
}

export interface DecisionInput {
  transcriptId: string;
  disagreement: string;
  choice: ResolutionChoice;
  code?: string;
  memo: string;
}

/**
 * Resolves one disagreement into the consensus layer. The disagreement is recomputed from the reveal snapshots
 * (a client cannot make up sources), and the consensus codings reuse the source codings' anchors in the text.
 */
export async function decide(
  ctx: AppContext,
  round: Round,
  userId: string,
  input: DecisionInput,
  knownCodes: ReadonlySet<string>,
) {
  if (round.status !== 'revealed')
    throw conflict('not_revealed', 'disagreements are resolved after the round is revealed');
  const data = await loadRoundData(ctx, round);
  const transcript = data.transcripts.find((t) => t.id === input.transcriptId);
  if (transcript === undefined) throw notFound('no such transcript in this round');
  const disagreement = transcriptDisagreements(transcript).find((d) => d.id === input.disagreement);
  if (disagreement === undefined) throw notFound('no such disagreement');
  if (input.choice === 'recode' && (input.code === undefined || !knownCodes.has(input.code))) {
    throw badRequest('invalid_input', 'recode needs a code from the codebook');
  }
  let resolved: ReturnType<typeof resolveDisagreement>;
  try {
    resolved = resolveDisagreement(
      disagreement,
      input.code === undefined ? { choice: input.choice } : { choice: input.choice, code: input.code },
    );
  } catch (error) {
    if (error instanceof ResolutionError) throw badRequest('invalid_input', error.message);
    throw error;
  }
  const decidedAt = Date.now();
  const codings = resolved.map((r) => {
    const start = storedCoding(transcript, r.startFrom.coder, r.startFrom.coding);
    const end = storedCoding(transcript, r.endFrom.coder, r.endFrom.coding);
    return { id: newId(), coding: { code: r.code, start: start.start, end: end.end, createdAt: decidedAt } };
  });
  const sources = [
    ...disagreement.a.map((c) => ({ coder: disagreement.coders[0], coding: c.id })),
    ...disagreement.b.map((c) => ({ coder: disagreement.coders[1], coding: c.id })),
  ];
  const record = await ctx.sync.withDoc(consensusDocName(round.projectId, transcript.id), (doc) =>
    recordDecision(
      doc,
      {
        disagreement: disagreement.id,
        round: round.id,
        kind: disagreement.kind,
        coders: disagreement.coders,
        decision: input.choice,
        ...(input.choice === 'recode' ? { code: input.code! } : {}),
        decidedBy: userId,
        decidedAt,
        memo: input.memo,
        sources,
      },
      codings,
    ),
  );
  await ctx.metadata.audit.record({
    actor: userId,
    action: 'round.consensus',
    project: round.projectId,
    details: {
      round: round.id,
      transcript: transcript.id,
      disagreement: disagreement.id,
      decision: input.choice,
      memo: input.memo,
    },
  });
  return record;
}

/** Codings identical (code, start, end) in every assigned layer of a transcript go into the consensus as agreed. */
export async function seedAgreedCodings(ctx: AppContext, round: Round, userId: string): Promise<void> {
  const data = await loadRoundData(ctx, round);
  for (const transcript of data.transcripts) {
    const [first, ...others] = transcript.coders;
    if (first === undefined) continue;
    const key = (c: { code: string; start: number; end: number }) => `${c.code}\u0000${c.start}\u0000${c.end}`;
    const otherKeys = others.map(
      (coder) => new Map((transcript.layers.get(coder)?.codings ?? []).map((c) => [key(c), c.id])),
    );
    const agreed: { id: string; coding: StoredCoding; sources: { coder: string; coding: string }[] }[] = [];
    const seen = new Set<string>();
    for (const coding of transcript.layers.get(first)?.codings ?? []) {
      const k = key(coding);
      if (seen.has(k) || !otherKeys.every((keys) => keys.has(k))) continue;
      seen.add(k);
      const sources = [
        { coder: first, coding: coding.id },
        ...others.map((coder, i) => ({ coder, coding: otherKeys[i]!.get(k)! })),
      ];
      const stored = storedCoding(transcript, first, coding.id);
      agreed.push({
        id: newId(),
        coding: { code: stored.code, start: stored.start, end: stored.end, createdAt: stored.createdAt },
        sources,
      });
    }
    if (agreed.length === 0) continue;
    await ctx.sync.withDoc(consensusDocName(round.projectId, transcript.id), (doc: Y.Doc) =>
      addAgreedCodings(doc, agreed, { decidedBy: userId, decidedAt: Date.now(), round: round.id }),
    );
  }
}

export function requireAdjudicator(round: Round, userId: string, role: string): void {
  if (role !== 'owner' && !round.adjudicators.includes(userId)) {
    throw new AccordError(403, 'forbidden', 'only the round adjudicators and owners resolve disagreements');
  }
}
