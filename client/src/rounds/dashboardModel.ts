import {
  buildSpansInput,
  type CoderLayer,
  type CodeSummary,
  computeAgreement,
  type RoundDocument,
  type SpansInput,
  type SpansReport,
  summariseCodes,
  type Thresholds,
  type UnitKind,
} from '@accord/shared';

/**
 * The dashboard's numbers: the same shared engine as `accord agreement` on the same spans input, so a figure
 * on screen can be checked on the command line. Pure, so the benchmark times exactly what the page runs.
 */
export interface DashboardData {
  input: SpansInput;
  report: SpansReport;
  rows: CodeSummary[];
}

export function computeDashboard(input: SpansInput, thresholds: Thresholds): DashboardData {
  const report = computeAgreement(input) as SpansReport;
  return { input, report, rows: summariseCodes(report, thresholds) };
}

/** The live round's input from its open documents: what the page recomputes after every change. */
export function liveDashboard(
  documents: readonly RoundDocument[],
  layers: readonly CoderLayer[],
  unit: UnitKind,
  minCoverage: number,
  thresholds: Thresholds,
): DashboardData {
  return computeDashboard(buildSpansInput(documents, layers, { unit, minCoverage }), thresholds);
}

/** Per transcript, for one code: each coder pair's Cohen's kappa and percent agreement on that transcript. */
export function perTranscript(report: SpansReport, code: string) {
  const entry = report.codes.find((c) => c.code === code);
  const rows = new Map<string, { pair: [string, string]; kappa: number | null; percent: number | null }[]>();
  for (const pair of entry?.pairs ?? []) {
    for (const doc of pair.by_document ?? []) {
      const list = rows.get(doc.document) ?? [];
      list.push({ pair: pair.coders, kappa: doc.cohen_kappa.value, percent: doc.percent_agreement.value });
      rows.set(doc.document, list);
    }
  }
  return rows;
}
