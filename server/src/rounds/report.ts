import {
  BINARY_KEYS,
  buildSpansInput,
  type CodeSummary,
  type CsvValue,
  describeDecision,
  docName,
  fixedDigits,
  INTERVAL_METHOD,
  type IntervalReading,
  MIN_INTERVAL_TRANSCRIPTS,
  ROUND_BOOTSTRAP,
  readCodes,
  roundAgreement,
  type SpansInput,
  type SpansReport,
  type Thresholds,
  toCsv,
  type UnitKind,
} from '@accord/shared';
import { SEGMENTATION_METHODS, type SegmentationVersion } from '@accord/shared/text/index';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import { reportLocale, translator } from '../i18n/index.js';
import type { Project, Round, SnapshotRecord } from '../metadata/schema.js';
import { type Html, html, htmlDocument, joinHtml, localeDateTime, pageLanguage } from '../render/html.js';
import { nameDoc } from '../sync/skippedEntries.js';
import { VERSION } from '../version.js';
import { copyOfLiveDoc, FROZEN_CODEBOOK_SNAPSHOT, loadRoundData, type RoundData } from './data.js';
import { reviewList } from './review.js';

export interface UnitChoice {
  unit: UnitKind;
  minCoverage: number;
}

export function roundSpansInput(
  data: RoundData,
  choice: UnitChoice,
  bootstrap?: { samples: number; seed: number },
): SpansInput {
  return buildSpansInput(
    data.transcripts.map((t) => ({ id: t.id, text: t.text, turns: t.turns, coders: t.coders, language: t.language })),
    data.transcripts.flatMap((t) =>
      [...t.layers].map(([coder, layer]) => ({ document: t.id, coder, codings: layer.codings })),
    ),
    {
      unit: choice.unit,
      minCoverage: choice.minCoverage,
      segmentation: data.segmentation,
      ...(bootstrap ? { bootstrap } : {}),
    },
  );
}

/** How a round's units were cut: the method and its version, each transcript's language, and the platform. */
export interface SegmentationInfo {
  version: SegmentationVersion;
  method: string;
  /** Per transcript, the language its sentences were cut with (null: the root rules). Only version 2 uses it. */
  languages: Record<string, string | null>;
  /** Version 2 follows the platform's Unicode data: the Unicode and ICU versions of the server that computed it. */
  platform: { unicode: string | null; icu: string | null };
}

export function segmentationInfo(data: RoundData): SegmentationInfo {
  return {
    version: data.segmentation,
    method: SEGMENTATION_METHODS[data.segmentation],
    languages: Object.fromEntries(data.transcripts.map((t) => [t.id, t.language])),
    platform: { unicode: process.versions.unicode ?? null, icu: process.versions.icu ?? null },
  };
}

export const thresholdsOf = (project: Project): Thresholds => ({
  kappa: project.settings.kappaThreshold,
  alpha: project.settings.alphaThreshold,
});

export interface CodeInfo {
  id: string;
  name: string;
  definition: string;
}

/** Codes of the round's frozen codebook, then any code added to the live codebook since (inductive coding). */
export async function roundCodes(
  ctx: AppContext,
  round: Round,
): Promise<{ frozen: CodeInfo[]; all: Map<string, CodeInfo> }> {
  const frozenName = docName({ kind: 'roundCodebook', project: round.projectId, round: round.id });
  const frozenDoc = nameDoc(new Y.Doc(), frozenName);
  Y.applyUpdate(
    frozenDoc,
    await ctx.sync.readSnapshot(frozenName, round.codebookSnapshot?.snapshotId ?? FROZEN_CODEBOOK_SNAPSHOT),
  );
  const info = (doc: Y.Doc) => readCodes(doc).map(({ id, name, definition }) => ({ id, name, definition }));
  const frozen = info(frozenDoc);
  const all = new Map<string, CodeInfo>();
  for (const code of info(await copyOfLiveDoc(ctx, docName({ kind: 'codebook', project: round.projectId }))))
    all.set(code.id, code);
  for (const code of frozen) all.set(code.id, code);
  return { frozen, all };
}

export interface RoundAgreement {
  input: SpansInput;
  agreement: SpansReport;
  codes: (CodeSummary & { name: string })[];
  thresholds: Thresholds;
  segmentation: SegmentationInfo;
}

/**
 * The round's agreement exactly as the dashboard computes it (`roundAgreement`, shared/src/rounds/summary.ts): the
 * same input, the same seeded bootstrap over transcripts and the same interval reading, so a figure and its interval
 * are the same on screen and in every report. Intervals cost a thousand resamples: asked for by the report and the
 * agreement view, not by the gate or the history.
 */
