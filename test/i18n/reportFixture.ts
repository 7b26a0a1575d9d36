import { buildSpansInput, DEFAULT_THRESHOLDS, roundAgreement, type UnitKind } from '@accord/shared';
import type { SegmentationVersion } from '@accord/shared/text/index';
import { reportLocale } from '../../server/src/i18n/index.js';
import { decisionWords } from '../../server/src/i18n/words.js';
import {
  intervalsOf,
  methodText,
  type ReliabilityReport,
  type ReviewSummary,
  referencesFor,
} from '../../server/src/rounds/report.js';

/**
 * A reliability report as `buildReport` (server/src/rounds/report.ts) assembles it, from agreement the shared engine
 * computes on made-up transcripts: for the method text and the renderers in every variant a round can produce,
 * without a server. The real server's reports are tested in reportLanguage.test.ts and test/rounds/report.test.ts.
 */
export interface FixtureOptions {
  transcripts?: number;
  /** 2 (Cohen's kappa) or more (Fleiss' kappa). */
  coders?: number;
  unit?: UnitKind;
  minCoverage?: number;
  segmentation?: SegmentationVersion;
  mode?: 'blind' | 'open';
  forced?: boolean;
  sample?: { percent: number; seed: number; populationSize: number } | null;
  codebook?: boolean;
  codebookChanges?: number;
  /** Recorded decisions, shown in words in the report's decision table. */
  decisions?: { decision: string; code?: string; memo?: string }[];
  /** Disagreements, resolved, and adjudicators with their decisions; `revealed: false` for a live round. */
  review?: Partial<ReviewSummary>;
  /** Every coder codes both codes in every transcript alike: kappa undefined (0/0) for every code. */
  identical?: boolean;
  /** A third code, coded (differently) in the first transcript only: undefined in too many resamples for an interval. */
  rare?: 1 | 2;
  /** The first transcript is coded by two coders only ("each coded by 2 or 3 of 3 coders"). */
  partial?: boolean;
  language?: string | null;
}

const NAMES = ['Ana Alvarez', 'Ben Brandt', 'Cem Celik', 'Dora Dahl'];
const text = (i: number) =>
  `Interviewer: How was it, ${i}?\nP${i}: Hard at first. I felt alone and nobody called me back.\n` +
  `Interviewer: What helped?\nP${i}: My sister. She came every week and we talked about it.\n`;

export function fixtureReport(options: FixtureOptions = {}): ReliabilityReport {
  const count = options.transcripts ?? 6;
  const coders = NAMES.slice(0, options.coders ?? 2).map((name, i) => ({ id: `u${i + 1}`, name }));
  const unit = options.unit ?? 'character';
  const documents = Array.from({ length: count }, (_, i) => ({
    id: `t${i + 1}`,
    text: text(i + 1),
    turns: [],
    coders: coders.slice(0, options.partial && i === 0 ? 2 : coders.length).map((c) => c.id),
    language: 'en',
  }));
  const layers = documents.flatMap((document, i) =>
    coders
      .filter((coder) => document.coders.includes(coder.id))
      .map((coder, k) => {
        const at = (needle: string) => document.text.indexOf(needle);
        const span = (code: string, needle: string, trim = 0) => ({
          code,
          start: at(needle),
          end: at(needle) + needle.length - trim,
        });
        const codings = options.identical
          ? [
              { code: 'isolation', start: 0, end: document.text.length },
              { code: 'support', start: 0, end: document.text.length },
            ]
          : [
              span('isolation', 'I felt alone and nobody called me back', k === 1 && i % 2 === 0 ? 20 : 0),
              span('support', i % 3 === k ? 'My sister. She came every week' : 'She came every week'),
              ...(i % 4 === k ? [span('isolation', 'Hard at first')] : []),
              ...(options.rare && i === 0 ? [span('rare', k === 0 ? 'nobody called me back' : 'called me back')] : []),
              ...(options.rare === 2 && i === 1
                ? [span('rare2', k === 0 ? 'we talked about it' : 'talked about it')]
                : []),
            ];
        return { document: document.id, coder: coder.id, codings };
      }),
  );
  const segmentation = options.segmentation ?? 2;
  const input = buildSpansInput(documents, layers, {
    unit,
    minCoverage: options.minCoverage ?? 0,
    segmentation,
  });
  const { input: used, report: agreement, rows } = roundAgreement(input, DEFAULT_THRESHOLDS, { intervals: true });
  const codeNames: Record<string, string> = {
    isolation: 'Isolation',
    support: 'Support & care',
    rare: 'Rare',
    rare2: 'Rarer',
  };
  const codes = rows.map((row) => ({ ...row, name: codeNames[row.code] ?? row.code }));
  const review: ReviewSummary = {
    revealed: true,
    disagreements: 0,
    resolved: 0,
    open: 0,
    by: [],
    decisions: (options.decisions ?? []).map((d, i) => ({
      transcript: `Interview t${i + 1}`,
      passage: 'I felt alone',
      codes: ['Isolation'],
      decision: d.decision,
      words: decisionWords(reportLocale(options.language), d.decision, {
        coderA: coders[0]!.name,
        coderB: coders[1]!.name,
        code: d.code,
      }),
      by: 'Olive Owner',
      at: Date.UTC(2026, 11, 5, 10, i),
      memo: d.memo ?? '',
    })),
    ...options.review,
  };
  const report: ReliabilityReport = {
    generator: { name: 'Accord', version: '0.1.0', generatedAt: Date.UTC(2026, 11, 6, 15, 4) },
    language: options.language ?? null,
    round: {
      id: 'r1',
      name: 'Pilot <round>',
      mode: options.mode ?? 'blind',
      createdAt: Date.UTC(2026, 11, 1),
      revealedAt: review.revealed ? Date.UTC(2026, 11, 5, 9, 30) : null,
      forcedReveal: options.forced ?? false,
      sample: options.sample ?? null,
    },
    unit: { unit, minCoverage: options.minCoverage ?? 0 },
    segmentation: {
      version: segmentation,
      method: 'fixture',
      languages: Object.fromEntries(documents.map((d) => [d.id, d.language])),
      platform: { unicode: null, icu: null },
    },
    coders,
    adjudicators: review.by.map(({ id, name }) => ({ id, name })),
    transcripts: documents.map((d) => ({
      id: d.id,
      title: `Interview ${d.id}`,
      length: d.text.length,
      coders: d.coders,
    })),
    codebook:
      options.codebook === false
        ? null
        : {
            docName: 'roundCodebook:p1:r1',
            snapshotId: 's1',
            sha256: '0ac1097b49b9f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d',
            codes: Object.entries(codeNames).map(([id, name]) => ({ id, name, definition: '' })),
          },
    snapshots: [{ docName: 'layer:p1:t1:u1', snapshotId: 's2', sha256: 'ab'.repeat(32), bytes: 1024 }],
    thresholds: DEFAULT_THRESHOLDS,
    codes,
    // The method text counts the changes; what changed is the round's business.
    codebookChanges: Array.from(
      { length: options.codebookChanges ?? 0 },
      () => ({}),
    ) as ReliabilityReport['codebookChanges'],
    review,
    intervals: intervalsOf(codes),
    method: '',
    references: [],
    input: used,
    agreement,
  };
  report.method = methodText(report);
  report.references = referencesFor(report);
  return report;
}
