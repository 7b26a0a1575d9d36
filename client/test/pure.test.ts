import { CODE_PALETTE, type Code } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import { countCodes, impactOf, sumCounts } from '../src/codebook/counts.js';
import { buildTree, filterCodes, flattenTree, subtreeIds } from '../src/codebook/tree.js';
import { blockAt, buildBlocks, formatTime } from '../src/coding/blocks.js';
import { highlightBackground, nextCodeColour, textOn, userColour, withAlpha } from '../src/coding/colours.js';
import { assignLanes, packStripes } from '../src/coding/lanes.js';
import { codingsBetween, segment } from '../src/coding/segments.js';
import { diffText, transformIndex } from '../src/coding/textDiff.js';

const iv = (id: string, start: number, end: number) => ({ id, start, end });

describe('overlap layout into stripe lanes', () => {
  it.each([
    ['none', [], {}, 0],
    ['disjoint codings share lane 0', [iv('a', 0, 5), iv('b', 5, 9)], { a: 0, b: 0 }, 1],
    ['nested: the enclosing coding sits nearest the text', [iv('in', 2, 4), iv('out', 0, 10)], { out: 0, in: 1 }, 2],
    ['chain of overlaps reuses freed lanes', [iv('a', 0, 4), iv('b', 2, 6), iv('c', 5, 8)], { a: 0, b: 1, c: 0 }, 2],
    ['three on one spot', [iv('a', 0, 3), iv('b', 0, 3), iv('c', 0, 3)], { a: 0, b: 1, c: 2 }, 3],
  ] as const)('%s', (_name, intervals, lanes, count) => {
    const layout = assignLanes(intervals);
    expect(Object.fromEntries(layout.lane)).toEqual(lanes);
    expect(layout.lanes).toBe(count);
  });

  it('uses the minimum number of lanes (the largest overlap) on random input', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round++) {
      const intervals = Array.from({ length: 40 }, (_, i) => {
        const start = Math.floor(random() * 200);
        return iv(`c${i}`, start, start + 1 + Math.floor(random() * 30));
      });
      let maxOverlap = 0;
      for (let x = 0; x < 240; x++)
        maxOverlap = Math.max(maxOverlap, intervals.filter((c) => c.start <= x && c.end > x).length);
      const layout = assignLanes(intervals);
      expect(layout.lanes).toBe(maxOverlap);
      for (const a of intervals) {
        for (const b of intervals) {
          if (a !== b && a.start < b.end && b.start < a.end)
            expect(layout.lane.get(a.id)).not.toBe(layout.lane.get(b.id));
        }
      }
    }
  });

  it.each([
    [
      'two codings on one line get two lanes',
      [
        { id: 'a', top: 0, bottom: 20 },
        { id: 'b', top: 0, bottom: 20 },
      ],
      { a: 0, b: 1 },
    ],
    [
      'stacked lines share a lane',
      [
        { id: 'a', top: 0, bottom: 20 },
        { id: 'b', top: 20, bottom: 40 },
      ],
      { a: 0, b: 0 },
    ],
    [
      'a stripe continuing from another block keeps its lane, others fill around it',
      [
        { id: 'cont', top: 0, bottom: 60, lane: 0 },
        { id: 'x', top: 10, bottom: 30 },
      ],
      { cont: 0, x: 1 },
    ],
  ] as const)('%s', (_name, boxes, lanes) => {
    expect(Object.fromEntries(packStripes(boxes))).toEqual(lanes);
  });
});