export function computeRoundAgreement(
  data: RoundData,
  choice: UnitChoice,
  thresholds: Thresholds,
  codeNames: ReadonlyMap<string, CodeInfo>,
  options: { intervals?: boolean } = {},
): RoundAgreement {
  const { input, report, rows } = roundAgreement(roundSpansInput(data, choice), thresholds, {
    intervals: options.intervals ?? false,
  });
  const codes = rows.map((row) => ({ ...row, name: codeNames.get(row.code)?.name ?? row.code }));
  return { input, agreement: report, codes, thresholds, segmentation: segmentationInfo(data) };
}

/** What happened in review, as the method text and the report tell it. */
export interface ReviewSummary {
  revealed: boolean;
  disagreements: number;
  resolved: number;
  open: number;
  /** Adjudicators with how many decisions each, most first. */
  by: { id: string; name: string; decisions: number }[];
  decisions: {
    transcript: string;
    passage: string;
    codes: string[];
    decision: string;
    /** The decision in words: "kept Cora Coder’s coding". */
    words: string;
    by: string;
    at: number;
    memo: string;
  }[];
}

/** Names of accounts (by id; the id when the account is gone) and titles of the round's project's transcripts. */
async function roundNames(ctx: AppContext, round: Round) {
  const names = new Map((await ctx.metadata.users.list()).map((u) => [u.id, u.name]));
  const titles = new Map((await ctx.metadata.transcripts.listByProject(round.projectId)).map((t) => [t.id, t.title]));
  return { userName: (id: string) => names.get(id) ?? id, titles };
}

export async function reviewSummary(
  ctx: AppContext,
  round: Round,
  data: RoundData,
  codeNames: ReadonlyMap<string, CodeInfo>,
): Promise<ReviewSummary> {
  const { userName, titles } = await roundNames(ctx, round);
  const codeName = (id: string) => codeNames.get(id)?.name ?? id;
  const items = round.status === 'revealed' ? await reviewList(ctx, round, data, {}) : [];
  const decided = items.filter((item) => item.resolution !== null);
  const counts = new Map<string, number>();
  for (const item of decided) counts.set(item.resolution!.decidedBy, (counts.get(item.resolution!.decidedBy) ?? 0) + 1);
  return {
    revealed: round.status === 'revealed',
    disagreements: items.length,
    resolved: decided.length,
    open: items.length - decided.length,
    by: [...counts]
      .map(([id, decisions]) => ({ id, name: userName(id), decisions }))
      .sort((a, b) => b.decisions - a.decisions || a.name.localeCompare(b.name)),
    decisions: decided.map((item) => {
      const resolution = item.resolution!;
      return {
        transcript: titles.get(item.transcriptId) ?? item.transcriptId,
        passage: item.text,
        codes: item.codes.map(codeName),
        decision: resolution.decision,
        words: describeDecision(resolution.decision, {
          coderA: userName(item.coders[0]),
          coderB: userName(item.coders[1]),
          code: resolution.code === undefined ? undefined : codeName(resolution.code),
        }),
        by: userName(resolution.decidedBy),
        at: resolution.decidedAt,
        memo: resolution.memo,
      };
    }),
  };
}

export interface ReliabilityReport {
  generator: { name: 'Accord'; version: string; generatedAt: number };
  round: {
    id: string;
    name: string;
    mode: Round['mode'];
    createdAt: number;
    revealedAt: number | null;
    forcedReveal: boolean;
    sample: { percent: number; seed: number; populationSize: number } | null;
  };
  unit: UnitChoice;
  /** How sentences, paragraphs and speaker turns were cut (the round's segmentation version). */
  segmentation: SegmentationInfo;
  coders: { id: string; name: string }[];
  adjudicators: { id: string; name: string }[];
  transcripts: { id: string; title: string; length: number; coders: string[] }[];
  codebook: { docName: string; snapshotId: string; sha256: string; codes: CodeInfo[] } | null;
  snapshots: SnapshotRecord[];
  thresholds: Thresholds;
  codes: RoundAgreement['codes'];
  codebookChanges: Round['codebookChanges'];
  review: ReviewSummary;
  /** How every interval of the report was obtained (the same as the dashboard's). */
  intervals: {
    method: typeof INTERVAL_METHOD;
    samples: number;
    seed: number;
    minimumTranscripts: number;
    /** Codes shown without an interval, and why. */
    without: { code: string; name: string; warning: string }[];
  };
  method: string;
  references: string[];
  /** `accord agreement` on `input` prints exactly `agreement`. */
  input: SpansInput;
  agreement: SpansReport;
}

