import { toCsv } from '@accord/shared';
import { type SegmentRow, segmentColumns } from './segments.js';

/**
 * Coded segments as CSV: RFC 4180 quoting, a header row, LF line endings, and a UTF-8 BOM so that Excel reads
 * the accents right (R's readr and pandas skip it). Written by the one CSV writer (`@accord/shared` csv.ts): a
 * text cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'` unless
 * `formulaSafe` is false (`?formulaSafe=false`, `accord export --raw-csv`), for R and Python users who want the
 * data exactly. Offsets stay numbers. When transcripts have timed turns, `startTime` and `endTime` (seconds into
 * the recording) follow the other columns.
 */
export function segmentsCsv(rows: readonly SegmentRow[], options: { formulaSafe?: boolean } = {}): string {
  const columns = segmentColumns(rows);
  return toCsv([columns, ...rows.map((row) => columns.map((column) => row[column]))], {
    bom: true,
    formulaSafe: options.formulaSafe ?? true,
  });
}
