import {
  type AgreementHistoryResponse,
  type AgreementResponse,
  type CodebookChangesResponse,
  type ConsensusResponse,
  type CreateRoundResponse,
  type DecisionResponse,
  DISAGREEMENT_KINDS,
  type DisagreementKind,
  type DisagreementsResponse,
  docName,
  type HistoryEntry,
  ID_PATTERN,
  meanOf,
  RESOLUTION_CHOICES,
  type ResolutionChoice,
  type RevealResponse,
  type RoundResponse,
  type RoundsResponse,
  type RoundView,
  readConsensus,
  readDecisions,
  type SpansInput,
  UNIT_KINDS,
  type UnitKind,
} from '@accord/shared';
import { isSegmentationVersion, type SegmentationVersion } from '@accord/shared/text/index';
import { type Request, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { conflict, notFound } from '../../errors.js';
import type { Round } from '../../metadata/schema.js';
import { DocReads } from '../../projects/docReads.js';
import { PRINTABLE_CSP } from '../../render/html.js';
import {
  docAccess,
  findRound,
  projectActor,
  type RoundActor,
  requireRoundData,
  visibleLayers,
} from '../../rounds/access.js';
import { copyOfLiveDoc, loadRoundData, roundSegmentation, textDocName } from '../../rounds/data.js';
import {
  computeRoundAgreement,
  reportCsv,
  reportHtml,
  reportMarkdown,
  roundCodes,
  roundReport,
  roundSpansInput,
  thresholdsOf,
  type UnitChoice,
} from '../../rounds/report.js';
import { consensusDocName, decide, requireAdjudicator, reviewList } from '../../rounds/review.js';
import {
  changeCodeDuringReview,
  createRound,
  layerCodingCounts,
  markDone,
  ownCodingCounts,
  revealRound,
} from '../../rounds/rounds.js';
import { requireAuth } from '../session.js';
import { parse } from '../validate.js';

const id = z.string().regex(ID_PATTERN);
const newRound = z.strictObject({
  name: z.string().trim().min(1).max(200),
  mode: z.enum(['blind', 'open']),
  ownerMayLook: z.boolean().default(false),
  transcripts: z.union([
    z.strictObject({ ids: z.array(id).min(1).max(10_000) }),
    z.strictObject({
      percent: z.number().gt(0).max(100),
      seed: z
        .number()
        .int()
        .nonnegative()
        .max(2 ** 32 - 1)
        .optional(),
    }),
  ]),
  coders: z.array(id).min(2).max(100).optional(),
  assignments: z
    .array(z.strictObject({ transcriptId: id, coders: z.array(id).min(2).max(100) }))
    .max(10_000)
    .optional(),
  adjudicators: z.array(id).min(1).max(100).optional(),
  /** Segmentation version of the round's units (default the latest; docs/agreement.md, "Units"). */
  segmentation: z.custom<SegmentationVersion>(isSegmentationVersion, 'unknown segmentation version').optional(),
});
const doneBody = z.strictObject({ done: z.boolean() });
const revealBody = z.strictObject({ force: z.boolean().default(false) });
const unitQuery = z.object({
  unit: z.enum(UNIT_KINDS as [UnitKind, ...UnitKind[]]).default('character'),
  minCoverage: z.coerce.number().min(0).max(1).default(0),
});
const spansQuery = unitQuery.extend({
  bootstrap: z.coerce.number().int().min(2).max(100_000).optional(),
  seed: z.coerce.number().int().nonnegative().optional(),
});
const reviewQuery = z.object({
  code: z.string().max(200).optional(),
  coderA: id.optional(),
  coderB: id.optional(),
  transcript: id.optional(),
  kind: z.enum(DISAGREEMENT_KINDS as [DisagreementKind, ...DisagreementKind[]]).optional(),
});
const decisionBody = z.strictObject({
  transcriptId: id,
  disagreement: z.string().regex(/^[0-9a-f]{16}$/),
  choice: z.enum(RESOLUTION_CHOICES as [ResolutionChoice, ...ResolutionChoice[]]),
  code: z.string().min(1).max(200).optional(),
  memo: z.string().max(10_000).default(''),
});
const codeChange = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  definition: z.string().max(20_000).optional(),
  inclusion: z.string().max(20_000).optional(),
  exclusion: z.string().max(20_000).optional(),
  examples: z.string().max(20_000).optional(),
  memo: z.string().max(10_000).default(''),
});
const reportQuery = unitQuery.extend({
  format: z.enum(['json', 'csv', 'html', 'md']).default('json'),
  /** CSV: `false` writes cells exactly, without neutralising formula-like text (for R and pandas). */
  formulaSafe: z.enum(['true', 'false']).default('true'),
});

