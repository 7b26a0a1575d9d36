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
  ID_PATTERN,
  RESOLUTION_CHOICES,
  type ResolutionChoice,
  type RevealResponse,
  type RoundResponse,
  type RoundsResponse,
  type SpansInput,
  UNIT_KINDS,
  type UnitKind,
} from '@accord/shared';
import { isSegmentationVersion, type SegmentationVersion } from '@accord/shared/text/index';
import { type Request, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { PRINTABLE_CSP } from '../../render/html.js';
import { findRound, projectActor } from '../../rounds/access.js';
import type { UnitChoice } from '../../rounds/report.js';
import { createRound, markDone, revealRound } from '../../rounds/rounds.js';
import {
  agreementHistory,
  listRounds,
  refineCode,
  reliabilityReport,
  resolveDisagreement,
  revealWarning,
  roundAgreement,
  roundConsensus,
  roundDisagreements,
  roundSpans,
  roundView,
  visibleRound,
} from '../../rounds/views.js';
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

/** Routes parse, authorise, call a domain function (server/src/rounds/*) and serialise. */
export function roundRoutes(ctx: AppContext): Router {
  const router = Router();

  const actorFor = (req: Request, action: 'view' | 'manage') =>
    projectActor(ctx, requireAuth(req).user.id, String(req.params.project), action);
  /** The member and the round, if they may see it. */
  const visible = async (req: Request) => {
    const actor = await actorFor(req, 'view');
    return { actor, round: await visibleRound(ctx, actor, String(req.params.round)) };
  };
  const unitOf = (req: Request): UnitChoice => {
    const query = parse(unitQuery, req.query, 'query');
    return { unit: query.unit, minCoverage: query.minCoverage };
  };

  router.get('/projects/:project/rounds', async (req, res) => {
    const actor = await actorFor(req, 'view');
    res.json({ rounds: await listRounds(ctx, actor) } satisfies RoundsResponse);
  });

  router.post('/projects/:project/rounds', async (req, res) => {
    const actor = await actorFor(req, 'manage');
    const { round, warnings } = await createRound(ctx, actor, parse(newRound, req.body));
    res.status(201).json({ round: await roundView(ctx, actor, round), warnings } satisfies CreateRoundResponse);
  });

  /** Per round, the mean headline coefficients over codes: does agreement improve as the codebook is refined? */
  router.get('/projects/:project/agreement-history', async (req, res) => {
    const actor = await actorFor(req, 'view');
    res.json((await agreementHistory(ctx, actor, unitOf(req))) satisfies AgreementHistoryResponse);
  });

  router.get('/projects/:project/rounds/:round', async (req, res) => {
    const { actor, round } = await visible(req);
    res.json({ round: await roundView(ctx, actor, round) } satisfies RoundResponse);
  });

  router.put('/projects/:project/rounds/:round/transcripts/:transcript/done', async (req, res) => {
    const { actor, round } = await visible(req);
    const updated = await markDone(ctx, actor, round.id, String(req.params.transcript), parse(doneBody, req.body).done);
    res.json({ round: await roundView(ctx, actor, updated) } satisfies RoundResponse);
  });

  router.post('/projects/:project/rounds/:round/reveal', async (req, res) => {
    const actor = await actorFor(req, 'manage');
    const round = await findRound(ctx, actor.project, String(req.params.round));
    const { force } = parse(revealBody, req.body);
    const result = await revealRound(ctx, actor, round.id, force);
    res.json({
      round: await roundView(ctx, actor, result.round),
      warning: await revealWarning(ctx, result.round, result.notDone),
    } satisfies RevealResponse);
  });

  /**
   * The `spans` input of the round (docs/agreement.md, "The input"): pipe it to `accord agreement` to check any
   * figure.
   */
  router.get('/projects/:project/rounds/:round/spans', async (req, res) => {
    const { actor, round } = await visible(req);
    const query = parse(spansQuery, req.query, 'query');
    const bootstrap = query.bootstrap === undefined ? undefined : { samples: query.bootstrap, seed: query.seed ?? 1 };
    const choice = { unit: query.unit, minCoverage: query.minCoverage };
    res.json((await roundSpans(ctx, actor, round, choice, bootstrap)) satisfies SpansInput);
  });

  router.get('/projects/:project/rounds/:round/agreement', async (req, res) => {
    const { actor, round } = await visible(req);
    res.json((await roundAgreement(ctx, actor, round, unitOf(req))) satisfies AgreementResponse);
  });

  router.get('/projects/:project/rounds/:round/disagreements', async (req, res) => {
    const { actor, round } = await visible(req);
    const query = parse(reviewQuery, req.query, 'query');
    const filter = {
      ...(query.code !== undefined ? { code: query.code } : {}),
      ...(query.coderA !== undefined && query.coderB !== undefined
        ? { coders: [query.coderA, query.coderB] as [string, string] }
        : {}),
      ...(query.transcript !== undefined ? { transcript: query.transcript } : {}),
      ...(query.kind !== undefined ? { kind: query.kind } : {}),
    };
    res.json((await roundDisagreements(ctx, actor, round, filter)) satisfies DisagreementsResponse);
  });

  router.get('/projects/:project/rounds/:round/consensus', async (req, res) => {
    const { actor, round } = await visible(req);
    res.json((await roundConsensus(ctx, actor, round)) satisfies ConsensusResponse);
  });

  router.post('/projects/:project/rounds/:round/consensus', async (req, res) => {
    const { actor, round } = await visible(req);
    const body = parse(decisionBody, req.body);
    const decision = await resolveDisagreement(ctx, actor, round, {
      transcriptId: body.transcriptId,
      disagreement: body.disagreement,
      choice: body.choice,
      memo: body.memo,
      ...(body.code !== undefined ? { code: body.code } : {}),
    });
    res.status(201).json({ decision } satisfies DecisionResponse);
  });

  /** A definition refined while reviewing: changed in the live codebook and linked to this round. */
  router.patch('/projects/:project/rounds/:round/codes/:code', async (req, res) => {
    const { actor, round } = await visible(req);
    const { memo, ...change } = parse(codeChange, req.body);
    const updated = await refineCode(ctx, actor, round, String(req.params.code), change, memo);
    res.json({ codebookChanges: updated.codebookChanges } satisfies CodebookChangesResponse);
  });

  router.get('/projects/:project/rounds/:round/report', async (req, res) => {
    const { actor, round } = await visible(req);
    const query = parse(reportQuery, req.query, 'query');
    const choice = { unit: query.unit, minCoverage: query.minCoverage };
    const out = await reliabilityReport(ctx, actor, round, choice, query.format, query.formulaSafe === 'true');
    if (out.format === 'json') {
      res.json(out.report);
      return;
    }
    if (out.filename !== undefined) res.attachment(out.filename);
    if (out.format === 'html') res.setHeader('Content-Security-Policy', PRINTABLE_CSP);
    res.type(out.type).send(out.body);
  });

  return router;
}
