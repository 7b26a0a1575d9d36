import type { PairTable } from './cohen.js';
import { newPositions, type Positions } from './intervals.js';
import { LEVELS, type Level } from './krippendorff.js';
import { type Profiles, profilesFromTable } from './profiles.js';
import type { CategoricalData, Category } from './ratings.js';

/** Bad input: the message names the problem on one line. */
export class AgreementInputError extends Error {
  override name = 'AgreementInputError';
}

export interface SegmentUnits {
  /** Per document, sorted non-overlapping segments as [start, end) pairs: starts[d], ends[d]. */
  starts: Float64Array[];
  ends: Float64Array[];
  /** A segment counts as coded when coverage > 0 (minCoverage 0) or coverage / length >= minCoverage. */
  minCoverage: number;
}

export interface SpansData {
  kind: 'spans';
  documents: string[];
  lengths: Positions;
  coders: string[];
  codes: string[];
  /** assigned[doc * coders.length + coder] is 1 when the coder was assigned the document. */
  assigned: Uint8Array;
  codingCount: number;
  codingDocument: Int32Array;
  codingCoder: Int32Array;
  codingCode: Int32Array;
  codingStart: Positions;
  codingEnd: Positions;
  segments: SegmentUnits | null;
  byDocument: boolean;
  bootstrap: { samples: number; seed: number } | null;
  unitizing: boolean;
  segmentMatching: { overlap: number } | null;
  threshold: number | null;
}

export type AgreementData = CategoricalData | SpansData;

type Json = Record<string, unknown>;

