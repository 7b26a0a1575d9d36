import { describe, expect, it } from 'vitest';
import { rollUpTargets } from '../../src/analysis/codeTree.js';
import {
  type FrequencyCell,
  frequencyByAttribute,
  frequencyBySpeaker,
  frequencyByTranscript,
  turnsOverlapping,
  unionLength,
} from '../../src/analysis/frequency.js';
import type { AnalysisCoding, TranscriptInfo } from '../../src/analysis/types.js';
import { coding } from './helpers.js';

const cell = (codings: number, characters: number, transcripts: number): FrequencyCell => ({
  codings,
  characters,
  transcripts,
});

/** parent `care` with children `access` and `cost`; `cost` has a child `fees`; `mood` stands alone. */
const TREE = [
  { id: 'care', parent: null },
  { id: 'access', parent: 'care' },
  { id: 'cost', parent: 'care' },
  { id: 'fees', parent: 'cost' },
  { id: 'mood', parent: null },
];

describe('union length', () => {
  const table: { name: string; ranges: [number, number, number][]; expected: number }[] = [
    { name: 'nothing', ranges: [], expected: 0 },
    {
      name: 'disjoint',
      ranges: [
        [0, 0, 5],
        [0, 10, 12],
      ],
      expected: 7,
    },
    {
      name: 'overlapping',
      ranges: [
        [0, 0, 5],
        [0, 3, 8],
      ],
      expected: 8,
    },
    {
      name: 'nested',
      ranges: [
        [0, 0, 50],
        [0, 10, 20],
        [0, 15, 30],
      ],
      expected: 50,
    },
    {
      name: 'touching',
      ranges: [
        [0, 0, 5],
        [0, 5, 8],
      ],
      expected: 8,
    },
    {
      name: 'same range in two groups counts twice',
      ranges: [
        [0, 0, 5],
        [1, 0, 5],
      ],
      expected: 10,
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      expect(unionLength(row.ranges.map(([group, start, end]) => ({ group, start, end })))).toBe(row.expected);
    });
  }
});

describe('frequency by transcript', () => {
  const table: {
    name: string;
    codings: AnalysisCoding[];
    rollUp?: boolean;
    expected: Record<string, FrequencyCell[]>;
  }[] = [
    {
      name: 'counts codings, covered characters and transcripts per cell',
      codings: [coding('mood', 0, 10), coding('mood', 20, 25), coding('mood', 0, 4, { transcript: 't2' })],
      expected: { mood: [cell(2, 15, 1), cell(1, 4, 1)] },
    },
    {
      name: 'overlapping codings of one code cover each character once',
      codings: [coding('mood', 0, 10), coding('mood', 5, 15)],
      expected: { mood: [cell(2, 15, 1), cell(0, 0, 0)] },
    },
    {
      name: 'nested codings of one code cover the outer range',
      codings: [coding('mood', 0, 40), coding('mood', 10, 20)],
      expected: { mood: [cell(2, 40, 1), cell(0, 0, 0)] },
    },
    {
      name: 'two layers on the same passage count separately',
      codings: [coding('mood', 0, 10, { layer: 'ana' }), coding('mood', 0, 10, { layer: 'ben' })],
      expected: { mood: [cell(2, 20, 1), cell(0, 0, 0)] },
    },
    {
      name: 'without roll-up a parent counts only its own codings',
      codings: [coding('care', 0, 10), coding('access', 5, 8), coding('fees', 30, 40, { transcript: 't2' })],
      expected: {
        care: [cell(1, 10, 1), cell(0, 0, 0)],
        access: [cell(1, 3, 1), cell(0, 0, 0)],
        fees: [cell(0, 0, 0), cell(1, 10, 1)],
      },
    },
    {
      name: 'with roll-up a parent covers nested subcodes, grandchildren included, without double characters',
      codings: [coding('care', 0, 10), coding('access', 5, 8), coding('fees', 30, 40, { transcript: 't2' })],
      rollUp: true,
      expected: {
        care: [cell(2, 10, 1), cell(1, 10, 1)],
        cost: [cell(0, 0, 0), cell(1, 10, 1)],
        access: [cell(1, 3, 1), cell(0, 0, 0)],
        mood: [cell(0, 0, 0), cell(0, 0, 0)],
      },
    },
    {
      name: 'transcripts outside the table are left out of cells and totals',
      codings: [coding('mood', 0, 10, { transcript: 't9' })],
      expected: { mood: [cell(0, 0, 0), cell(0, 0, 0)] },
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const codes = TREE.map((code) => code.id);
      const table = frequencyByTranscript(
        row.codings,
        codes,
        ['t1', 't2'],
        row.rollUp ? { rollUp: rollUpTargets(TREE) } : {},
      );
      expect(table.columns).toEqual(['t1', 't2']);
      for (const [code, cells] of Object.entries(row.expected))
        expect(table.cells[codes.indexOf(code)], code).toEqual(cells);
    });
  }

  it('totals per code over all transcripts', () => {
    const table = frequencyByTranscript(
      [coding('mood', 0, 10), coding('mood', 5, 20), coding('mood', 0, 4, { transcript: 't2' })],
      ['mood'],
      ['t1', 't2'],
    );
    expect(table.totals).toEqual([cell(3, 24, 2)]);
  });
});

