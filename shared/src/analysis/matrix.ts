import { type CodeNodeRef, rollUpTargets } from './codeTree.js';
import { type FrequencyTable, frequencyByTranscript, type GroupedRange, unionLength } from './frequency.js';
import type { AnalysisCoding } from './types.js';

/**
 * The code x transcript matrix (MAXQDA's Code Matrix Browser): codes as rows in tree order, transcripts as columns,
 * each cell counting the segments of the code in the transcript, the characters they cover and the share of the
 * transcript that is.
 *
 * A *segment* is one coding of the analysed scope: in a merged scope (shared/src/analysis/scope.ts) a passage coded
 * with the same code by several layers is one segment. With `rollUp` a segment also counts for every ancestor of its
 * code, so a parent's row covers its subcodes (and a click on it retrieves the code with its subcodes); characters
 * are the union of the codings of the row, so nested codings never count a character twice.
 */

/** A code as a row of an overview: its place in the tree of the codes shown. */
export interface TreeRow {
  code: string;
  /** The nearest ancestor that is also a row; null at the top. */
  parent: string | null;
  depth: number;
  hasChildren: boolean;
}

/**
 * `codes` (in codebook order) as rows in tree order: each code followed by its subcodes, depth first, siblings in
 * codebook order. With `keep`, only those codes are rows, each under its nearest kept ancestor. A code whose
 * parent is missing, or that sits in a parent cycle (two concurrent moves can make one), is shown at the top
 * level, so that no code ever disappears.
 */
export function treeRows(codes: readonly CodeNodeRef[], keep?: ReadonlySet<string>): TreeRow[] {
  const parentOf = new Map(codes.map((code) => [code.id, code.parent]));
  const kept = codes.filter((code) => keep === undefined || keep.has(code.id));
  const keptIds = new Set(kept.map((code) => code.id));
  const effectiveParent = (id: string): string | null => {
    const seen = new Set([id]);
    for (let parent = parentOf.get(id) ?? null; parent !== null && !seen.has(parent); ) {
      if (keptIds.has(parent)) return parent;
      seen.add(parent);
      parent = parentOf.get(parent) ?? null;
    }
    return null;
  };
  const childrenOf = new Map<string | null, string[]>();
  const parents = new Map<string, string | null>();
  for (const code of kept) {
    const parent = effectiveParent(code.id);
    parents.set(code.id, parent);
    const siblings = childrenOf.get(parent);
    if (siblings === undefined) childrenOf.set(parent, [code.id]);
    else siblings.push(code.id);
  }
  const rows: TreeRow[] = [];
  const visited = new Set<string>();
  const visit = (id: string, parent: string | null, depth: number) => {
    if (visited.has(id)) return;
    visited.add(id);
    const children = childrenOf.get(id) ?? [];
    rows.push({ code: id, parent, depth, hasChildren: children.length > 0 });
    for (const child of children) visit(child, id, depth + 1);
  };
  for (const root of childrenOf.get(null) ?? []) visit(root, null, 0);
  // Codes in a cycle are reachable from no root: shown at the top level, with what hangs below them.
  for (const code of kept) visit(code.id, null, 0);
  // A row's `hasChildren` counts only children shown under it (a cycle's members are shown apart).
  for (const row of rows) row.hasChildren = rows.some((other) => other.parent === row.code);
  return rows;
}

export interface MatrixCell {
  segments: number;
  characters: number;
  /** `characters` as a share of the transcript's length, 0..1; null for an empty transcript. */
  coverage: number | null;
}

/** A code over all columns: its segments, the characters they cover, and in how many transcripts it occurs. */
export interface CodeTotal {
  segments: number;
  characters: number;
  transcripts: number;
}

export interface CodeTranscriptMatrix {
  rows: TreeRow[];
  transcripts: string[];
  /** `cells[row][column]`. */
  cells: MatrixCell[][];
  /** Per row, over every transcript. */
  codeTotals: CodeTotal[];
  /** Per transcript, over every code shown: segments of any of them (each once) and the characters they cover. */
  transcriptTotals: MatrixCell[];
}

export interface MatrixInput {
  codings: readonly AnalysisCoding[];
  /** Every code of the codebook, in codebook order (for the tree and for rolling subcodes up). */
  codes: readonly CodeNodeRef[];
  /** The codes to show as rows; absent: every code. */
  rows?: readonly string[];
  /** The columns, in order, with each transcript's length in UTF-16 code units. */
  transcripts: readonly { id: string; length: number }[];
  rollUp: boolean;
}

const coverageOf = (characters: number, length: number) => (length > 0 ? Math.min(1, characters / length) : null);

export function codeTranscriptMatrix(input: MatrixInput): CodeTranscriptMatrix {
  const keep = input.rows === undefined ? undefined : new Set(input.rows);
  const rows = treeRows(input.codes, keep);
  const ids = rows.map((row) => row.code);
  const columns = input.transcripts.map((t) => t.id);
  const rollUp = input.rollUp ? rollUpTargets(input.codes) : undefined;
  const table: FrequencyTable = frequencyByTranscript(input.codings, ids, columns, rollUp ? { rollUp } : {});
  const cells = table.cells.map((row) =>
    row.map((cell, column) => ({
      segments: cell.codings,
      characters: cell.characters,
      coverage: coverageOf(cell.characters, input.transcripts[column]!.length),
    })),
  );
  const codeTotals = table.totals.map((total) => ({
    segments: total.codings,
    characters: total.characters,
    transcripts: total.transcripts,
  }));

  // Totals per transcript: the codings that count for at least one row, each once.
  const shown = new Set(ids);
  const counts = (coding: AnalysisCoding) =>
    (rollUp?.get(coding.code) ?? [coding.code]).some((code) => shown.has(code));
  const columnOf = new Map(columns.map((id, column) => [id, column]));
  const segments = columns.map(() => 0);
  const pieces = columns.map((): GroupedRange[] => []);
  const layers = new Map<string, number>();
  for (const coding of input.codings) {
    const column = columnOf.get(coding.transcript);
    if (column === undefined || !(coding.end > coding.start) || !counts(coding)) continue;
    segments[column]!++;
    let group = layers.get(coding.layer);
    if (group === undefined) {
      group = layers.size;
      layers.set(coding.layer, group);
    }
    pieces[column]!.push({ group, start: coding.start, end: coding.end });
  }
  const transcriptTotals = columns.map((_, column) => {
    const characters = unionLength(pieces[column]!);
    return {
      segments: segments[column]!,
      characters,
      coverage: coverageOf(characters, input.transcripts[column]!.length),
    };
  });
  return { rows, transcripts: columns, cells, codeTotals, transcriptTotals };
}
