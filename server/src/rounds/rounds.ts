import {
  codesMap,
  docName,
  newId,
  readCode,
  readCodings,
  storedCodings,
  transcriptText,
  updateCode,
} from '@accord/shared';
import { LATEST_SEGMENTATION, type SegmentationVersion } from '@accord/shared/text/index';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import { AccordError, badRequest, conflict } from '../errors.js';
import { failures } from '../metadata/failures.js';
import type { Round, SnapshotRecord } from '../metadata/schema.js';
import { nameDoc } from '../sync/skippedEntries.js';
import { findRound, type RoundActor } from './access.js';
import {
  FROZEN_CODEBOOK_SNAPSHOT,
  layerDocName,
  revealSnapshotId,
  roundLanguage,
  snapshotOnce,
  textDocName,
} from './data.js';
import { seedAgreedCodings } from './review.js';
import { newSeed, sampleTranscripts } from './sampling.js';

export interface NewRound {
  name: string;
  mode: 'blind' | 'open';
  ownerMayLook: boolean;
  /** Transcripts by hand, or a seeded random sample of the project's transcripts. */
  transcripts: { ids: string[] } | { percent: number; seed?: number };
  /** The same coders for every transcript, or per transcript. */
  coders?: string[];
  assignments?: { transcriptId: string; coders: string[] }[];
  adjudicators?: string[];
  /**
   * How sentences, paragraphs and speaker turns are cut for this round's figures (default: the latest version;
   * an older one keeps a series of rounds comparable with rounds computed before it).
   */
  segmentation?: SegmentationVersion;
}

/** Lines of a round creation that the owner should read before coding starts. */
export interface RoundWarning {
  code: 'layer_not_empty';
  message: string;
}

const isCoderRole = (actor: RoundActor, userId: string) =>
  actor.project.members.some((m) => m.userId === userId && (m.role === 'coder' || m.role === 'owner'));

async function chooseTranscripts(
  ctx: AppContext,
  actor: RoundActor,
  input: NewRound,
): Promise<{ ids: string[]; sample: Round['sample'] }> {
  const population = (await ctx.metadata.transcripts.listByProject(actor.project.id)).map((t) => t.id);
  if ('ids' in input.transcripts) {
    for (const id of input.transcripts.ids) {
      if (!population.includes(id)) throw badRequest('invalid_input', `no transcript ${id} in this project`);
    }
    return { ids: [...new Set(input.transcripts.ids)], sample: null };
  }
  if (population.length === 0) throw badRequest('no_transcripts', 'the project has no transcripts to sample from');
  const seed = input.transcripts.seed ?? newSeed();
  const ids = sampleTranscripts(population, input.transcripts.percent, seed);
  return { ids, sample: { percent: input.transcripts.percent, seed, population: [...population].sort() } };
}

function assignmentsFor(actor: RoundActor, input: NewRound, transcriptIds: readonly string[]): Round['assignments'] {
  let assignments: Round['assignments'];
  if (input.assignments !== undefined) {
    const byTranscript = new Map(input.assignments.map((a) => [a.transcriptId, a.coders]));
    assignments = transcriptIds.map((transcriptId) => {
      const coders = byTranscript.get(transcriptId);
      if (coders === undefined) throw badRequest('invalid_input', `transcript ${transcriptId} has no coders assigned`);
      return { transcriptId, coders: [...new Set(coders)] };
    });
    for (const transcriptId of byTranscript.keys()) {
      if (!transcriptIds.includes(transcriptId))
        throw badRequest('invalid_input', `transcript ${transcriptId} is not in the round`);
    }
  } else if (input.coders !== undefined) {
    const coders = [...new Set(input.coders)];
    assignments = transcriptIds.map((transcriptId) => ({ transcriptId, coders: [...coders] }));
  } else {
    throw badRequest('invalid_input', 'give "coders" (the same for every transcript) or "assignments"');
  }
  for (const { transcriptId, coders } of assignments) {
    if (coders.length < 2) throw badRequest('too_few_coders', `transcript ${transcriptId} needs two or more coders`);
    for (const coder of coders) {
      if (!isCoderRole(actor, coder))
        throw badRequest('not_a_coder', `${coder} is not a coder or owner of this project`);
    }
  }
  return assignments;
}

/**
 * Creates a round: the codebook is frozen into the round's own document (and snapshotted, so the report can cite
 * its hash), then the round is recorded, and open connections are re-decided at once (in a blind round, other
 * coders' layers close and the transcript texts become read-only).
 */
