import {
  type AnalysisCoding,
  addQuote,
  anchorQuote,
  CONSENSUS_LAYER,
  codePath,
  cooccurrence,
  cooccurringPairs,
  docName,
  frequencyByAttribute,
  frequencyBySpeaker,
  frequencyByTranscript,
  ID_PATTERN,
  type RetrievalQuery,
  readThemes,
  retrieveSegments,
  rollUpTargets,
  searchText,
  segmentsCsv,
  selectCodings,
  selfAndDescendants,
  transcriptMatches,
  turnsOverlapping,
} from '@accord/shared';
import { type Request, Router } from 'express';
import { z } from 'zod';
import {
  type AnalysisDataset,
  candidateCoders,
  type LayerChoice,
  layerName,
  loadDataset,
  readableForAnalysis,
} from '../../analysis/dataset.js';
import { buildFinalReport } from '../../analysis/finalReport.js';
import { finalReportHtml, PRINTABLE_CSP, segmentsHtml } from '../../analysis/html.js';
import { finaliseWithGate, themeGate } from '../../analysis/reliability.js';
import type { AppContext } from '../../context.js';
import { AccordError, notFound } from '../../errors.js';
import type { Project } from '../../metadata/schema.js';
import { decideDocAccess } from '../../projects/docAccess.js';
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
 * The filters every analysis view takes. `layer` is `consensus` (default) or `coders`; naming a `coder` implies
 * `coders`. `attr` is `key=value`, repeatable: values of one key are alternatives, different keys must all match.
 */
const filterQuery = z.object({
  layer: z.enum(['consensus', 'coders']).optional(),
  coder: many(id),
  code: many(id),
  subcodes: flag(true),
  round: many(id),
  transcript: many(id),
  attr: many(z.string().max(1100).regex(/=/, 'attr must be key=value')),
  contains: z.string().max(1000).optional(),
});
type Filters = z.infer<typeof filterQuery>;

const segmentsQuery = filterQuery.extend({
  format: z.enum(['json', 'csv', 'html']).default('json'),
  /** CSV: `false` writes cells exactly, without neutralising formula-like text (for R and pandas). */
  formulaSafe: z.enum(['true', 'false']).default('true'),
});
const searchQuery = filterQuery.extend({
  q: z.string().trim().min(1).max(1000),
  caseSensitive: flag(false),
  wholeWord: flag(false),
  context: z.coerce.number().int().min(0).max(1000).default(80),
});
const frequencyQuery = filterQuery.extend({
  by: z.enum(['transcript', 'attribute', 'speaker']).default('transcript'),
  attribute: z.string().max(100).optional(),
  rollUp: flag(false),
});
const pairQuery = filterQuery.extend({ a: id, b: id });
const reportQuery = filterQuery.extend({ format: z.enum(['json', 'html']).default('html') });
const finaliseBody = z.strictObject({ acknowledgeWarnings: z.boolean().default(false) });
const quoteBody = z.strictObject({
  transcript: id,
  layer: id,
  coding: id.nullable().optional(),
  code: id.nullable().optional(),
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
});

function layerChoice(filters: Filters): LayerChoice {
  if (filters.layer === 'coders' || filters.coder.length > 0) {
    return { kind: 'coders', coders: filters.coder.length > 0 ? filters.coder : null };
  }
  return { kind: 'consensus' };
}

function attributeFilter(filters: Filters): Record<string, string[]> {
  // A Map, then fromEntries: a key such as `__proto__` from the query string stays an ordinary key.
  const byKey = new Map<string, string[]>();
  for (const pair of filters.attr) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at);
    byKey.set(key, [...(byKey.get(key) ?? []), pair.slice(at + 1)]);
  }
  return Object.fromEntries(byKey);
}

