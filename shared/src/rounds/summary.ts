import {
  type IntervalReading,
  intervalReading,
  MIN_INTERVAL_TRANSCRIPTS,
  ROUND_BOOTSTRAP,
} from '../agreement/bootstrap.js';
import type { Coefficient } from '../agreement/coefficient.js';
import { computeAgreement } from '../agreement/index.js';
import type { SpansReport } from '../agreement/spans.js';
import type { SpansInput } from './spansInput.js';

/**
 * The dashboard's and the report's reading of a spans report: one row per code with the headline coefficients
 * and threshold flags. With two coders the headline is the pair's pooled Cohen's kappa; with three or more it is
 * Fleiss' kappa over all coders (the pairwise Cohen matrix stays available), and Krippendorff's alpha always.
 */
export interface Thresholds {
  /** Below this kappa a code is flagged "discuss". */
  kappa: number;
  /** Below this alpha a code is flagged "unreliable". */
  alpha: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { kappa: 0.6, alpha: 0.667 };

export type AgreementFlag = 'discuss' | 'unreliable';

export interface CodeSummary {
  code: string;
  kappaName: "Cohen's kappa" | "Fleiss' kappa";
  kappa: Coefficient;
  percentAgreement: Coefficient;
  /** PABAK (two coders) or Brennan & Prediger (more): the same statistic for a coded / not coded table. */
  pabak: Coefficient;
  ac1: Coefficient;
  alpha: Coefficient;
  flags: AgreementFlag[];
  /** The intervals shown for the headline kappa and alpha: one method, see `intervalReading`. */
  intervals: { kappa: IntervalReading; alpha: IntervalReading };
}

export function flagsFor(kappa: number | null, alpha: number | null, thresholds: Thresholds): AgreementFlag[] {
  const flags: AgreementFlag[] = [];
  if (kappa !== null && kappa < thresholds.kappa) flags.push('discuss');
  if (alpha !== null && alpha < thresholds.alpha) flags.push('unreliable');
  return flags;
}

export function summariseCodes(report: SpansReport, thresholds: Thresholds = DEFAULT_THRESHOLDS): CodeSummary[] {
  return report.codes.map((code) => {
    const pair = code.pairs.length === 1 ? code.pairs[0]! : null;
    const all = code.all_coders;
    const row: Omit<CodeSummary, 'flags' | 'intervals'> =
      pair !== null
        ? {
            code: code.code,
            kappaName: "Cohen's kappa",
            kappa: pair.pooled.cohen_kappa,
            percentAgreement: pair.pooled.percent_agreement,
            pabak: pair.pooled.pabak,
            ac1: pair.pooled.gwet_ac1,
            alpha: pair.pooled.krippendorff_alpha,
          }
        : {
            code: code.code,
            kappaName: "Fleiss' kappa",
            kappa: all.fleiss_kappa,
            percentAgreement: all.percent_agreement,
            pabak: all.brennan_prediger,
            ac1: all.gwet_ac1,
            alpha: all.krippendorff_alpha,
          };
    const transcripts = pair !== null ? pair.n_documents : sharedDocuments(code.pairs);
    return {
      ...row,
      flags: flagsFor(row.kappa.value, row.alpha.value, thresholds),
      intervals: {
        kappa: intervalReading(row.kappa, transcripts),
        alpha: intervalReading(row.alpha, transcripts),
      },
    };
  });
}

/** Documents coded by at least two coders: the union of the pairs' documents. */
function sharedDocuments(pairs: SpansReport['codes'][number]['pairs']): number {
  const documents = new Set<string>();
  let most = 0;
  for (const pair of pairs) {
    most = Math.max(most, pair.n_documents);
    for (const document of pair.by_document ?? []) documents.add(document.document);
  }
  return Math.max(most, documents.size);
}

export interface RoundAgreementResult {
  /** The input as computed, with the bootstrap when there were enough transcripts: `accord agreement` reproduces it. */
  input: SpansInput;
  report: SpansReport;
  rows: CodeSummary[];
}

/**
 * A round's agreement as the dashboard and every report show it: the same input, the same bootstrap (seeded, so
 * the browser and the server get the same bounds), the same reading of the intervals. With fewer transcripts than
 * an interval needs, no bootstrap is run at all.
 */
export function roundAgreement(
  input: SpansInput,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
  options: { intervals?: boolean } = {},
): RoundAgreementResult {
  const { bootstrap: _ignored, ...rest } = input;
  const intervals = options.intervals ?? true;
  const used: SpansInput =
    intervals && input.documents.length >= MIN_INTERVAL_TRANSCRIPTS
      ? { ...rest, bootstrap: { ...ROUND_BOOTSTRAP } }
      : rest;
  const report = computeAgreement(used) as SpansReport;
  const rows = summariseCodes(report, thresholds);
  if (!intervals) {
    // A thousand resamples per change would slow a live dashboard, and the gate and history show no interval.
    for (const row of rows) {
      for (const key of ['kappa', 'alpha'] as const) {
        const reading = row.intervals[key];
        if (reading.ci95 === null && reading.transcripts < MIN_INTERVAL_TRANSCRIPTS) continue;
        row.intervals[key] = { ...reading, ci95: null, samples: null, warning: NOT_COMPUTED };
      }
    }
  }
  return { input: used, report, rows };
}

/** The reading where intervals were not asked for (a live round, the gate, the history across rounds). */
export const NOT_COMPUTED = 'intervals are computed from the reveal snapshots, once the round is revealed';

/** The mean of the defined headline values over codes: one point of the history across rounds. */
export function meanOf(rows: readonly CodeSummary[], pick: (row: CodeSummary) => Coefficient): number | null {
  const values = rows.map((row) => pick(row).value).filter((value): value is number => value !== null);
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}
