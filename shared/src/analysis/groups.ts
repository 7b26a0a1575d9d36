import { type CodeNodeRef, rollUpTargets } from './codeTree.js';
import { type FrequencyTable, frequencyByAttribute, frequencyBySpeaker } from './frequency.js';
import { type CodeTotal, type TreeRow, treeRows } from './matrix.js';
import type { AnalysisCoding, SpeakerSpan, TranscriptInfo } from './types.js';

/**
 * Codes compared across groups: the values of one participant attribute ("age group": 18-30, 31-50...) or the
 * speakers. Groups rarely have the same size, so besides counts each cell says in what share of the group's
 * transcripts the code occurs: 3 of 4 transcripts of one group against 3 of 12 of another is the comparison a
 * reader wants, and the raw count hides it.
 */
export interface GroupCell {
  segments: number;
  characters: number;
  /** Transcripts of the group in which the code occurs. */
  transcripts: number;
  /** `transcripts` out of the group's transcripts, 0..1; null for a group without transcripts. */
  share: number | null;
}

export interface Group {
  /** The attribute value (`''` for transcripts without the attribute) or the speaker label. */
  value: string;
  /** How many transcripts the group has (with that value; in which that speaker has a turn). */
  transcripts: number;
}

export interface GroupComparison {
  rows: TreeRow[];
  groups: Group[];
  /** `cells[row][group]`. */
  cells: GroupCell[][];
  /** Per row, over all groups (a segment spread over two speakers' turns counts once). */
  codeTotals: CodeTotal[];
}

export interface GroupInput {
  codings: readonly AnalysisCoding[];
  /** Every code of the codebook, in codebook order. */
  codes: readonly CodeNodeRef[];
  /** The codes to show as rows; absent: every code. */
  rows?: readonly string[];
  rollUp: boolean;
}

function fromTable(rows: TreeRow[], table: FrequencyTable): GroupComparison {
  const groups = table.columns.map((value, column) => ({ value, transcripts: table.columnTranscripts[column]! }));
  return {
    rows,
    groups,
    cells: table.cells.map((row) =>
      row.map((cell, column) => {
        const size = groups[column]!.transcripts;
        return {
          segments: cell.codings,
          characters: cell.characters,
          transcripts: cell.transcripts,
          share: size > 0 ? cell.transcripts / size : null,
        };
      }),
    ),
    codeTotals: table.totals.map((total) => ({
      segments: total.codings,
      characters: total.characters,
      transcripts: total.transcripts,
    })),
  };
}

function prepare(input: GroupInput) {
  const rows = treeRows(input.codes, input.rows === undefined ? undefined : new Set(input.rows));
  const options = input.rollUp ? { rollUp: rollUpTargets(input.codes) } : {};
  return { rows, ids: rows.map((row) => row.code), options };
}

/** Codes by the value of `attribute`: one group per value (sorted), transcripts without it under `''`. */
export function compareByAttribute(
  input: GroupInput,
  transcripts: readonly TranscriptInfo[],
  attribute: string,
): GroupComparison {
  const { rows, ids, options } = prepare(input);
  return fromTable(rows, frequencyByAttribute(input.codings, ids, transcripts, attribute, options));
}

/**
 * Codes by speaker: a segment counts for every speaker whose turn it overlaps; a speaker's transcripts are those in
 * which they have a turn. Transcripts without turns are left out.
 */
export function compareBySpeaker(
  input: GroupInput,
  turns: ReadonlyMap<string, readonly SpeakerSpan[]>,
): GroupComparison {
  const { rows, ids, options } = prepare(input);
  return fromTable(rows, frequencyBySpeaker(input.codings, ids, turns, options));
}
