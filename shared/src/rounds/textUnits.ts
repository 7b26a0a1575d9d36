import { isSegmentationVersion, LATEST_SEGMENTATION, type SegmentationVersion } from '../text/segmentation.js';
import { type UnitKind, unitSegments } from './spansInput.js';

/**
 * `accord agreement` can cut the units itself: a `spans` input whose documents carry their `text` (and optionally
 * a `language`) may name its unit (`"unit": "sentence"` or `{"by": "sentence", "minCoverage": 0.5}`) instead of
 * listing segments. This turns such an input into the plain form of docs/agreement.md, "The input" (explicit
 * segments), cut with the given segmentation version; any other input passes through unchanged. Problems throw
 * `TextUnitsError`.
 */
export class TextUnitsError extends Error {}

const NAMED_UNITS: Record<string, Exclude<UnitKind, 'character'>> = {
  sentence: 'sentence',
  paragraph: 'paragraph',
  speaker_turn: 'speakerTurn',
  speakerTurn: 'speakerTurn',
  transcript: 'transcript',
};

export interface TextUnitsResult {
  input: unknown;
  /** Set when the units were cut here: with which version. */
  segmentation: SegmentationVersion | null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** A "__proto__" key can arrive as a prototype (chunked parse): such input is left for the engine to refuse. */
const isPlain = (value: Record<string, unknown>) => Object.getPrototypeOf(value) === Object.prototype;

/** The version asked for: the option if given, else the input's `segmentation`, else the latest. */
function versionOf(input: Record<string, unknown>, option: SegmentationVersion | undefined): SegmentationVersion {
  if (option !== undefined) return option;
  if (input.segmentation === undefined) return LATEST_SEGMENTATION;
  if (!isSegmentationVersion(input.segmentation)) {
    throw new TextUnitsError(`"segmentation" must be 1 or 2, got ${JSON.stringify(input.segmentation)}`);
  }
  return input.segmentation;
}

export function cutTextUnits(input: unknown, option?: SegmentationVersion): TextUnitsResult {
  if (!isObject(input) || input.kind !== 'spans' || !isPlain(input)) return { input, segmentation: null };
  const unit = input.unit;
  const named =
    typeof unit === 'string' && unit !== 'character'
      ? { by: unit, minCoverage: undefined as unknown }
      : isObject(unit) && 'by' in unit
        ? { by: unit.by, minCoverage: unit.minCoverage ?? unit.min_coverage }
        : null;
  // Explicit segments or characters: nothing to cut, the input is the engine's as it is.
  if (named === null) return { input, segmentation: null };
  const { segmentation: _recorded, ...rest } = input;
  const kind = typeof named.by === 'string' ? NAMED_UNITS[named.by] : undefined;
  if (kind === undefined) {
    throw new TextUnitsError(
      `"unit" must be "character", "sentence", "paragraph", "speaker_turn", "transcript" or {"segments": ...}, got ${JSON.stringify(named.by)}`,
    );
  }
  if (isObject(unit)) {
    for (const key of Object.keys(unit)) {
      if (!['by', 'minCoverage', 'min_coverage'].includes(key))
        throw new TextUnitsError(`"unit" has an unknown key "${key}"`);
    }
  }
  const version = versionOf(input, option);
  if (!Array.isArray(input.documents)) throw new TextUnitsError('"documents" must be an array');
  // Built from entries so that an id such as "__proto__" is an own key (which the engine then refuses), not a prototype.
  const entries: [string, [number, number][]][] = [];
  const documents = input.documents.map((document: unknown, d) => {
    if (!isObject(document) || !isPlain(document) || typeof document.text !== 'string') {
      throw new TextUnitsError(`documents[${d}] needs its "text" to cut ${named.by} units`);
    }
    if (typeof document.id !== 'string') throw new TextUnitsError(`documents[${d}].id must be a string`);
    if (document.language !== undefined && typeof document.language !== 'string') {
      throw new TextUnitsError(`documents[${d}].language must be a BCP 47 tag such as "zh"`);
    }
    const { text, language, ...kept } = document;
    if (kept.length !== undefined && kept.length !== text.length) {
      throw new TextUnitsError(`documents[${d}].length is ${kept.length} but its text has ${text.length} code units`);
    }
    entries.push([
      document.id,
      unitSegments(kind, { text, turns: [], language: language as string | undefined }, version) ?? [],
    ]);
    return { ...kept, length: text.length };
  });
  const segments = Object.fromEntries(entries);
  const minCoverage = named.minCoverage;
  return {
    input: { ...rest, documents, unit: minCoverage === undefined ? { segments } : { segments, minCoverage } },
    segmentation: version,
  };
}
