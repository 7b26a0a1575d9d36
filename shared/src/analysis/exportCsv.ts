import type { RetrievedSegment } from './retrieval.js';

/**
 * A retrieval as CSV (RFC 4180, CRLF, one row per segment, one column per participant attribute). A cell that a
 * spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`: interview text is
 * untrusted input and the file is opened by people, not parsers.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface SegmentsCsvOptions {
  /** The display name of a layer (a coder's name, "Consensus"). */
  layerName?: (layer: string) => string;
}

export function segmentsCsv(segments: readonly RetrievedSegment[], options: SegmentsCsvOptions = {}): string {
  const layerName = options.layerName ?? ((layer: string) => layer);
  const attributeKeys = [...new Set(segments.flatMap((segment) => Object.keys(segment.attributes)))].sort();
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
  ];
  const rows = segments.map((segment) => [
    segment.title,
    segment.participant,
    ...attributeKeys.map((key) => segment.attributes[key] ?? ''),
    layerName(segment.layer),
    segment.codePath.join(' > '),
    segment.speakers.join('; '),
    segment.start,
    segment.end,
    segment.text,
    segment.memo ?? '',
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
