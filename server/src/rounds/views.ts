import {
  type AgreementHistoryResponse,
  type AgreementResponse,
  type ConsensusResponse,
  type DisagreementsResponse,
  docName,
  type HistoryEntry,
  meanOf,
  type RoundView,
  readConsensus,
  readDecisions,
  type SpansInput,
} from '@accord/shared';
import type { AppContext } from '../context.js';
import { conflict, notFound } from '../errors.js';
import type { Round } from '../metadata/schema.js';
import { DocReads } from '../projects/docReads.js';
import { docAccess, findRound, type RoundActor, requireRoundData, visibleLayers } from './access.js';
import { copyOfLiveDoc, loadRoundData, roundSegmentation, textDocName } from './data.js';
import {
  computeRoundAgreement,
  type ReliabilityReport,
  reportCsv,
  reportHtml,
  reportMarkdown,
  roundCodes,
  roundReport,
  roundSpansInput,
  thresholdsOf,
  type UnitChoice,
} from './report.js';
import {
  consensusDocName,
  type DecisionInput,
  decide,
  type ReviewFilter,
  requireAdjudicator,
  reviewList,
} from './review.js';
import {
  type CodebookChange,
  changeCodeDuringReview,
  layerCodingCounts,
  type notDone,
  ownCodingCounts,
} from './rounds.js';

/**
 * What the round routes answer, computed here so that a route only parses, authorises, calls and serialises.
 * Every view reads round data through `requireRoundData` (rounds/access.ts), exactly like a WebSocket join.
 */

/** Names of accounts and titles of the project's transcripts, read once per answer. */
async function namesOf(ctx: AppContext, projectId: string) {
  const users = new Map((await ctx.metadata.users.list()).map((u) => [u.id, u.name]));
  const titles = new Map((await ctx.metadata.transcripts.listByProject(projectId)).map((t) => [t.id, t.title]));
  return {
    userName: (userId: string) => users.get(userId) ?? '',
    titleOf: (transcriptId: string) => titles.get(transcriptId) ?? '',
  };
}

/** A round a member can see at all: owners all, others those they code in or that are open or revealed. */
export const listed = (actor: RoundActor, round: Round) =>
  actor.role === 'owner' ||
  round.mode === 'open' ||
  round.status === 'revealed' ||
  round.assignments.some((a) => a.coders.includes(actor.userId));

/** The round, if this member can see it (else "not found", like a round that does not exist). */
export async function visibleRound(ctx: AppContext, actor: RoundActor, roundId: string): Promise<Round> {
  const round = await findRound(ctx, actor.project, roundId);
  if (!listed(actor, round)) throw notFound('no such round');
  return round;
}

/** What a member sees of a round: an owner all progress (in a blind round done flags only); a coder their own work. */
export async function roundView(
  ctx: AppContext,
  actor: RoundActor,
  round: Round,
  withCounts = true,
): Promise<RoundView> {
  const { userName, titleOf } = await namesOf(ctx, round.projectId);
  const isOwner = actor.role === 'owner';
  const everyoneVisible = round.mode === 'open' || round.status === 'revealed';
  const isDone = (transcriptId: string, coder: string) =>
    round.done.some((d) => d.transcriptId === transcriptId && d.coder === coder);
  const own = withCounts ? await ownCodingCounts(ctx, actor.userId, round) : new Map<string, number>();
  const counts = withCounts && isOwner && everyoneVisible ? await layerCodingCounts(ctx, round) : null;
  const mine = round.assignments
    .filter((a) => a.coders.includes(actor.userId))
    .map((a) => ({
      transcriptId: a.transcriptId,
      title: titleOf(a.transcriptId),
      done: isDone(a.transcriptId, actor.userId),
      codings: own.get(a.transcriptId) ?? 0,
    }));
  const showAll = isOwner || everyoneVisible;
  return {
    id: round.id,
    name: round.name,
    mode: round.mode,
    status: round.status,
    ownerMayLook: round.ownerMayLook,
    createdAt: round.createdAt,
    revealedAt: round.revealedAt,
    forced: round.forced,
    segmentation: roundSegmentation(round),
    sample: round.sample && {
      percent: round.sample.percent,
      seed: round.sample.seed,
      populationSize: round.sample.population.length,
    },
    codebook: {
      docName: docName({ kind: 'roundCodebook', project: round.projectId, round: round.id }),
      sha256: round.codebookSnapshot?.sha256 ?? null,
    },
    adjudicators: round.adjudicators.map((userId) => ({ userId, name: userName(userId) })),
    mayAdjudicate: isOwner || round.adjudicators.includes(actor.userId),
    transcripts: showAll
      ? round.assignments.map((a) => ({ transcriptId: a.transcriptId, title: titleOf(a.transcriptId) }))
      : mine.map(({ transcriptId, title }) => ({ transcriptId, title })),
    coders: showAll
      ? [...new Set(round.assignments.flatMap((a) => a.coders))].map((userId) => ({ userId, name: userName(userId) }))
      : [],
    myAssignments: mine,
    progress: showAll
      ? round.assignments.flatMap((a) =>
          a.coders.map((coder) => ({
            transcriptId: a.transcriptId,
            coder,
            done: isDone(a.transcriptId, coder),
            ...(counts ? { codings: counts.get(`${a.transcriptId}/${coder}`) ?? 0 } : {}),
          })),
        )
      : [],
    layers: await visibleLayers(ctx, actor.userId, round),
    codebookChanges: round.status === 'revealed' ? round.codebookChanges : [],
  };
}

