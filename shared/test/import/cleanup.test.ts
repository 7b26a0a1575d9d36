import { describe, expect, it } from 'vitest';
import {
  cleanupPages,
  cleanupText,
  edgeKey,
  joinParagraphs,
  removeHeadersAndFooters,
  removeLineNumbers,
} from '../../src/import/cleanup.js';

describe('running headers and footers', () => {
  it.each([
    [
      'a header on every page, page numbers that change',
      [
        ['Study 7 - Confidential', 'P1: one', 'Page 1 of 2'],
        ['Study 7 - Confidential', 'P2: two', 'Page 2 of 2'],
      ],
      [['P1: one'], ['P2: two']],
      ['Study 7 - Confidential', 'Page 1 of 2'],
    ],
    [
      'a title page without the header',
      [
        ['Interview with P4', 'P1: one'],
        ['Riverside study', 'P1: two', '2'],
        ['Riverside study', 'P2: three', '3'],
      ],
      [['Interview with P4', 'P1: one'], ['P1: two'], ['P2: three']],
      ['Riverside study', '2'],
    ],
    [
      'footers like 1/5 under the text, a stray number below them',
      [
        ['a', 'b', '1/3', '24'],
        ['c', 'd', '2/3'],
        ['e', '3/3'],
      ],
      [['a', 'b', '24'], ['c', 'd'], ['e']],
      ['1/3'],
    ],
    [
      'two pages ending alike in different places are text',
      [
        ['P1: yes', 'P2: no', 'P1: ok'],
        ['P1: ok', 'P2: fine', 'P1: bye'],
      ],
      [
        ['P1: yes', 'P2: no', 'P1: ok'],
        ['P1: ok', 'P2: fine', 'P1: bye'],
      ],
      [],
    ],
    ['one page has nothing to compare with', [['Header', 'text', '1']], [['Header', 'text', '1']], []],
  ])('%s', (_name, pages, kept, removed) => {
    const result = removeHeadersAndFooters(pages);
    expect(result.pages).toEqual(kept);
    expect(result.removed).toEqual(removed);
  });

  it.each([
    ['Page 12 of 40', 'page # of #'],
    ['  - 3 -  ', '- # -'],
    ['Interview  7\tConfidential', 'interview # confidential'],
  ])('compares %j as %j', (line, key) => {
    expect(edgeKey(line)).toBe(key);
  });
});

const texts = (lines: { text: string }[]) => lines.map((line) => line.text);

describe('line and paragraph numbers', () => {
  it.each([
    [
      'every line numbered, restarting on each page',
      [
        ['1 Q: How did', '2 it start?', '3 A: Slowly.'],
        ['1 A: Then fast.', '2 Q: Why?'],
      ],
      'lines',
      ['Q: How did', 'it start?', 'A: Slowly.', 'A: Then fast.', 'Q: Why?'],
    ],
    [
      'every fifth line numbered',
      [['   5 one', 'two', 'three', 'four', 'five', '  10 six', 'seven', 'eight', 'nine', 'ten', '  15 eleven']],
      'lines',
      ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven'],
    ],
    [
      'MAXQDA paragraphs: a number over a heading, a number out of sequence is text, a stray number at a page foot',
      [
        ['1', 'Interview', '2 Dan: Okay.', '3 Participant: 30 or', '40 features, you see.', '4'],
        ['4 Dan: Right.', '5 Participant: Yes.'],
      ],
      'paragraphs',
      ['Interview', 'Dan: Okay.', 'Participant: 30 or', '40 features, you see.', 'Dan: Right.', 'Participant: Yes.'],
    ],
    [
      'numbers in ordinary text are not numbering',
      [['2019 was hard.', 'P1: 3 kids', '12 of them came', 'P2: 5 left']],
      'none',
      ['2019 was hard.', 'P1: 3 kids', '12 of them came', 'P2: 5 left'],
    ],
    [
      'a numbered list is not line numbering',
      [['1. first', '2. second', '3. third']],
      'none',
      ['1. first', '2. second', '3. third'],
    ],
  ] as const)('%s', (_name, pages, mode, lines) => {
    const result = removeLineNumbers(pages);
    expect(result.mode).toBe(mode);
    expect(texts(result.lines).map((text) => text.trim())).toEqual(lines);
  });

  it('marks numbered paragraphs, the line under a number alone, and page starts', () => {
    const { lines } = removeLineNumbers([
      ['1', 'Interview', '2 Dan: a', 'b', '3 P: c'],
      ['d', '4 Dan: e'],
    ]);
    // `Interview` takes the page start of the number above it, which is dropped.
    expect(lines.map(({ numbered, pageStart }) => [numbered, pageStart])).toEqual([
      [true, true],
      [true, false],
      [false, false],
      [true, false],
      [false, true],
      [true, false],
    ]);
  });
});

