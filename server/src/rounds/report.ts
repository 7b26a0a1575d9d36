import {
  BINARY_KEYS,
  buildSpansInput,
  type CodeSummary,
  type CsvValue,
  computeAgreement,
  docName,
  readCodes,
  type SpansInput,
  type SpansReport,
  summariseCodes,
  type Thresholds,
  toCsv,
  type UnitKind,
} from '@accord/shared';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import type { Project, Round, SnapshotRecord } from '../metadata/schema.js';
import { type Html, html, htmlDocument, joinHtml } from '../render/html.js';
import { nameDoc } from '../sync/skippedEntries.js';
import { VERSION } from '../version.js';
import { copyOfLiveDoc, FROZEN_CODEBOOK_SNAPSHOT, type RoundData } from './data.js';

export interface UnitChoice {
  unit: UnitKind;
  minCoverage: number;
}

/** Bootstrap over transcripts for the report's intervals: fixed, so that a recomputation gives the same bounds. */
export const REPORT_BOOTSTRAP = { samples: 1000, seed: 1 };

export function roundSpansInput(
  data: RoundData,
  choice: UnitChoice,
  bootstrap?: { samples: number; seed: number },
): SpansInput {
  return buildSpansInput(
    data.transcripts.map((t) => ({ id: t.id, text: t.text, turns: t.turns, coders: t.coders })),
    data.transcripts.flatMap((t) =>
      [...t.layers].map(([coder, layer]) => ({ document: t.id, coder, codings: layer.codings })),
    ),
    { unit: choice.unit, minCoverage: choice.minCoverage, ...(bootstrap ? { bootstrap } : {}) },
  );
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
}

export function computeRoundAgreement(
  data: RoundData,
  choice: UnitChoice,
  thresholds: Thresholds,
  codeNames: ReadonlyMap<string, CodeInfo>,
  bootstrap?: { samples: number; seed: number },
): RoundAgreement {
  const input = roundSpansInput(data, choice, bootstrap);
  const agreement = computeAgreement(input) as SpansReport;
  const codes = summariseCodes(agreement, thresholds).map((row) => ({
    ...row,
    name: codeNames.get(row.code)?.name ?? row.code,
  }));
  return { input, agreement, codes, thresholds };
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
  coders: { id: string; name: string }[];
  adjudicators: { id: string; name: string }[];
  transcripts: { id: string; title: string; length: number; coders: string[] }[];
  codebook: { docName: string; snapshotId: string; sha256: string; codes: CodeInfo[] } | null;
  snapshots: SnapshotRecord[];
  thresholds: Thresholds;
  codes: RoundAgreement['codes'];
  codebookChanges: Round['codebookChanges'];
  method: string;
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

export function buildReport(
  ctx: AppContext,
  round: Round,
  data: RoundData,
  result: RoundAgreement,
  codes: { frozen: CodeInfo[] },
  choice: UnitChoice,
): ReliabilityReport {
  const userName = (id: string) => ctx.store.data.users.find((u) => u.id === id)?.name ?? id;
  const titles = new Map(ctx.store.data.transcripts.map((t) => [t.id, t.title]));
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
    method: '',
    input: result.input,
    agreement: result.agreement,
  };
  report.method = methodText(report);
  return report;
}

const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined ? 'undefined' : value.toFixed(digits);