/** The rounds of the project this member can see, without per-layer counts. */
export async function listRounds(ctx: AppContext, actor: RoundActor): Promise<RoundView[]> {
  const rounds = (await ctx.metadata.rounds.listByProject(actor.project.id)).filter((r) => listed(actor, r));
  const views: RoundView[] = [];
  for (const round of rounds) views.push(await roundView(ctx, actor, round, false));
  return views;
}

/** The warning a reveal before every coder was done answers with (null when all were done). */
export async function revealWarning(
  ctx: AppContext,
  round: Round,
  missing: ReturnType<typeof notDone>,
): Promise<string | null> {
  if (missing.length === 0) return null;
  const { userName, titleOf } = await namesOf(ctx, round.projectId);
  const who = missing.map((n) => `${userName(n.coder)} on ${titleOf(n.transcriptId)}`).join('; ');
  return `revealed before ${missing.length} coder layer(s) were marked done: ${who}`;
}

/** Per revealed round this member may read, the mean headline coefficients over codes. */
export async function agreementHistory(
  ctx: AppContext,
  actor: RoundActor,
  choice: UnitChoice,
): Promise<AgreementHistoryResponse> {
  const history: HistoryEntry[] = [];
  for (const round of await ctx.metadata.rounds.listByProject(actor.project.id)) {
    if (round.status !== 'revealed') continue;
    try {
      await requireRoundData(ctx, actor, round, 'history');
    } catch {
      continue;
    }
    const codes = await roundCodes(ctx, round);
    const result = computeRoundAgreement(
      await loadRoundData(ctx, round),
      choice,
      thresholdsOf(actor.project),
      codes.all,
    );
    history.push({
      round: { id: round.id, name: round.name, mode: round.mode, revealedAt: round.revealedAt },
      codebookSha256: round.codebookSnapshot?.sha256 ?? null,
      codebookChanges: round.codebookChanges.length,
      meanKappa: meanOf(result.codes, (c) => c.kappa),
      meanAlpha: meanOf(result.codes, (c) => c.alpha),
      codes: result.codes.map((c) => ({
        code: c.code,
        name: c.name,
        kappa: c.kappa.value,
        alpha: c.alpha.value,
        flags: c.flags,
      })),
    });
  }
  return { unit: choice, history };
}

/**
 * The `spans` input of the round (docs/agreement.md, "The input"): pipe it to `accord agreement` to check any
 * figure.
 */
export async function roundSpans(
  ctx: AppContext,
  actor: RoundActor,
  round: Round,
  choice: UnitChoice,
  bootstrap: { samples: number; seed: number } | undefined,
): Promise<SpansInput> {
  await requireRoundData(ctx, actor, round, 'spans');
  return roundSpansInput(await loadRoundData(ctx, round), choice, bootstrap);
}

export async function roundAgreement(
  ctx: AppContext,
  actor: RoundActor,
  round: Round,
  choice: UnitChoice,
): Promise<AgreementResponse> {
  await requireRoundData(ctx, actor, round, 'agreement');
  const data = await loadRoundData(ctx, round);
  const codes = await roundCodes(ctx, round);
  const result = computeRoundAgreement(data, choice, thresholdsOf(actor.project), codes.all, {
    intervals: data.source === 'snapshot',
  });
  const { userName, titleOf } = await namesOf(ctx, round.projectId);
  return {
    source: data.source,
    unit: choice,
    segmentation: result.segmentation,
    thresholds: result.thresholds,
    coders: result.input.coders.map((userId) => ({ userId, name: userName(userId) })),
    transcripts: data.transcripts.map((t) => ({ transcriptId: t.id, title: titleOf(t.id), length: t.text.length })),
    codes: result.codes,
    agreement: result.agreement,
  };
}

