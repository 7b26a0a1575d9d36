// @vitest-environment happy-dom
import { addCoding, initTranscript, readCodings } from '@accord/shared';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type Block, buildBlocks } from '../src/coding/blocks.js';
import { offsetToPoint, rangeToOffsets, trimRange } from '../src/coding/offsets.js';
import { TurnBlock } from '../src/reader/TurnBlock.js';
import type { LayerCoding } from '../src/sync/model.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// Non-ASCII on purpose: offsets are UTF-16 code units, so the emoji counts 2 and "é" 1.
const TEXT = 'A: Café 😀 was fine.\nB: The nurse listened, then left.\nA: OK.\n';
const turns = [
  { start: 0, end: TEXT.indexOf('B:'), speaker: 'A' },
  { start: TEXT.indexOf('B:'), end: TEXT.indexOf('A: OK'), speaker: 'B' },
  { start: TEXT.indexOf('A: OK'), end: TEXT.length, speaker: 'A' },
];

let container: HTMLElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

function render(blocks: readonly Block[], codings: readonly LayerCoding[] = [], colour = '#e69f00') {
  act(() =>
    root.render(
      <div className="list">
        {blocks.map((block, index) => (
          <TurnBlock
            key={block.start}
            index={index}
            block={block}
            text={TEXT.slice(block.start, block.end)}
            codings={codings.filter((c) => c.end > block.start && c.start < block.end)}
            colourOf={() => colour}
            labelOf={(c) => c.code}
            tagOf={(c) => c.code}
            lanesWidth={54}
            stripeLane={new Map()}
            stripeBase={new Map(codings.map((c) => [c.id, 0]))}
            pending={null}
            remote={[]}
            width={800}
            focusable={index === 0}
            correcting={false}
            onKeyDown={() => {}}
            onFocusBlock={() => {}}
            onOpenCodings={() => {}}
            onEditText={() => {}}
          />
        ))}
      </div>,
    ),
  );
}

function textNodeContaining(needle: string): { node: Text; at: number } {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const at = node.data.indexOf(needle);
    if (at >= 0) return { node, at };
  }
  throw new Error(`no text node with ${needle}`);
}

function rangeOver(needle: string, until = needle): Range {
  const from = textNodeContaining(needle);
  const to = textNodeContaining(until);
  const range = document.createRange();
  range.setStart(from.node, from.at);
  range.setEnd(to.node, to.at + until.length);
  return range;
}

describe('selection -> offsets', () => {
  const blocks = buildBlocks(
    TEXT,
    turns.map((t) => ({ ...t })),
  );

  it.each([
    ['a word after an emoji (UTF-16 units)', 'was fine', 'was fine'],
    ['the emoji itself', '😀', '😀'],
    ['a passage in the second turn', 'nurse listened', 'nurse listened'],
  ])('%s', (_name, needle, expected) => {
    render(blocks);
    const offsets = rangeToOffsets(rangeOver(needle), TEXT)!;
    expect(TEXT.slice(offsets.start, offsets.end)).toBe(expected);
  });

  it('a selection across turns covers the text between, trimmed of the line break', () => {
    render(blocks);
    const offsets = rangeToOffsets(rangeOver('fine.', 'The nurse'), TEXT)!;
    expect(TEXT.slice(offsets.start, offsets.end)).toBe('fine.\nB: The nurse');
  });

  it('a selection ending in the next turn’s speaker label ends at that turn’s start', () => {
    render(blocks);
    const range = document.createRange();
    const from = textNodeContaining('nurse');
    range.setStart(from.node, from.at);
    const label = container.querySelectorAll('.speaker')[2]!;
    range.setEnd(label.firstChild!, 1);
    const offsets = rangeToOffsets(range, TEXT)!;
    expect(TEXT.slice(offsets.start, offsets.end)).toBe('nurse listened, then left.');
  });

  it('maps offsets inside highlighted segments (split text nodes) both ways', () => {
    const text = new Y.Doc();
    initTranscript(text, TEXT, turns);
    const layer = new Y.Doc();
    const start = TEXT.indexOf('nurse');
    addCoding(layer, text, { code: 'care', start, end: start + 'nurse listened'.length });
    const codings = readCodings(layer, text).map((c) => ({ ...c, coder: 'me', resolvedCode: c.code }));
    render(blocks, codings);
    // The coded words are a segment of their own, highlighted, carrying the coding id.
    const segment = container.querySelector<HTMLElement>('[data-ids]')!;
    expect(segment.textContent).toBe('nurse listened');
    expect(segment.dataset.ids).toBe(codings[0]!.id);
    expect(segment.getAttribute('style')).toContain('background');
    // A selection starting inside one segment and ending in the next still maps exactly.
    const offsets = rangeToOffsets(rangeOver('listened', 'then'), TEXT)!;
    expect(TEXT.slice(offsets.start, offsets.end)).toBe('listened, then');
    const textRoot = container.querySelectorAll<HTMLElement>('[data-text-start]')[1]!;
    const point = offsetToPoint(textRoot, TEXT.indexOf('then'));
    expect((point.node as Text).data.slice(point.offset)).toMatch(/^then/);
  });

  it('applying a coding to the selection highlights exactly that passage', () => {
    const text = new Y.Doc();
    initTranscript(text, TEXT, turns);
    const layer = new Y.Doc();
    render(blocks);
    const offsets = rangeToOffsets(rangeOver('Café 😀 '), TEXT)!;
    addCoding(layer, text, { code: 'x', ...offsets });
    const codings = readCodings(layer, text).map((c) => ({ ...c, coder: 'me', resolvedCode: c.code }));
    render(blocks, codings);
    expect(container.querySelector('[data-ids]')!.textContent).toBe('Café 😀');
  });

  it('overlapping codings give a segment per overlap with every code visible', () => {
    const codings = [
      {
        id: 'one',
        code: 'a',
        start: TEXT.indexOf('The'),
        end: TEXT.indexOf(', then'),
        coder: 'me',
        resolvedCode: 'a',
        createdAt: 0,
      },
      {
        id: 'two',
        code: 'b',
        start: TEXT.indexOf('nurse'),
        end: TEXT.indexOf('left'),
        coder: 'you',
        resolvedCode: 'b',
        createdAt: 0,
      },
    ];
    render(blocks, codings);
    const segments = [...container.querySelectorAll<HTMLElement>('[data-ids]')].map((s) => [
      s.textContent,
      s.dataset.ids,
    ]);
    expect(segments).toEqual([
      ['The ', 'one'],
      ['nurse listened', 'one two'],
      [', then ', 'two'],
    ]);
    expect(container.querySelectorAll('.stripe')).toHaveLength(2);
  });

  it.each([
    ['  padded  ', 0, 10, 'padded'],
    ['\n\n', 0, 2, null],
    ['ab', 0, 2, 'ab'],
  ])('trims %j', (text, start, end, expected) => {
    const range = trimRange(text, start, end);
    expect(range ? text.slice(range.start, range.end) : null).toBe(expected);
  });
});
