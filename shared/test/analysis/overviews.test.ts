import { describe, expect, it } from 'vitest';
import { compareByAttribute, compareBySpeaker, type GroupCell } from '../../src/analysis/groups.js';
import { codeTranscriptMatrix, type MatrixCell, treeRows } from '../../src/analysis/matrix.js';
import type { AnalysisCoding, SpeakerSpan, TranscriptInfo } from '../../src/analysis/types.js';
import { coding } from './helpers.js';

/** `care` > (`access`, `cost` > `fees`), then `mood`, in codebook order (not tree order: `fees` comes first). */
const CODES = [
  { id: 'fees', parent: 'cost' },
  { id: 'care', parent: null },
  { id: 'access', parent: 'care' },
  { id: 'mood', parent: null },
  { id: 'cost', parent: 'care' },
];

const shape = (rows: ReturnType<typeof treeRows>) =>
  rows.map((row) => `${'  '.repeat(row.depth)}${row.code}${row.hasChildren ? '+' : ''}<${row.parent ?? '-'}`);

describe('tree rows', () => {
  const table: {
    name: string;
    codes: { id: string; parent: string | null }[];
    keep?: string[];
    expected: string[];
  }[] = [
    {
      name: 'depth first, siblings in codebook order',
      codes: CODES,
      expected: ['care+<-', '  access<care', '  cost+<care', '    fees<cost', 'mood<-'],
    },
    {
      name: 'kept codes hang under their nearest kept ancestor',
      codes: CODES,
      keep: ['care', 'fees', 'mood'],
      expected: ['care+<-', '  fees<care', 'mood<-'],
    },
    {
      name: 'a kept code without a kept ancestor is at the top',
      codes: CODES,
      keep: ['cost', 'fees'],
      expected: ['cost+<-', '  fees<cost'],
    },
    {
      name: 'a missing parent puts the code at the top',
      codes: [{ id: 'orphan', parent: 'deleted' }, ...CODES.slice(1, 2)],
      expected: ['orphan<-', 'care<-'],
    },
    {
      name: 'a parent cycle loses no code',
      codes: [
        { id: 'a', parent: 'b' },
        { id: 'b', parent: 'a' },
        { id: 'c', parent: 'a' },
        { id: 'top', parent: null },
      ],
      expected: ['top<-', 'a+<-', '  b<a', '  c<a'],
    },
    { name: 'nothing', codes: [], expected: [] },
  ];
  for (const row of table) {
    it(row.name, () => {
      expect(shape(treeRows(row.codes, row.keep ? new Set(row.keep) : undefined))).toEqual(row.expected);
    });
  }
});

const cell = (segments: number, characters: number, coverage: number | null): MatrixCell => ({
  segments,
  characters,
  coverage,
});

