import {
  BINARY_KEYS,
  buildSpansInput,
  type CodeSummary,
  type Coefficient,
  type CsvValue,
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
import { t as message, type ReportLocale, type ReportMessageId, reportLocale, translator } from '../i18n/index.js';
import { agreementWord, decisionWords, intervalWarning, undefinedReason } from '../i18n/words.js';
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
    /** The decision in words, in the report's language: "kept Cora Coder’s coding". */
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

/** What happened in review; each decision in words in the project's report language `language`. */
export async function reviewSummary(
  ctx: AppContext,
  round: Round,
  data: RoundData,
  codeNames: ReadonlyMap<string, CodeInfo>,
  language: string | null = null,
): Promise<ReviewSummary> {
  const locale = reportLocale(language);
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
        words: decisionWords(locale, resolution.decision, {
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
  /**
   * The project's report language (`settings.language`, null for English): the language of `method` and of the
   * decisions' `words`, and the default of `reportHtml` and `reportMarkdown`. Keys and the engine's values stay
   * English.
   */
  language: string | null;
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

/** How the report's units were cut, in words: only sentences, paragraphs and text-labelled turns depend on it. */
const CUT_TEXT: Record<SegmentationVersion, Partial<Record<UnitKind, ReportMessageId>>> = {
  1: { sentence: 'unit.cut1.sentence', paragraph: 'unit.cut1.paragraph', speakerTurn: 'unit.cut1.speakerTurn' },
  2: { sentence: 'unit.cut2.sentence', paragraph: 'unit.cut2.paragraph', speakerTurn: 'unit.cut2.speakerTurn' },
};

/**
 * The unit with how it was cut, e.g. "the sentence (… ; Accord segmentation version 2)", in the report language
 * `locale` ("der Satz (…; Accord-Segmentierungsversion 2)").
 */
export function unitText(
  unit: UnitKind,
  segmentation: Pick<SegmentationInfo, 'version'>,
  locale: ReportLocale = 'en',
): string {
  const cut = CUT_TEXT[segmentation.version][unit];
  const text = message(locale, `unit.${unit}`);
  return cut === undefined
    ? text
    : message(locale, 'unit.cut', { unit: text, cut: message(locale, cut), version: segmentation.version });
}

/** How the report's intervals were computed, and the codes left without one (with the reason). */
export function intervalsOf(codes: ReliabilityReport['codes']): ReliabilityReport['intervals'] {
  return {
    method: INTERVAL_METHOD,
    samples: ROUND_BOOTSTRAP.samples,
    seed: ROUND_BOOTSTRAP.seed,
    minimumTranscripts: MIN_INTERVAL_TRANSCRIPTS,
    without: codes
      .filter((c) => c.intervals.kappa.ci95 === null && c.intervals.kappa.warning !== null)
      .map((c) => ({ code: c.code, name: c.name, warning: c.intervals.kappa.warning! })),
  };
}

export async function buildReport(
  ctx: AppContext,
  round: Round,
  data: RoundData,
  result: RoundAgreement,
  codes: { frozen: CodeInfo[] },
  choice: UnitChoice,
  review: ReviewSummary,
  language: string | null = null,
): Promise<ReliabilityReport> {
  const { userName, titles } = await roundNames(ctx, round);
  const report: ReliabilityReport = {
    generator: { name: 'Accord', version: VERSION, generatedAt: Date.now() },
    language,
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
    intervals: intervalsOf(result.codes),
    method: '',
    references: [],
    input: result.input,
    agreement: result.agreement,
  };
  report.method = methodText(report);
  report.references = referencesFor(report);
  return report;
}

/**
 * How a report in `language` writes its words, numbers and moments. English (the default) as ever: decimal points
 * (`fixedDigits`), ISO 8601 moments, plain integers. German: the catalogue's words, and numbers and dates through
 * `Intl` in the project's tag (`0,623`, `1.000`, `6. Dezember 2026 um 15:04 UTC`). `page` is the same for the HTML
 * page's tables and dates, which have always followed any tag (`fr` too); the prose of the method text and the
 * Markdown follow `locale`, so an English text never carries another language's decimal commas.
 */
export function reportFormats(language: string | null | undefined, options: { page?: boolean } = {}) {
  const lang = pageLanguage(language);
  const locale = reportLocale(language);
  const english = options.page ? lang === 'en' || lang.startsWith('en-') : locale === 'en';
  const numbers = (digits: number) =>
    new Intl.NumberFormat(lang, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      signDisplay: 'negative',
    });
  const say = translator(locale);
  const format = {
    lang,
    locale,
    english,
    t: say,
    /** A figure to `digits` decimals; "undefined" (in the report's language) when there is none. */
    fixed: (value: number | null | undefined, digits = 2): string =>
      value === null || value === undefined || !Number.isFinite(value)
        ? say('reliability.undefined')
        : english
          ? fixedDigits(value, digits)
          : numbers(digits).format(value),
    /** A count or a threshold as given (`0.6`, `1000`). */
    number: (value: number): string => (english ? String(value) : new Intl.NumberFormat(lang).format(value)),
    moment: (at: number): string => (english ? new Date(at).toISOString() : localeDateTime(at, lang)),
    minute: (at: number): string =>
      english ? new Date(at).toISOString().slice(0, 16).replace('T', ' ') : localeDateTime(at, lang),
    /** The report's one interval reading (the dashboard's): bounds, or the reason there are none. */
    ci: (reading: IntervalReading): string =>
      reading.ci95
        ? `[${format.fixed(reading.ci95[0], 3)}, ${format.fixed(reading.ci95[1], 3)}]${reading.warning ? ' *' : ''}`
        : '—',
    /** An interpretation, flag or coefficient name from the engine, in the report's language. */
    word: (word: string): string => agreementWord(locale, word),
    /** "A, B and C". */
    list: (names: readonly string[]): string =>
      names.length <= 1
        ? (names[0] ?? '')
        : say('list.and', { rest: names.slice(0, -1).join(', '), last: names[names.length - 1]! }),
  };
  return format;
}

type Formats = ReturnType<typeof reportFormats>;

/** How review went, in the words of a methods section: never claims more than the decisions recorded. */
function reviewSentence(report: ReliabilityReport, f: Formats): string {
  const { t, number } = f;
  const r = report.review;
  if (!r.revealed) return t('method.notRevealed');
  if (r.disagreements === 0) return t('method.noDisagreement');
  const by = f.list(
    r.by.map((a) =>
      r.by.length > 1 ? t('method.adjudicator', { name: a.name, decisions: number(a.decisions) }) : a.name,
    ),
  );
  const disagreements = t('reliability.disagreements', { count: r.disagreements, countText: number(r.disagreements) });
  if (r.resolved === 0) return t('method.noneResolved', { disagreements });
  if (r.open === 0) {
    return t('method.allResolved', { count: r.disagreements, countText: number(r.disagreements), by });
  }
  return t('method.someResolved', {
    count: r.resolved,
    countText: number(r.resolved),
    disagreements,
    by,
    open: number(r.open),
  });
}

/** How the intervals were obtained, and where there are none. */
function intervalSentence(report: ReliabilityReport, f: Formats): string {
  const { t, number } = f;
  const i = report.intervals;
  const n = report.transcripts.length;
  if (n < i.minimumTranscripts) {
    return t('method.noIntervals', {
      transcripts: t('method.transcripts', { count: n, countText: number(n) }),
      minimum: number(i.minimumTranscripts),
    });
  }
  return [
    t('method.intervals', {
      method: f.word(i.method),
      samples: number(i.samples),
      seed: String(i.seed),
      minimum: number(i.minimumTranscripts),
    }),
    i.without.length > 0 && t('method.withoutInterval', { codes: f.list(i.without.map((w) => w.name)) }),
    n < 10 && t('method.fewTranscripts'),
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * A paragraph a researcher can paste into a methods section, generated from what happened in this round, in the
 * report's language (`language`, by default the one it was built in): each sentence is a catalogue message
 * (server/src/i18n, `method.*`) with its figures and names as arguments.
 */
export function methodText(report: ReliabilityReport, language: string | null = report.language ?? null): string {
  const f = reportFormats(language);
  const { t, number } = f;
  const n = report.transcripts.length;
  const coders = report.coders.length;
  const sample = report.round.sample;
  const selection = sample
    ? t('method.sample', {
        n: number(n),
        population: number(sample.populationSize),
        percent: number(sample.percent),
        seed: String(sample.seed),
      })
    : t('method.selected', { count: n, countText: number(n) });
  const perTranscript = [...new Set(report.transcripts.map((t) => t.coders.length))]
    .sort()
    .map(number)
    .join(t('method.or'));
  const codebook = report.codebook
    ? t('method.frozenCodebook', {
        count: report.codebook.codes.length,
        countText: number(report.codebook.codes.length),
        digest: report.codebook.sha256.slice(0, 12),
      })
    : t('method.projectCodebook');
  const headline = report.codes.map((c) => c.kappa.value).filter((v): v is number => v !== null);
  const kappaName = f.word(coders > 2 ? "Fleiss' kappa" : "Cohen's kappa");
  const codes = t('method.codes', { count: report.codes.length, countText: number(report.codes.length) });
  const flagged = report.codes.filter((c) => c.flags.length > 0).map((c) => c.name);
  const changes = report.codebookChanges.length;
  const coverage =
    report.unit.unit === 'character'
      ? ''
      : ` (${
          report.unit.minCoverage > 0
            ? t('method.coverageAtLeast', { percent: number(report.unit.minCoverage * 100) })
            : t('method.coverageAny')
        })`;
  return [
    t('method.assessed', {
      selection,
      perTranscript,
      coders: number(coders),
      names: report.coders.map((c) => c.name).join(', '),
      codebook,
    }),
    t(report.round.mode === 'blind' ? 'method.blind' : 'method.open'),
    report.round.forcedReveal && t('method.forced'),
    t('method.computed', {
      version: report.generator.version,
      unit: unitText(report.unit.unit, report.segmentation, f.locale),
      coverage,
    }),
    t('method.coefficients', {
      kappa: kappaName,
      kappaCitation: coders > 2 ? 'Fleiss, 1971' : 'Cohen, 1960',
      chanceFree: t(coders > 2 ? 'method.brennanPrediger' : 'method.pabak'),
      ac1: f.word("Gwet's AC1"),
      alpha: f.word("Krippendorff's alpha"),
    }),
    intervalSentence(report, f),
    headline.length > 0
      ? t('method.range', {
          kappa: kappaName,
          min: f.fixed(Math.min(...headline)),
          max: f.fixed(Math.max(...headline)),
          codes,
        })
      : t('method.rangeUndefined', { kappa: kappaName, codes }),
    t('method.thresholds', {
      kappa: number(report.thresholds.kappa),
      alpha: number(report.thresholds.alpha),
      flagged: flagged.length > 0 ? t('method.flagged', { codes: flagged.join(', ') }) : '',
    }),
    reviewSentence(report, f),
    changes > 0 && t('method.changes', { count: changes, countText: number(changes) }),
    t('method.reproduce'),
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
  const push = (code: string, coders: string[], statistic: string, c: Coefficient, flagged = '') =>
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

const REPORT_STYLE = html`body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#111;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}tr.flag td{background:#fdecea}code{font-size:12px;word-break:break-all}.method{background:#f6f6f6;padding:1rem;border-left:4px solid #0072b2}
.warning{border-left:4px solid #b35900;background:#fff4e5;padding:.5rem .8rem}.refs li{margin-bottom:.3rem}.noprint{color:#444}
@media print{@page{margin:18mm}body{margin:0;max-width:none;font-size:10.5pt;padding:0}a{color:inherit}.noprint{display:none}
h2{break-after:avoid}table,tr,.method{break-inside:avoid}th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}`;

/** The review in one line: how many disagreements, how many resolved and by whom, how many remain. */
function reviewLine(r: ReviewSummary, f: Formats): string {
  const { t, number } = f;
  if (!r.revealed) return t('reliability.notRevealedReview');
  return t('reliability.reviewLine', {
    disagreements: t('reliability.disagreements', { count: r.disagreements, countText: number(r.disagreements) }),
    resolved: number(r.resolved),
    by: r.by.length > 0 ? ` (${r.by.map((a) => `${a.name}: ${number(a.decisions)}`).join(', ')})` : '',
    open: number(r.open),
  });
}

/** Why the codes in `intervals.without` have no interval (the first one's reading), in the report's language. */
function withoutIntervalWarning(report: ReliabilityReport, f: Formats): string {
  const first = report.intervals.without[0]!;
  const reading = report.codes.find((c) => c.code === first.code)?.intervals.kappa;
  return (reading && intervalWarning(f.locale, reading, f.number)) ?? first.warning;
}

/**
 * A self-contained printable page (no scripts, no external resources), built with `html`, which escapes. `lang` is
 * the project's report language (by default the report's own): the page's `<html lang>`, and its dates and figures
 * are written in that locale (without one, in English: ISO 8601 dates and decimal points, as the Markdown and CSV
 * have them). Its words are in that language too (server/src/i18n: German for `de…`, else English): headings,
 * labels, the method text, interpretations, reasons, flags, warnings and coefficient names.
 */
export function reportHtml(report: ReliabilityReport, options: { lang?: string | null } = {}): string {
  const language = options.lang !== undefined ? options.lang : report.language;
  const page = reportFormats(language, { page: true });
  const prose = reportFormats(language);
  const { lang, locale, fixed, ci } = page;
  const { t, word } = prose;
  const names = new Map(report.coders.map((c) => [c.id, c.name]));
  const rows = (items: readonly Html[]) => joinHtml(items, html`\n`);
  const reading = (c: Coefficient) =>
    c.interpretation !== undefined
      ? word(c.interpretation)
      : c.reason !== undefined
        ? undefinedReason(locale, c.reason)
        : '';
  const codeRows = rows(
    report.codes.map(
      (c) =>
        html`<tr${c.flags.length > 0 && html` class="flag"`}><td>${c.name}</td><td>${fixed(c.kappa.value, 3)}</td><td title="${intervalWarning(locale, c.intervals.kappa, prose.number) ?? ''}">${ci(c.intervals.kappa)}</td><td>${reading(c.kappa)}</td><td>${fixed(c.percentAgreement.value, 3)}</td><td>${fixed(c.pabak.value, 3)}</td><td>${fixed(c.ac1.value, 3)}</td><td>${fixed(c.alpha.value, 3)}</td><td>${ci(c.intervals.alpha)}</td><td>${c.alpha.interpretation === undefined ? '' : word(c.alpha.interpretation)}</td><td>${c.flags.map(word).join(', ')}</td></tr>`,
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
        html`<tr><td>${d.transcript}</td><td>${d.passage}</td><td>${d.codes.join(', ')}</td><td>${d.words}</td><td>${d.by}</td><td>${page.minute(d.at)}</td><td>${d.memo}</td></tr>`,
    ),
  );
  const intervalWarningBox =
    report.intervals.without.length > 0 &&
    html`<p class="warning">${t('reliability.noInterval', {
      codes:
        report.intervals.without.length === report.codes.length
          ? t('reliability.noIntervalAny')
          : report.intervals.without.map((w) => w.name).join(', '),
      warning: withoutIntervalWarning(report, prose),
    })}</p>`;
  const [roundBefore, roundAfter] = t('reliability.round', {
    mode: t(`reliability.mode.${report.round.mode}`),
    revealed: report.round.revealedAt ? page.moment(report.round.revealedAt) : t('reliability.notRevealed'),
  }).split('{id}');
  const ths = (ids: readonly ReportMessageId[]) => joinHtml(ids.map((id) => html`<th>${t(id)}</th>`));
  const kappaName = word(report.coders.length > 2 ? "Fleiss' kappa" : "Cohen's kappa");
  const title = t('reliability.title', { name: report.round.name });
  return htmlDocument({
    title,
    lang,
    style: REPORT_STYLE,
    body: html`<h1>${title}</h1>
<p class="noprint">${t('reliability.printHint')}</p>
<p>${roundBefore}<code>${report.round.id}</code>${roundAfter}${report.round.forcedReveal && html` <strong>${t('reliability.forced')}</strong>`}. ${t('reliability.unit', { unit: unitText(report.unit.unit, report.segmentation, locale) })} ${t('reliability.generated', { version: report.generator.version, date: page.moment(report.generator.generatedAt) })}</p>
<p>${t('reliability.coders', { names: report.coders.map((c) => c.name).join(', ') })} ${t('reliability.codebook')} <code>${report.codebook?.sha256 ?? t('reliability.noCodebook')}</code>. ${t('reliability.thresholds', { kappa: page.number(report.thresholds.kappa), alpha: page.number(report.thresholds.alpha) })}</p>
<p><strong>${t('reliability.review')}</strong> ${reviewLine(report.review, prose)}</p>
<h2>${t('reliability.method')}</h2><p class="method">${methodText(report, language)}</p>
<h2>${t('reliability.perCode')}</h2>
${intervalWarningBox}
<table><thead><tr><th>${t('reliability.code')}</th><th>${kappaName}</th>${ths(['reliability.ci', 'reliability.interpretation', 'reliability.percentAgreement'])}<th>PABAK</th><th>AC1</th><th>${word("Krippendorff's alpha")}</th>${ths(['reliability.ci', 'reliability.interpretation', 'reliability.flags'])}</tr></thead>
<tbody>${codeRows}</tbody></table>
<p>${t('reliability.intervalNote', { method: word(report.intervals.method), samples: prose.number(report.intervals.samples), seed: String(report.intervals.seed), minimum: prose.number(report.intervals.minimumTranscripts) })} ${t('reliability.intervalNoteMore')}</p>
<h2>${t('reliability.pairs')}</h2>
<table><thead><tr>${ths(['reliability.code', 'reliability.pair', 'reliability.transcripts'])}<th>${word("Cohen's kappa")}</th>${ths(['reliability.percentAgreement'])}</tr></thead><tbody>${pairRows}</tbody></table>
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

/**
 * The report as Markdown, for a paper's supplement or a pandoc conversion to DOCX, in the report's language (or
 * `lang`): English with ISO 8601 dates and decimal points, German with German words, numbers and dates.
 */
export function reportMarkdown(report: ReliabilityReport, options: { lang?: string | null } = {}): string {
  const language = options.lang !== undefined ? options.lang : report.language;
  const f = reportFormats(language);
  const { t, word, fixed, ci } = f;
  const kappaName = word(report.coders.length > 2 ? "Fleiss' kappa" : "Cohen's kappa");
  const table = (header: string[], body: string[][]) =>
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...body.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  const [roundBefore, roundAfter] = t('reliability.round', {
    mode: t(`reliability.mode.${report.round.mode}`),
    revealed: report.round.revealedAt ? f.moment(report.round.revealedAt) : t('reliability.notRevealed'),
  }).split('{id}');
  const without = report.intervals.without;
  const lines = [
    `# ${t('reliability.title', { name: md(report.round.name) })}`,
    '',
    `${roundBefore}\`${report.round.id}\`${roundAfter}${report.round.forcedReveal ? ` ${t('reliability.forced')}` : ''}. ${t('reliability.unit', { unit: unitText(report.unit.unit, report.segmentation, f.locale) })} ${t('reliability.generated', { version: report.generator.version, date: f.moment(report.generator.generatedAt) })}`,
    '',
    `**${t('reliability.review')}** ${md(reviewLine(report.review, f))}`,
    '',
    `## ${t('reliability.method')}`,
    '',
    md(methodText(report, language)),
    '',
    `## ${t('reliability.perCode')}`,
    '',
    table(
      [
        t('reliability.code'),
        kappaName,
        t('reliability.ci'),
        t('reliability.percentAgreement'),
        'PABAK',
        'AC1',
        word("Krippendorff's alpha"),
        t('reliability.ci'),
        t('reliability.flags'),
      ],
      report.codes.map((c) => [
        md(c.name),
        fixed(c.kappa.value, 3),
        ci(c.intervals.kappa),
        fixed(c.percentAgreement.value, 3),
        fixed(c.pabak.value, 3),
        fixed(c.ac1.value, 3),
        fixed(c.alpha.value, 3),
        ci(c.intervals.alpha),
        c.flags.map(word).join(', '),
      ]),
    ),
    '',
    `${t('reliability.intervalNote', { method: word(report.intervals.method), samples: f.number(report.intervals.samples), seed: String(report.intervals.seed), minimum: f.number(report.intervals.minimumTranscripts) })}${without.length > 0 ? ` ${t('reliability.noIntervalFor', { codes: without.map((w) => md(w.name)).join(', '), warning: md(withoutIntervalWarning(report, f)) })}` : ''}`,
    '',
    `## ${t('reliability.decisions')}`,
    '',
    report.review.decisions.length === 0
      ? t('reliability.noDecision')
      : table(
          [
            t('reliability.transcript'),
            t('reliability.passage'),
            t('reliability.codes'),
            t('reliability.decision'),
            t('reliability.by'),
            t('reliability.rationale'),
          ],
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
    `## ${t('reliability.references')}`,
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
  const language = project.settings.language ?? null;
  const review = await reviewSummary(ctx, round, data, codes.all, language);
  return buildReport(ctx, round, data, result, codes, choice, review, language);
}
