import {
  type AnalysisCoding,
  type AnalysisScope,
  CONSENSUS_LAYER,
  codePath,
  codeTranscriptMatrix,
  compareByAttribute,
  compareBySpeaker,
  cooccurrence,
  cooccurringPairs,
  frequencyByAttribute,
  frequencyBySpeaker,
  frequencyByTranscript,
  type RetrievalQuery,
  retrieveSegments,
  rollUpTargets,
  searchText,
  selectCodings,
  selfAndDescendants,
  type TreeRow,
  transcriptMatches,
  turnsOverlapping,
} from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import type { Project } from '../metadata/schema.js';
import { AccessReader } from '../projects/docAccess.js';
import { type AnalysisDataset, candidateCoders, layerNamer, loadDataset, readableForAnalysis } from './dataset.js';

/**
 * The analysis views as domain functions: the route parses and authorises, these load the caller's dataset for
 * the scope and compute. Every answer carries `counted`, what was counted, in words.
 */
export interface AnalysisFilters {
  scope: AnalysisScope;
  code: string[];
  subcodes: boolean;
  /** Transcripts of these rounds (a filter on transcripts; a round's snapshot is the `round` scope). */
  round: string[];
  transcript: string[];
  /** `key=value`: values of one key are alternatives, different keys must all match. */
  attr: string[];
  contains?: string | undefined;
}

export interface Caller {
  userId: string;
  project: Project;
}

export function attributeFilter(filters: Pick<AnalysisFilters, 'attr'>): Record<string, string[]> {
  // A Map, then fromEntries: a key such as `__proto__` from the query string stays an ordinary key.
  const byKey = new Map<string, string[]>();
  for (const pair of filters.attr) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at);
    byKey.set(key, [...(byKey.get(key) ?? []), pair.slice(at + 1)]);
  }
  return Object.fromEntries(byKey);
}

/** Transcripts of the chosen rounds and listed transcripts (intersected), or undefined for all. */
async function transcriptFilter(
  ctx: AppContext,
  project: Project,
  filters: AnalysisFilters,
): Promise<Set<string> | undefined> {
  let scope: Set<string> | undefined;
  if (filters.round.length > 0) {
    scope = new Set(
      (await ctx.metadata.rounds.listByProject(project.id))
        .filter((round) => filters.round.includes(round.id))
        .flatMap((round) => round.assignments.map((a) => a.transcriptId)),
    );
  }
  if (filters.transcript.length > 0) {
    const listed = new Set(filters.transcript);
    scope = new Set([...(scope ?? listed)].filter((t) => listed.has(t)));
  }
  return scope;
}

export async function load(ctx: AppContext, caller: Caller, filters: AnalysisFilters, keepTextDocs = false) {
  const transcripts = await transcriptFilter(ctx, caller.project, filters);
  const options = transcripts === undefined ? { keepTextDocs } : { transcripts, keepTextDocs };
  return loadDataset(ctx, caller.userId, caller.project, filters.scope, options);
}

function retrievalQuery(filters: AnalysisFilters): RetrievalQuery {
  const query: RetrievalQuery = {
    codes: filters.code,
    includeSubcodes: filters.subcodes,
    attributes: attributeFilter(filters),
  };
  if (filters.contains !== undefined) query.contains = filters.contains;
  return query;
}

/** The rows of a statistics table: the codes asked for (with subcodes unless told not to), else every code. */
function statisticsCodes(dataset: AnalysisDataset, filters: AnalysisFilters) {
  if (filters.code.length === 0) return dataset.codes.map((code) => code.id);
  const wanted = new Set<string>();
  for (const code of filters.code) {
    if (filters.subcodes) for (const sub of selfAndDescendants(dataset.codes, code)) wanted.add(sub);
    else wanted.add(code);
  }
  return dataset.codes.map((code) => code.id).filter((code) => wanted.has(code));
}

/** Codings after every filter but the code one: co-occurrence partners must not be filtered away. */
const scopedCodings = (dataset: AnalysisDataset, filters: AnalysisFilters) =>
  selectCodings(dataset.codings, dataset.codes, dataset.transcripts, { attributes: attributeFilter(filters) });

const transcriptsInScope = (dataset: AnalysisDataset, filters: AnalysisFilters) =>
  dataset.transcripts.filter((t) => transcriptMatches(t, attributeFilter(filters)));

function codeInfo(dataset: AnalysisDataset, codes: readonly string[]) {
  const byId = new Map(dataset.codes.map((code) => [code.id, code]));
  return codes.map((code) => ({ id: code, path: codePath(byId, code), colour: byId.get(code)?.colour ?? '' }));
}