/** A paragraph a researcher can paste into a methods section, with the figures of this report. */
export function methodText(report: ReliabilityReport): string {
  const n = report.transcripts.length;
  const coders = report.coders.length;
  const sample = report.round.sample;
  const selection = sample
    ? `a random sample of ${n} of ${sample.populationSize} transcripts (${sample.percent}%, drawn with seed ${sample.seed})`
    : `${n} transcript${n === 1 ? '' : 's'} selected by the research team`;
  const perTranscript = [...new Set(report.transcripts.map((t) => t.coders.length))].sort().join(' or ');
  const blind =
    report.round.mode === 'blind'
      ? 'Coders worked independently and could not see one another’s codings, cursors or selections until the round was revealed; the server enforced this and logged every reveal.'
      : 'Coders could see one another’s codings while coding (an open round).';
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
  return [
    `Intercoder reliability was assessed on ${selection}, each coded by ${perTranscript} of ${coders} coders (${report.coders.map((c) => c.name).join(', ')}) using ${codebook}.`,
    blind,
    `Agreement was computed per code with Accord ${report.generator.version}, taking ${UNIT_TEXT[report.unit.unit]} as the unit of analysis${report.unit.unit === 'character' ? '' : ` (a unit counted as coded when a coding covered ${report.unit.minCoverage > 0 ? `at least ${report.unit.minCoverage * 100}% of it` : 'any part of it'})`}: for each code, every unit was classed as coded or not coded by each coder, a coder's own overlapping codings counting once, and a coder not assigned a transcript was treated as missing.`,
    `Tables were pooled across transcripts. We report percent agreement, ${kappaName}${coders === 2 ? ' with its asymptotic 95% confidence interval (Fleiss, Cohen & Everitt, 1969)' : ''}, PABAK (Byrt, Bishop & Carlin, 1993), Gwet's AC1 (Gwet, 2008) and Krippendorff's alpha (nominal). Because characters and segments are not independent units, 95% confidence intervals were also obtained by a bootstrap over transcripts (${REPORT_BOOTSTRAP.samples} resamples, seed ${REPORT_BOOTSTRAP.seed}).`,
    `${kappaName} ranged from ${range} across ${report.codes.length} codes. Codes with kappa below ${report.thresholds.kappa} were flagged for discussion and alpha below ${report.thresholds.alpha} was considered unreliable (Landis & Koch, 1977; Krippendorff, 2004)${flagged.length > 0 ? `; flagged: ${flagged.join(', ')}` : ''}.`,
    `Disagreements were reviewed and resolved by ${report.adjudicators.map((a) => a.name).join(', ') || 'the project owners'} into a consensus layer, each decision recorded with its adjudicator, time and rationale.`,
    `The coders' layers were snapshotted at reveal (SHA-256 digests listed in the report); running \`accord agreement\` on the exported input reproduces every figure.`,
  ].join(' ');
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

const ci = (c: import('@accord/shared').Coefficient) => {
  const interval = c.bootstrap_ci95 ?? c.ci95;
  return interval ? `[${fixed(interval[0], 3)}, ${fixed(interval[1], 3)}]` : '';
};

const REPORT_STYLE = html`body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#111}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}tr.flag td{background:#fdecea}code{font-size:12px;word-break:break-all}.method{background:#f6f6f6;padding:1rem;border-left:4px solid #0072b2}
@media print{body{margin:0;max-width:none}a{color:inherit}}`;

/** A self-contained printable page (no scripts, no external resources), built with `html`, which escapes. */
export function reportHtml(report: ReliabilityReport): string {
  const names = new Map(report.coders.map((c) => [c.id, c.name]));
  const rows = (items: readonly Html[]) => joinHtml(items, html`\n`);
  const codeRows = rows(
    report.codes.map(
      (c) =>
        html`<tr${c.flags.length > 0 && html` class="flag"`}><td>${c.name}</td><td>${fixed(c.kappa.value, 3)}</td><td>${ci(c.kappa)}</td><td>${c.kappa.interpretation ?? c.kappa.reason ?? ''}</td><td>${fixed(c.percentAgreement.value, 3)}</td><td>${fixed(c.pabak.value, 3)}</td><td>${fixed(c.ac1.value, 3)}</td><td>${fixed(c.alpha.value, 3)}</td><td>${ci(c.alpha)}</td><td>${c.alpha.interpretation ?? ''}</td><td>${c.flags.join(', ')}</td></tr>`,
    ),
  );
  const pairRows = rows(
    report.agreement.codes.flatMap((code) =>
      code.pairs.map(
        (p) =>
          html`<tr><td>${report.codes.find((c) => c.code === code.code)?.name ?? code.code}</td><td>${p.coders.map((id) => names.get(id) ?? id).join(' / ')}</td><td>${p.n_documents}</td><td>${fixed(p.pooled.cohen_kappa.value, 3)}</td><td>${ci(p.pooled.cohen_kappa)}</td><td>${fixed(p.pooled.percent_agreement.value, 3)}</td></tr>`,
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
  return htmlDocument({
    title: `Reliability report: ${report.round.name}`,
    style: REPORT_STYLE,
    body: html`<h1>Reliability report: ${report.round.name}</h1>
<p>Round <code>${report.round.id}</code> (${report.round.mode}), revealed ${report.round.revealedAt ? new Date(report.round.revealedAt).toISOString() : 'not yet'}${report.round.forcedReveal && html` <strong>(forced before every coder was done)</strong>`}. Unit: ${UNIT_TEXT[report.unit.unit]}. Generated by Accord ${report.generator.version} on ${new Date(report.generator.generatedAt).toISOString()}.</p>
<p>Coders: ${report.coders.map((c) => c.name).join(', ')}. Codebook SHA-256: <code>${report.codebook?.sha256 ?? 'none'}</code>. Thresholds: kappa &lt; ${report.thresholds.kappa} discuss, alpha &lt; ${report.thresholds.alpha} unreliable.</p>
<h2>Method</h2><p class="method">${report.method}</p>
<h2>Agreement per code</h2>
<table><thead><tr><th>Code</th><th>${report.coders.length > 2 ? "Fleiss' kappa" : "Cohen's kappa"}</th><th>95% CI</th><th>Interpretation</th><th>% agreement</th><th>PABAK</th><th>AC1</th><th>Krippendorff's alpha</th><th>95% CI</th><th>Interpretation</th><th>Flags</th></tr></thead>
<tbody>${codeRows}</tbody></table>
<h2>Coder pairs</h2>
<table><thead><tr><th>Code</th><th>Pair</th><th>Transcripts</th><th>Cohen's kappa</th><th>95% CI</th><th>% agreement</th></tr></thead><tbody>${pairRows}</tbody></table>
<h2>Transcripts</h2>
<table><thead><tr><th>Transcript</th><th>Length</th><th>Coders</th></tr></thead><tbody>${transcriptRows}</tbody></table>
<h2>Snapshots</h2>
<table><thead><tr><th>Document</th><th>SHA-256</th></tr></thead><tbody>${snapshotRows}</tbody></table>
<p>Confidence intervals are bootstrap intervals over transcripts where available, else asymptotic. Undefined values (0/0) are shown as "undefined" with their reason.</p>`,
  });
}
