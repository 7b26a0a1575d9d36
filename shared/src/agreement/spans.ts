import {
  BINARY_KEYS,
  BINARY_SLOTS,
  type BinaryCoefficients,
  type BinaryKey,
  type BinaryTable,
  binaryCoefficients,
  binaryValues,
  toCoefficient,
} from './binary.js';
import { percentileInterval, resamplePlan } from './bootstrap.js';
import { type Coefficient, undefinedCoefficient } from './coefficient.js';
import type { SpansData } from './input.js';
import { intersectionLength, type Positions, positionsLike } from './intervals.js';
import { krippendorffAlpha } from './krippendorff.js';
import { type MatchingReport, segmentMatching } from './matching.js';
import { brennanPrediger, fleissKappa, gwetAc, observedAgreement, percentAgreement } from './multirater.js';
import { type Profiles, profilesFromCoverage } from './profiles.js';
import { buildRuns, type CodedRuns, toSegmentRuns } from './runs.js';
import {
  type CodeUnitizing,
  codeUnitizing,
  type ProjectUnitizing,
  type UnitizingPlan,
  unitizingPlan,
} from './spanUnitizing.js';
import { comparePair, PAIR_SLOTS } from './unitizing.js';

export interface PairReport {
  coders: [string, string];
  n_documents: number;
  pooled: BinaryCoefficients;
  by_document?: ({ document: string } & BinaryCoefficients)[];
  weighted_mean: Record<BinaryKey, Coefficient & { documents?: number }>;
}

export interface AllCodersReport {
  n_coders: number;
  percent_agreement: Coefficient;
  fleiss_kappa: Coefficient;
  krippendorff_alpha: Coefficient;
  gwet_ac1: Coefficient;
  brennan_prediger: Coefficient;
  pairwise: { coders: string[]; cohen_kappa: (number | null)[][] };
}

export interface CodeReport {
  code: string;
  pairs: PairReport[];
  all_coders: AllCodersReport;
  unitizing?: CodeUnitizing;
  below_threshold?: boolean;
}

export interface SpansReport {
  kind: 'spans';
  unit: 'character' | 'segment';
  min_coverage?: number;
  n_documents: number;
  coders: string[];
  codes: CodeReport[];
  unitizing?: ProjectUnitizing;
  segment_matching?: MatchingReport;
  bootstrap?: { samples: number; seed: number; resampled: 'documents' };
}

const IDENTITY_2 = new Float64Array([1, 0, 0, 1]);

/** Per code: coders' coverage histogram hist[document][k] (k coders coding a unit) for the all-coders coefficients. */
function coverageHistogram(
  runs: CodedRuns,
  data: SpansData,
  code: number,
  document: number,
  events: Positions,
  into: Positions,
  at: number,
): number {
  const coders = data.coders.length;
  const documents = data.documents.length;
  let count = 0;
  let assigned = 0;
  for (let c = 0; c < coders; c++) {
    if (!data.assigned[document * coders + c]) continue;
    assigned++;
    const g = (code * documents + document) * coders + c;
    for (let r = runs.offsets[g]!; r < runs.offsets[g + 1]!; r++) {
      // Ends sort before starts at the same position; run boundaries are integers, so 2x + flag is exact.
      events[count++] = runs.starts[r]! * 2 + 1;
      events[count++] = runs.ends[r]! * 2;
    }
  }
  sortEvents(events, count);
  let active = 0;
  let previous = 0;
  let coded = 0;
  for (let i = 0; i < count; i++) {
    const event = events[i]!;
    const position = Math.floor(event / 2);
    if (active > 0 && position > previous) {
      into[at + active]! += position - previous;
      coded += position - previous;
    }
    previous = position;
    active += event % 2 === 1 ? 1 : -1;
  }
  into[at]! += runs.lengths[document]! - coded;
  return assigned;
}

/** Ascending order of events [0, count): insertion sort for the usual few dozen, the built-in sort beyond. */
function sortEvents(events: Positions, count: number): void {
  if (count > 48) {
    events.subarray(0, count).sort();
    return;
  }
  for (let i = 1; i < count; i++) {
    const event = events[i]!;
    let j = i - 1;
    while (j >= 0 && events[j]! > event) {
      events[j + 1] = events[j]!;
      j--;
    }
    events[j + 1] = event;
  }
}

function allCodersCoefficients(profiles: Profiles) {
  const observed = observedAgreement(profiles, IDENTITY_2);
  return {
    percent_agreement: percentAgreement(observed),
    fleiss_kappa: fleissKappa(profiles, IDENTITY_2, observed),
    krippendorff_alpha: krippendorffAlpha(profiles, 'nominal', null),
    gwet_ac1: gwetAc(profiles, IDENTITY_2, observed),
    brennan_prediger: brennanPrediger(profiles, IDENTITY_2, observed),
  };
}