export async function createRound(
  ctx: AppContext,
  actor: RoundActor,
  input: NewRound,
): Promise<{ round: Round; warnings: RoundWarning[] }> {
  const { ids, sample } = await chooseTranscripts(ctx, actor, input);
  if (ids.length === 0) throw badRequest('no_transcripts', 'a round needs at least one transcript');
  const assignments = assignmentsFor(actor, input, ids);
  // Checked again when the round is recorded, in the same step (a round created meanwhile wins).
  const running = (await ctx.metadata.rounds.listByProject(actor.project.id)).filter((r) => r.status === 'running');
  const busy = ids.filter((id) => running.some((r) => r.assignments.some((a) => a.transcriptId === id)));
  if (busy.length > 0) throw failures.inRound(busy);
  const adjudicators = [...new Set(input.adjudicators ?? [actor.userId])];
  for (const adjudicator of adjudicators) {
    if (!isCoderRole(actor, adjudicator))
      throw badRequest('not_a_coder', `${adjudicator} cannot adjudicate (viewer or not a member)`);
  }

  const id = newId();
  const live = docName({ kind: 'codebook', project: actor.project.id });
  const frozen = docName({ kind: 'roundCodebook', project: actor.project.id, round: id });
  const state = await ctx.sync.withDoc(live, (doc) => Y.encodeStateAsUpdate(doc));
  await ctx.sync.withDoc(frozen, (doc) => Y.applyUpdate(doc, state));
  const codebookSnapshot = await snapshotOnce(ctx, frozen, FROZEN_CODEBOOK_SNAPSHOT);

  const warnings: RoundWarning[] = [];
  for (const { transcriptId, coders } of assignments) {
    for (const coder of coders) {
      const existing = await ctx.sync.withDoc(
        layerDocName(actor.project.id, transcriptId, coder),
        (doc) => doc.getMap('codings').size,
      );
      if (existing > 0) {
        warnings.push({
          code: 'layer_not_empty',
          message: `${coder} already has ${existing} codings on transcript ${transcriptId}; they count in this round`,
        });
      }
    }
  }

  const round: Round = {
    id,
    projectId: actor.project.id,
    name: input.name,
    mode: input.mode,
    status: 'running',
    ownerMayLook: input.ownerMayLook,
    assignments,
    createdAt: Date.now(),
    createdBy: actor.userId,
    revealedAt: null,
    sample,
    codebookSnapshot,
    adjudicators,
    done: [],
    revealedBy: null,
    forced: false,
    snapshots: [],
    codebookChanges: [],
    segmentation: input.segmentation ?? LATEST_SEGMENTATION,
  };
  await ctx.metadata.rounds.create(round);
  await ctx.metadata.audit.record({
    actor: actor.userId,
    action: 'round.create',
    project: actor.project.id,
    details: {
      round: id,
      name: round.name,
      mode: round.mode,
      ownerMayLook: round.ownerMayLook,
      transcripts: ids,
      sample: sample === null ? null : { percent: sample.percent, seed: sample.seed },
      codebookSha256: codebookSnapshot.sha256,
      segmentation: round.segmentation,
    },
  });
  ctx.recheckConnections();
  return { round, warnings };
}

export async function markDone(
  ctx: AppContext,
  actor: RoundActor,
  roundId: string,
  transcriptId: string,
  done: boolean,
): Promise<Round> {
  const round = await findRound(ctx, actor.project, roundId);
  const assignment = round.assignments.find((a) => a.transcriptId === transcriptId);
  // Someone not coding this transcript in this round learns nothing about it.
  if (assignment === undefined || !assignment.coders.includes(actor.userId)) {
    throw new AccordError(404, 'not_found', 'you have no assignment on this transcript in this round');
  }
  if (round.status !== 'running') throw conflict('revealed', 'the round has been revealed');
  return ctx.metadata.rounds.setDone(round.id, transcriptId, actor.userId, done, Date.now());
}

export function notDone(round: Round): { transcriptId: string; coder: string }[] {
  return round.assignments.flatMap(({ transcriptId, coders }) =>
    coders
      .filter((coder) => !round.done.some((d) => d.transcriptId === transcriptId && d.coder === coder))
      .map((coder) => ({ transcriptId, coder })),
  );
}

/**
 * Reveals a round: immutable snapshots (with SHA-256) of every assigned coder layer and every transcript text,
 * codings identical in all layers carried into the consensus, the round marked revealed, the reveal audited,
 * and open connections re-decided so coders can open each other's layers at once.
 */