const UNIT_TEXT: Record<UnitKind, string> = {
  character: 'the character (UTF-16 code unit of the transcript text)',
  sentence: 'the sentence',
  paragraph: 'the paragraph',
  speakerTurn: 'the speaker turn',
  transcript: 'the whole transcript (presence or absence of each code)',
};

/** How the report's units were cut, in words: only sentences, paragraphs and text-labelled turns depend on it. */
const CUT_TEXT: Record<SegmentationVersion, Partial<Record<UnitKind, string>>> = {
  1: {
    sentence: 'sentences ending after ".", "!", "?" or "…" followed by whitespace, or at a line break',
    paragraph: 'paragraphs being lines of text',
    speakerTurn: 'speaker turns as recorded at import, or starting at "Name:" labels',
  },
  2: {
    sentence: "sentence boundaries by the Unicode text segmentation rules (UAX #29) with each transcript's language",
    paragraph: 'paragraphs being lines of text, also ended by Unicode line and paragraph separators',
    speakerTurn: 'speaker turns as recorded at import, or starting at speaker labels in any script',
  },
};

/** The unit with how it was cut, e.g. "the sentence (… ; Accord segmentation version 2)". */
export function unitText(unit: UnitKind, segmentation: Pick<SegmentationInfo, 'version'>): string {
  const cut = CUT_TEXT[segmentation.version][unit];
  return cut === undefined
    ? UNIT_TEXT[unit]
    : `${UNIT_TEXT[unit]} (${cut}; Accord segmentation version ${segmentation.version})`;
}

export async function buildReport(
  ctx: AppContext,
  round: Round,
  data: RoundData,
  result: RoundAgreement,
  codes: { frozen: CodeInfo[] },
  choice: UnitChoice,
  review: ReviewSummary,
): Promise<ReliabilityReport> {
  const { userName, titles } = await roundNames(ctx, round);
  const report: ReliabilityReport = {
    generator: { name: 'Accord', version: VERSION, generatedAt: Date.now() },
    round: {
      id: round.id,
      name: round.name,
      mode: round.mode,
      createdAt: round.createdAt,
      revealedAt: round.revealedAt,
      forcedReveal: round.forced,
      sample: round.sample && {
        percent: round.sample.percent,
        seed: round.sample.seed,
        populationSize: round.sample.population.length,
      },
    },
    unit: choice,
    segmentation: result.segmentation,
    coders: result.input.coders.map((id) => ({ id, name: userName(id) })),
    adjudicators: round.adjudicators.map((id) => ({ id, name: userName(id) })),
    transcripts: data.transcripts.map((t) => ({
      id: t.id,
      title: titles.get(t.id) ?? t.id,
      length: t.text.length,
      coders: t.coders,
    })),
    codebook: round.codebookSnapshot && { ...round.codebookSnapshot, codes: codes.frozen },
    snapshots: round.snapshots,
    thresholds: result.thresholds,
    codes: result.codes,
    codebookChanges: round.codebookChanges,
    review,
    intervals: {
      method: INTERVAL_METHOD,
      samples: ROUND_BOOTSTRAP.samples,
      seed: ROUND_BOOTSTRAP.seed,
      minimumTranscripts: MIN_INTERVAL_TRANSCRIPTS,
      without: result.codes
        .filter((c) => c.intervals.kappa.ci95 === null && c.intervals.kappa.warning !== null)
        .map((c) => ({ code: c.code, name: c.name, warning: c.intervals.kappa.warning! })),
    },
    method: '',
    references: [],
    input: result.input,
    agreement: result.agreement,
  };
  report.method = methodText(report);
  report.references = referencesFor(report);
  return report;
}