type AllCodersKey = keyof ReturnType<typeof allCodersCoefficients>;
const ALL_CODERS_KEYS: readonly AllCodersKey[] = [
  'percent_agreement',
  'fleiss_kappa',
  'krippendorff_alpha',
  'gwet_ac1',
  'brennan_prediger',
];

function attachInterval(coefficient: Coefficient, values: Float64Array): void {
  if (coefficient.value === null) return;
  const interval = percentileInterval(values);
  if (interval === null) return;
  coefficient.bootstrap_ci95 = interval.ci95;
  coefficient.bootstrap_samples = interval.defined;
}

/**
 * What every code and pair reuses: the runs, scratch space sized once for the largest code, pair and document, the
 * unitizing plan and the bootstrap draws. Hot loops live in small functions of their own, so that each is optimised
 * once, quickly, and nothing is allocated per document.
 */
interface Workspace {
  data: SpansData;
  /** Runs over the units of analysis (characters or segments). */
  runs: CodedRuns;
  characterRuns: CodedRuns;
  pairA: Int32Array;
  pairB: Int32Array;
  plan: UnitizingPlan | null;
  /** Documents whose merges also feed unitizing (null when unitizing is not computed). */
  onContinuum: Uint8Array | null;
  pairSums: Float64Array;
  /** Per document both, a_only, b_only, neither of the current pair; neither = -1 when a coder is not assigned. */
  tables: Positions;
  pooled: Float64Array;
  values: Float64Array;
  sums: Float64Array;
  weights: Float64Array;
  counts: Int32Array;
  events: Positions;
  /** Per document, units coded by exactly k coders at [d * (coders + 1) + k]. */
  histogram: Positions;
  assignedCount: Int32Array;
  resamples: Uint32Array | null;
}

function workspace(data: SpansData): Workspace {
  const documents = data.documents.length;
  const coders = data.coders.length;
  const characterRuns = buildRuns(data);
  const runs = data.segments === null ? characterRuns : toSegmentRuns(characterRuns, data.segments, documents, coders);
  const pairCount = (coders * (coders - 1)) / 2;
  const pairA = new Int32Array(pairCount);
  const pairB = new Int32Array(pairCount);
  for (let a = 0, p = 0; a < coders; a++) {
    for (let b = a + 1; b < coders; b++, p++) {
      pairA[p] = a;
      pairB[p] = b;
    }
  }
  const plan = data.unitizing ? unitizingPlan(data, characterRuns) : null;
  return {
    data,
    runs,
    characterRuns,
    pairA,
    pairB,
    plan,
    // Unitizing is only computed on characters, so its merges are the tables' merges.
    onContinuum: plan !== null && plan.reason === null ? plan.onContinuum : null,
    pairSums: new Float64Array(pairCount * PAIR_SLOTS),
    tables: positionsLike(runs.lengths, documents * 4),
    pooled: new Float64Array(4),
    values: new Float64Array(BINARY_SLOTS),
    sums: new Float64Array(BINARY_SLOTS),
    weights: new Float64Array(BINARY_SLOTS),
    counts: new Int32Array(BINARY_SLOTS),
    events: positionsLike(runs.lengths, mostEvents(runs, data.codes.length, documents, coders)),
    histogram: positionsLike(runs.lengths, documents * (coders + 1)),
    assignedCount: new Int32Array(documents),
    resamples: data.bootstrap === null ? null : resamplePlan(documents, data.bootstrap.samples, data.bootstrap.seed),
  };
}

/** Run boundaries of all coders in the busiest (code, document). */
function mostEvents(runs: CodedRuns, codes: number, documents: number, coders: number): number {
  let most = 0;
  for (let g = 0; g < codes * documents * coders; g += coders) {
    most = Math.max(most, 2 * (runs.offsets[g + coders]! - runs.offsets[g]!));
  }
  return most;
}

/** Span agreement for every code: pair tables, all-coder coefficients, unitizing, optional bootstrap over documents. */
export function spansReport(data: SpansData): SpansReport {
  const space = workspace(data);
  const codes: CodeReport[] = [];
  for (let k = 0; k < data.codes.length; k++) codes.push(codeReport(space, k));
  const report: SpansReport = {
    kind: 'spans',
    unit: data.segments === null ? 'character' : 'segment',
    n_documents: data.documents.length,
    coders: [...data.coders],
    codes,
  };
  if (space.plan !== null) report.unitizing = space.plan.project.report;
  if (data.segments !== null) report.min_coverage = data.segments.minCoverage;
  if (data.segmentMatching !== null)
    report.segment_matching = segmentMatching(data, space.characterRuns, data.segmentMatching.overlap);
  if (data.bootstrap !== null) report.bootstrap = { ...data.bootstrap, resampled: 'documents' };
  return report;
}