export async function revealRound(
  ctx: AppContext,
  actor: RoundActor,
  roundId: string,
  force: boolean,
): Promise<{ round: Round; notDone: ReturnType<typeof notDone> }> {
  const round = await findRound(ctx, actor.project, roundId);
  if (round.status !== 'running') throw failures.revealed();
  const missing = notDone(round);
  if (missing.length > 0 && !force) {
    throw conflict(
      'not_all_done',
      `${missing.length} coder layer(s) are not marked done; reveal with "force" to reveal anyway`,
    );
  }
  const snapshotId = revealSnapshotId(round);
  const snapshots: SnapshotRecord[] = [];
  // The language each transcript's units are cut with, fixed now: a language set later changes no revealed figure.
  const languages: Record<string, string> = {};
  for (const { transcriptId, coders } of round.assignments) {
    const text = await ctx.sync.withDoc(textDocName(round.projectId, transcriptId), (doc) =>
      transcriptText(doc).toString(),
    );
    const language = await roundLanguage(ctx, round, transcriptId, text);
    if (language !== null) languages[transcriptId] = language;
    snapshots.push(await snapshotOnce(ctx, textDocName(round.projectId, transcriptId), snapshotId));
    for (const coder of coders)
      snapshots.push(await snapshotOnce(ctx, layerDocName(round.projectId, transcriptId, coder), snapshotId));
  }
  const revealedAt = Date.now();
  // One state change from running, once: of two racing reveals one wins, the other is told it is revealed.
  const revealed = await ctx.metadata.rounds.reveal(round.id, {
    revealedAt,
    revealedBy: actor.userId,
    forced: missing.length > 0,
    snapshots,
    languages,
  });
  await ctx.metadata.audit.record({
    actor: actor.userId,
    action: 'round.reveal',
    project: round.projectId,
    details: {
      round: round.id,
      forced: missing.length > 0,
      notDone: missing,
      snapshots: snapshots.map(({ docName, sha256 }) => ({ docName, sha256 })),
    },
  });
  ctx.recheckConnections();
  await seedAgreedCodings(ctx, revealed, actor.userId);
  return { round: revealed, notDone: missing };
}

export interface CodebookChange {
  name?: string;
  definition?: string;
  inclusion?: string;
  exclusion?: string;
  examples?: string;
}

/** A change to a code's definition made while reviewing a round, applied to the live codebook and linked to the round. */
export async function changeCodeDuringReview(
  ctx: AppContext,
  actor: RoundActor,
  round: Round,
  codeId: string,
  change: CodebookChange,
  memo: string,
): Promise<Round> {
  const live = docName({ kind: 'codebook', project: round.projectId });
  const fields = await ctx.sync.withDoc(live, (doc) => {
    const code = codesMap(doc).get(codeId);
    if (!(code instanceof Y.Map)) throw new AccordError(404, 'not_found', 'no such code');
    const before = readCode(codeId, code);
    const diff: Round['codebookChanges'][number]['fields'] = {};
    for (const [key, after] of Object.entries(change) as [keyof CodebookChange, string][]) {
      if (before[key] !== after) diff[key] = { before: before[key], after };
    }
    if (Object.keys(diff).length > 0) updateCode(doc, codeId, change);
    return diff;
  });
  if (Object.keys(fields).length === 0) return round;
  const at = Date.now();
  const updated = await ctx.metadata.rounds.addCodebookChange(round.id, {
    code: codeId,
    fields,
    memo,
    by: actor.userId,
    at,
  });
  await ctx.metadata.audit.record({
    actor: actor.userId,
    action: 'round.codebook_change',
    project: round.projectId,
    details: { round: round.id, code: codeId, fields: Object.keys(fields), memo },
  });
  return updated;
}

/** How many codings each of the user's own layers in the round holds now (never anyone else's). */
export async function ownCodingCounts(ctx: AppContext, userId: string, round: Round): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { transcriptId, coders } of round.assignments) {
    if (!coders.includes(userId)) continue;
    const count = await ctx.sync.withDoc(
      layerDocName(round.projectId, transcriptId, userId),
      (doc) => storedCodings(doc).length,
    );
    counts.set(transcriptId, count);
  }
  return counts;
}

/** Codings per layer of an open round (visible to everyone anyway), for the owner's progress view. */
export async function layerCodingCounts(ctx: AppContext, round: Round): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { transcriptId, coders } of round.assignments) {
    const text = await ctx.sync.withDoc(textDocName(round.projectId, transcriptId), (doc) =>
      Y.encodeStateAsUpdate(doc),
    );
    const textDoc = nameDoc(new Y.Doc(), textDocName(round.projectId, transcriptId));
    Y.applyUpdate(textDoc, text);
    for (const coder of coders) {
      const count = await ctx.sync.withDoc(
        layerDocName(round.projectId, transcriptId, coder),
        (doc) => readCodings(doc, textDoc).length,
      );
      counts.set(`${transcriptId}/${coder}`, count);
    }
  }
  return counts;
}
