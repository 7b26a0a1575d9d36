import { toCsv } from '../csv.js';
import type { RetrievedSegment } from './retrieval.js';

/**
 * A retrieval as CSV (RFC 4180, CRLF, one row per segment, one column per participant attribute), through the one
 * CSV writer (`csv.ts`): a text cell a spreadsheet would read as a formula gets a leading `'`, since interview text
 * is untrusted input and the file is opened by people, not parsers.
 */
export interface SegmentsCsvOptions {
  /** The display name of a layer (a coder's name, "Consensus"). */
  layerName?: (layer: string) => string;
  /** Neutralise formula-like text cells (default true); false writes the data exactly, for R or pandas. */
  formulaSafe?: boolean;
}

export function segmentsCsv(segments: readonly RetrievedSegment[], options: SegmentsCsvOptions = {}): string {
  const layerName = options.layerName ?? ((layer: string) => layer);
  const attributeKeys = [...new Set(segments.flatMap((segment) => Object.keys(segment.attributes)))].sort();
  // Seconds into the recording, when some transcript has timed turns (times.ts); absent otherwise.
  const timed = segments.some((segment) => segment.startTime !== undefined);
  const header = [
    'transcript',
    'participant',
    ...attributeKeys,
    'layer',
    'code',
    'speakers',
    'start',
    'end',
    'text',
    'memo',
    ...(timed ? ['startTime', 'endTime'] : []),
  ];
  const rows = segments.map((segment) => [
    segment.title,
    segment.participant,
    ...attributeKeys.map((key) => segment.attributes[key] ?? ''),
    segment.layers.map(layerName).join('; '),
    segment.codePath.join(' > '),
    segment.speakers.join('; '),
    segment.start,
    segment.end,
    segment.text,
    segment.memo ?? '',
    ...(timed ? [segment.startTime ?? '', segment.endTime ?? ''] : []),
  ]);
  return toCsv([header, ...rows], { lineEnding: '\r\n', formulaSafe: options.formulaSafe ?? true });
}
