import { ratingsCsv, spansCsv } from './csv.js';
import { type AgreementData, parseAgreementInput } from './input.js';
import { type RatingsReport, ratingsReport } from './ratings.js';
import { type SpansReport, spansReport } from './spans.js';

export type AgreementReport = RatingsReport | SpansReport;

/** The whole `accord agreement` computation on a parsed JSON document; throws AgreementInputError on bad input. */
export function computeAgreement(input: unknown): AgreementReport {
  return reportFor(parseAgreementInput(input));
}

/** The report for already validated input (lets a caller drop the parsed JSON before computing). */
export function reportFor(data: AgreementData): AgreementReport {
  return data.kind === 'spans' ? spansReport(data) : ratingsReport(data);
}

export function agreementCsv(report: AgreementReport): string {
  return report.kind === 'spans' ? spansCsv(report) : ratingsCsv(report);
}

export type { BinaryCoefficients, BinaryTable } from './binary.js';
export { BINARY_KEYS, binaryCoefficients } from './binary.js';
export {
  FEW_INTERVAL_TRANSCRIPTS,
  INTERVAL_METHOD,
  type IntervalReading,
  intervalReading,
  MIN_INTERVAL_TRANSCRIPTS,
  ROUND_BOOTSTRAP,
  seededRandom,
} from './bootstrap.js';
export type { Coefficient } from './coefficient.js';
export type { PairTable } from './cohen.js';
export { cohenKappa, scottPi } from './cohen.js';
export type { AgreementData, SegmentUnits, SpansData } from './input.js';
export { AgreementInputError, parseAgreementInput } from './input.js';
export {
  benchmarkProbabilities,
  interpret,
  krippendorffBand,
  LANDIS_KOCH_LEVELS,
  landisKoch,
  type Scale,
} from './interpretation.js';
export { krippendorffAlpha, type Level } from './krippendorff.js';
export type { CategoricalData, Category, RatingsReport } from './ratings.js';
export { ratingsReport } from './ratings.js';
export type { Segment, SpeakerTurn } from './segments.js';
export { paragraphSegments, sentenceSegments, speakerTurnSegments, wholeTranscriptSegments } from './segments.js';
export type { CodeReport, PairReport, SpansReport } from './spans.js';
export { spansReport } from './spans.js';
