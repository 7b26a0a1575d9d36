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
import { intersectionLength } from './intervals.js';
import { krippendorffAlpha } from './krippendorff.js';
import { type MatchingReport, segmentMatching } from './matching.js';
import { brennanPrediger, fleissKappa, gwetAc, observedAgreement, percentAgreement } from './multirater.js';
import { type Profiles, profilesFromCoverage } from './profiles.js';
import { buildRuns, type CodedRuns, toSegmentRuns } from './runs.js';
import { type CodeUnitizing, codeUnitizing, type ProjectUnitizing, unitizingPlan } from './spanUnitizing.js';
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
  events: Float64Array,
  into: Float64Array,
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
function sortEvents(events: Float64Array, count: number): void {
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

/** Span agreement for every code: pair tables, all-coder coefficients, unitizing, optional bootstrap over documents. */
export function spansReport(data: SpansData): SpansReport {
  const documents = data.documents.length;
  const coders = data.coders.length;
  const characterRuns = buildRuns(data);
  const runs = data.segments === null ? characterRuns : toSegmentRuns(characterRuns, data.segments, documents, coders);
  const width = coders + 1;
  const resamples =
    data.bootstrap === null ? null : resamplePlan(documents, data.bootstrap.samples, data.bootstrap.seed);
  const samples = data.bootstrap?.samples ?? 0;

  let maxEvents = 0;
  for (let code = 0; code < data.codes.length; code++) {
    for (let d = 0; d < documents; d++) {
      const g = (code * documents + d) * coders;
      maxEvents = Math.max(maxEvents, 2 * (runs.offsets[g + coders]! - runs.offsets[g]!));
    }
  }
  const events = new Float64Array(maxEvents);
  const tables = new Float64Array(documents * 4);
  const documentValues = new Float64Array(BINARY_SLOTS);
  const histogram = new Float64Array(documents * width);
  const assignedCount = new Int32Array(documents);
  const pairs: [number, number][] = [];
  for (let a = 0; a < coders; a++) for (let b = a + 1; b < coders; b++) pairs.push([a, b]);

  const plan = data.unitizing ? unitizingPlan(data, characterRuns) : null;
  // The unitizing merges run on the same runs as the tables: unitizing is only computed on characters.
  const onContinuum = plan !== null && plan.reason === null ? plan.onContinuum : null;
  const pairSums = new Float64Array(pairs.length * PAIR_SLOTS);
  const sums = new Float64Array(BINARY_SLOTS);
  const weights = new Float64Array(BINARY_SLOTS);
  const counts = new Int32Array(BINARY_SLOTS);
  const codes: CodeReport[] = data.codes.map((code, k) => {
    pairSums.fill(0);
    const pairReports = pairs.map(([a, b], p) => {
      let pooledBoth = 0;
      let pooledAOnly = 0;
      let pooledBOnly = 0;
      let pooledNeither = 0;
      let pairDocuments = 0;
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
        const both =
          onContinuum?.[d] === 1
            ? comparePair(
                runs.starts,
                runs.ends,
                aFrom,
                aTo,
                runs.starts,
                runs.ends,
                bFrom,
                bTo,
                pairSums,
                p * PAIR_SLOTS,
              )
            : intersectionLength(runs.starts, runs.ends, aFrom, aTo, bFrom, bTo);
        const aOnly = runs.covered[ga]! - both;
        const bOnly = runs.covered[gb]! - both;
        const neither = runs.lengths[d]! - both - aOnly - bOnly;
        tables[d * 4] = both;
        tables[d * 4 + 1] = aOnly;
        tables[d * 4 + 2] = bOnly;
        tables[d * 4 + 3] = neither;
        pooledBoth += both;
        pooledAOnly += aOnly;
        pooledBOnly += bOnly;
        pooledNeither += neither;
      }
      const report: PairReport = {
        coders: [data.coders[a]!, data.coders[b]!],
        n_documents: pairDocuments,
        pooled: binaryCoefficients({
          both: pooledBoth,
          a_only: pooledAOnly,
          b_only: pooledBOnly,
          neither: pooledNeither,
        }),
        weighted_mean: weightedMeans(tables, runs.lengths, documentValues, sums, weights, counts),
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
      if (resamples !== null) bootstrapPair(report.pooled, tables, resamples, documents, samples, documentValues);
      return report;
    });

    histogram.fill(0);
    for (let d = 0; d < documents; d++) {
      assignedCount[d] = coverageHistogram(runs, data, k, d, events, histogram, d * width);
    }
    const all = allCodersCoefficients(
      profilesFromCoverage(pooledHistogram(histogram, assignedCount, width, null, 0), coders),
    );
    if (resamples !== null) {
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
    pairs.forEach(([a, b], i) => {
      const value = pairReports[i]!.pooled.cohen_kappa.value;
      matrix[a]![b] = value;
      matrix[b]![a] = value;
    });
    const report: CodeReport = {
      code,
      pairs: pairReports,
      all_coders: { n_coders: coders, ...all, pairwise: { coders: [...data.coders], cohen_kappa: matrix } },
    };
    if (plan !== null) report.unitizing = codeUnitizing(plan, data, characterRuns, k, pairSums);
    if (data.threshold !== null) {
      const alpha = all.krippendorff_alpha.value;
      report.below_threshold = alpha !== null && alpha < data.threshold;
    }
    return report;
  });

  const report: SpansReport = {
    kind: 'spans',
    unit: data.segments === null ? 'character' : 'segment',
    n_documents: documents,
    coders: [...data.coders],
    codes,
  };
  if (plan !== null) report.unitizing = plan.project.report;
  if (data.segments !== null) report.min_coverage = data.segments.minCoverage;
  if (data.segmentMatching !== null)
    report.segment_matching = segmentMatching(data, characterRuns, data.segmentMatching.overlap);
  if (data.bootstrap !== null) report.bootstrap = { ...data.bootstrap, resampled: 'documents' };
  return report;
}

/** Sum of per-document histograms into hist[m * width + k], optionally weighted by a bootstrap sample's draws. */
function pooledHistogram(
  histogram: Float64Array,
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

/** Length-weighted mean of per-document values over the documents where the value is defined (scratch: values on). */
function weightedMeans(
  tables: Float64Array,
  lengths: Float64Array,
  values: Float64Array,
  sums: Float64Array,
  weights: Float64Array,
  counts: Int32Array,
): PairReport['weighted_mean'] {
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

function bootstrapPair(
  pooled: BinaryCoefficients,
  tables: Float64Array,
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
