import { type SegmentRow, segmentColumns } from './segments.js';

const WIDTHS: Record<keyof SegmentRow, number> = {
  transcript: 24,
  participant: 12,
  speaker: 16,
  codePath: 32,
  coder: 16,
  start: 9,
  end: 9,
  text: 80,
  memo: 40,
  createdAt: 20,
  startTime: 10,
  endTime: 10,
};

/**
 * Coded segments as an Excel workbook: one sheet, a frozen bold header with filters, wrapped text, and the creation
 * time as a real date. Cells are written as values, never formulas, so text starting with `=` stays text.
 */
export async function segmentsXlsx(rows: readonly SegmentRow[]): Promise<Uint8Array> {
  // Loaded on first use: ExcelJS takes longer to load than any small export takes to write, and every process
  // that imports the export formats (the server, `accord export qdc`) would otherwise pay for it at start.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Accord';
  // A fixed date keeps repeated exports of the same data identical in their properties.
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const sheet = workbook.addWorksheet('Coded segments', { views: [{ state: 'frozen', ySplit: 1 }] });
  const columns = segmentColumns(rows);
  sheet.columns = columns.map((key) => ({ header: key, key, width: WIDTHS[key] }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    sheet.addRow({
      ...row,
      createdAt: row.createdAt === '' ? null : new Date(row.createdAt),
      startTime: row.startTime === '' ? null : row.startTime,
      endTime: row.endTime === '' ? null : row.endTime,
    });
  }
  sheet.getColumn('text').alignment = { wrapText: true, vertical: 'top' };
  sheet.getColumn('createdAt').numFmt = 'yyyy-mm-dd hh:mm:ss';
  if (columns.includes('startTime')) {
    // Seconds into the recording, shown to the tenth.
    sheet.getColumn('startTime').numFmt = '0.0';
    sheet.getColumn('endTime').numFmt = '0.0';
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