describe('joining hard-wrapped lines', () => {
  const line = (text: string, numbered = false) => ({ text, numbered, pageStart: false });
  const long = 'x'.repeat(60);
  it.each([
    [
      'wrapped lines join; a short line ends its paragraph',
      [line(`${long} a`), line(`${long} b`), line('end.'), line(`${long} c`), line('end.')],
      false,
      `${long} a ${long} b end.\n${long} c end.`,
    ],
    [
      'a speaker label opens a turn even after a long line',
      [line(`Ana: ${long}`), line(`Ben: ${long}`), line('done')],
      false,
      `Ana: ${long}\nBen: ${long} done`,
    ],
    [
      'blank lines separate paragraphs and are kept',
      [line(`${long} a`), line(''), line(`${long} b`), line('tail')],
      false,
      `${long} a\n\n${long} b tail`,
    ],
    [
      'numbered paragraphs decide alone (a label inside a paragraph stays in it)',
      [line(`Dan: ${long}`, true), line(`Note: ${long}`), line('Participant: yes', true)],
      true,
      `Dan: ${long} Note: ${long}\nParticipant: yes`,
    ],
    [
      'a word broken at the margin keeps its hyphen, loses the space',
      [line(`${long} well-`), line('known words')],
      false,
      `${long} well-known words`,
    ],
    [
      'short lines (a poem, a list) are never joined',
      [line('one'), line('two'), line('three')],
      false,
      'one\ntwo\nthree',
    ],
  ])('%s', (_name, lines, numberedParagraphs, text) => {
    expect(joinParagraphs(lines, { numberedParagraphs, separator: 'preserve' }).text).toBe(text);
  });

  it('blank separators everywhere when asked', () => {
    const lines = [line('Ana: hi'), line('Ben: hello')];
    expect(joinParagraphs(lines, { numberedParagraphs: false, separator: 'blank' }).text).toBe('Ana: hi\n\nBen: hello');
  });
});

describe('the whole clean-up', () => {
  it('a two-page transcript with a header, page numbers, line numbers and hard wraps', () => {
    const pages = [
      [
        'Riverside Study - Interview 7',
        '1 Interviewer: Thank you for coming in today. Could you tell me how the first weeks',
        '2 of the treatment went for you?',
        '',
        '3 Participant: They were hard. I was tired all the time and I did not want to see',
        '4 anyone, not even my sister.',
        'Page 1 of 2',
      ],
      [
        'Riverside Study - Interview 7',
        '5 Interviewer: And later on, after the first month, did anything change for you?',
        '',
        '6 Participant: Yes.',
        'Page 2 of 2',
      ],
    ];
    const { text, report } = cleanupPages(pages, { paragraphs: 'blank' });
    expect(text).toBe(
      [
        'Interviewer: Thank you for coming in today. Could you tell me how the first weeks of the treatment went for you?',
        'Participant: They were hard. I was tired all the time and I did not want to see anyone, not even my sister.',
        'Interviewer: And later on, after the first month, did anything change for you?',
        'Participant: Yes.',
      ].join('\n\n'),
    );
    expect(report).toEqual({
      pages: 2,
      headersAndFooters: ['Riverside Study - Interview 7', 'Page 1 of 2'],
      lineNumbers: 6,
      joinedLines: 2,
    });
  });

  it('pasted text keeps its paragraphs and loses its numbers', () => {
    const pasted =
      '1 P1: I think it was the nurse who first noticed that something was not right with\n' +
      '2 me, and she asked me to come back the next week.\n' +
      '3 P2: Same here.\n';
    expect(cleanupText(pasted).text).toBe(
      'P1: I think it was the nurse who first noticed that something was not right with me, and she asked me to come back the next week.\nP2: Same here.',
    );
  });

  it('text without layout passes unchanged', () => {
    const text = 'Ana: hello\n\nBen: hi there\nAna: bye';
    expect(cleanupText(text).text).toBe(text);
  });
});
