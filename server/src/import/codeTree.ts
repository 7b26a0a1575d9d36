import { randomUUID } from 'node:crypto';
import type { BundleCode } from '../interchange/bundle.js';
import { ImportError } from './errors.js';

/** A code as a codebook file describes it, its parent given by name (CSV) or by position (lists). */
export interface CodeRow {
  name: string;
  parentName: string | null;
  colour: string | null;
  definition: string;
  inclusion: string;
  exclusion: string;
  examples: string;
  /** Where the code was read, for error messages ("row 4", "line 7"). */
  where: string;
}

/**
 * Builds the bundle's codes from rows whose parents are named: every parent must name exactly one code, there
 * must be no cycle, and a name may repeat only under different parents. Parents come out before children,
 * siblings in file order.
 */
export function codesFromRows(file: string, rows: readonly CodeRow[]): BundleCode[] {
  if (rows.length === 0) throw new ImportError(file, 'empty_file', 'the codebook has no codes');
  const byName = new Map<string, CodeRow[]>();
  for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
  const guids = new Map<CodeRow, string>(rows.map((row) => [row, randomUUID()]));
  const parentOf = new Map<CodeRow, CodeRow | null>();
  const siblingNames = new Set<string>();
  for (const row of rows) {
    let parent: CodeRow | null = null;
    if (row.parentName !== null) {
      const candidates = byName.get(row.parentName) ?? [];
      if (candidates.length === 0) {
        throw new ImportError(
          file,
          'unknown_reference',
          `${row.where}: parent "${row.parentName}" is not a code in the file`,
        );
      }
      if (candidates.length > 1) {
        throw new ImportError(
          file,
          'unknown_reference',
          `${row.where}: parent "${row.parentName}" names several codes`,
        );
      }
      parent = candidates[0]!;
    }
    const siblingKey = `${parent === null ? '' : guids.get(parent)}\u0000${row.name}`;
    if (siblingNames.has(siblingKey)) {
      throw new ImportError(file, 'bad_csv', `${row.where}: code "${row.name}" appears twice under the same parent`);
    }
    siblingNames.add(siblingKey);
    parentOf.set(row, parent);
  }
  const ordered: BundleCode[] = [];
  const placed = new Set<CodeRow>();
  const place = (row: CodeRow, path: Set<CodeRow>): void => {
    if (placed.has(row)) return;
    if (path.has(row)) throw new ImportError(file, 'bad_csv', `${row.where}: code "${row.name}" is its own ancestor`);
    const parent = parentOf.get(row) ?? null;
    if (parent !== null) place(parent, new Set([...path, row]));
    placed.add(row);
    ordered.push({
      guid: guids.get(row)!,
      name: row.name,
      parentGuid: parent === null ? null : guids.get(parent)!,
      colour: row.colour,
      definition: row.definition,
      inclusion: row.inclusion,
      exclusion: row.exclusion,
      examples: row.examples,
    });
  };
  for (const row of rows) place(row, new Set());
  return ordered;
}
