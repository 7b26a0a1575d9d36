import { type CsvValue, csvCell } from '../csv.js';
import type { Coefficient } from './coefficient.js';
import type { RatingsReport } from './ratings.js';
import type { SpansReport } from './spans.js';

/** Through the one CSV writer: code and coder names come from the input file, and may look like formulas. */
function line(values: CsvValue[]): string {
  return values.map((value) => csvCell(value)).join(',');
}

const SPANS_HEADER = [
  'code',
  'coder_a',
  'coder_b',
  'documents',
  'both',
  'a_only',
  'b_only',
  'neither',
  'percent_agreement',
  'cohen_kappa',
  'cohen_kappa_se',
  'cohen_kappa_ci95_low',
  'cohen_kappa_ci95_high',
  'cohen_kappa_interpretation',
  'cohen_kappa_bootstrap_ci95_low',
  'cohen_kappa_bootstrap_ci95_high',
  'scott_pi',
  'pabak',
  'gwet_ac1',
  'krippendorff_alpha',
  'weighted_mean_cohen_kappa',
  'cohen_kappa_undefined_reason',
];

/** The spans report as CSV, one row per code x coder pair, full precision, empty cells for undefined values. */
export function spansCsv(report: SpansReport): string {
  const rows = [line(SPANS_HEADER)];
  for (const code of report.codes) {
    for (const pair of code.pairs) {
      const { pooled } = pair;
      const kappa = pooled.cohen_kappa;
      rows.push(
        line([
          code.code,
          pair.coders[0],
          pair.coders[1],
          pair.n_documents,
          pooled.table.both,
          pooled.table.a_only,
          pooled.table.b_only,
          pooled.table.neither,
          pooled.percent_agreement.value,
          kappa.value,
          kappa.se,
          kappa.ci95?.[0],
          kappa.ci95?.[1],
          kappa.interpretation,
          kappa.bootstrap_ci95?.[0],
          kappa.bootstrap_ci95?.[1],
          pooled.scott_pi.value,
          pooled.pabak.value,
          pooled.gwet_ac1.value,
          pooled.krippendorff_alpha.value,
          pair.weighted_mean.cohen_kappa.value,
          kappa.reason,
        ]),
      );
    }
  }
  return `${rows.join('\n')}\n`;
}

/** Ratings and table reports as CSV, one row per coefficient. */
export function ratingsCsv(report: RatingsReport): string {
  const rows = [line(['coefficient', 'value', 'se', 'ci95_low', 'ci95_high', 'z', 'interpretation', 'reason'])];
  const add = (name: string, c: Coefficient) =>
    rows.push(line([name, c.value, c.se, c.ci95?.[0], c.ci95?.[1], c.z, c.interpretation, c.reason]));
  for (const [name, value] of Object.entries(report)) {
    if (name === 'krippendorff_alpha') {
      for (const [level, alpha] of Object.entries(report.krippendorff_alpha)) add(`krippendorff_alpha_${level}`, alpha);
    } else if (typeof value === 'object' && value !== null && 'value' in value) {
      add(name, value as Coefficient);
    }
  }
  return `${rows.join('\n')}\n`;
}
