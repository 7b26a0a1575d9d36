import { fixedDigits, type UnitKind } from '@accord/shared';
import type { SegmentationVersion } from '@accord/shared/text/index';
import type { ReliabilityReport, SegmentationInfo } from '../../server/src/rounds/report.js';

/**
 * The English method text exactly as Accord wrote it before the report language (issue 26), copied verbatim from
 * server/src/rounds/report.ts at the commit before: the English catalogue must reproduce it byte for byte.
 */
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
export function legacyUnitText(unit: UnitKind, segmentation: Pick<SegmentationInfo, 'version'>): string {
  const cut = CUT_TEXT[segmentation.version][unit];
  return cut === undefined
    ? UNIT_TEXT[unit]
    : `${UNIT_TEXT[unit]} (${cut}; Accord segmentation version ${segmentation.version})`;
}

const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined ? 'undefined' : fixedDigits(value, digits);

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
export function legacyMethodText(report: ReliabilityReport): string {
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
    `Agreement was computed per code with Accord ${report.generator.version}, taking ${legacyUnitText(report.unit.unit, report.segmentation)} as the unit of analysis${report.unit.unit === 'character' ? '' : ` (a unit counted as coded when a coding covered ${report.unit.minCoverage > 0 ? `at least ${report.unit.minCoverage * 100}% of it` : 'any part of it'})`}: for each code, every unit was classed as coded or not coded by each coder, a coder's own overlapping codings counting once, and a coder not assigned a transcript was treated as missing.`,
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