describe('segments for highlights', () => {
  it.each([
    ['uncoded text stays one segment', 0, 10, [], [[0, 10, []]]],
    [
      'a coding inside',
      0,
      10,
      [iv('a', 2, 5)],
      [
        [0, 2, []],
        [2, 5, ['a']],
        [5, 10, []],
      ],
    ],
    [
      'overlap cuts at every boundary',
      0,
      10,
      [iv('a', 0, 6), iv('b', 4, 10)],
      [
        [0, 4, ['a']],
        [4, 6, ['a', 'b']],
        [6, 10, ['b']],
      ],
    ],
    ['a coding crossing the block edges', 10, 20, [iv('a', 5, 25)], [[10, 20, ['a']]]],
    ['codings outside are ignored', 10, 20, [iv('a', 0, 10), iv('b', 20, 30)], [[10, 20, []]]],
  ] as const)('%s', (_name, from, to, codings, expected) => {
    expect(segment(from, to, codings).map((s) => [s.start, s.end, s.covering])).toEqual(expected);
  });

  it('finds the codings of a visible range by binary search', () => {
    const sorted = [iv('long', 0, 100), iv('a', 10, 12), iv('b', 50, 55), iv('c', 90, 95), iv('d', 120, 130)];
    expect(codingsBetween(sorted, 40, 60, 100).map((c) => c.id)).toEqual(['long', 'b']);
    expect(codingsBetween(sorted, 100, 125, 100).map((c) => c.id)).toEqual(['d']);
    expect(codingsBetween(sorted, 0, 1, 100).map((c) => c.id)).toEqual(['long']);
  });
});