describe('code x transcript matrix', () => {
  const transcripts = [
    { id: 't1', length: 100 },
    { id: 't2', length: 50 },
    { id: 't3', length: 0 },
  ];
  const table: {
    name: string;
    codings: AnalysisCoding[];
    rollUp: boolean;
    rows?: string[];
    /** code -> cells of t1, t2, t3 */
    expected: Record<string, MatrixCell[]>;
    totals?: MatrixCell[];
  }[] = [
    {
      name: 'counts segments, characters and the share of the transcript they cover',
      codings: [coding('mood', 0, 10), coding('mood', 20, 30), coding('mood', 0, 25, { transcript: 't2' })],
      rollUp: false,
      expected: { mood: [cell(2, 20, 0.2), cell(1, 25, 0.5), cell(0, 0, null)] },
      totals: [cell(2, 20, 0.2), cell(1, 25, 0.5), cell(0, 0, null)],
    },
    {
      name: 'overlapping segments of a code cover each character once',
      codings: [coding('mood', 0, 30), coding('mood', 10, 40)],
      rollUp: false,
      expected: { mood: [cell(2, 40, 0.4), cell(0, 0, 0.0), cell(0, 0, null)] },
    },
    {
      name: 'without roll-up a parent counts only its own segments',
      codings: [coding('care', 0, 10), coding('fees', 5, 20), coding('access', 0, 5, { transcript: 't2' })],
      rollUp: false,
      expected: {
        care: [cell(1, 10, 0.1), cell(0, 0, 0), cell(0, 0, null)],
        cost: [cell(0, 0, 0), cell(0, 0, 0), cell(0, 0, null)],
        fees: [cell(1, 15, 0.15), cell(0, 0, 0), cell(0, 0, null)],
      },
      totals: [cell(2, 20, 0.2), cell(1, 5, 0.1), cell(0, 0, null)],
    },
    {
      name: 'with roll-up a parent covers its subcodes, each segment once, each character once',
      codings: [coding('care', 0, 10), coding('fees', 5, 20), coding('access', 0, 5, { transcript: 't2' })],
      rollUp: true,
      expected: {
        care: [cell(2, 20, 0.2), cell(1, 5, 0.1), cell(0, 0, null)],
        cost: [cell(1, 15, 0.15), cell(0, 0, 0), cell(0, 0, null)],
        fees: [cell(1, 15, 0.15), cell(0, 0, 0), cell(0, 0, null)],
        mood: [cell(0, 0, 0), cell(0, 0, 0), cell(0, 0, null)],
      },
      totals: [cell(2, 20, 0.2), cell(1, 5, 0.1), cell(0, 0, null)],
    },
    {
      name: 'rows limit the codes; totals count only segments shown (rolled up into a shown parent)',
      codings: [coding('fees', 0, 10), coding('mood', 50, 60), coding('access', 0, 5)],
      rollUp: true,
      rows: ['cost', 'fees'],
      expected: { cost: [cell(1, 10, 0.1), cell(0, 0, 0), cell(0, 0, null)] },
      totals: [cell(1, 10, 0.1), cell(0, 0, 0), cell(0, 0, null)],
    },
    {
      name: 'transcripts that are no column are left out; coverage never exceeds the whole transcript',
      codings: [coding('mood', 0, 10, { transcript: 't9' }), coding('mood', 0, 80, { transcript: 't2' })],
      rollUp: false,
      expected: { mood: [cell(0, 0, 0), cell(1, 80, 1), cell(0, 0, null)] },
    },
    {
      name: 'two layers on the same passage are two segments (a merged scope has merged them before)',
      codings: [coding('mood', 0, 10, { layer: 'ana' }), coding('mood', 0, 10, { layer: 'ben' })],
      rollUp: false,
      expected: { mood: [cell(2, 20, 0.2), cell(0, 0, 0), cell(0, 0, null)] },
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const matrix = codeTranscriptMatrix({
        codings: row.codings,
        codes: CODES,
        transcripts,
        rollUp: row.rollUp,
        ...(row.rows ? { rows: row.rows } : {}),
      });
      expect(matrix.transcripts).toEqual(['t1', 't2', 't3']);
      const codes = matrix.rows.map((r) => r.code);
      for (const [code, cells] of Object.entries(row.expected)) {
        expect(codes, code).toContain(code);
        expect(matrix.cells[codes.indexOf(code)], code).toEqual(cells);
      }
      if (row.totals) expect(matrix.transcriptTotals).toEqual(row.totals);
    });
  }

  it('rows come in tree order and totals per code count transcripts', () => {
    const matrix = codeTranscriptMatrix({
      codings: [coding('fees', 0, 10), coding('fees', 0, 10, { transcript: 't2' })],
      codes: CODES,
      transcripts,
      rollUp: true,
    });
    expect(matrix.rows.map((r) => [r.code, r.depth])).toEqual([
      ['care', 0],
      ['access', 1],
      ['cost', 1],
      ['fees', 2],
      ['mood', 0],
    ]);
    expect(matrix.codeTotals.map((t) => [t.segments, t.characters, t.transcripts])).toEqual([
      [2, 20, 2],
      [0, 0, 0],
      [2, 20, 2],
      [2, 20, 2],
      [0, 0, 0],
    ]);
  });

  it('agrees with a literal count on random codings', () => {
    // Segments of a cell = codings of the row's code (or a descendant, rolled up) in the column's transcript.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ids = CODES.map((c) => c.id);
    const codings = Array.from({ length: 300 }, () => {
      const start = random(90);
      return coding(ids[random(ids.length)]!, start, start + 1 + random(10), { transcript: `t${1 + random(3)}` });
    });
    const descendants: Record<string, string[]> = {
      care: ['care', 'access', 'cost', 'fees'],
      cost: ['cost', 'fees'],
      access: ['access'],
      fees: ['fees'],
      mood: ['mood'],
    };
    const matrix = codeTranscriptMatrix({ codings, codes: CODES, transcripts, rollUp: true });
    matrix.rows.forEach((row, r) => {
      transcripts.forEach((t, c) => {
        const literal = codings.filter((k) => k.transcript === t.id && descendants[row.code]!.includes(k.code));
        expect(matrix.cells[r]![c]!.segments).toBe(literal.length);
        const covered = new Set(literal.flatMap((k) => Array.from({ length: k.end - k.start }, (_, i) => k.start + i)));
        expect(matrix.cells[r]![c]!.characters).toBe(covered.size);
      });
    });
  });
});