export async function roundDisagreements(
  ctx: AppContext,
  actor: RoundActor,
  round: Round,
  filter: ReviewFilter,
): Promise<DisagreementsResponse> {
  await requireRoundData(ctx, actor, round, 'disagreements');
  const data = await loadRoundData(ctx, round);
  return { source: data.source, disagreements: await reviewList(ctx, round, data, filter) };
}

/** The round's consensus codings and decisions; hidden while a blind round runs (an owner's look is audited). */
export async function roundConsensus(ctx: AppContext, actor: RoundActor, round: Round): Promise<ConsensusResponse> {
  const reads = new DocReads(ctx, actor.userId, 'consensus');
  for (const { transcriptId } of round.assignments) {
    const ref = { kind: 'consensus', project: round.projectId, transcript: transcriptId } as const;
    if ((await reads.access(ref)) === 'none') throw notFound('no such round');
  }
  await reads.recordLooks();
  const transcripts: ConsensusResponse['transcripts'] = [];
  for (const { transcriptId } of round.assignments) {
    const name = consensusDocName(round.projectId, transcriptId);
    const consensus = await copyOfLiveDoc(ctx, name);
    const text = await copyOfLiveDoc(ctx, textDocName(round.projectId, transcriptId));
    transcripts.push({
      transcriptId,
      docName: name,
      codings: readConsensus(consensus, text).filter((c) => c.provenance.round === round.id),
      decisions: readDecisions(consensus).filter((d) => d.round === round.id),
    });
  }
  return { transcripts };
}

/** An adjudicator's decision on a disagreement, written into the consensus layer. */
export async function resolveDisagreement(ctx: AppContext, actor: RoundActor, round: Round, input: DecisionInput) {
  await requireRoundData(ctx, actor, round, 'consensus');
  const ref = { kind: 'consensus', project: round.projectId, transcript: input.transcriptId } as const;
  if ((await docAccess(ctx, actor.userId, ref)) === 'none') throw notFound('no such transcript in this round');
  requireAdjudicator(round, actor.userId, actor.role);
  const codes = await roundCodes(ctx, round);
  return decide(ctx, round, actor.userId, input, new Set(codes.all.keys()));
}

/** A definition refined while reviewing: changed in the live codebook and linked to this round. */
export async function refineCode(
  ctx: AppContext,
  actor: RoundActor,
  round: Round,
  codeId: string,
  change: CodebookChange,
  memo: string,
): Promise<Round> {
  await requireRoundData(ctx, actor, round, 'codebook change');
  requireAdjudicator(round, actor.userId, actor.role);
  if (round.status !== 'revealed')
    throw conflict('not_revealed', 'codebook changes are linked to a round during its review');
  if ((await docAccess(ctx, actor.userId, { kind: 'codebook', project: round.projectId })) !== 'write') {
    throw notFound('no such code');
  }
  return changeCodeDuringReview(ctx, actor, round, codeId, change, memo);
}

export type ReportFormat = 'json' | 'csv' | 'html' | 'md';

/** The reliability report of a revealed round, audited; as data (json) or a file in `format`. */
export async function reliabilityReport(
  ctx: AppContext,
  actor: RoundActor,
  round: Round,
  choice: UnitChoice,
  format: ReportFormat,
  formulaSafe: boolean,
): Promise<
  | { format: 'json'; report: ReliabilityReport }
  | { format: 'csv' | 'md' | 'html'; type: string; body: string; filename?: string }
> {
  await requireRoundData(ctx, actor, round, 'report');
  if (round.status !== 'revealed')
    throw conflict('not_revealed', 'the reliability report is computed from the reveal snapshots');
  const report = await roundReport(ctx, actor.project, round, choice);
  await ctx.metadata.audit.record({
    actor: actor.userId,
    action: 'round.report',
    project: round.projectId,
    details: { round: round.id, format, unit: choice.unit },
  });
  const filename = `reliability-${round.id}-${choice.unit}`;
  switch (format) {
    case 'csv':
      return { format, type: 'text/csv', filename: `${filename}.csv`, body: reportCsv(report, { formulaSafe }) };
    case 'html':
      return { format, type: 'text/html', body: reportHtml(report, { lang: actor.project.settings.language }) };
    case 'md':
      return { format, type: 'text/markdown', filename: `${filename}.md`, body: reportMarkdown(report) };
    default:
      return { format: 'json', report };
  }
}