function codeReport(space: Workspace, k: number): CodeReport {
  const { data, pairA, pairB, plan, histogram, assignedCount, resamples } = space;
  const coders = data.coders.length;
  const width = coders + 1;
  space.pairSums.fill(0);
  const pairReports: PairReport[] = [];
  for (let p = 0; p < pairA.length; p++) pairReports.push(pairReport(space, k, p));

  codeHistograms(space, k);
  const all = allCodersCoefficients(
    profilesFromCoverage(pooledHistogram(histogram, assignedCount, width, null, 0), coders),
  );
  if (resamples !== null) {
    const samples = data.bootstrap!.samples;
    const perSample = ALL_CODERS_KEYS.map(() => new Float64Array(samples));
    for (let s = 0; s < samples; s++) {
      const profiles = profilesFromCoverage(pooledHistogram(histogram, assignedCount, width, resamples, s), coders);
      const values = allCodersCoefficients(profiles);
      ALL_CODERS_KEYS.forEach((key, i) => {
        perSample[i]![s] = values[key].value ?? Number.NaN;
      });
    }
    ALL_CODERS_KEYS.forEach((key, i) => {
      attachInterval(all[key], perSample[i]!);
    });
  }
  const matrix = data.coders.map(() => data.coders.map((): number | null => null));
  pairReports.forEach((pair, p) => {
    const value = pair.pooled.cohen_kappa.value;
    matrix[pairA[p]!]![pairB[p]!] = value;
    matrix[pairB[p]!]![pairA[p]!] = value;
  });
  const report: CodeReport = {
    code: data.codes[k]!,
    pairs: pairReports,
    all_coders: { n_coders: coders, ...all, pairwise: { coders: [...data.coders], cohen_kappa: matrix } },
  };
  if (plan !== null) report.unitizing = codeUnitizing(plan, data, space.characterRuns, k, space.pairSums);
  if (data.threshold !== null) {
    const alpha = all.krippendorff_alpha.value;
    report.below_threshold = alpha !== null && alpha < data.threshold;
  }
  return report;
}

function pairReport(space: Workspace, k: number, p: number): PairReport {
  const { data, tables, pooled } = space;
  const documents = data.documents.length;
  const a = space.pairA[p]!;
  const b = space.pairB[p]!;
  const pairDocuments = pairTables(space, k, p);
  const report: PairReport = {
    coders: [data.coders[a]!, data.coders[b]!],
    n_documents: pairDocuments,
    pooled: binaryCoefficients({ both: pooled[0]!, a_only: pooled[1]!, b_only: pooled[2]!, neither: pooled[3]! }),
    weighted_mean: weightedMeans(space),
  };
  if (data.byDocument) {
    report.by_document = [];
    for (let d = 0; d < documents; d++) {
      if (tables[d * 4 + 3]! < 0) continue;
      const table: BinaryTable = {
        both: tables[d * 4]!,
        a_only: tables[d * 4 + 1]!,
        b_only: tables[d * 4 + 2]!,
        neither: tables[d * 4 + 3]!,
      };
      report.by_document.push({ document: data.documents[d]!, ...binaryCoefficients(table) });
    }
  }
  if (space.resamples !== null) {
    bootstrapPair(report.pooled, tables, space.resamples, documents, data.bootstrap!.samples, space.values);
  }
  return report;
}

/**
 * Pair p's table for each document into `tables` and their sum into `pooled` (for the documents both coders were
 * assigned); on the unitizing continuum the same merges feed the pair's unitizing sums. Returns the documents counted.
 */
function pairTables(space: Workspace, k: number, p: number): number {
  const { data, runs, tables, onContinuum, pairSums } = space;
  const documents = data.documents.length;
  const coders = data.coders.length;
  const a = space.pairA[p]!;
  const b = space.pairB[p]!;
  let pairDocuments = 0;
  let both = 0;
  let aOnly = 0;
  let bOnly = 0;
  let neither = 0;
  for (let d = 0; d < documents; d++) {
    if (!data.assigned[d * coders + a] || !data.assigned[d * coders + b]) {
      tables[d * 4 + 3] = -1;
      continue;
    }
    pairDocuments++;
    const ga = (k * documents + d) * coders + a;
    const gb = ga - a + b;
    const aFrom = runs.offsets[ga]!;
    const aTo = runs.offsets[ga + 1]!;
    const bFrom = runs.offsets[gb]!;
    const bTo = runs.offsets[gb + 1]!;
    const documentBoth =
      onContinuum?.[d] === 1
        ? comparePair(runs.starts, runs.ends, aFrom, aTo, runs.starts, runs.ends, bFrom, bTo, pairSums, p * PAIR_SLOTS)
        : intersectionLength(runs.starts, runs.ends, aFrom, aTo, bFrom, bTo);
    const documentAOnly = runs.covered[ga]! - documentBoth;
    const documentBOnly = runs.covered[gb]! - documentBoth;
    const documentNeither = runs.lengths[d]! - documentBoth - documentAOnly - documentBOnly;
    tables[d * 4] = documentBoth;
    tables[d * 4 + 1] = documentAOnly;
    tables[d * 4 + 2] = documentBOnly;
    tables[d * 4 + 3] = documentNeither;
    both += documentBoth;
    aOnly += documentAOnly;
    bOnly += documentBOnly;
    neither += documentNeither;
  }
  space.pooled[0] = both;
  space.pooled[1] = aOnly;
  space.pooled[2] = bOnly;
  space.pooled[3] = neither;
  return pairDocuments;
}