const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined ? 'undefined' : fixedDigits(value, digits);
/** `fixed` under another name, for `reportHtml`'s own (locale-aware) `fixed`. */
const fixedIn = fixed;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const listNames = (names: readonly string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** How review went, in the words of a methods section: never claims more than the decisions recorded. */
function reviewSentence(report: ReliabilityReport): string {
  const r = report.review;
  if (!r.revealed) {
    return 'The round had not been revealed when this report was generated: the figures are from the coders’ live layers and no disagreement had been reviewed.';
  }
  if (r.disagreements === 0)
    return 'The coders’ layers did not disagree on any passage, so there was nothing to resolve.';
  const by = listNames(r.by.map((a) => (r.by.length > 1 ? `${a.name} (${a.decisions})` : a.name)));
  if (r.resolved === 0) {
    return `Of ${plural(r.disagreements, 'disagreement')} between coders, none had been resolved when this report was generated; the consensus layer holds only the codings identical in every layer.`;
  }
  if (r.open === 0) {
    return `All ${plural(r.disagreements, 'disagreement')} between coders were resolved into a consensus layer by ${by}, each decision recorded with its adjudicator, time and rationale.`;
  }
  return `Of ${plural(r.disagreements, 'disagreement')} between coders, ${r.resolved} ${r.resolved === 1 ? 'was' : 'were'} resolved into a consensus layer by ${by} (each decision recorded with its adjudicator, time and rationale) and ${r.open} remained unresolved when this report was generated, so the consensus layer is incomplete.`;
}

/** How the intervals were obtained, and where there are none. */
function intervalSentence(report: ReliabilityReport): string {
  const i = report.intervals;
  const n = report.transcripts.length;
  if (n < i.minimumTranscripts) {
    return `No confidence intervals are reported: the round has ${plural(n, 'transcript')}, and an interval needs at least ${i.minimumTranscripts} (units within a transcript are not independent, so transcripts are the units to resample, and a bootstrap over fewer has too few distinct resamples to give an interval).`;
  }
  const without =
    i.without.length > 0
      ? ` No interval is given for ${listNames(i.without.map((w) => w.name))} (too few transcripts coded by both coders, or the coefficient undefined in too many resamples).`
      : '';
  const few =
    n < 10 ? ' With fewer than 10 transcripts these intervals are approximate and tend to be too narrow.' : '';
  return `Because characters and segments within a transcript are not independent units, 95% confidence intervals were obtained by a ${i.method} (${i.samples} resamples, seed ${i.seed}), for codes coded by both coders in at least ${i.minimumTranscripts} transcripts.${without}${few}`;
}

/** A paragraph a researcher can paste into a methods section, generated from what happened in this round. */
export function methodText(report: ReliabilityReport): string {
  const n = report.transcripts.length;
  const coders = report.coders.length;
  const sample = report.round.sample;
  const selection = sample
    ? `a random sample of ${n} of ${sample.populationSize} transcripts (${sample.percent}%, drawn with seed ${sample.seed})`
    : `${plural(n, 'transcript')} selected by the research team`;
  const perTranscript = [...new Set(report.transcripts.map((t) => t.coders.length))].sort().join(' or ');
  const blind =
    report.round.mode === 'blind'
      ? 'Coders worked independently and could not see one another’s codings, cursors or selections until the round was revealed; the server enforced this and logged every reveal.'
      : 'Coders could see one another’s codings while coding (an open round).';
  const forced = report.round.forcedReveal
    ? ' The round was revealed by its owner before every coder had marked their transcripts done (a forced reveal), so some layers may be unfinished.'
    : '';
  const codebook = report.codebook
    ? `the codebook as frozen at the start of the round (${report.codebook.codes.length} codes; SHA-256 ${report.codebook.sha256.slice(0, 12)}…)`
    : 'the project codebook';
  const headline = report.codes.map((c) => c.kappa.value).filter((v): v is number => v !== null);
  const range =
    headline.length > 0
      ? `${fixed(Math.min(...headline))} to ${fixed(Math.max(...headline))}`
      : 'undefined for every code';
  const kappaName = coders > 2 ? "Fleiss' kappa" : "Cohen's kappa";
  const flagged = report.codes.filter((c) => c.flags.length > 0).map((c) => c.name);
  const changes = report.codebookChanges.length;
  return [
    `Intercoder reliability was assessed on ${selection}, each coded by ${perTranscript} of ${coders} coders (${report.coders.map((c) => c.name).join(', ')}) using ${codebook}.`,
    blind + forced,
    `Agreement was computed per code with Accord ${report.generator.version}, taking ${unitText(report.unit.unit, report.segmentation)} as the unit of analysis${report.unit.unit === 'character' ? '' : ` (a unit counted as coded when a coding covered ${report.unit.minCoverage > 0 ? `at least ${report.unit.minCoverage * 100}% of it` : 'any part of it'})`}: for each code, every unit was classed as coded or not coded by each coder, a coder's own overlapping codings counting once, and a coder not assigned a transcript was treated as missing.`,
    `Tables were pooled across transcripts. We report percent agreement, ${kappaName} (${coders > 2 ? 'Fleiss, 1971' : 'Cohen, 1960'}), ${coders > 2 ? 'Brennan and Prediger’s coefficient (Brennan & Prediger, 1981)' : 'PABAK (Byrt, Bishop & Carlin, 1993)'}, Gwet's AC1 (Gwet, 2008) and Krippendorff's alpha (nominal; Krippendorff, 2004).`,
    intervalSentence(report),
    `${kappaName} ranged from ${range} across ${plural(report.codes.length, 'code')}. Codes with kappa below ${report.thresholds.kappa} were flagged for discussion and alpha below ${report.thresholds.alpha} was considered unreliable (Landis & Koch, 1977; Krippendorff, 2004)${flagged.length > 0 ? `; flagged: ${flagged.join(', ')}` : ''}.`,
    reviewSentence(report),
    changes > 0
      ? `During review, ${plural(changes, 'code definition')} ${changes === 1 ? 'was' : 'were'} changed; each change is recorded with the round.`
      : '',
    `The coders' layers were snapshotted at reveal (SHA-256 digests listed in the report); running \`accord agreement\` on the exported input reproduces every figure.`,
  ]
    .filter(Boolean)
    .join(' ');
}

const REFERENCES: Record<string, string> = {
  brennan:
    'Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and alternatives. Educational and Psychological Measurement, 41(3), 687–699.',
  byrt: 'Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. Journal of Clinical Epidemiology, 46(5), 423–429.',
  cohen:
    'Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological Measurement, 20(1), 37–46.',
  efron: 'Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. Chapman & Hall.',
  fleiss:
    'Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin, 76(5), 378–382.',
  gwet: 'Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high agreement. British Journal of Mathematical and Statistical Psychology, 61(1), 29–48.',
  krippendorff: 'Krippendorff, K. (2004). Content analysis: An introduction to its methodology (2nd ed.). Sage.',
  landis:
    'Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for categorical data. Biometrics, 33(1), 159–174.',
};

/** The works the method text cites, for the coefficients this report used. */
export function referencesFor(report: ReliabilityReport): string[] {
  const keys = ['gwet', 'krippendorff', 'landis'];
  keys.push(...(report.coders.length > 2 ? ['fleiss', 'brennan'] : ['cohen', 'byrt']));
  if (report.transcripts.length >= report.intervals.minimumTranscripts) keys.push('efron');
  return keys.map((key) => REFERENCES[key]!).sort((a, b) => a.localeCompare(b));
}

/**
 * Long format: one row per code x coder group x statistic, full precision, through the one CSV writer: figures are
 * numbers (a kappa of -0.25 stays -0.25), and a code name a spreadsheet would evaluate gets a leading `'` unless
 * `formulaSafe` is false.
 */
export function reportCsv(report: ReliabilityReport, options: { formulaSafe?: boolean } = {}): string {
  const header = [
    'round',
    'unit',
    'codebook_sha256',
    'code',
    'code_name',
    'coders',
    'statistic',
    'value',
    'ci95_low',
    'ci95_high',
    'bootstrap_ci95_low',
    'bootstrap_ci95_high',
    'interpretation',
    'flags',
    'reason',
    'segmentation',
  ];
  const rows: CsvValue[][] = [header];
  const names = new Map(report.codes.map((c) => [c.code, c.name]));
  const flags = new Map(report.codes.map((c) => [c.code, c.flags.join(' ')]));
  const push = (
    code: string,
    coders: string[],
    statistic: string,
    c: import('@accord/shared').Coefficient,
    flagged = '',
  ) =>
    rows.push([
      report.round.id,
      report.unit.unit,
      report.codebook?.sha256 ?? '',
      code,
      names.get(code) ?? code,
      coders.join(' '),
      statistic,
      c.value,
      c.ci95?.[0],
      c.ci95?.[1],
      c.bootstrap_ci95?.[0],
      c.bootstrap_ci95?.[1],
      c.interpretation,
      flagged,
      c.reason,
      report.segmentation.version,
    ]);
  for (const code of report.agreement.codes) {
    for (const pair of code.pairs) {
      for (const key of BINARY_KEYS) {
        push(
          code.code,
          pair.coders,
          key,
          pair.pooled[key],
          key === 'cohen_kappa' && code.pairs.length === 1 ? flags.get(code.code) : '',
        );
      }
    }
    if (report.coders.length > 2) {
      const all = code.all_coders;
      for (const key of [
        'percent_agreement',
        'fleiss_kappa',
        'krippendorff_alpha',
        'gwet_ac1',
        'brennan_prediger',
      ] as const) {
        push(code.code, report.input.coders, key, all[key], key === 'fleiss_kappa' ? flags.get(code.code) : '');
      }
    }
  }
  return toCsv(rows, { formulaSafe: options.formulaSafe ?? true });
}

/** The report's one interval reading (the dashboard's): bounds, or the reason there are none. */
const ci = (reading: IntervalReading) =>
  reading.ci95 ? `[${fixed(reading.ci95[0], 3)}, ${fixed(reading.ci95[1], 3)}]${reading.warning ? ' *' : ''}` : '—';

const REPORT_STYLE = html`body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#111;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}tr.flag td{background:#fdecea}code{font-size:12px;word-break:break-all}.method{background:#f6f6f6;padding:1rem;border-left:4px solid #0072b2}
.warning{border-left:4px solid #b35900;background:#fff4e5;padding:.5rem .8rem}.refs li{margin-bottom:.3rem}.noprint{color:#444}
@media print{@page{margin:18mm}body{margin:0;max-width:none;font-size:10.5pt;padding:0}a{color:inherit}.noprint{display:none}
h2{break-after:avoid}table,tr,.method{break-inside:avoid}th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}`;

const reviewLine = (r: ReviewSummary) =>
  !r.revealed
    ? 'The round has not been revealed: no disagreement has been reviewed.'
    : `${plural(r.disagreements, 'disagreement')}: ${r.resolved} resolved${r.by.length > 0 ? ` (${r.by.map((a) => `${a.name}: ${a.decisions}`).join(', ')})` : ''}, ${r.open} unresolved.`;

/**
 * A self-contained printable page (no scripts, no external resources), built with `html`, which escapes. `lang` is
 * the project's report language: the page's `<html lang>`, and its dates and figures are written in that locale
 * (without one, in English: ISO 8601 dates and decimal points, as the Markdown and CSV have them). Its headings and
 * fixed labels are in that language too (server/src/i18n: German for `de…`, else English); the generated method
 * text, interpretations and flags stay English (docs/i18n.md).
 */
export function reportHtml(report: ReliabilityReport, options: { lang?: string | null } = {}): string {
  const lang = pageLanguage(options.lang);
  const t = translator(reportLocale(options.lang));
  const english = lang === 'en' || lang.startsWith('en-');
  const numbers = (digits: number) =>
    new Intl.NumberFormat(lang, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      signDisplay: 'negative',
    });
  const fixed = (value: number | null | undefined, digits = 2) =>
    english || value === null || value === undefined || !Number.isFinite(value)
      ? fixedIn(value, digits)
      : numbers(digits).format(value);
  const ci = (reading: IntervalReading) =>
    reading.ci95 ? `[${fixed(reading.ci95[0], 3)}, ${fixed(reading.ci95[1], 3)}]${reading.warning ? ' *' : ''}` : '—';
  const moment = (at: number) => (english ? new Date(at).toISOString() : localeDateTime(at, lang));
  const minute = (at: number) =>
    english ? new Date(at).toISOString().slice(0, 16).replace('T', ' ') : localeDateTime(at, lang);
  const threshold = (value: number) => (english ? String(value) : new Intl.NumberFormat(lang).format(value));
  const names = new Map(report.coders.map((c) => [c.id, c.name]));
  const rows = (items: readonly Html[]) => joinHtml(items, html`\n`);
  const codeRows = rows(
    report.codes.map(
      (c) =>
        html`<tr${c.flags.length > 0 && html` class="flag"`}><td>${c.name}</td><td>${fixed(c.kappa.value, 3)}</td><td title="${c.intervals.kappa.warning ?? ''}">${ci(c.intervals.kappa)}</td><td>${c.kappa.interpretation ?? c.kappa.reason ?? ''}</td><td>${fixed(c.percentAgreement.value, 3)}</td><td>${fixed(c.pabak.value, 3)}</td><td>${fixed(c.ac1.value, 3)}</td><td>${fixed(c.alpha.value, 3)}</td><td>${ci(c.intervals.alpha)}</td><td>${c.alpha.interpretation ?? ''}</td><td>${c.flags.join(', ')}</td></tr>`,
    ),
  );
  const pairRows = rows(
    report.agreement.codes.flatMap((code) =>
      code.pairs.map(
        (p) =>
          html`<tr><td>${report.codes.find((c) => c.code === code.code)?.name ?? code.code}</td><td>${p.coders.map((id) => names.get(id) ?? id).join(' / ')}</td><td>${p.n_documents}</td><td>${fixed(p.pooled.cohen_kappa.value, 3)}</td><td>${fixed(p.pooled.percent_agreement.value, 3)}</td></tr>`,
      ),
    ),
  );
  const snapshotRows = rows(
    report.snapshots.map((s) => html`<tr><td><code>${s.docName}</code></td><td><code>${s.sha256}</code></td></tr>`),
  );
  const transcriptRows = rows(
    report.transcripts.map(
      (t) =>
        html`<tr><td>${t.title}</td><td>${t.length}</td><td>${t.coders.map((id) => names.get(id) ?? id).join(', ')}</td></tr>`,
    ),
  );
  const decisionRows = rows(
    report.review.decisions.map(
      (d) =>
        html`<tr><td>${d.transcript}</td><td>${d.passage}</td><td>${d.codes.join(', ')}</td><td>${d.words}</td><td>${d.by}</td><td>${minute(d.at)}</td><td>${d.memo}</td></tr>`,
    ),
  );
  const intervalWarning =
    report.intervals.without.length > 0 &&
    html`<p class="warning">${t('reliability.noInterval', {
      codes:
        report.intervals.without.length === report.codes.length
          ? t('reliability.noIntervalAny')
          : report.intervals.without.map((w) => w.name).join(', '),
      warning: report.intervals.without[0]!.warning,
    })}</p>`;
  const r = report.review;
  const review = !r.revealed
    ? t('reliability.notRevealedReview')
    : t('reliability.reviewLine', {
        disagreements: t('reliability.disagreements', { count: r.disagreements }),
        resolved: r.resolved,
        by: r.by.length > 0 ? ` (${r.by.map((a) => `${a.name}: ${a.decisions}`).join(', ')})` : '',
        open: r.open,
      });
  const [roundBefore, roundAfter] = t('reliability.round', {
    mode: report.round.mode,
    revealed: report.round.revealedAt ? moment(report.round.revealedAt) : t('reliability.notRevealed'),
  }).split('{id}');
  const ths = (ids: readonly Parameters<typeof t>[0][]) => joinHtml(ids.map((id) => html`<th>${t(id)}</th>`));
  const kappaName = report.coders.length > 2 ? "Fleiss' kappa" : "Cohen's kappa";
  const title = t('reliability.title', { name: report.round.name });
  return htmlDocument({
    title,
    lang,
    style: REPORT_STYLE,
    body: html`<h1>${title}</h1>
<p class="noprint">${t('reliability.printHint')}</p>
<p>${roundBefore}<code>${report.round.id}</code>${roundAfter}${report.round.forcedReveal && html` <strong>${t('reliability.forced')}</strong>`}. ${t('reliability.unit', { unit: unitText(report.unit.unit, report.segmentation) })} ${t('reliability.generated', { version: report.generator.version, date: moment(report.generator.generatedAt) })}</p>
<p>${t('reliability.coders', { names: report.coders.map((c) => c.name).join(', ') })} ${t('reliability.codebook')} <code>${report.codebook?.sha256 ?? t('reliability.noCodebook')}</code>. ${t('reliability.thresholds', { kappa: threshold(report.thresholds.kappa), alpha: threshold(report.thresholds.alpha) })}</p>
<p><strong>${t('reliability.review')}</strong> ${review}</p>
<h2>${t('reliability.method')}</h2><p class="method">${report.method}</p>
<h2>${t('reliability.perCode')}</h2>
${intervalWarning}
<table><thead><tr><th>${t('reliability.code')}</th><th>${kappaName}</th>${ths(['reliability.ci', 'reliability.interpretation', 'reliability.percentAgreement'])}<th>PABAK</th><th>AC1</th><th>Krippendorff's alpha</th>${ths(['reliability.ci', 'reliability.interpretation', 'reliability.flags'])}</tr></thead>
<tbody>${codeRows}</tbody></table>
<p>${t('reliability.intervalNote', { method: report.intervals.method, samples: report.intervals.samples, seed: report.intervals.seed, minimum: report.intervals.minimumTranscripts })}</p>
<h2>${t('reliability.pairs')}</h2>
<table><thead><tr>${ths(['reliability.code', 'reliability.pair', 'reliability.transcripts'])}<th>Cohen's kappa</th>${ths(['reliability.percentAgreement'])}</tr></thead><tbody>${pairRows}</tbody></table>
<h2>${t('reliability.decisions')}</h2>
${report.review.decisions.length > 0 ? html`<table><thead><tr>${ths(['reliability.transcript', 'reliability.passage', 'reliability.codes', 'reliability.decision', 'reliability.by', 'reliability.when', 'reliability.rationale'])}</tr></thead><tbody>${decisionRows}</tbody></table>` : html`<p>${t('reliability.noDecision')}</p>`}
<h2>${t('reliability.transcripts')}</h2>
<table><thead><tr>${ths(['reliability.transcript', 'reliability.length', 'reliability.codersColumn'])}</tr></thead><tbody>${transcriptRows}</tbody></table>
<h2>${t('reliability.snapshots')}</h2>
<table><thead><tr>${ths(['reliability.document'])}<th>SHA-256</th></tr></thead><tbody>${snapshotRows}</tbody></table>
<h2>${t('reliability.references')}</h2>
<ol class="refs">${rows(report.references.map((r) => html`<li>${r}</li>`))}</ol>`,
  });
}

