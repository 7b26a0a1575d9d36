import type { Segment } from '../agreement/segments.js';
import { transcriptLanguage } from '../text/language.js';
import {
  LATEST_SEGMENTATION,
  paragraphs,
  type SegmentationVersion,
  sentences,
  speakerTurns,
  wholeTranscript,
} from '../text/segmentation.js';

/**
 * Builds the `spans` input (docs/agreement.md, "The input") of a round from its layers: exactly what
 * `accord agreement` reads, so the server, the browser dashboard and the command line compute on the same document
 * and print the same numbers.
 */
export type UnitKind = 'character' | 'sentence' | 'paragraph' | 'speakerTurn' | 'transcript';
export const UNIT_KINDS: readonly UnitKind[] = ['character', 'sentence', 'paragraph', 'speakerTurn', 'transcript'];

export interface SpansCoding {
  document: string;
  coder: string;
  code: string;
  start: number;
  end: number;
}

/** The `spans` input document of docs/agreement.md, "The input" (only the fields Accord's rounds use). */
export interface SpansInput {
  kind: 'spans';
  documents: { id: string; length: number }[];
  codings: SpansCoding[];
  unit: 'character' | { segments: Record<string, [number, number][]>; minCoverage: number };
  coders: string[];
  assignments: Record<string, string[]>;
  by_document: boolean;
  bootstrap?: { samples: number; seed: number };
}

export interface RoundDocument {
  id: string;
  text: string;
  /** Speaker turns from the transcript's metadata; when empty, turns are found from speaker labels in the text. */
  turns: readonly { start: number; end: number }[];
  /** The coders assigned this transcript: everyone else is *missing* here, not "uncoded". */
  coders: readonly string[];
  /** BCP 47 tag of the transcript's language (segmentation version 2); guessed from the text when absent. */
  language?: string | null;
}

export interface CoderLayer {
  document: string;
  coder: string;
  codings: readonly { code: string; start: number; end: number }[];
}

export interface SpansOptions {
  unit: UnitKind;
  /** A segment counts as coded when a coding covers at least this share of it (0: any overlap). */
  minCoverage?: number;
  bootstrap?: { samples: number; seed: number };
  /** How sentences, paragraphs and speaker turns are cut (shared/src/text/segmentation.ts); default the latest. */
  segmentation?: SegmentationVersion;
}

/**
 * The units of analysis of one transcript for a unit kind; null for characters. Cut by `segmentation` (default:
 * the latest version) with the transcript's language (guessed from its text when it has none).
 */
export function unitSegments(
  unit: UnitKind,
  document: Pick<RoundDocument, 'text' | 'turns' | 'language'>,
  segmentation: SegmentationVersion = LATEST_SEGMENTATION,
): Segment[] | null {
  switch (unit) {
    case 'character':
      return null;
    case 'sentence':
      return sentences(document.text, {
        version: segmentation,
        language: segmentation === 1 ? undefined : transcriptLanguage(document.text, document.language),
      });
    case 'paragraph':
      return paragraphs(document.text, { version: segmentation });
    case 'speakerTurn':
      return document.turns.length > 0
        ? document.turns.filter((turn) => turn.end > turn.start).map((turn): Segment => [turn.start, turn.end])
        : speakerTurns(document.text, { version: segmentation }).map((turn): Segment => [turn.start, turn.end]);
    case 'transcript':
      return wholeTranscript(document.text);
  }
}

/**
 * Coders are listed in first-assignment order so the pair order (A, B) is the same everywhere; codings outside
 * the text (a layer anchored to text deleted since) are clipped, empty ones dropped, unassigned layers ignored.
 */
export function buildSpansInput(
  documents: readonly RoundDocument[],
  layers: readonly CoderLayer[],
  options: SpansOptions,
): SpansInput {
  const coders: string[] = [];
  const assignments: Record<string, string[]> = {};
  const lengths = new Map<string, number>();
  for (const document of documents) {
    assignments[document.id] = [...document.coders];
    lengths.set(document.id, document.text.length);
    for (const coder of document.coders) if (!coders.includes(coder)) coders.push(coder);
  }
  const codings: SpansCoding[] = [];
  for (const layer of layers) {
    const length = lengths.get(layer.document);
    if (length === undefined || !assignments[layer.document]!.includes(layer.coder)) continue;
    for (const coding of layer.codings) {
      const start = Math.max(0, coding.start);
      const end = Math.min(length, coding.end);
      if (end > start) codings.push({ document: layer.document, coder: layer.coder, code: coding.code, start, end });
    }
  }
  codings.sort(
    (x, y) =>
      (x.document < y.document ? -1 : x.document > y.document ? 1 : 0) ||
      (x.coder < y.coder ? -1 : x.coder > y.coder ? 1 : 0) ||
      x.start - y.start ||
      x.end - y.end ||
      (x.code < y.code ? -1 : x.code > y.code ? 1 : 0),
  );
  const input: SpansInput = {
    kind: 'spans',
    documents: documents.map((d) => ({ id: d.id, length: d.text.length })),
    codings,
    unit: 'character',
    coders,
    assignments,
    by_document: true,
  };
  if (options.unit !== 'character') {
    const segments: Record<string, [number, number][]> = {};
    for (const document of documents)
      segments[document.id] = unitSegments(options.unit, document, options.segmentation) ?? [];
    input.unit = { segments, minCoverage: options.minCoverage ?? 0 };
  }
  if (options.bootstrap) input.bootstrap = options.bootstrap;
  return input;
}