/** Code k's coverage histogram of every document, with the number of coders assigned to each. */
function codeHistograms(space: Workspace, k: number): void {
  const { runs, data, events, histogram, assignedCount } = space;
  const width = data.coders.length + 1;
  histogram.fill(0);
  for (let d = 0; d < assignedCount.length; d++) {
    assignedCount[d] = coverageHistogram(runs, data, k, d, events, histogram, d * width);
  }
}

/** Sum of per-document histograms into hist[m * width + k], optionally weighted by a bootstrap sample's draws. */
function pooledHistogram(
  histogram: Positions,
  assignedCount: Int32Array,
  width: number,
  plan: Uint32Array | null,
  sample: number,
): Float64Array {
  const documents = assignedCount.length;
  const pooled = new Float64Array(width * width);
  for (let d = 0; d < documents; d++) {
    const times = plan === null ? 1 : plan[sample * documents + d]!;
    if (times === 0) continue;
    const m = assignedCount[d]!;
    for (let k = 0; k <= m; k++) pooled[m * width + k]! += times * histogram[d * width + k]!;
  }
  return pooled;
}

/** Length-weighted mean of each pair coefficient over the documents (in `tables`) where it is defined. */
function weightedMeans(space: Workspace): PairReport['weighted_mean'] {
  const { sums, weights, counts } = space;
  accumulateWeighted(space.tables, space.runs.lengths, space.values, sums, weights, counts);
  const result = {} as PairReport['weighted_mean'];
  for (let slot = 0; slot < BINARY_SLOTS; slot++) {
    const key = BINARY_KEYS[slot]!;
    if (weights[slot]! > 0) {
      const mean: Coefficient & { documents?: number } = toCoefficient(sums[slot]! / weights[slot]!, key, 1);
      mean.documents = counts[slot]!;
      result[key] = mean;
    } else {
      result[key] = undefinedCoefficient('undefined in every document of this pair');
    }
  }
  return result;
}

/** Per slot, the sum of length x value, the sum of lengths and the count over documents where the value is defined. */
function accumulateWeighted(
  tables: Positions,
  lengths: Positions,
  values: Float64Array,
  sums: Float64Array,
  weights: Float64Array,
  counts: Int32Array,
): void {
  sums.fill(0);
  weights.fill(0);
  counts.fill(0);
  for (let d = 0; d < lengths.length; d++) {
    const neither = tables[d * 4 + 3]!;
    if (neither < 0) continue;
    const length = lengths[d]!;
    binaryValues(tables[d * 4]!, tables[d * 4 + 1]!, tables[d * 4 + 2]!, neither, values);
    for (let slot = 0; slot < BINARY_SLOTS; slot++) {
      const value = values[slot]!;
      if (Number.isNaN(value)) continue;
      sums[slot]! += length * value;
      weights[slot]! += length;
      counts[slot]! += 1;
    }
  }
}

function bootstrapPair(
  pooled: BinaryCoefficients,
  tables: Positions,
  plan: Uint32Array,
  documents: number,
  samples: number,
  values: Float64Array,
): void {
  const perSlot = new Float64Array(samples * BINARY_SLOTS);
  for (let s = 0; s < samples; s++) {
    let both = 0;
    let aOnly = 0;
    let bOnly = 0;
    let neither = 0;
    for (let d = 0; d < documents; d++) {
      const times = plan[s * documents + d]!;
      if (times === 0 || tables[d * 4 + 3]! < 0) continue;
      both += times * tables[d * 4]!;
      aOnly += times * tables[d * 4 + 1]!;
      bOnly += times * tables[d * 4 + 2]!;
      neither += times * tables[d * 4 + 3]!;
    }
    binaryValues(both, aOnly, bOnly, neither, values);
    for (let slot = 0; slot < BINARY_SLOTS; slot++) perSlot[slot * samples + s] = values[slot]!;
  }
  BINARY_KEYS.forEach((key, slot) => {
    attachInterval(pooled[key], perSlot.subarray(slot * samples, (slot + 1) * samples));
  });
}