/** Markdown characters that would change the meaning of a table cell or line, escaped. */
const md = (text: string) => text.replace(/([\\`*_{}[\]<>#|])/g, '\\$1').replace(/\r?\n/g, ' ');

/** The report as Markdown, for a paper's supplement or a pandoc conversion to DOCX. */
export function reportMarkdown(report: ReliabilityReport): string {
  const kappaName = report.coders.length > 2 ? "Fleiss' kappa" : "Cohen's kappa";
  const table = (header: string[], body: string[][]) =>
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...body.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  const lines = [
    `# Reliability report: ${md(report.round.name)}`,
    '',
    `Round \`${report.round.id}\` (${report.round.mode}), revealed ${report.round.revealedAt ? new Date(report.round.revealedAt).toISOString() : 'not yet'}${report.round.forcedReveal ? ' (forced before every coder was done)' : ''}. Unit: ${unitText(report.unit.unit, report.segmentation)}. Generated by Accord ${report.generator.version} on ${new Date(report.generator.generatedAt).toISOString()}.`,
    '',
    `**Review:** ${md(reviewLine(report.review))}`,
    '',
    '## Method',
    '',
    md(report.method),
    '',
    '## Agreement per code',
    '',
    table(
      ['Code', kappaName, '95% CI', '% agreement', 'PABAK', 'AC1', "Krippendorff's alpha", '95% CI', 'Flags'],
      report.codes.map((c) => [
        md(c.name),
        fixed(c.kappa.value, 3),
        ci(c.intervals.kappa),
        fixed(c.percentAgreement.value, 3),
        fixed(c.pabak.value, 3),
        fixed(c.ac1.value, 3),
        fixed(c.alpha.value, 3),
        ci(c.intervals.alpha),
        c.flags.join(', '),
      ]),
    ),
    '',
    `95% CI: ${report.intervals.method} (${report.intervals.samples} resamples, seed ${report.intervals.seed}), given when at least ${report.intervals.minimumTranscripts} transcripts were coded by both coders; * marks an approximate interval (fewer than 10 transcripts).${report.intervals.without.length > 0 ? ` No interval for ${report.intervals.without.map((w) => md(w.name)).join(', ')}: ${md(report.intervals.without[0]!.warning)}.` : ''}`,
    '',
    '## Decisions',
    '',
    report.review.decisions.length === 0
      ? 'No decision recorded.'
      : table(
          ['Transcript', 'Passage', 'Codes', 'Decision', 'By', 'Rationale'],
          report.review.decisions.map((d) => [
            md(d.transcript),
            md(d.passage),
            md(d.codes.join(', ')),
            md(d.words),
            md(d.by),
            md(d.memo),
          ]),
        ),
    '',
    '## References',
    '',
    ...report.references.map((r) => `- ${md(r)}`),
    '',
  ];
  return lines.join('\n');
}

/** The reliability report of a revealed round, from its reveal snapshots and its recorded decisions. */
export async function roundReport(
  ctx: AppContext,
  project: Project,
  round: Round,
  choice: UnitChoice,
): Promise<ReliabilityReport> {
  const data = await loadRoundData(ctx, round);
  const codes = await roundCodes(ctx, round);
  const result = computeRoundAgreement(data, choice, thresholdsOf(project), codes.all, { intervals: true });
  const review = await reviewSummary(ctx, round, data, codes.all);
  return buildReport(ctx, round, data, result, codes, choice, review);
}
