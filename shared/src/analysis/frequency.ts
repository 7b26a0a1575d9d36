import type { AnalysisCoding, SpeakerSpan, TranscriptInfo } from './types.js';

/**
 * Code frequencies: codes (rows) by transcript, by attribute value or by speaker (columns).
 *
 * A cell counts three things, because each answers a different question and none can be derived from another:
 * - `codings`: how many codings of the code fall in the column (a coding spread over two turns of one speaker
 *   counts once);
 * - `characters`: how much text the code covers there, as the union of its codings per transcript and layer, so
 *   nested or overlapping codings of one code never count a character twice;
 * - `transcripts`: in how many transcripts of the column the code occurs (`columnTranscripts` says out of how many).
 *
 * With `rollUp` (from `rollUpTargets`), a coding also counts for every ancestor of its code, so a parent's row
 * covers its subcodes: `codings` then counts a parent coding and a nested child coding separately, `characters`
 * does not.
 */
export interface FrequencyCell {
  codings: number;
  characters: number;
  transcripts: number;
}

export interface FrequencyTable {
  codes: readonly string[];
  columns: readonly string[];
  /** How many transcripts each column covers (transcripts with that attribute value, with that speaker...). */
  columnTranscripts: readonly number[];
  /** `cells[row][column]`, rows in the order of `codes`. */
  cells: FrequencyCell[][];
  /** Per code over the whole input (not the sum of the columns: one coding can lie in two speakers' turns). */
  totals: FrequencyCell[];
}

export interface FrequencyOptions {
  /** code -> the codes it counts for (itself first); without it a coding counts only for its own code. */
  rollUp?: ReadonlyMap<string, readonly string[]>;
}

/** A part of a coding that falls into a column. */
interface Placement {
  column: number;
  start: number;
  end: number;
}

/** A range of text in one group (a transcript and layer, numbered). */
export interface GroupedRange {
  group: number;
  start: number;
  end: number;
}

function tabulate(
  codings: readonly AnalysisCoding[],
  codes: readonly string[],
  columnCount: number,
  place: (coding: AnalysisCoding) => Iterable<Placement>,
  options: FrequencyOptions,
): FrequencyCell[][] {
  const rowOf = new Map(codes.map((code, row) => [code, row]));
  const cellCount = codes.length * columnCount;
  const codingCounts = new Uint32Array(cellCount);
  const lastCoding = new Int32Array(cellCount).fill(-1);
  const transcripts = new Map<number, Set<string>>();
  const pieces = new Map<number, GroupedRange[]>();
  const groups = new Map<string, number>();
  codings.forEach((coding, index) => {
    if (!(coding.end > coding.start)) return;
    const targets = options.rollUp?.get(coding.code) ?? [coding.code];
    const rows = targets.map((code) => rowOf.get(code)).filter((row): row is number => row !== undefined);
    if (rows.length === 0) return;
    const group = entry(groups, `${coding.transcript}\u0000${coding.layer}`, () => groups.size);
    for (const placement of place(coding)) {
      for (const row of rows) {
        const cell = row * columnCount + placement.column;
        if (lastCoding[cell] !== index) {
          lastCoding[cell] = index;
          codingCounts[cell]!++;
        }
        entry(transcripts, cell, () => new Set<string>()).add(coding.transcript);
        entry(pieces, cell, (): GroupedRange[] => []).push({ group, start: placement.start, end: placement.end });
      }
    }
  });
  return codes.map((_, row) =>
    Array.from({ length: columnCount }, (_unused, column): FrequencyCell => {
      const cell = row * columnCount + column;
      return {
        codings: codingCounts[cell]!,
        characters: unionLength(pieces.get(cell) ?? []),
        transcripts: transcripts.get(cell)?.size ?? 0,
      };
    }),
  );
}

function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Characters covered by the pieces, counting each character of each transcript and layer once. */
export function unionLength(pieces: readonly GroupedRange[]): number {
  const sorted = [...pieces].sort((a, b) => a.group - b.group || a.start - b.start);
  let total = 0;
  let group = -1;
  let coveredTo = 0;
  for (const piece of sorted) {
    if (piece.group !== group) {
      group = piece.group;
      coveredTo = Number.NEGATIVE_INFINITY;
    }
    const from = Math.max(piece.start, coveredTo);
    if (piece.end > from) total += piece.end - from;
    coveredTo = Math.max(coveredTo, piece.end);
  }
  return total;
}

function totalsOf(codings: readonly AnalysisCoding[], codes: readonly string[], options: FrequencyOptions) {
  return tabulate(codings, codes, 1, (coding) => [{ column: 0, start: coding.start, end: coding.end }], options).map(
    (row) => row[0]!,
  );
}