export function roundRoutes(ctx: AppContext): Router {
  const router = Router();

  const actorFor = (req: Request, action: 'view' | 'manage') =>
    projectActor(ctx, requireAuth(req).user.id, String(req.params.project), action);
  const roundFor = (req: Request, action: 'view' | 'manage' = 'view') => {
    const actor = actorFor(req, action);
    return { actor, round: findRound(ctx, actor.project, String(req.params.round)) };
  };
  const userName = (userId: string) => ctx.store.data.users.find((u) => u.id === userId)?.name ?? '';
  const titleOf = (transcriptId: string) => ctx.store.data.transcripts.find((t) => t.id === transcriptId)?.title ?? '';

  /** What a member sees of a round: an owner all progress (in a blind round done flags only); a coder their own work. */
  const roundView = async (actor: RoundActor, round: Round, withCounts = true): Promise<RoundView> => {
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
      layers: visibleLayers(ctx, actor.userId, round),
      codebookChanges: round.status === 'revealed' ? round.codebookChanges : [],
    };
  };

  /** A round a member can see at all: owners all, others those they code in or that are open or revealed. */
  const listed = (actor: RoundActor, round: Round) =>
    actor.role === 'owner' ||
    round.mode === 'open' ||
    round.status === 'revealed' ||
    round.assignments.some((a) => a.coders.includes(actor.userId));

  const visibleRound = (req: Request, action: 'view' | 'manage' = 'view') => {
    const found = roundFor(req, action);
    if (!listed(found.actor, found.round)) throw notFound('no such round');
    return found;
  };

  const unitOf = (req: Request): UnitChoice => {
    const query = parse(unitQuery, req.query, 'query');
    return { unit: query.unit, minCoverage: query.minCoverage };
  };

  router.get('/projects/:project/rounds', async (req, res) => {
    const actor = actorFor(req, 'view');
    const rounds = ctx.store.data.rounds.filter((r) => r.projectId === actor.project.id && listed(actor, r));
    res.json({
      rounds: await Promise.all(rounds.map((round) => roundView(actor, round, false))),
    } satisfies RoundsResponse);
  });

  router.post('/projects/:project/rounds', async (req, res) => {
    const actor = actorFor(req, 'manage');
    const { round, warnings } = await createRound(ctx, actor, parse(newRound, req.body));
    res.status(201).json({ round: await roundView(actor, round), warnings } satisfies CreateRoundResponse);
  });

  /** Per round, the mean headline coefficients over codes: does agreement improve as the codebook is refined? */
  router.get('/projects/:project/agreement-history', async (req, res) => {
    const actor = actorFor(req, 'view');
    const choice = unitOf(req);
    const history: HistoryEntry[] = [];
    for (const round of ctx.store.data.rounds) {
      if (round.projectId !== actor.project.id || round.status !== 'revealed') continue;
      try {
        requireRoundData(ctx, actor, round, 'history');
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
    res.json({ unit: choice, history } satisfies AgreementHistoryResponse);
  });

  router.get('/projects/:project/rounds/:round', async (req, res) => {
    const { actor, round } = visibleRound(req);
    res.json({ round: await roundView(actor, round) } satisfies RoundResponse);
  });

  router.put('/projects/:project/rounds/:round/transcripts/:transcript/done', async (req, res) => {
    const { actor, round } = visibleRound(req);
    const updated = await markDone(ctx, actor, round.id, String(req.params.transcript), parse(doneBody, req.body).done);
    res.json({ round: await roundView(actor, updated) } satisfies RoundResponse);
  });

  router.post('/projects/:project/rounds/:round/reveal', async (req, res) => {
    const { actor, round } = roundFor(req, 'manage');
    const { force } = parse(revealBody, req.body);
    const result = await revealRound(ctx, actor, round.id, force);
    res.json({
      round: await roundView(actor, result.round),
      warning:
        result.notDone.length > 0
          ? `revealed before ${result.notDone.length} coder layer(s) were marked done: ${result.notDone.map((n) => `${userName(n.coder)} on ${titleOf(n.transcriptId)}`).join('; ')}`
          : null,
    } satisfies RevealResponse);
  });

  /** The AGREEMENT.md `spans` input of the round: pipe it to `accord agreement` to check any figure. */
  router.get('/projects/:project/rounds/:round/spans', async (req, res) => {
    const { actor, round } = visibleRound(req);
    const query = parse(spansQuery, req.query, 'query');
    requireRoundData(ctx, actor, round, 'spans');
    const data = await loadRoundData(ctx, round);
    const bootstrap = query.bootstrap === undefined ? undefined : { samples: query.bootstrap, seed: query.seed ?? 1 };
    res.json(
      roundSpansInput(data, { unit: query.unit, minCoverage: query.minCoverage }, bootstrap) satisfies SpansInput,
    );
  });

  router.get('/projects/:project/rounds/:round/agreement', async (req, res) => {
    const { actor, round } = visibleRound(req);
    const choice = unitOf(req);
    requireRoundData(ctx, actor, round, 'agreement');
    const data = await loadRoundData(ctx, round);
    const codes = await roundCodes(ctx, round);
    const result = computeRoundAgreement(data, choice, thresholdsOf(actor.project), codes.all, {
      intervals: data.source === 'snapshot',
    });
    res.json({
      source: data.source,
      unit: choice,
      segmentation: result.segmentation,
      thresholds: result.thresholds,
      coders: result.input.coders.map((userId) => ({ userId, name: userName(userId) })),
      transcripts: data.transcripts.map((t) => ({ transcriptId: t.id, title: titleOf(t.id), length: t.text.length })),
      codes: result.codes,
      agreement: result.agreement,
    } satisfies AgreementResponse);
  });

  router.get('/projects/:project/rounds/:round/disagreements', async (req, res) => {
    const { actor, round } = visibleRound(req);
    const query = parse(reviewQuery, req.query, 'query');
    requireRoundData(ctx, actor, round, 'disagreements');
    const data = await loadRoundData(ctx, round);
    const items = await reviewList(ctx, round, data, {
      ...(query.code !== undefined ? { code: query.code } : {}),
      ...(query.coderA !== undefined && query.coderB !== undefined
        ? { coders: [query.coderA, query.coderB] as [string, string] }
        : {}),
      ...(query.transcript !== undefined ? { transcript: query.transcript } : {}),
      ...(query.kind !== undefined ? { kind: query.kind } : {}),
    });
    res.json({ source: data.source, disagreements: items } satisfies DisagreementsResponse);
  });

  router.get('/projects/:project/rounds/:round/consensus', async (req, res) => {
    const { actor, round } = visibleRound(req);
    // A consensus layer is hidden while a blind round runs: an owner's permitted look at it is audited.
    const reads = new DocReads(ctx, actor.userId, 'consensus');
    for (const { transcriptId } of round.assignments) {
      const ref = { kind: 'consensus', project: round.projectId, transcript: transcriptId } as const;
      if (reads.access(ref) === 'none') throw notFound('no such round');
    }
    reads.recordLooks();
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
    res.json({ transcripts } satisfies ConsensusResponse);
  });

  router.post('/projects/:project/rounds/:round/consensus', async (req, res) => {
    const { actor, round } = visibleRound(req);
    const body = parse(decisionBody, req.body);
    requireRoundData(ctx, actor, round, 'consensus');
    const ref = { kind: 'consensus', project: round.projectId, transcript: body.transcriptId } as const;
    if (docAccess(ctx, actor.userId, ref) === 'none') throw notFound('no such transcript in this round');
    requireAdjudicator(round, actor.userId, actor.role);
    const codes = await roundCodes(ctx, round);
    const decision = await decide(
      ctx,
      round,
      actor.userId,
      {
        transcriptId: body.transcriptId,
        disagreement: body.disagreement,
        choice: body.choice,
        memo: body.memo,
        ...(body.code !== undefined ? { code: body.code } : {}),
      },
      new Set(codes.all.keys()),
    );
    res.status(201).json({ decision } satisfies DecisionResponse);
  });

  /** A definition refined while reviewing: changed in the live codebook and linked to this round. */
  router.patch('/projects/:project/rounds/:round/codes/:code', async (req, res) => {
    const { actor, round } = visibleRound(req);
    requireRoundData(ctx, actor, round, 'codebook change');
    requireAdjudicator(round, actor.userId, actor.role);
    if (round.status !== 'revealed')
      throw conflict('not_revealed', 'codebook changes are linked to a round during its review');
    if (docAccess(ctx, actor.userId, { kind: 'codebook', project: round.projectId }) !== 'write') {
      throw notFound('no such code');
    }
    const { memo, ...change } = parse(codeChange, req.body);
    const updated = await changeCodeDuringReview(ctx, actor, round, String(req.params.code), change, memo);
    res.json({ codebookChanges: updated.codebookChanges } satisfies CodebookChangesResponse);
  });

  router.get('/projects/:project/rounds/:round/report', async (req, res) => {
    const { actor, round } = visibleRound(req);
    const query = parse(reportQuery, req.query, 'query');
    requireRoundData(ctx, actor, round, 'report');
    if (round.status !== 'revealed')
      throw conflict('not_revealed', 'the reliability report is computed from the reveal snapshots');
    const report = await roundReport(ctx, actor.project, round, { unit: query.unit, minCoverage: query.minCoverage });
    ctx.audit.record({
      actor: actor.userId,
      action: 'round.report',
      project: round.projectId,
      details: { round: round.id, format: query.format, unit: query.unit },
    });
    const filename = `reliability-${round.id}-${query.unit}`;
    if (query.format === 'csv') {
      res
        .type('text/csv')
        .attachment(`${filename}.csv`)
        .send(reportCsv(report, { formulaSafe: query.formulaSafe === 'true' }));
    } else if (query.format === 'html') {
      res.setHeader('Content-Security-Policy', PRINTABLE_CSP);
      res.type('text/html').send(reportHtml(report));
    } else if (query.format === 'md') {
      res.type('text/markdown').attachment(`${filename}.md`).send(reportMarkdown(report));
    } else {
      res.json(report);
    }
  });

  return router;
}