export function analysisRoutes(ctx: AppContext): Router {
  const router = Router();

  /** Any member may analyse what they can read; which layers that is, each endpoint asks per layer. */
  const authorise = (req: Request) => authoriseProject(ctx, req, 'view');

  /** Transcripts of the chosen rounds and listed transcripts (intersected), or undefined for all. */
  const transcriptScope = (project: Project, filters: Filters): Set<string> | undefined => {
    let scope: Set<string> | undefined;
    if (filters.round.length > 0) {
      scope = new Set(
        ctx.store.data.rounds
          .filter((round) => round.projectId === project.id && filters.round.includes(round.id))
          .flatMap((round) => round.assignments.map((a) => a.transcriptId)),
      );
    }
    if (filters.transcript.length > 0) {
      const listed = new Set(filters.transcript);
      scope = new Set([...(scope ?? listed)].filter((t) => listed.has(t)));
    }
    return scope;
  };

  const load = (req: Request, filters: Filters, keepTextDocs = false) => {
    const { user, project, role } = authorise(req);
    const scope = transcriptScope(project, filters);
    const options = scope === undefined ? { keepTextDocs } : { transcripts: scope, keepTextDocs };
    return loadDataset(ctx, user.id, project, layerChoice(filters), options).then((dataset) => ({
      user,
      project,
      role,
      dataset,
    }));
  };

  const retrievalQuery = (filters: Filters): RetrievalQuery => {
    const query: RetrievalQuery = {
      codes: filters.code,
      includeSubcodes: filters.subcodes,
      attributes: attributeFilter(filters),
    };
    if (filters.contains !== undefined) query.contains = filters.contains;
    return query;
  };

  /** The rows of a statistics table: the codes asked for (with subcodes unless told not to), else every code. */
  const statisticsCodes = (dataset: AnalysisDataset, filters: Filters) => {
    if (filters.code.length === 0) return dataset.codes.map((code) => code.id);
    const wanted = new Set<string>();
    for (const code of filters.code) {
      if (filters.subcodes) for (const sub of selfAndDescendants(dataset.codes, code)) wanted.add(sub);
      else wanted.add(code);
    }
    return dataset.codes.map((code) => code.id).filter((code) => wanted.has(code));
  };

  /** Codings after every filter but the code one: co-occurrence partners must not be filtered away. */
  const scopedCodings = (dataset: AnalysisDataset, filters: Filters) =>
    selectCodings(dataset.codings, dataset.codes, dataset.transcripts, { attributes: attributeFilter(filters) });

  const transcriptsInScope = (dataset: AnalysisDataset, filters: Filters) =>
    dataset.transcripts.filter((t) => transcriptMatches(t, attributeFilter(filters)));

  const codeInfo = (dataset: AnalysisDataset, codes: readonly string[]) => {
    const byId = new Map(dataset.codes.map((code) => [code.id, code]));
    return codes.map((code) => ({ id: code, path: codePath(byId, code), colour: byId.get(code)?.colour ?? '' }));
  };

  const describe = (dataset: AnalysisDataset, filters: Filters) => {
    const byId = new Map(dataset.codes.map((code) => [code.id, code]));
    const parts = [
      filters.code.length > 0
        ? `code ${filters.code.map((code) => codePath(byId, code).join(' › ') || code).join(' or ')}${filters.subcodes ? ' (with subcodes)' : ''}`
        : 'all codes',
      `layer: ${dataset.layers.map((l) => l.name).join(', ') || (filters.layer === 'coders' || filters.coder.length > 0 ? 'coders' : 'Consensus')}`,
      ...Object.entries(attributeFilter(filters)).map(([key, values]) => `${key}: ${values.join(' or ')}`),
      filters.contains ? `containing “${filters.contains}”` : '',
    ];
    return parts.filter(Boolean).join('; ');
  };

  /** What the filters can offer this user: layers, attribute values, rounds. */
  router.get('/projects/:project/analysis/options', (req, res) => {
    const { user, project } = authorise(req);
    const transcripts = ctx.store.data.transcripts.filter((t) => t.projectId === project.id);
    const values = new Map<string, Set<string>>();
    for (const transcript of transcripts) {
      for (const [key, value] of Object.entries(transcript.attributes))
        values.set(key, (values.get(key) ?? new Set()).add(value));
    }
    const attributes = Object.fromEntries(
      [...values].map(([key, set]) => [key, [...set].sort((a, b) => a.localeCompare(b))]),
    );
    // A coder is offered when at least one of their layers is readable: never a hint at a hidden layer.
    const coders = candidateCoders(ctx, project).filter((coder) =>
      transcripts.some((t) =>
        readableForAnalysis(ctx, user.id, { kind: 'codings', project: project.id, transcript: t.id, coder }),
      ),
    );
    res.json({
      layers: [
        { id: CONSENSUS_LAYER, name: layerName(ctx, CONSENSUS_LAYER) },
        ...coders.map((coder) => ({ id: coder, name: layerName(ctx, coder) })),
      ],
      attributes,
      rounds: ctx.store.data.rounds
        .filter((round) => round.projectId === project.id)
        .map((round) => ({ id: round.id, name: round.name, status: round.status })),
      transcripts: transcripts.map((t) => ({ id: t.id, title: t.title, participant: t.participant })),
    });
  });

  router.get('/projects/:project/analysis/segments', async (req, res) => {
    const filters = parse(segmentsQuery, req.query, 'query');
    const { user, project, dataset } = await load(req, filters);
    const segments = retrieveSegments(dataset, retrievalQuery(filters));
    const name = (layer: string) => layerName(ctx, layer);
    if (filters.format === 'json') {
      res.json({ layers: dataset.layers, segments });
      return;
    }
    ctx.audit.record({
      actor: user.id,
      action: 'analysis.export',
      project: project.id,
      details: {
        what: 'segments',
        format: filters.format,
        segments: segments.length,
        filters: describe(dataset, filters),
      },
    });
    if (filters.format === 'csv') {
      res
        .type('text/csv')
        .attachment(`segments-${project.id}.csv`)
        .send(segmentsCsv(segments, { layerName: name, formulaSafe: filters.formulaSafe === 'true' }));
    } else {
      res.setHeader('Content-Security-Policy', PRINTABLE_CSP);
      res.type('text/html').send(
        segmentsHtml(segments, {
          title: `Retrieval: ${project.name}`,
          description: describe(dataset, filters),
          layerName: name,
        }),
      );
    }
  });

  router.get('/projects/:project/analysis/search', async (req, res) => {
    const filters = parse(searchQuery, req.query, 'query');
    const { dataset } = await load(req, filters);
    const transcripts = transcriptsInScope(dataset, filters);
    const result = searchText(
      transcripts.map((t) => ({ id: t.id, text: dataset.texts.get(t.id) ?? '', turns: dataset.turns.get(t.id) ?? [] })),
      filters.q,
      { caseSensitive: filters.caseSensitive, wholeWord: filters.wholeWord, context: filters.context },
    );
    const byTranscript = new Map<string, AnalysisCoding[]>();
    for (const coding of dataset.codings) {
      const list = byTranscript.get(coding.transcript) ?? [];
      list.push(coding);
      byTranscript.set(coding.transcript, list);
    }
    const info = new Map(transcripts.map((t) => [t.id, t]));
    res.json({
      truncated: result.truncated,
      hits: result.hits.map((hit) => ({
        ...hit,
        title: info.get(hit.transcript)?.title ?? '',
        participant: info.get(hit.transcript)?.participant ?? '',
        codes: [
          ...new Set(
            (byTranscript.get(hit.transcript) ?? [])
              .filter((coding) => coding.start < hit.end && coding.end > hit.start)
              .map((coding) => coding.code),
          ),
        ],
      })),
    });
  });

  router.get('/projects/:project/analysis/frequency', async (req, res) => {
    const filters = parse(frequencyQuery, req.query, 'query');
    const { dataset } = await load(req, filters);
    const codes = statisticsCodes(dataset, filters);
    const codings = scopedCodings(dataset, filters);
    const inScope = transcriptsInScope(dataset, filters);
    const options = filters.rollUp ? { rollUp: rollUpTargets(dataset.codes) } : {};
    let table: ReturnType<typeof frequencyByTranscript>;
    let labels: string[];
    if (filters.by === 'transcript') {
      table = frequencyByTranscript(
        codings,
        codes,
        inScope.map((t) => t.id),
        options,
      );
      labels = inScope.map((t) => t.title);
    } else if (filters.by === 'attribute') {
      if (filters.attribute === undefined)
        throw new AccordError(400, 'invalid_input', 'by=attribute needs attribute=<name>');
      table = frequencyByAttribute(codings, codes, inScope, filters.attribute, options);
      labels = table.columns.map((value) => value || '(none)');
    } else {
      const turns = new Map(inScope.map((t) => [t.id, dataset.turns.get(t.id) ?? []]));
      table = frequencyBySpeaker(codings, codes, turns, options);
      labels = [...table.columns];
    }
    res.json({
      by: filters.by,
      attribute: filters.attribute ?? null,
      layers: dataset.layers,
      codes: codeInfo(dataset, codes),
      columns: table.columns.map((column, i) => ({
        id: column,
        label: labels[i]!,
        transcripts: table.columnTranscripts[i]!,
      })),
      cells: table.cells,
      totals: table.totals,
    });
  });

  router.get('/projects/:project/analysis/cooccurrence', async (req, res) => {
    const filters = parse(filterQuery, req.query, 'query');
    const { dataset } = await load(req, filters);
    const codes = statisticsCodes(dataset, filters);
    const matrix = cooccurrence(scopedCodings(dataset, filters), codes);
    const n = codes.length;
    res.json({
      layers: dataset.layers,
      codes: codeInfo(dataset, codes),
      counts: codes.map((_, i) => Array.from(matrix.counts.subarray(i * n, (i + 1) * n))),
    });
  });

  /** The segments behind one cell of the co-occurrence matrix. */
  router.get('/projects/:project/analysis/cooccurrence/segments', async (req, res) => {
    const filters = parse(pairQuery, req.query, 'query');
    const { dataset } = await load(req, filters);
    const info = new Map(dataset.transcripts.map((t) => [t.id, t]));
    const pairs = cooccurringPairs(scopedCodings(dataset, filters), filters.a, filters.b);
    const textOf = (transcript: string, start: number, end: number) =>
      (dataset.texts.get(transcript) ?? '').slice(start, end);
    res.json({
      pairs: pairs.map((pair) => ({
        transcript: pair.transcript,
        title: info.get(pair.transcript)?.title ?? '',
        participant: info.get(pair.transcript)?.participant ?? '',
        layer: pair.layer,
        layerName: layerName(ctx, pair.layer),
        start: pair.start,
        end: pair.end,
        overlap: textOf(pair.transcript, pair.start, pair.end),
        speakers: [
          ...new Set(
            turnsOverlapping(dataset.turns.get(pair.transcript) ?? [], pair.start, pair.end).map((t) => t.speaker),
          ),
        ],
        a: {
          codingId: pair.a.id,
          start: pair.a.start,
          end: pair.a.end,
          text: textOf(pair.transcript, pair.a.start, pair.a.end),
        },
        b: {
          codingId: pair.b.id,
          start: pair.b.start,
          end: pair.b.end,
          text: textOf(pair.transcript, pair.b.start, pair.b.end),
        },
      })),
    });
  });

  router.get('/projects/:project/analysis/themes/:theme/gate', async (req, res) => {
    const { user, project, role } = authorise(req);
    res.json(await themeGate(ctx, user.id, project, role, String(req.params.theme)));
  });

  router.post('/projects/:project/analysis/themes/:theme/finalise', async (req, res) => {
    const { user, project, role } = authorise(req);
    const body = parse(finaliseBody, req.body);
    const result = await finaliseWithGate(
      ctx,
      user.id,
      project,
      role,
      String(req.params.theme),
      body.acknowledgeWarnings,
    );
    res.json(result);
  });

  /** Chooses a passage as a representative quote of a theme: anchored server-side against the transcript text. */
  router.post('/projects/:project/analysis/themes/:theme/quotes', async (req, res) => {
    const { user, project } = authorise(req);
    const body = parse(quoteBody, req.body);
    const themeId = String(req.params.theme);
    const codebookRef = { kind: 'codebook', project: project.id } as const;
    if (decideDocAccess(ctx.store, user.id, codebookRef).access !== 'write') {
      throw new AccordError(403, 'forbidden', 'your role does not allow editing themes in this project');
    }
    const layerRef =
      body.layer === CONSENSUS_LAYER
        ? ({ kind: 'consensus', project: project.id, transcript: body.transcript } as const)
        : ({ kind: 'codings', project: project.id, transcript: body.transcript, coder: body.layer } as const);
    const textRef = { kind: 'text', project: project.id, transcript: body.transcript } as const;
    if (!readableForAnalysis(ctx, user.id, textRef) || !readableForAnalysis(ctx, user.id, layerRef)) {
      throw notFound('no such transcript or layer');
    }
    const stored = await ctx.sync.withDoc(docName(textRef), (textDoc) => {
      try {
        return anchorQuote(textDoc, { ...body, chosenBy: user.id });
      } catch (error) {
        throw new AccordError(400, 'invalid_input', (error as Error).message);
      }
    });
    const quoteId = await ctx.sync.withDoc(docName(codebookRef), (doc) => {
      if (!readThemes(doc).some((theme) => theme.id === themeId)) throw notFound('no such theme');
      return addQuote(doc, themeId, stored);
    });
    res.status(201).json({ quote: { id: quoteId, transcript: stored.transcript, text: stored.text } });
  });

  /** The printable final report (themes, codes, quotes, counts, reliability), or its data as JSON. */
  router.get('/projects/:project/analysis/report', async (req, res) => {
    const { user, project, role } = authorise(req);
    const filters = parse(reportQuery, req.query, 'query');
    const report = await buildFinalReport(ctx, user.id, project, role, layerChoice(filters));
    ctx.audit.record({
      actor: user.id,
      action: 'analysis.export',
      project: project.id,
      details: { what: 'finalReport', format: filters.format },
    });
    if (filters.format === 'json') {
      res.json(report);
      return;
    }
    res.setHeader('Content-Security-Policy', PRINTABLE_CSP);
    res.type('text/html').send(finalReportHtml(report));
  });

  return router;
}