/** The filters in words, for printed retrievals and the audit log. */
export function describeFilters(dataset: AnalysisDataset, filters: AnalysisFilters): string {
  const byId = new Map(dataset.codes.map((code) => [code.id, code]));
  const parts = [
    filters.code.length > 0
      ? `code ${filters.code.map((code) => codePath(byId, code).join(' › ') || code).join(' or ')}${filters.subcodes ? ' (with subcodes)' : ''}`
      : 'all codes',
    dataset.counted.scope,
    ...Object.entries(attributeFilter(filters)).map(([key, values]) => `${key}: ${values.join(' or ')}`),
    filters.contains ? `containing “${filters.contains}”` : '',
  ];
  return parts.filter(Boolean).join('; ');
}

/** What the filters can offer this user: scopes (layers, revealed rounds), attribute values, rounds. */
export async function analysisOptions(ctx: AppContext, caller: Caller) {
  const { project, userId } = caller;
  const transcripts = await ctx.metadata.transcripts.listByProject(project.id);
  const values = new Map<string, Set<string>>();
  for (const transcript of transcripts) {
    for (const [key, value] of Object.entries(transcript.attributes))
      values.set(key, (values.get(key) ?? new Set()).add(value));
  }
  const attributes = Object.fromEntries(
    [...values].map(([key, set]) => [key, [...set].sort((a, b) => a.localeCompare(b))]),
  );
  // A coder is offered when at least one of their layers is readable: never a hint at a hidden layer.
  const reader = new AccessReader(ctx.metadata);
  const coders: string[] = [];
  for (const coder of await candidateCoders(ctx, project)) {
    for (const t of transcripts) {
      if (
        await readableForAnalysis(reader, userId, { kind: 'codings', project: project.id, transcript: t.id, coder })
      ) {
        coders.push(coder);
        break;
      }
    }
  }
  const rounds = await reader.roundsOf(project.id);
  const layerName = await layerNamer(ctx);
  return {
    layers: [
      { id: CONSENSUS_LAYER, name: layerName(CONSENSUS_LAYER) },
      ...coders.map((coder) => ({ id: coder, name: layerName(coder) })),
    ],
    attributes,
    rounds: rounds.map((round) => ({ id: round.id, name: round.name, status: round.status })),
    transcripts: transcripts.map((t) => ({ id: t.id, title: t.title, participant: t.participant })),
  };
}

export async function segments(ctx: AppContext, caller: Caller, filters: AnalysisFilters) {
  const dataset = await load(ctx, caller, filters);
  return { dataset, segments: retrieveSegments(dataset, retrievalQuery(filters)) };
}

export async function search(
  ctx: AppContext,
  caller: Caller,
  filters: AnalysisFilters,
  q: string,
  options: { caseSensitive: boolean; wholeWord: boolean; ignoreDiacritics?: boolean; context: number },
) {
  const dataset = await load(ctx, caller, filters);
  const transcripts = transcriptsInScope(dataset, filters);
  const languages = new Map(
    (await ctx.metadata.transcripts.listByProject(caller.project.id)).map((meta) => [meta.id, meta.language]),
  );
  const result = searchText(
    transcripts.map((t) => {
      const language = languages.get(t.id);
      return {
        id: t.id,
        text: dataset.texts.get(t.id) ?? '',
        turns: dataset.turns.get(t.id) ?? [],
        ...(language === undefined ? {} : { language }),
      };
    }),
    q,
    options,
  );
  const byTranscript = new Map<string, AnalysisCoding[]>();
  for (const coding of dataset.codings) {
    const list = byTranscript.get(coding.transcript) ?? [];
    list.push(coding);
    byTranscript.set(coding.transcript, list);
  }
  const info = new Map(transcripts.map((t) => [t.id, t]));
  return {
    counted: dataset.counted,
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
  };
}

export async function frequency(
  ctx: AppContext,
  caller: Caller,
  filters: AnalysisFilters,
  by: 'transcript' | 'attribute' | 'speaker',
  attribute: string | undefined,
  rollUp: boolean,
) {
  if (by === 'attribute' && attribute === undefined)
    throw new AccordError(400, 'invalid_input', 'by=attribute needs attribute=<name>');
  const dataset = await load(ctx, caller, filters);
  const codes = statisticsCodes(dataset, filters);
  const codings = scopedCodings(dataset, filters);
  const inScope = transcriptsInScope(dataset, filters);
  const options = rollUp ? { rollUp: rollUpTargets(dataset.codes) } : {};
  let table: ReturnType<typeof frequencyByTranscript>;
  let labels: string[];
  if (by === 'transcript') {
    table = frequencyByTranscript(
      codings,
      codes,
      inScope.map((t) => t.id),
      options,
    );
    labels = inScope.map((t) => t.title);
  } else if (by === 'attribute') {
    table = frequencyByAttribute(codings, codes, inScope, attribute!, options);
    labels = table.columns.map((value) => value || '(none)');
  } else {
    const turns = new Map(inScope.map((t) => [t.id, dataset.turns.get(t.id) ?? []]));
    table = frequencyBySpeaker(codings, codes, turns, options);
    labels = [...table.columns];
  }
  return {
    by,
    attribute: attribute ?? null,
    layers: dataset.layers,
    counted: dataset.counted,
    codes: codeInfo(dataset, codes),
    columns: table.columns.map((column, i) => ({
      id: column,
      label: labels[i]!,
      transcripts: table.columnTranscripts[i]!,
    })),
    cells: table.cells,
    totals: table.totals,
  };
}

