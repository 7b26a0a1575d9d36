import { describe, expect, it } from 'vitest';
import {
  compareLayers,
  type DisagreementKind,
  describePassage,
  type LayerCoding,
} from '../../src/rounds/disagreements.js';

const c = (id: string, code: string, start: number, end: number): LayerCoding => ({ id, code, start, end });

interface Row {
  name: string;
  a: LayerCoding[];
  b: LayerCoding[];
  agreements: number;
  /** kind, codes, A's coding ids, B's coding ids */
  expected: [DisagreementKind, string[], string[], string[]][];
}

const TABLE: Row[] = [
  { name: 'identical layers', a: [c('a1', 'X', 0, 10)], b: [c('b1', 'X', 0, 10)], agreements: 1, expected: [] },
  { name: 'both empty', a: [], b: [], agreements: 0, expected: [] },
  {
    name: 'coded by A only',
    a: [c('a1', 'X', 0, 10)],
    b: [],
    agreements: 0,
    expected: [['oneCoderOnly', ['X'], ['a1'], []]],
  },
  {
    name: 'coded by B only, next to an agreement',
    a: [c('a1', 'X', 0, 10)],
    b: [c('b1', 'X', 0, 10), c('b2', 'Y', 20, 30)],
    agreements: 1,
    expected: [['oneCoderOnly', ['Y'], [], ['b2']]],
  },
  {
    name: 'same code, different boundaries',
    a: [c('a1', 'X', 0, 10)],
    b: [c('b1', 'X', 5, 15)],
    agreements: 0,
    expected: [['differentBoundaries', ['X'], ['a1'], ['b1']]],
  },
  {
    name: 'same code: A splits what B codes as one',
    a: [c('a1', 'X', 0, 10), c('a2', 'X', 10, 20)],
    b: [c('b1', 'X', 0, 20)],
    agreements: 0,
    expected: [['differentBoundaries', ['X'], ['a1', 'a2'], ['b1']]],
  },
  {
    name: 'an extra stretch overlapping an agreed coding is a boundary difference',
    a: [c('a1', 'X', 0, 10), c('a2', 'X', 5, 20)],
    b: [c('b1', 'X', 0, 10)],
    agreements: 1,
    expected: [['differentBoundaries', ['X'], ['a1', 'a2'], ['b1']]],
  },
  {
    name: 'same passage, different codes',
    a: [c('a1', 'X', 0, 10)],
    b: [c('b1', 'Y', 0, 10)],
    agreements: 0,
    expected: [['differentCodes', ['X', 'Y'], ['a1'], ['b1']]],
  },
  {
    name: 'mostly the same passage, different codes',
    a: [c('a1', 'X', 0, 10)],
    b: [c('b1', 'Y', 2, 12)],
    agreements: 0,
    expected: [['differentCodes', ['X', 'Y'], ['a1'], ['b1']]],
  },
  {
    name: 'a small overlap with another code is two one-coder passages',
    a: [c('a1', 'X', 0, 10)],
    b: [c('b1', 'Y', 8, 30)],
    agreements: 0,
    expected: [
      ['oneCoderOnly', ['X'], ['a1'], []],
      ['oneCoderOnly', ['Y'], [], ['b1']],
    ],
  },
  {
    name: 'a different code over an agreed passage is one coder only (the other code is agreed)',
    a: [c('a1', 'X', 0, 10), c('a2', 'Y', 0, 10)],
    b: [c('b1', 'X', 0, 10)],
    agreements: 1,
    expected: [['oneCoderOnly', ['Y'], ['a2'], []]],
  },
  {
    name: "a coder's own duplicate of an agreed coding is no disagreement",
    a: [c('a1', 'X', 0, 10), c('a2', 'X', 0, 10)],
    b: [c('b1', 'X', 0, 10)],
    agreements: 1,
    expected: [],
  },
  {
    name: 'touching codings are not overlapping',
    a: [c('a1', 'X', 0, 10)],
    b: [c('b1', 'X', 10, 20)],
    agreements: 0,
    expected: [
      ['oneCoderOnly', ['X'], ['a1'], []],
      ['oneCoderOnly', ['X'], [], ['b1']],
    ],
  },
  {
    name: 'three kinds at once, sorted by position',
    a: [c('a1', 'X', 0, 10), c('a2', 'Y', 20, 30), c('a3', 'Z', 50, 60)],
    b: [c('b1', 'X', 2, 10), c('b2', 'W', 20, 30)],
    agreements: 0,
    expected: [
      ['differentBoundaries', ['X'], ['a1'], ['b1']],
      ['differentCodes', ['W', 'Y'], ['a2'], ['b2']],
      ['oneCoderOnly', ['Z'], ['a3'], []],
    ],
  },
];

describe('compareLayers', () => {
  it.each(TABLE)('$name', ({ a, b, agreements, expected }) => {
    const result = compareLayers({ coder: 'ana', codings: a }, { coder: 'ben', codings: b });
    expect(result.agreements).toHaveLength(agreements);
    expect(result.disagreements.map((d) => [d.kind, d.codes, d.a.map((x) => x.id), d.b.map((x) => x.id)])).toEqual(
      expected,
    );
    for (const d of result.disagreements) expect(d.coders).toEqual(['ana', 'ben']);
  });

  it('gives stable ids that depend on the coder pair and the codings', () => {
    const a = [c('a1', 'X', 0, 10)];
    const first = compareLayers({ coder: 'ana', codings: a }, { coder: 'ben', codings: [] }).disagreements[0]!;
    const again = compareLayers({ coder: 'ana', codings: a }, { coder: 'ben', codings: [] }).disagreements[0]!;
    const otherPair = compareLayers({ coder: 'ana', codings: a }, { coder: 'cat', codings: [] }).disagreements[0]!;
    expect(first.id).toMatch(/^[0-9a-f]{16}$/);
    expect(again.id).toBe(first.id);
    expect(otherPair.id).not.toBe(first.id);
    expect(first).toMatchObject({ start: 0, end: 10 });
  });

  it('handles a large layer pair without an all-pairs scan', () => {
    const a: LayerCoding[] = [];
    const b: LayerCoding[] = [];
    for (let i = 0; i < 20_000; i++) {
      a.push(c(`a${i}`, `K${i % 7}`, i * 10, i * 10 + 8));
      b.push(c(`b${i}`, `K${i % 7}`, i * 10 + (i % 3 === 0 ? 1 : 0), i * 10 + 8));
    }
    const started = performance.now();
    const result = compareLayers({ coder: 'ana', codings: a }, { coder: 'ben', codings: b });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.disagreements.filter((d) => d.kind === 'differentBoundaries')).toHaveLength(6667);
    expect(result.agreements).toHaveLength(13_333);
  });
});

describe('describePassage', () => {
  const text = 'Interviewer: How was it?\nP1: Hard at first, then better.\n';
  const turns = [
    { start: 0, end: 25, speaker: 'Interviewer' },
    { start: 25, end: text.length, speaker: 'P1' },
  ];
  it.each([
    [29, 43, 'Hard at first,', 'P1'],
    [0, 11, 'Interviewer', 'Interviewer'],
  ])('[%i, %i) is %j said by %s', (start, end, passage, speaker) => {
    expect(describePassage(text, turns, start, end)).toEqual({ text: passage, speaker });
  });

  it('shortens long passages in the middle and has no speaker outside turns', () => {
    const long = 'x'.repeat(1000);
    const described = describePassage(long, [], 0, 1000, 10);
    expect(described).toEqual({ text: 'xxxxx … xxxxx', speaker: null });
  });
});
