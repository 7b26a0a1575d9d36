import { describe, expect, it } from 'vitest';
import { compareLayers, type LayerCoding } from '../../src/rounds/disagreements.js';
import { type Resolution, ResolutionError, resolveDisagreement } from '../../src/rounds/resolution.js';

const c = (id: string, code: string, start: number, end: number): LayerCoding => ({ id, code, start, end });
const only = (a: LayerCoding[], b: LayerCoding[]) => {
  const { disagreements } = compareLayers({ coder: 'ana', codings: a }, { coder: 'ben', codings: b });
  expect(disagreements).toHaveLength(1);
  return disagreements[0]!;
};
const brief = (resolution: Resolution, a: LayerCoding[], b: LayerCoding[]) =>
  resolveDisagreement(only(a, b), resolution).map((r) => [
    r.code,
    r.start,
    r.end,
    `${r.startFrom.coder}:${r.startFrom.coding}`,
    `${r.endFrom.coder}:${r.endFrom.coding}`,
  ]);

const BOUNDARIES = { a: [c('a1', 'X', 0, 10)], b: [c('b1', 'X', 5, 15)] };
const CODES = { a: [c('a1', 'X', 0, 10)], b: [c('b1', 'Y', 0, 12)] };

describe('resolveDisagreement', () => {
  it.each([
    ['keepA, boundaries', { choice: 'keepA' }, BOUNDARIES, [['X', 0, 10, 'ana:a1', 'ana:a1']]],
    ['keepB, boundaries', { choice: 'keepB' }, BOUNDARIES, [['X', 5, 15, 'ben:b1', 'ben:b1']]],
    ['merge, boundaries: the union', { choice: 'merge' }, BOUNDARIES, [['X', 0, 15, 'ana:a1', 'ben:b1']]],
    ['drop', { choice: 'drop' }, BOUNDARIES, []],
    [
      'recode, boundaries: whole passage',
      { choice: 'recode', code: 'Z' },
      BOUNDARIES,
      [['Z', 0, 15, 'ana:a1', 'ben:b1']],
    ],
    [
      'merge, different codes: both codes kept',
      { choice: 'merge' },
      CODES,
      [
        ['X', 0, 10, 'ana:a1', 'ana:a1'],
        ['Y', 0, 12, 'ben:b1', 'ben:b1'],
      ],
    ],
    ['keepB, different codes', { choice: 'keepB' }, CODES, [['Y', 0, 12, 'ben:b1', 'ben:b1']]],
    ['keepB, coded by A only: nothing', { choice: 'keepB' }, { a: [c('a1', 'X', 3, 9)], b: [] }, []],
    [
      'merge, A split in two touching codings',
      { choice: 'merge' },
      { a: [c('a1', 'X', 0, 10), c('a2', 'X', 10, 20)], b: [c('b1', 'X', 0, 18)] },
      [['X', 0, 20, 'ana:a1', 'ana:a2']],
    ],
  ] as [string, Resolution, { a: LayerCoding[]; b: LayerCoding[] }, unknown[]][])(
    '%s',
    (_name, resolution, layers, expected) => {
      expect(brief(resolution, layers.a, layers.b)).toEqual(expected);
    },
  );

  it('refuses a recode without a code', () => {
    expect(() => resolveDisagreement(only(BOUNDARIES.a, BOUNDARIES.b), { choice: 'recode' })).toThrow(ResolutionError);
  });
});
