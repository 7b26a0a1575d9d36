import { stringify } from 'csv-stringify/sync';
import { SEGMENT_COLUMNS, type SegmentRow } from './segments.js';

/**
 * Coded segments as CSV: RFC 4180 quoting, a header row, LF line endings, and a UTF-8 BOM so that Excel reads
 * the accents right (R's readr and pandas skip it). Cell contents are exactly the data: no formula escaping, since
 * the main consumers are R and Python; the XLSX export is the one for spreadsheets.
 */
export function segmentsCsv(rows: readonly SegmentRow[]): string {
  return stringify(
    rows.map((row) => SEGMENT_COLUMNS.map((column) => row[column])),
    { header: true, columns: SEGMENT_COLUMNS.map((column) => column), bom: true, record_delimiter: 'unix' },
  );
}
