import {
  type AnalysisOptions,
  type CodeMatrixResponse,
  type CooccurrenceResponse,
  type CooccurrenceSegmentsResponse,
  type FinaliseResponse,
  type FinalReportView,
  type FrequencyResponse,
  type GroupComparisonResponse,
  ID_PATTERN,
  parseScope,
  type QuoteResponse,
  ScopeError,
  type SearchResponse,
  type SegmentsResponse,
  type ThemeGateView,
} from '@accord/shared';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { exportSegments, finalReport } from '../../analysis/exports.js';
import { finalReportHtml, PRINTABLE_CSP } from '../../analysis/html.js';
import {
  type AnalysisFilters,
  analysisOptions,
  codeMatrix,
  cooccurrenceMatrix,
  cooccurrenceSegments,
  frequency,
  groupComparison,
  search,
  segments,
} from '../../analysis/queries.js';
import { chooseQuote } from '../../analysis/quotes.js';
import { finaliseWithGate, themeGate } from '../../analysis/reliability.js';
import type { AppContext } from '../../context.js';
import { authoriseProject } from '../projectAuth.js';
import { parse } from '../validate.js';

const id = z.string().regex(ID_PATTERN);
/** A query parameter that may be given once or repeated (`?code=a&code=b`). */
const many = <T extends z.ZodType<string>>(item: T) =>
  z
    .union([item, z.array(item).max(1000)])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));

/**
 * The filters every analysis view takes. `scope` says what is counted (shared/src/analysis/scope.ts; default:
 * all coding the caller may see); `coder=<id>` is kept as a short form of `scope=coder:<id>`. `attr` is
 * `key=value`, repeatable: values of one key are alternatives, different keys must all match.
 */
const filterQuery = z
  .object({
    scope: z.string().max(200).optional(),
    coder: id.optional(),
    code: many(id),
    subcodes: flag(true),
    round: many(id),
    transcript: many(id),
    attr: many(z.string().max(1100).regex(/=/, 'attr must be key=value')),
    contains: z.string().max(1000).optional(),
  })
  .transform(({ scope, coder, ...rest }, check): AnalysisFilters => {
    try {
      return {
        ...rest,
        scope: coder !== undefined && scope === undefined ? { kind: 'coder', coder } : parseScope(scope),
      };
    } catch (error) {
      if (!(error instanceof ScopeError)) throw error;
      check.addIssue({ code: 'custom', message: error.message, path: ['scope'] });
      return z.NEVER;
    }
  });

const segmentsQuery = z.object({
  format: z.enum(['json', 'csv', 'html']).default('json'),
  /** CSV: `false` writes cells exactly, without neutralising formula-like text (for R and pandas). */
  formulaSafe: z.enum(['true', 'false']).default('true'),
});
const searchQuery = z.object({
  q: z.string().trim().min(1).max(1000),
  caseSensitive: flag(false),
  wholeWord: flag(false),
  /** Ignore diacritics (accents, Arabic harakat, Hebrew niqqud): `محمد` finds `مُحَمَّد`. */
  ignoreDiacritics: flag(false),
  context: z.coerce.number().int().min(0).max(1000).default(80),
});
const frequencyQuery = z.object({
  by: z.enum(['transcript', 'attribute', 'speaker']).default('transcript'),
  attribute: z.string().max(100).optional(),
  rollUp: flag(false),
});
const pairQuery = z.object({ a: id, b: id });
/** The overviews: subcodes count for their parents unless `rollUp=false`. */
const matrixQuery = z.object({ rollUp: flag(true) });
const groupsQuery = z.object({
  by: z.enum(['attribute', 'speaker']).default('attribute'),
  attribute: z.string().min(1).max(100).optional(),
  rollUp: flag(true),
});
const reportQuery = z.object({ format: z.enum(['json', 'html']).default('html') });
const finaliseBody = z.strictObject({ acknowledgeWarnings: z.boolean().default(false) });
const quoteBody = z.strictObject({
  transcript: id,
  layer: id,
  coding: id.nullable().optional(),
  code: id.nullable().optional(),
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
});