const group = (segments: number, characters: number, transcripts: number, share: number | null): GroupCell => ({
  segments,
  characters,
  transcripts,
  share,
});

describe('codes compared across groups', () => {
  const transcripts: TranscriptInfo[] = [
    { id: 't1', title: 'One', participant: 'P1', attributes: { age: '18-30' } },
    { id: 't2', title: 'Two', participant: 'P2', attributes: { age: '31-50' } },
    { id: 't3', title: 'Three', participant: 'P3', attributes: { age: '18-30' } },
    { id: 't4', title: 'Four', participant: 'P4', attributes: { age: '18-30' } },
    { id: 't5', title: 'Five', participant: 'P5', attributes: {} },
  ];

  const table: {
    name: string;
    codings: AnalysisCoding[];
    rollUp: boolean;
    rows?: string[];
    groups: [string, number][];
    expected: Record<string, GroupCell[]>;
  }[] = [
    {
      name: 'by attribute value: counts and the share of the group’s transcripts where the code occurs',
      codings: [
        coding('mood', 0, 10),
        coding('mood', 20, 25),
        coding('mood', 0, 4, { transcript: 't3' }),
        coding('mood', 0, 2, { transcript: 't2' }),
      ],
      rollUp: false,
      groups: [
        ['', 1],
        ['18-30', 3],
        ['31-50', 1],
      ],
      expected: { mood: [group(0, 0, 0, 0), group(3, 19, 2, 2 / 3), group(1, 2, 1, 1)] },
    },
    {
      name: 'rolled up: a parent’s share counts transcripts where it or a subcode occurs',
      codings: [coding('fees', 0, 10), coding('access', 0, 5, { transcript: 't4' }), coding('care', 0, 3)],
      rollUp: true,
      rows: ['care', 'fees'],
      groups: [
        ['', 1],
        ['18-30', 3],
        ['31-50', 1],
      ],
      expected: {
        care: [group(0, 0, 0, 0), group(3, 15, 2, 2 / 3), group(0, 0, 0, 0)],
        fees: [group(0, 0, 0, 0), group(1, 10, 1, 1 / 3), group(0, 0, 0, 0)],
      },
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const result = compareByAttribute(
        { codings: row.codings, codes: CODES, rollUp: row.rollUp, ...(row.rows ? { rows: row.rows } : {}) },
        transcripts,
        'age',
      );
      expect(result.groups.map((g) => [g.value, g.transcripts])).toEqual(row.groups);
      const codes = result.rows.map((r) => r.code);
      if (row.rows) expect(codes).toEqual(row.rows);
      for (const [code, cells] of Object.entries(row.expected))
        expect(result.cells[codes.indexOf(code)]).toEqual(cells);
    });
  }

  it('by speaker: a segment counts for each speaker whose turn it overlaps; groups are the transcripts with a turn', () => {
    const turns = new Map<string, SpeakerSpan[]>([
      [
        't1',
        [
          { start: 0, end: 10, speaker: 'Interviewer' },
          { start: 10, end: 50, speaker: 'P1' },
        ],
      ],
      ['t2', [{ start: 0, end: 50, speaker: 'Interviewer' }]],
    ]);
    const result = compareBySpeaker(
      { codings: [coding('mood', 5, 15), coding('mood', 0, 5, { transcript: 't2' })], codes: CODES, rollUp: false },
      turns,
    );
    expect(result.groups).toEqual([
      { value: 'Interviewer', transcripts: 2 },
      { value: 'P1', transcripts: 1 },
    ]);
    const mood = result.rows.findIndex((r) => r.code === 'mood');
    expect(result.cells[mood]).toEqual([group(2, 10, 2, 1), group(1, 5, 1, 1)]);
    expect(result.codeTotals[mood]).toEqual({ segments: 2, characters: 15, transcripts: 2 });
  });
});
