/**
 * The one CSV writer of Accord: every CSV it writes (coded segments, codebook, unit x coder matrix, retrievals,
 * reliability reports, `accord agreement`) goes through `csvCell`.
 *
 * Interview text, code names and coder names are untrusted input, and CSV files are opened by people in
 * spreadsheets. A text cell that a spreadsheet would read as a formula or a DDE call (first character `=`, `+`,
 * `-`, `@`, tab or CR, as OWASP lists them, or their full-width forms) gets a leading `'`, which spreadsheets show as
 * text. Numbers are written as numbers, whatever their sign: a kappa of -0.25 stays -0.25. A text cell that is
 * exactly a decimal number (an attribute "-3", say) is left as it is too: a spreadsheet reads it as that number and
 * nothing else, so there is nothing to neutralise and R or pandas still read a number.
 *
 * `formulaSafe: false` writes every cell exactly as the data (for R and Python users who want `- I think` rather
 * than `'- I think`); the REST exports take `?formulaSafe=false`, `accord export` takes `--raw-csv`.
 */
export type CsvValue = string | number | null | undefined;

export interface CsvOptions {
  /** Neutralise text cells a spreadsheet would evaluate (default true). */
  formulaSafe?: boolean;
  /** Record separator (default LF). */
  lineEnding?: '\n' | '\r\n';
  /** A UTF-8 byte order mark first, so that Excel reads accents right (R's readr and pandas skip it). */
  bom?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Would a spreadsheet evaluate this text cell? (A plain decimal number is a number, not a formula.) */
export function isFormulaLike(text: string): boolean {
  return FORMULA_START.test(text) && !DECIMAL.test(text);
}

/** One cell: RFC 4180 quoting; text a spreadsheet would evaluate gets a leading `'` unless `formulaSafe` is false. */
export function csvCell(value: CsvValue, formulaSafe = true): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (formulaSafe && typeof value === 'string' && isFormulaLike(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (the header, if any, is the first row) as CSV text, each row ended by the line ending. */
export function toCsv(rows: readonly (readonly CsvValue[])[], options: CsvOptions = {}): string {
  const formulaSafe = options.formulaSafe ?? true;
  const eol = options.lineEnding ?? '\n';
  const body = rows.map((row) => row.map((value) => csvCell(value, formulaSafe)).join(',') + eol).join('');
  return options.bom ? `\uFEFF${body}` : body;
}