describe('blocks', () => {
  it.each([
    [
      'turns become blocks',
      'A: hi\nB: yo\n',
      [
        [0, 6, 'A'],
        [6, 12, 'B'],
      ],
      [
        [0, 6, 'A'],
        [6, 12, 'B'],
      ],
    ],
    [
      'no turns: paragraphs',
      'one\n\ntwo\n\nthree',
      [],
      [
        [0, 5, ''],
        [5, 10, ''],
        [10, 15, ''],
      ],
    ],
    [
      'text before the first turn is kept',
      'preface\nA: hi',
      [[8, 13, 'A']],
      [
        [0, 8, ''],
        [8, 13, 'A'],
      ],
    ],
  ] as const)('%s', (_name, text, turns, expected) => {
    const blocks = buildBlocks(
      text,
      turns.map(([start, end, speaker]) => ({ start, end, speaker })),
    );
    expect(blocks.map((b) => [b.start, b.end, b.speaker])).toEqual(expected);
  });

  it('finds the block of an offset', () => {
    const blocks = buildBlocks('a\n\nb\n\nc', []);
    expect([0, 2, 3, 5, 6, 7].map((offset) => blockAt(blocks, offset))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(blockAt([], 3)).toBe(-1);
  });

  it.each([
    [0, '0:00'],
    [65.4, '1:05'],
    [3725, '1:02:05'],
  ])('formats %s s as %s', (seconds, text) => expect(formatTime(seconds)).toBe(text));
});

describe('text corrections as minimal splices', () => {
  it.each([
    ['equal', 'abc', 'abc', null],
    ['typo', 'the clinci was', 'the clinic was', { index: 8, remove: 2, insert: 'ic' }],
    ['insertion', 'ab', 'aXb', { index: 1, remove: 0, insert: 'X' }],
    ['deletion at the end', 'abc', 'ab', { index: 2, remove: 1, insert: '' }],
    ['repeated letters', 'aaa', 'aaaa', { index: 3, remove: 0, insert: 'a' }],
    ['never splits a surrogate pair', 'x\u{1F600}y', 'x\u{1F601}y', { index: 1, remove: 2, insert: '\u{1F601}' }],
  ] as const)('%s', (_name, before, after, splice) => {
    const result = diffText(before, after);
    expect(result).toEqual(splice);
    if (result) {
      expect(before.slice(0, result.index) + result.insert + before.slice(result.index + result.remove)).toBe(after);
    }
  });

  it.each([
    ['insert before moves the caret', 5, [{ insert: 'ab' }], 7],
    ['insert after leaves it', 5, [{ retain: 6 }, { insert: 'ab' }], 5],
    ['insert at the caret leaves it (not sticky)', 5, [{ retain: 5 }, { insert: 'ab' }], 5],
    ['delete before moves it back', 5, [{ retain: 1 }, { delete: 2 }], 3],
    ['delete across it clamps', 5, [{ retain: 3 }, { delete: 5 }], 3],
  ] as const)('transformIndex: %s', (_name, index, delta, expected) => {
    expect(transformIndex(index, delta)).toBe(expected);
  });
});

describe('colours', () => {
  it('assigns the least-used palette colour, in palette order', () => {
    expect(nextCodeColour([])).toBe(CODE_PALETTE[0]);
    expect(nextCodeColour([CODE_PALETTE[0]!, CODE_PALETTE[1]!])).toBe(CODE_PALETTE[2]);
    expect(nextCodeColour([...CODE_PALETTE, CODE_PALETTE[0]!])).toBe(CODE_PALETTE[1]);
    expect(nextCodeColour(['#123456'])).toBe(CODE_PALETTE[0]);
  });
  it('derives highlight backgrounds and readable text colours', () => {
    expect(withAlpha('#ff8000', 0.5)).toBe('rgba(255, 128, 0, 0.5)');
    expect(highlightBackground([])).toBeUndefined();
    expect(highlightBackground(['#000000'])).toBe('rgba(0, 0, 0, 0.35)');
    expect(highlightBackground(['#000000', '#ffffff'])).toContain('linear-gradient');
    expect(textOn('#ffffff')).toBe('#000');
    expect(textOn('#332288')).toBe('#fff');
    expect(userColour('abc')).toBe(userColour('abc'));
  });
});

const code = (id: string, name: string, parent: string | null, order = 0): Code => ({
  id,
  name,
  parent,
  order,
  colour: '#000000',
  definition: '',
  inclusion: '',
  exclusion: '',
  examples: '',
  createdAt: 0,
});

describe('code tree', () => {
  const codes = [
    code('b', 'Barriers', null, 0),
    code('s', 'Stigma', 'b', 0),
    code('c', 'Cost', 'b', 1),
    code('t', 'Trust', null, 1),
    code('o', 'Orphan', 'gone', 2),
  ];
  it('nests children under parents and lifts orphans to the top level', () => {
    const tree = buildTree(codes);
    expect(tree.map((n) => n.code.id)).toEqual(['b', 't', 'o']);
    expect(tree[0]!.children.map((n) => [n.code.id, n.depth, n.path])).toEqual([
      ['s', 1, ['Barriers', 'Stigma']],
      ['c', 1, ['Barriers', 'Cost']],
    ]);
    expect(subtreeIds(tree[0]!)).toEqual(['b', 's', 'c']);
  });
  it('keeps codes in a parent cycle visible', () => {
    const tree = buildTree([code('x', 'X', 'y'), code('y', 'Y', 'x')]);
    expect(
      flattenTree(tree)
        .map((n) => n.code.id)
        .sort(),
    ).toEqual(['x', 'y']);
  });
  it('flattens without collapsed children', () => {
    const tree = buildTree(codes);
    expect(flattenTree(tree, new Set(['b'])).map((n) => n.code.id)).toEqual(['b', 't', 'o']);
  });
  it.each([
    ['', ['b', 's', 'c', 't', 'o']],
    ['st', ['s', 'c', 't']],
    ['barr sti', ['s']],
    ['STIGMA', ['s']],
    ['cost', ['c']],
    ['zzz', []],
  ])('filter %j', (query, ids) => {
    expect(filterCodes(flattenTree(buildTree(codes)), query).map((n) => n.code.id)).toEqual(ids);
  });
  it('is accent-insensitive', () => {
    expect(filterCodes(flattenTree(buildTree([code('e', 'Énergie', null)])), 'energie')).toHaveLength(1);
  });
});

describe('counts for merges, deletes and shortcuts', () => {
  const redirects = new Map([
    ['old', 'new'],
    ['gone', ''],
  ]);
  it('counts codes through redirects', () => {
    expect(Object.fromEntries(countCodes(['a', 'a', 'old', 'new', 'gone'], redirects))).toEqual({ a: 2, new: 2 });
  });
  it('sums layers and says what a merge or delete touches', () => {
    const layers = [
      new Map([['a', 2]]),
      new Map([
        ['a', 1],
        ['b', 4],
      ]),
      new Map([['b', 1]]),
    ];
    expect(Object.fromEntries(sumCounts(layers))).toEqual({ a: 3, b: 5 });
    expect(impactOf(layers, 'a')).toEqual({ codings: 3, layers: 2 });
    expect(impactOf(layers, 'none')).toEqual({ codings: 0, layers: 0 });
  });
});
