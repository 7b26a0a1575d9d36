import { describe, expect, it } from 'vitest';
import { blockIndexAt, clampPassage, parseAt, passageHref } from '../../src/importExport/passage.js';

describe('parseAt', () => {
  it.each([
    ['?at=120-180', { start: 120, end: 180 }],
    ['at=5-5', { start: 5, end: 5 }],
    ['?at=42', { start: 42, end: 42 }],
    ['?at=180-120', { start: 120, end: 180 }],
    ['?x=1&at=0-3', { start: 0, end: 3 }],
    ['?at=%2012-14%20', { start: 12, end: 14 }],
    ['', null],
    ['?at=', null],
    ['?at=-3', null],
    ['?at=a-b', null],
    ['?at=1-2-3', null],
    ['?at=1.5-3', null],
    ['?at=12345678901-1', null],
  ])('%j → %j', (search, expected) => {
    expect(parseAt(search)).toEqual(expected);
  });
});

describe('passageHref', () => {
  it.each([
    [undefined, '/p/proj/t/tr'],
    [null, '/p/proj/t/tr'],
    [{ start: 3, end: 9 }, '/p/proj/t/tr?at=3-9'],
    [{ start: -4, end: 2.7 }, '/p/proj/t/tr?at=0-2'],
    [{ start: 10, end: 4 }, '/p/proj/t/tr?at=10-10'],
  ])('%j → %s', (passage, href) => {
    expect(passageHref('proj', 'tr', passage)).toBe(href);
  });

  it('round-trips through parseAt', () => {
    const href = passageHref('p1', 't1', { start: 17, end: 230 });
    expect(parseAt(href.slice(href.indexOf('?')))).toEqual({ start: 17, end: 230 });
  });
});

describe('blockIndexAt', () => {
  const blocks = [
    { start: 0, end: 10 },
    { start: 10, end: 25 },
    { start: 25, end: 26 },
    { start: 26, end: 60 },
  ];
  it.each([
    [0, 0],
    [9, 0],
    [10, 1],
    [24, 1],
    [25, 2],
    [26, 3],
    [59, 3],
    [60, 3],
    [1000, 3],
    [-5, 0],
  ])('offset %i is in block %i', (offset, index) => {
    expect(blockIndexAt(blocks, offset)).toBe(index);
  });

  it('gives -1 without blocks and 0 for a single block', () => {
    expect(blockIndexAt([], 3)).toBe(-1);
    expect(blockIndexAt([{ start: 0, end: 5 }], 3)).toBe(0);
  });

  it('agrees with a linear scan on many blocks', () => {
    const many = Array.from({ length: 257 }, (_, i) => ({ start: i * 7, end: i * 7 + 7 }));
    for (let offset = 0; offset < 257 * 7; offset += 3) {
      const linear = many.findLastIndex((block) => block.start <= offset);
      expect(blockIndexAt(many, offset)).toBe(linear);
    }
  });
});

describe('clampPassage', () => {
  it.each([
    [{ start: 2, end: 5 }, 10, { start: 2, end: 5 }],
    [{ start: 8, end: 50 }, 10, { start: 8, end: 10 }],
    [{ start: 50, end: 60 }, 10, { start: 9, end: 10 }],
    [{ start: 4, end: 4 }, 10, { start: 4, end: 5 }],
    [{ start: 0, end: 3 }, 0, null],
  ])('%j in %i characters → %j', (passage, length, expected) => {
    expect(clampPassage(passage, length)).toEqual(expected);
  });
});
