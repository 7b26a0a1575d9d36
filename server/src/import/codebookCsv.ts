import type { BundleCode } from '../interchange/bundle.js';
import { colourProblem, normaliseColour } from '../interchange/colour.js';
import type { CodeRow } from './codeTree.js';
import { codesFromRows } from './codeTree.js';
import { findColumn, readCsv } from './csv.js';
import { ImportError } from './errors.js';

/**
 * A codebook as a spreadsheet: a `name` column (required) and any of `parent`, `definition` (or `description`),
 * `colour`, `inclusion`, `exclusion`, `examples`. Column names are matched loosely (`Code`, `Colour`/`Color`,
 * `Inclusion criteria`...). A parent is given by its name and may appear after its children.
 */
const COLUMNS = {
  name: ['name', 'code', 'code name', 'codename', 'label'],
  parent: ['parent', 'parent code', 'parent name', 'category', 'group'],
  definition: ['definition', 'description', 'memo', 'meaning'],
  colour: ['colour', 'color', 'hex', 'rgb'],
  inclusion: ['inclusion', 'inclusion criteria', 'when to use', 'include'],
  exclusion: ['exclusion', 'exclusion criteria', 'when not to use', 'exclude'],
  examples: ['examples', 'example', 'typical exemplars', 'exemplars'],
} as const;

export function readCodebookCsv(file: string, bytes: Uint8Array): BundleCode[] {
  const { header, rows } = readCsv(file, bytes);
  const column = Object.fromEntries(
    Object.entries(COLUMNS).map(([field, aliases]) => [field, findColumn(header, aliases)]),
  ) as Record<keyof typeof COLUMNS, string | undefined>;
  if (column.name === undefined) {
    throw new ImportError(file, 'bad_csv', `no code name column (expected one of: ${COLUMNS.name.join(', ')})`);
  }
  const cell = (row: Record<string, string>, field: keyof typeof COLUMNS) =>
    column[field] === undefined ? '' : (row[column[field]] ?? '');
  const codeRows: CodeRow[] = [];
  rows.forEach((row, index) => {
    const where = `row ${index + 2}`;
    const name = cell(row, 'name');
    if (name === '') throw new ImportError(file, 'bad_csv', `${where} has no code name`);
    const rawColour = cell(row, 'colour');
    const colour = normaliseColour(rawColour);
    if (rawColour !== '' && colour === null) {
      throw new ImportError(file, 'bad_csv', `${where}: ${colourProblem(rawColour)}`);
    }
    const parent = cell(row, 'parent');
    codeRows.push({
      name,
      parentName: parent === '' ? null : parent,
      colour,
      definition: cell(row, 'definition'),
      inclusion: cell(row, 'inclusion'),
      exclusion: cell(row, 'exclusion'),
      examples: cell(row, 'examples'),
      where,
    });
  });
  return codesFromRows(file, codeRows);
}
