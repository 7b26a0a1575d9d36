import { toCsv } from '@accord/shared';
import type { BundleTranscript, ProjectBundle } from '../interchange/bundle.js';
import { withDescendants } from './segments.js';

/**
 * The unit x coder matrix for one code, for R (`irr::kappa2`, `kappam.fleiss`, `kripp.alpha` after `t()`), ReCal
 * and similar tools: each row a unit, each column a coder, 1 when the coder applied the code (or one of its
 * descendants) anywhere in the unit, 0 when they coded that transcript but not there, and missing when they did not
 * code that transcript at all.
 *
 * Units: `transcript` (the whole text), `turn` (speaker turns; a transcript without turns is one unit),
 * `paragraph` (blocks separated by blank lines), `character` (every UTF-16 unit; large, but what
 * character-level agreement needs).
 */
export type MatrixUnit = 'transcript' | 'turn' | 'paragraph' | 'character';
export const MATRIX_UNITS: readonly MatrixUnit[] = ['transcript', 'turn', 'paragraph', 'character'];

export interface UnitRow {
  transcript: string;
  unit: number;
  start: number;
  end: number;
  /** Per coder, in the order of `coders`: 1, 0, or null when missing. */
  values: (0 | 1 | null)[];
}

export interface UnitCoderMatrix {
  code: string;
  unit: MatrixUnit;
  coders: { guid: string; name: string }[];
  rows: UnitRow[];
}

export function unitCoderMatrix(bundle: ProjectBundle, codeGuid: string, unit: MatrixUnit): UnitCoderMatrix {
  const code = bundle.codes.find((c) => c.guid === codeGuid);
  if (code === undefined) throw new RangeError(`no code ${codeGuid}`);
  const codes = withDescendants(bundle.codes, [codeGuid]);
  const coderGuids = [...new Set(bundle.transcripts.flatMap((t) => t.layers.map((layer) => layer.userGuid)))];
  const names = new Map(bundle.users.map((user) => [user.guid, user.name || user.guid]));
  const coders = coderGuids
    .map((guid) => ({ guid, name: names.get(guid) ?? guid }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const rows: UnitRow[] = [];
  for (const transcript of bundle.transcripts) {
    const units = unitsOf(transcript, unit);
    // Per coder, how many coded characters precede each offset: a unit is coded when its count grows inside it.
    const coverage = coders.map(({ guid }) => {
      const layer = transcript.layers.find((l) => l.userGuid === guid);
      if (layer === undefined) return null;
      const marks = new Int32Array(transcript.text.length + 1);
      for (const coding of layer.codings) {
        if (!codes.has(coding.codeGuid)) continue;
        marks[coding.start]! += 1;
        marks[coding.end]! -= 1;
      }
      const codedBefore = new Int32Array(transcript.text.length + 1);
      let open = 0;
      for (let i = 0; i < transcript.text.length; i++) {
        open += marks[i]!;
        codedBefore[i + 1] = codedBefore[i]! + (open > 0 ? 1 : 0);
      }
      return codedBefore;
    });
    units.forEach(([start, end], index) => {
      rows.push({
        transcript: transcript.title,
        unit: index + 1,
        start,
        end,
        values: coverage.map((codedBefore) =>
          codedBefore === null ? null : codedBefore[end]! > codedBefore[start]! ? 1 : 0,
        ),
      });
    });
  }
  return { code: code.name, unit, coders, rows };
}

function unitsOf(transcript: BundleTranscript, unit: MatrixUnit): [number, number][] {
  const length = transcript.text.length;
  if (length === 0) return [];
  switch (unit) {
    case 'transcript':
      return [[0, length]];
    case 'character':
      return Array.from({ length }, (_, i) => [i, i + 1]);
    case 'turn': {
      const starts = [...new Set([0, ...transcript.turns.map((turn) => turn.start)])]
        .filter((start) => start < length)
        .sort((a, b) => a - b);
      return starts.map((start, i) => [start, starts[i + 1] ?? length]);
    }
    case 'paragraph': {
      const units: [number, number][] = [];
      const separator = /\n[ \t]*\n\s*/g;
      let start = 0;
      for (const match of transcript.text.matchAll(separator)) {
        if (match.index > start) units.push([start, match.index]);
        start = match.index + match[0].length;
      }
      if (start < length) units.push([start, length]);
      return units;
    }
  }
}

/**
 * `irr`: a header (`transcript,unit,start,end,<coder>...`) and `NA` for missing, for `read.csv` in R.
 * `recal`: coder columns only, no header, and only units every coder rated, as ReCal requires.
 */
export function matrixCsv(
  matrix: UnitCoderMatrix,
  format: 'irr' | 'recal',
  options: { formulaSafe?: boolean } = {},
): string {
  const csv = { formulaSafe: options.formulaSafe ?? true };
  if (format === 'recal') {
    const complete = matrix.rows.filter((row) => row.values.every((value) => value !== null));
    return toCsv(
      complete.map((row) => row.values),
      csv,
    );
  }
  const header = ['transcript', 'unit', 'start', 'end', ...matrix.coders.map((coder) => coder.name)];
  const rows = matrix.rows.map((row) => [
    row.transcript,
    row.unit,
    row.start,
    row.end,
    ...row.values.map((v) => (v === null ? 'NA' : v)),
  ]);
  return toCsv([header, ...rows], csv);
}