export async function cooccurrenceMatrix(ctx: AppContext, caller: Caller, filters: AnalysisFilters) {
  const dataset = await load(ctx, caller, filters);
  const codes = statisticsCodes(dataset, filters);
  const matrix = cooccurrence(scopedCodings(dataset, filters), codes);
  const n = codes.length;
  return {
    layers: dataset.layers,
    counted: dataset.counted,
    codes: codeInfo(dataset, codes),
    counts: codes.map((_, i) => Array.from(matrix.counts.subarray(i * n, (i + 1) * n))),
  };
}

/** The segments behind one cell of the co-occurrence matrix. */
export async function cooccurrenceSegments(
  ctx: AppContext,
  caller: Caller,
  filters: AnalysisFilters,
  a: string,
  b: string,
) {
  const dataset = await load(ctx, caller, filters);
  const layerName = await layerNamer(ctx);
  const info = new Map(dataset.transcripts.map((t) => [t.id, t]));
  const pairs = cooccurringPairs(scopedCodings(dataset, filters), a, b);
  const textOf = (transcript: string, start: number, end: number) =>
    (dataset.texts.get(transcript) ?? '').slice(start, end);
  const layersOf = (pair: (typeof pairs)[number]) => [
    ...new Set([...(pair.a.layers ?? [pair.a.layer]), ...(pair.b.layers ?? [pair.b.layer])]),
  ];
  return {
    counted: dataset.counted,
    pairs: pairs.map((pair) => ({
      transcript: pair.transcript,
      title: info.get(pair.transcript)?.title ?? '',
      participant: info.get(pair.transcript)?.participant ?? '',
      layer: pair.layer,
      layerName: layersOf(pair)
        .map((layer) => layerName(layer))
        .join(' & '),
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
  };
}

/**
 * The rows of an overview (the codes of `statisticsCodes`, in tree order) with their paths; `rows` as the pure
 * functions give them.
 */
function overviewCodes(dataset: AnalysisDataset, rows: readonly TreeRow[]) {
  const info = codeInfo(
    dataset,
    rows.map((row) => row.code),
  );
  return rows.map((row, i) => ({
    ...info[i]!,
    parent: row.parent,
    depth: row.depth,
    hasChildren: row.hasChildren,
  }));
}

/** The code x transcript matrix (the Statistics tab's Code matrix), for the scope and filters. */
export async function codeMatrix(ctx: AppContext, caller: Caller, filters: AnalysisFilters, rollUp: boolean) {
  const dataset = await load(ctx, caller, filters);
  const inScope = transcriptsInScope(dataset, filters);
  const matrix = codeTranscriptMatrix({
    codings: scopedCodings(dataset, filters),
    codes: dataset.codes,
    rows: statisticsCodes(dataset, filters),
    transcripts: inScope.map((t) => ({ id: t.id, length: dataset.texts.get(t.id)?.length ?? 0 })),
    rollUp,
  });
  return {
    layers: dataset.layers,
    counted: dataset.counted,
    rollUp,
    codes: overviewCodes(dataset, matrix.rows),
    transcripts: inScope.map((t) => ({
      id: t.id,
      title: t.title,
      participant: t.participant,
      attributes: { ...t.attributes },
      length: dataset.texts.get(t.id)?.length ?? 0,
    })),
    cells: matrix.cells,
    codeTotals: matrix.codeTotals,
    transcriptTotals: matrix.transcriptTotals,
  };
}

/** Codes compared across the values of one attribute, or across speakers. */
export async function groupComparison(
  ctx: AppContext,
  caller: Caller,
  filters: AnalysisFilters,
  by: 'attribute' | 'speaker',
  attribute: string | undefined,
  rollUp: boolean,
) {
  if (by === 'attribute' && attribute === undefined)
    throw new AccordError(400, 'invalid_input', 'by=attribute needs attribute=<name>');
  const dataset = await load(ctx, caller, filters);
  const inScope = transcriptsInScope(dataset, filters);
  const input = {
    codings: scopedCodings(dataset, filters),
    codes: dataset.codes,
    rows: statisticsCodes(dataset, filters),
    rollUp,
  };
  const comparison =
    by === 'attribute'
      ? compareByAttribute(input, inScope, attribute!)
      : compareBySpeaker(input, new Map(inScope.map((t) => [t.id, dataset.turns.get(t.id) ?? []])));
  return {
    layers: dataset.layers,
    counted: dataset.counted,
    by,
    attribute: by === 'attribute' ? attribute! : null,
    rollUp,
    codes: overviewCodes(dataset, comparison.rows),
    groups: comparison.groups.map((group) => ({
      ...group,
      label: group.value === '' ? '(none)' : group.value,
    })),
    cells: comparison.cells,
    codeTotals: comparison.codeTotals,
  };
}