/** Codes by transcript: one column per transcript in `transcripts`; codings elsewhere are left out. */
export function frequencyByTranscript(
  codings: readonly AnalysisCoding[],
  codes: readonly string[],
  transcripts: readonly string[],
  options: FrequencyOptions = {},
): FrequencyTable {
  const columnOf = new Map(transcripts.map((id, column) => [id, column]));
  const inTable = codings.filter((coding) => columnOf.has(coding.transcript));
  const cells = tabulate(
    inTable,
    codes,
    transcripts.length,
    (coding) => [{ column: columnOf.get(coding.transcript)!, start: coding.start, end: coding.end }],
    options,
  );
  return {
    codes,
    columns: transcripts,
    columnTranscripts: transcripts.map(() => 1),
    cells,
    totals: totalsOf(inTable, codes, options),
  };
}

/**
 * Codes by the value of one participant attribute (e.g. "age group"): one column per value, in sorted order,
 * with transcripts lacking the attribute under the empty value `''`.
 */
export function frequencyByAttribute(
  codings: readonly AnalysisCoding[],
  codes: readonly string[],
  transcripts: readonly TranscriptInfo[],
  attribute: string,
  options: FrequencyOptions = {},
): FrequencyTable {
  const attributeValueOf = new Map(transcripts.map((t) => [t.id, t.attributes[attribute] ?? '']));
  const columns = [...new Set(attributeValueOf.values())].sort((a, b) => a.localeCompare(b));
  const columnOf = new Map(columns.map((value, column) => [value, column]));
  const columnTranscripts = columns.map(() => 0);
  for (const value of attributeValueOf.values()) columnTranscripts[columnOf.get(value)!]!++;
  const inTable = codings.filter((coding) => attributeValueOf.has(coding.transcript));
  const cells = tabulate(
    inTable,
    codes,
    columns.length,
    (coding) => [
      { column: columnOf.get(attributeValueOf.get(coding.transcript)!)!, start: coding.start, end: coding.end },
    ],
    options,
  );
  return { codes, columns, columnTranscripts, cells, totals: totalsOf(inTable, codes, options) };
}

/**
 * Codes by speaker: a coding counts for every speaker whose turn it overlaps (by at least one character), and
 * its characters are split between them. Speakers are columns by label, sorted; a label is the same column in
 * every transcript ("Interviewer"). Codings in transcripts without turns are left out.
 */
export function frequencyBySpeaker(
  codings: readonly AnalysisCoding[],
  codes: readonly string[],
  turns: ReadonlyMap<string, readonly SpeakerSpan[]>,
  options: FrequencyOptions = {},
): FrequencyTable {
  const sortedTurns = new Map<string, SpeakerSpan[]>();
  const transcriptsOf = new Map<string, Set<string>>();
  for (const [transcript, list] of turns) {
    sortedTurns.set(
      transcript,
      list.filter((turn) => turn.end > turn.start).sort((a, b) => a.start - b.start),
    );
    for (const turn of list) {
      entry(transcriptsOf, turn.speaker, () => new Set<string>()).add(transcript);
    }
  }
  const columns = [...transcriptsOf.keys()].sort((a, b) => a.localeCompare(b));
  const columnOf = new Map(columns.map((speaker, column) => [speaker, column]));
  const inTable = codings.filter((coding) => (sortedTurns.get(coding.transcript)?.length ?? 0) > 0);
  const cells = tabulate(
    inTable,
    codes,
    columns.length,
    (coding) =>
      turnsOverlapping(sortedTurns.get(coding.transcript)!, coding.start, coding.end).map((turn) => ({
        column: columnOf.get(turn.speaker)!,
        start: Math.max(turn.start, coding.start),
        end: Math.min(turn.end, coding.end),
      })),
    options,
  );
  const columnTranscripts = columns.map((speaker) => transcriptsOf.get(speaker)!.size);
  return { codes, columns, columnTranscripts, cells, totals: totalsOf(inTable, codes, options) };
}

/** The turns (sorted by start, not overlapping) that share at least one character with `[start, end)`. */
export function turnsOverlapping<T extends SpeakerSpan>(turns: readonly T[], start: number, end: number): T[] {
  // First turn that ends after `start`: turns do not overlap, so ends ascend with starts.
  let low = 0;
  let high = turns.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (turns[middle]!.end <= start) low = middle + 1;
    else high = middle;
  }
  const found: T[] = [];
  for (let i = low; i < turns.length && turns[i]!.start < end; i++) found.push(turns[i]!);
  return found;
}