function fail(message: string): never {
  throw new AgreementInputError(message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return hasForeignPrototype(value) ? 'an object with a "__proto__" key' : 'an object';
  return String(value);
}

/**
 * JSON.parse keeps "__proto__" as an own key; a parser that merges chunks by assignment (the CLI's) turns it into
 * a prototype, whose fields would then be read as if given. Refused wherever it appears, so that a report never
 * depends on where the input's chunks happened to split.
 */
function hasForeignPrototype(value: object): boolean {
  return Object.getPrototypeOf(value) !== Object.prototype;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The entries of a map keyed by document id. A "__proto__" key, whether `JSON.parse` kept it as an own key or a
 * chunked parse made it the prototype, is refused either way, so both parses of one input give the same answer.
 */
function entriesById(map: Json, where: string): [string, unknown][] {
  if (hasForeignPrototype(map) || Object.hasOwn(map, '__proto__')) fail(`${where}: "__proto__" is not a document id`);
  return Object.entries(map);
}

function checkKeys(object: Json, allowed: readonly string[], where: string): void {
  if (hasForeignPrototype(object)) fail(`${where}: unknown field "__proto__"`);
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail(`${where}: unknown field "${key}" (expected one of ${allowed.join(', ')})`);
  }
}

function nonNegativeInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`${where} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function fraction(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    fail(`${where} must be a number from 0 to 1, got ${describe(value)}`);
  return value;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) fail(`${where} must be an array of strings, got ${describe(value)}`);
  const seen = new Set<string>();
  value.forEach((item, i) => {
    if (typeof item !== 'string') fail(`${where}[${i}] must be a string, got ${describe(item)}`);
    if (seen.has(item)) fail(`${where}[${i}]: ${describe(item)} is listed twice`);
    seen.add(item);
  });
  return value as string[];
}

function compareCategories(a: Category, b: Category): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isCategory(value: unknown): value is Category {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function parseCategories(value: unknown, where: string): Category[] {
  if (!Array.isArray(value) || value.length === 0) fail(`${where} must be a non-empty array of numbers or strings`);
  const seen = new Set<Category>();
  value.forEach((item, i) => {
    if (!isCategory(item)) fail(`${where}[${i}] must be a number or a string, got ${describe(item)}`);
    if (seen.has(item)) fail(`${where}[${i}]: ${describe(item)} is listed twice`);
    seen.add(item);
  });
  return value as Category[];
}

function parseLevel(value: unknown): Level {
  if (value === undefined) return 'nominal';
  if (!LEVELS.includes(value as Level)) fail(`"level" must be one of ${LEVELS.join(', ')}, got ${describe(value)}`);
  return value as Level;
}

function numericValues(categories: readonly Category[]): number[] | null {
  return categories.every((c) => typeof c === 'number') ? (categories as number[]) : null;
}

function parseRatings(input: Json): CategoricalData {
  checkKeys(input, ['kind', 'level', 'data', 'categories'], 'ratings input');
  const level = parseLevel(input.level);
  const rows = input.data;
  if (!Array.isArray(rows)) fail(`"data" must be an array of rows (units x coders), got ${describe(rows)}`);
  let nCoders = -1;
  const observed = new Set<Category>();
  rows.forEach((row, u) => {
    if (!Array.isArray(row)) fail(`data[${u}] must be an array of ratings, got ${describe(row)}`);
    if (nCoders === -1) nCoders = row.length;
    else if (row.length !== nCoders) fail(`data[${u}] has ${row.length} ratings but data[0] has ${nCoders}`);
    row.forEach((value, c) => {
      if (value === null) return;
      if (!isCategory(value)) fail(`data[${u}][${c}] must be a number, a string or null, got ${describe(value)}`);
      observed.add(value);
    });
  });
  if (nCoders !== -1 && nCoders < 2) fail(`"data" rows need at least two coders, got ${nCoders}`);
  const categories =
    input.categories === undefined
      ? [...observed].sort(compareCategories)
      : parseCategories(input.categories, '"categories"');
  const index = new Map<Category, number>(categories.map((c, i) => [c, i]));
  for (const value of observed) {
    if (!index.has(value)) fail(`rating ${describe(value)} is not in "categories"`);
  }
  const q = categories.length;
  const n = rows.length;
  const counts = new Float64Array(n * q);
  const weights = new Float64Array(n).fill(1);
  const pair: PairTable | null = nCoders === 2 ? { q, counts: new Float64Array(q * q) } : null;
  (rows as Category[][]).forEach((row, u) => {
    for (const value of row) if (value !== null) counts[u * q + index.get(value)!]! += 1;
    if (pair !== null && row[0] !== null && row[1] !== null)
      pair.counts[index.get(row[0]!)! * q + index.get(row[1]!)!]! += 1;
  });
  const profiles: Profiles = { q, n, counts, weights };
  return {
    kind: 'ratings',
    level,
    categories,
    values: numericValues(categories),
    nUnits: n,
    nCoders: Math.max(nCoders, 0),
    profiles,
    pair,
  };
}

function parseTable(input: Json): CategoricalData {
  checkKeys(input, ['kind', 'level', 'table', 'categories'], 'table input');
  const level = parseLevel(input.level);
  const rows = input.table;
  if (!Array.isArray(rows) || rows.length === 0) fail(`"table" must be a non-empty square array of counts`);
  const q = rows.length;
  const counts = new Float64Array(q * q);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== q) fail(`table[${i}] must have ${q} counts (the table must be square)`);
    row.forEach((value, j) => {
      if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
        fail(`table[${i}][${j}] must be a non-negative count, got ${describe(value)}`);
      }
      counts[i * q + j] = value;
    });
  });
  const categories =
    input.categories === undefined
      ? Array.from({ length: q }, (_, i) => i + 1)
      : parseCategories(input.categories, '"categories"');
  if (categories.length !== q) fail(`"categories" has ${categories.length} entries but the table is ${q} x ${q}`);
  const pair: PairTable = { q, counts };
  let total = 0;
  for (const c of counts) total += c;
  return {
    kind: 'table',
    level,
    categories,
    values: numericValues(categories),
    nUnits: total,
    nCoders: 2,
    profiles: profilesFromTable(pair),
    pair,
  };
}

const SPANS_KEYS = [
  'kind',
  'documents',
  'codings',
  'unit',
  'coders',
  'codes',
  'by_document',
  'assignments',
  'bootstrap',
  'unitizing',
  'segment_matching',
  'threshold',
];

function parseSpans(input: Json): SpansData {
  checkKeys(input, SPANS_KEYS, 'spans input');
  const documentList = input.documents;
  if (!Array.isArray(documentList))
    fail(`"documents" must be an array of {"id", "length"}, got ${describe(documentList)}`);
  const documents: string[] = [];
  const lengthList: number[] = [];
  const documentIndex = new Map<string, number>();
  documentList.forEach((doc, d) => {
    if (!isObject(doc) || hasForeignPrototype(doc))
      fail(`documents[${d}] must be an object with "id" and "length", got ${describe(doc)}`);
    if (typeof doc.id !== 'string') fail(`documents[${d}].id must be a string, got ${describe(doc.id)}`);
    if (documentIndex.has(doc.id)) fail(`documents[${d}].id ${describe(doc.id)} is listed twice`);
    documentIndex.set(doc.id, d);
    documents.push(doc.id);
    lengthList.push(nonNegativeInteger(doc.length, `documents[${d}].length`));
  });
  const longest = lengthList.reduce((most, length) => Math.max(most, length), 0);
  const lengths = newPositions(lengthList.length, longest);
  lengths.set(lengthList);

  const codingList = input.codings;
  if (!Array.isArray(codingList)) fail(`"codings" must be an array, got ${describe(codingList)}`);
  const codersGiven = input.coders === undefined ? null : stringList(input.coders, '"coders"');
  const codesGiven = input.codes === undefined ? null : stringList(input.codes, '"codes"');
  const coderIndex = new Map<string, number>(codersGiven?.map((c, i) => [c, i]));
  const codeIndex = new Map<string, number>(codesGiven?.map((c, i) => [c, i]));

  const assignmentLists = new Map<number, string[]>();
  if (input.assignments !== undefined) {
    if (!isObject(input.assignments)) fail(`"assignments" must map document ids to arrays of coders`);
    for (const [id, list] of entriesById(input.assignments, '"assignments"')) {
      const d = documentIndex.get(id);
      if (d === undefined) fail(`"assignments" names document ${describe(id)}, which is not in "documents"`);
      const coders = stringList(list, `assignments[${JSON.stringify(id)}]`);
      assignmentLists.set(d, coders);
      if (codersGiven === null)
        for (const coder of coders) if (!coderIndex.has(coder)) coderIndex.set(coder, coderIndex.size);
    }
  }

  const n = codingList.length;
  const columns: CodingColumns = {
    document: new Int32Array(n),
    coder: new Int32Array(n),
    code: new Int32Array(n),
    start: newPositions(n, longest),
    end: newPositions(n, longest),
  };
  const kept = readCodings(
    codingList,
    documentIndex,
    lengths,
    coderIndex,
    codersGiven !== null,
    codeIndex,
    codesGiven !== null,
    columns,
  );

  // Observed names are renumbered in sorted order so the output never depends on the order of the codings.
  const coders = codersGiven ?? [...coderIndex.keys()].sort();
  const codes = codesGiven ?? [...codeIndex.keys()].sort();
  if (codersGiven === null) renumber(columns.coder, kept, coderIndex, coders);
  if (codesGiven === null) renumber(columns.code, kept, codeIndex, codes);
  const finalCoderIndex = new Map(coders.map((c, i) => [c, i]));

  const assigned = new Uint8Array(documents.length * coders.length).fill(1);
  for (const [d, list] of assignmentLists) {
    assigned.fill(0, d * coders.length, (d + 1) * coders.length);
    for (const coder of list) {
      const c = finalCoderIndex.get(coder);
      if (c !== undefined) assigned[d * coders.length + c] = 1;
    }
  }
  checkAssignments(assigned, kept, columns.document, columns.coder, documents, coders);

  return {
    kind: 'spans',
    documents,
    lengths,
    coders,
    codes,
    assigned,
    codingCount: kept,
    codingDocument: columns.document.subarray(0, kept),
    codingCoder: columns.coder.subarray(0, kept),
    codingCode: columns.code.subarray(0, kept),
    codingStart: columns.start.subarray(0, kept),
    codingEnd: columns.end.subarray(0, kept),
    segments: parseUnit(input.unit, documentIndex, lengths),
    byDocument: parseBoolean(input.by_document, 'by_document', true),
    bootstrap: parseBootstrap(input.bootstrap),
    unitizing: parseBoolean(input.unitizing, 'unitizing', true),
    segmentMatching: parseSegmentMatching(input.segment_matching),
    threshold: input.threshold === undefined ? null : fraction(input.threshold, '"threshold"'),
  };
}

interface CodingColumns {
  document: Int32Array;
  coder: Int32Array;
  code: Int32Array;
  start: Positions;
  end: Positions;
}

/**
 * Validate every coding and keep, as columns, those of known coders and codes (new names are numbered in order of
 * appearance unless the list was given). Returns how many were kept.
 */
function readCodings(
  codingList: unknown[],
  documentIndex: Map<string, number>,
  lengths: Positions,
  coderIndex: Map<string, number>,
  codersGiven: boolean,
  codeIndex: Map<string, number>,
  codesGiven: boolean,
  columns: CodingColumns,
): number {
  let kept = 0;
  for (let i = 0; i < codingList.length; i++) {
    const coding = codingList[i];
    if (!isObject(coding) || hasForeignPrototype(coding))
      fail(`codings[${i}] must be an object, got ${describe(coding)}`);
    const { document, coder, code, start, end } = coding;
    if (typeof document !== 'string') fail(`codings[${i}].document must be a string, got ${describe(document)}`);
    if (typeof coder !== 'string') fail(`codings[${i}].coder must be a string, got ${describe(coder)}`);
    if (typeof code !== 'string') fail(`codings[${i}].code must be a string, got ${describe(code)}`);
    const d = documentIndex.get(document);
    if (d === undefined) fail(`codings[${i}].document ${describe(document)} is not in "documents"`);
    if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) {
      fail(`codings[${i}].start must be a non-negative integer, got ${describe(start)}`);
    }
    if (typeof end !== 'number' || !Number.isSafeInteger(end) || end < start || end > lengths[d]!) {
      fail(
        `codings[${i}].end must be an integer from start (${start}) to the document length (${lengths[d]}), got ${describe(end)}`,
      );
    }
    let c = coderIndex.get(coder);
    if (c === undefined) {
      if (codersGiven) continue;
      c = coderIndex.size;
      coderIndex.set(coder, c);
    }
    let k = codeIndex.get(code);
    if (k === undefined) {
      if (codesGiven) continue;
      k = codeIndex.size;
      codeIndex.set(code, k);
    }
    columns.document[kept] = d;
    columns.coder[kept] = c;
    columns.code[kept] = k;
    columns.start[kept] = start;
    columns.end[kept] = end;
    kept++;
  }
  return kept;
}

function checkAssignments(
  assigned: Uint8Array,
  kept: number,
  codingDocument: Int32Array,
  codingCoder: Int32Array,
  documents: readonly string[],
  coders: readonly string[],
): void {
  for (let i = 0; i < kept; i++) {
    if (!assigned[codingDocument[i]! * coders.length + codingCoder[i]!]) {
      fail(
        `a coding by ${describe(coders[codingCoder[i]!])} is on document ${describe(documents[codingDocument[i]!])}, which "assignments" does not give that coder`,
      );
    }
  }
}

function renumber(column: Int32Array, count: number, firstSeen: Map<string, number>, sorted: readonly string[]): void {
  const mapping = new Int32Array(sorted.length);
  sorted.forEach((name, i) => {
    mapping[firstSeen.get(name)!] = i;
  });
  for (let i = 0; i < count; i++) column[i] = mapping[column[i]!]!;
}

function parseBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`"${name}" must be true or false, got ${describe(value)}`);
  return value;
}

function parseBootstrap(value: unknown): SpansData['bootstrap'] {
  if (value === undefined || value === false) return null;
  if (!isObject(value)) fail(`"bootstrap" must be an object like {"samples": 1000, "seed": 42}`);
  checkKeys(value, ['samples', 'seed'], '"bootstrap"');
  const samples = value.samples === undefined ? 1000 : nonNegativeInteger(value.samples, 'bootstrap.samples');
  if (samples < 2 || samples > 100_000) fail(`bootstrap.samples must be from 2 to 100000, got ${samples}`);
  const seed = value.seed === undefined ? 1 : nonNegativeInteger(value.seed, 'bootstrap.seed');
  return { samples, seed };
}

function parseSegmentMatching(value: unknown): SpansData['segmentMatching'] {
  if (value === undefined || value === false) return null;
  if (value === true) return { overlap: 0.9 };
  if (!isObject(value)) fail(`"segment_matching" must be true or an object like {"overlap": 0.9}`);
  checkKeys(value, ['overlap'], '"segment_matching"');
  const overlap = value.overlap === undefined ? 0.9 : fraction(value.overlap, 'segment_matching.overlap');
  if (overlap === 0) fail('segment_matching.overlap must be above 0');
  return { overlap };
}

function parseUnit(value: unknown, documentIndex: Map<string, number>, lengths: Positions): SegmentUnits | null {
  if (value === undefined || value === 'character') return null;
  if (!isObject(value) || !isObject(value.segments)) {
    fail(`"unit" must be "character" or {"segments": {"<document id>": [[start, end], ...]}, "minCoverage": 0}`);
  }
  checkKeys(value, ['segments', 'minCoverage', 'min_coverage'], '"unit"');
  const coverage = value.minCoverage ?? value.min_coverage;
  const minCoverage = coverage === undefined ? 0 : fraction(coverage, 'unit.minCoverage');
  const starts = Array.from(lengths, () => new Float64Array(0));
  const ends = Array.from(lengths, () => new Float64Array(0));
  for (const [id, list] of entriesById(value.segments, 'unit.segments')) {
    const d = documentIndex.get(id);
    const where = `unit.segments[${JSON.stringify(id)}]`;
    if (d === undefined) fail(`${where}: document is not in "documents"`);
    if (!Array.isArray(list)) fail(`${where} must be an array of [start, end] pairs`);
    const pairs = list.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) fail(`${where}[${i}] must be a [start, end] pair`);
      const s = nonNegativeInteger(pair[0], `${where}[${i}][0]`);
      const e = nonNegativeInteger(pair[1], `${where}[${i}][1]`);
      if (e <= s || e > lengths[d]!)
        fail(`${where}[${i}] must have start < end <= the document length (${lengths[d]})`);
      return [s, e] as const;
    });
    pairs.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < pairs.length; i++) {
      if (pairs[i]![0] < pairs[i - 1]![1])
        fail(`${where}: segments overlap at ${pairs[i]![0]}; segments must not overlap`);
    }
    starts[d] = Float64Array.from(pairs, (p) => p[0]);
    ends[d] = Float64Array.from(pairs, (p) => p[1]);
  }
  return { starts, ends, minCoverage };
}

/** Validate one `accord agreement` input document (already JSON-parsed). Throws AgreementInputError. */
export function parseAgreementInput(input: unknown): AgreementData {
  if (!isObject(input)) fail(`input must be a JSON object with a "kind", got ${describe(input)}`);
  switch (input.kind) {
    case 'ratings':
      return parseRatings(input);
    case 'table':
      return parseTable(input);
    case 'spans':
      return parseSpans(input);
    default:
      return fail(`"kind" must be "ratings", "table" or "spans", got ${describe(input.kind)}`);
  }
}