/** Routes parse, authorise, call a domain function (server/src/analysis/*) and serialise. */
export function analysisRoutes(ctx: AppContext): Router {
  const router = Router();

  /** Any member may analyse what they can read; which layers that is, the dataset asks per layer. */
  const caller = async (req: Request) => {
    const { user, project, role } = await authoriseProject(ctx, req, 'view');
    return { userId: user.id, project, role };
  };
  const filtersOf = (req: Request) => parse(filterQuery, req.query, 'query');

  router.get('/projects/:project/analysis/options', async (req, res) => {
    res.json((await analysisOptions(ctx, await caller(req))) satisfies AnalysisOptions);
  });

  router.get('/projects/:project/analysis/segments', async (req, res) => {
    const who = await caller(req);
    const filters = filtersOf(req);
    const query = parse(segmentsQuery, req.query, 'query');
    if (query.format === 'json') {
      const { dataset, segments: found } = await segments(ctx, who, filters);
      res.json({ layers: dataset.layers, counted: dataset.counted, segments: found } satisfies SegmentsResponse);
      return;
    }
    const file = await exportSegments(ctx, who, filters, query.format, query.formulaSafe === 'true');
    if (file.filename !== undefined) res.attachment(file.filename);
    else res.setHeader('Content-Security-Policy', PRINTABLE_CSP);
    res.type(file.type).send(file.body);
  });

  router.get('/projects/:project/analysis/search', async (req, res) => {
    const who = await caller(req);
    const filters = filtersOf(req);
    const query = parse(searchQuery, req.query, 'query');
    const { q, ...options } = query;
    res.json((await search(ctx, who, filters, q, options)) satisfies SearchResponse);
  });

  router.get('/projects/:project/analysis/frequency', async (req, res) => {
    const who = await caller(req);
    const filters = filtersOf(req);
    const query = parse(frequencyQuery, req.query, 'query');
    res.json((await frequency(ctx, who, filters, query.by, query.attribute, query.rollUp)) satisfies FrequencyResponse);
  });

  router.get('/projects/:project/analysis/cooccurrence', async (req, res) => {
    const who = await caller(req);
    res.json((await cooccurrenceMatrix(ctx, who, filtersOf(req))) satisfies CooccurrenceResponse);
  });

  router.get('/projects/:project/analysis/matrix', async (req, res) => {
    const who = await caller(req);
    const filters = filtersOf(req);
    const { rollUp } = parse(matrixQuery, req.query, 'query');
    res.json((await codeMatrix(ctx, who, filters, rollUp)) satisfies CodeMatrixResponse);
  });

  router.get('/projects/:project/analysis/groups', async (req, res) => {
    const who = await caller(req);
    const filters = filtersOf(req);
    const query = parse(groupsQuery, req.query, 'query');
    res.json(
      (await groupComparison(
        ctx,
        who,
        filters,
        query.by,
        query.attribute,
        query.rollUp,
      )) satisfies GroupComparisonResponse,
    );
  });

  router.get('/projects/:project/analysis/cooccurrence/segments', async (req, res) => {
    const who = await caller(req);
    const filters = filtersOf(req);
    const { a, b } = parse(pairQuery, req.query, 'query');
    res.json((await cooccurrenceSegments(ctx, who, filters, a, b)) satisfies CooccurrenceSegmentsResponse);
  });

  router.get('/projects/:project/analysis/themes/:theme/gate', async (req, res) => {
    const { userId, project, role } = await caller(req);
    res.json((await themeGate(ctx, userId, project, role, String(req.params.theme))) satisfies ThemeGateView);
  });

  router.post('/projects/:project/analysis/themes/:theme/finalise', async (req, res) => {
    const { userId, project, role } = await caller(req);
    const body = parse(finaliseBody, req.body);
    const result = await finaliseWithGate(
      ctx,
      userId,
      project,
      role,
      String(req.params.theme),
      body.acknowledgeWarnings,
    );
    res.json(result satisfies FinaliseResponse);
  });

  /** Chooses a passage as a representative quote of a theme: anchored server-side against the transcript text. */
  router.post('/projects/:project/analysis/themes/:theme/quotes', async (req, res) => {
    const { userId, project } = await caller(req);
    const body = parse(quoteBody, req.body);
    const quote = await chooseQuote(ctx, userId, project, String(req.params.theme), body);
    res.status(201).json({ quote } satisfies QuoteResponse);
  });

  /** The final report (themes, codes, quotes, counts, reliability): printable HTML or its data as JSON. */
  router.get('/projects/:project/analysis/report', async (req, res) => {
    const { userId, project, role } = await caller(req);
    const filters = filtersOf(req);
    const { format } = parse(reportQuery, req.query, 'query');
    const report = await finalReport(ctx, { userId, project, role }, filters, format);
    if (format === 'json') {
      res.json(report satisfies FinalReportView);
    } else {
      res.setHeader('Content-Security-Policy', PRINTABLE_CSP);
      res.type('text/html').send(finalReportHtml(report, { lang: project.settings.language }));
    }
  });

  return router;
}