describe('frequency by attribute value', () => {
  const transcripts: TranscriptInfo[] = [
    { id: 't1', title: 'One', participant: 'P1', attributes: { age: '18-30', setting: 'urban' } },
    { id: 't2', title: 'Two', participant: 'P2', attributes: { age: '31-50' } },
    { id: 't3', title: 'Three', participant: 'P3', attributes: { age: '18-30' } },
    { id: 't4', title: 'Four', participant: 'P4', attributes: {} },
  ];

  it('groups transcripts by value, missing values under the empty value, and says how many each covers', () => {
    const table = frequencyByAttribute(
      [
        coding('mood', 0, 10),
        coding('mood', 5, 12, { transcript: 't3' }),
        coding('mood', 0, 3, { transcript: 't4' }),
        coding('care', 0, 3, { transcript: 't2' }),
      ],
      ['mood', 'care'],
      transcripts,
      'age',
    );
    expect(table.columns).toEqual(['', '18-30', '31-50']);
    expect(table.columnTranscripts).toEqual([1, 2, 1]);
    expect(table.cells).toEqual([
      [cell(1, 3, 1), cell(2, 17, 2), cell(0, 0, 0)],
      [cell(0, 0, 0), cell(0, 0, 0), cell(1, 3, 1)],
    ]);
  });

  it('rolls subcodes up into a value column', () => {
    const table = frequencyByAttribute(
      [coding('fees', 0, 10), coding('access', 5, 20)],
      ['care'],
      transcripts,
      'setting',
      { rollUp: rollUpTargets(TREE) },
    );
    expect(table.columns).toEqual(['', 'urban']);
    expect(table.cells).toEqual([[cell(0, 0, 0), cell(2, 20, 1)]]);
  });
});

describe('frequency by speaker', () => {
  // "I: ...P1: ...I: ...P1: ..." as turns [0,10) I, [10,30) P1, [30,40) I, [40,60) P1.
  const turns = new Map([
    [
      't1',
      [
        { start: 0, end: 10, speaker: 'I' },
        { start: 10, end: 30, speaker: 'P1' },
        { start: 30, end: 40, speaker: 'I' },
        { start: 40, end: 60, speaker: 'P1' },
      ],
    ],
    ['t2', [{ start: 0, end: 100, speaker: 'P2' }]],
  ]);
  const table: { name: string; codings: AnalysisCoding[]; expected: Record<string, FrequencyCell> }[] = [
    { name: 'inside one turn', codings: [coding('mood', 12, 20)], expected: { P1: cell(1, 8, 1), I: cell(0, 0, 0) } },
    {
      name: 'across a turn change counts for both speakers, characters split',
      codings: [coding('mood', 5, 15)],
      expected: { I: cell(1, 5, 1), P1: cell(1, 5, 1) },
    },
    {
      name: 'across two turns of one speaker counts once for them',
      codings: [coding('mood', 20, 50)],
      expected: { P1: cell(1, 20, 1), I: cell(1, 10, 1) },
    },
    {
      name: 'ending exactly where a turn starts does not reach it',
      codings: [coding('mood', 0, 10)],
      expected: { I: cell(1, 10, 1), P1: cell(0, 0, 0) },
    },
    {
      name: 'nested codings in one turn cover the outer range once',
      codings: [coding('mood', 10, 30), coding('mood', 15, 20)],
      expected: { P1: cell(2, 20, 1) },
    },
    {
      name: 'transcripts without turns are left out',
      codings: [coding('mood', 0, 10, { transcript: 't3' })],
      expected: { I: cell(0, 0, 0), P1: cell(0, 0, 0), P2: cell(0, 0, 0) },
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const result = frequencyBySpeaker(row.codings, ['mood'], turns);
      expect(result.columns).toEqual(['I', 'P1', 'P2']);
      expect(result.columnTranscripts).toEqual([1, 1, 1]);
      for (const [speaker, expected] of Object.entries(row.expected)) {
        expect(result.cells[0]![result.columns.indexOf(speaker)], speaker).toEqual(expected);
      }
    });
  }

  it('finds the turns a range overlaps by binary search', () => {
    const list = turns.get('t1')!;
    expect(turnsOverlapping(list, 9, 11).map((t) => t.start)).toEqual([0, 10]);
    expect(turnsOverlapping(list, 10, 30).map((t) => t.start)).toEqual([10]);
    expect(turnsOverlapping(list, 60, 70)).toEqual([]);
  });
});
