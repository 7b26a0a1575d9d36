import { parse } from 'csv-parse/sync';
import { ImportError } from './errors.js';
import { decodeText } from './text.js';

/**
 * CSV as spreadsheets save it: UTF-8 with or without BOM (or UTF-16 with BOM), comma, semicolon (European Excel)
 * or tab separated, first row the header. Rows come back as records keyed by the header as written.
 */
export interface CsvTable {
  header: string[];
  rows: Record<string, string>[];
}

export function readCsv(file: string, bytes: Uint8Array): CsvTable {
  const text = decodeText(file, bytes);
  const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  const delimiter = [',', ';', '\t'].reduce((best, candidate) =>
    firstLine.split(candidate).length > firstLine.split(best).length ? candidate : best,
  );
  let records: string[][];
  try {
    records = parse(text, { delimiter, skip_empty_lines: true, trim: true, relax_quotes: false });
  } catch (error) {
    throw new ImportError(file, 'bad_csv', `not readable as CSV (${(error as Error).message})`);
  }
  const [header, ...data] = records;
  if (header === undefined || header.every((cell) => cell === '')) {
    throw new ImportError(file, 'empty_file', 'the CSV has no header row');
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') throw new ImportError(file, 'bad_csv', 'a column in the header row has no name');
    if (seen.has(name.toLowerCase())) throw new ImportError(file, 'bad_csv', `column "${name}" appears twice`);
    seen.add(name.toLowerCase());
  }
  const rows = data.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index] ?? ''])));
  return { header, rows };
}

/** The first header among `aliases` (case-insensitive, ignoring spaces, `_` and `-`), as written in the file. */
export function findColumn(header: readonly string[], aliases: readonly string[]): string | undefined {
  const key = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');
  const wanted = aliases.map(key);
  for (const alias of wanted) {
    const column = header.find((name) => key(name) === alias);
    if (column !== undefined) return column;
  }
  return undefined;
}
