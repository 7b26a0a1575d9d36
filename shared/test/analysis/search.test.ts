import { describe, expect, it } from 'vitest';
import { contextAfter, contextBefore, searchText } from '../../src/analysis/search.js';

const DOCS = [
  {
    id: 't1',
    text: 'I: Did you get support?\nP1: Support was hard to find. My sister supported me.\n',
    turns: [
      { start: 0, end: 24, speaker: 'I' },
      { start: 24, end: 78, speaker: 'P1' },
    ],
  },
  { id: 't2', text: 'P2: No support at all,\nreally none.' },
];

const found = (query: string, options = {}) =>
  searchText(DOCS, query, options).hits.map((hit) => `${hit.transcript}:${hit.start}:${hit.match}`);

/** `transcript:offset:match` of the n-th occurrence of `match` (exact case) in a transcript's text. */
function at(transcript: 't1' | 't2', match: string, nth = 0): string {
  const text = DOCS.find((doc) => doc.id === transcript)!.text;
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(match, offset + 1);
  return `${transcript}:${offset}:${match}`;
}

describe('text search', () => {
  const table: { name: string; query: string; options?: object; expected: string[] }[] = [
    {
      name: 'ignores case by default, across transcripts',
      query: 'support',
      expected: [at('t1', 'support'), at('t1', 'Support'), at('t1', 'support', 1), at('t2', 'support')],
    },
    { name: 'case-sensitive', query: 'Support', options: { caseSensitive: true }, expected: [at('t1', 'Support')] },
    {
      name: 'whole words only',
      query: 'support',
      options: { wholeWord: true },
      expected: [at('t1', 'support'), at('t1', 'Support'), at('t2', 'support')],
    },
    { name: 'a phrase matches across a line break', query: 'all, really', expected: [at('t2', 'all,\nreally')] },
    {
      name: 'whitespace in the query matches any whitespace',
      query: 'at  all,   really',
      expected: [at('t2', 'at all,\nreally')],
    },
    { name: 'special characters are literal', query: 'support?', expected: [at('t1', 'support?')] },
    { name: 'an empty query finds nothing', query: '   ', expected: [] },
  ];
  for (const row of table) it(row.name, () => expect(found(row.query, row.options)).toEqual(row.expected));

  it('gives each hit its context, cut at whole words, and its speaker', () => {
    const [hit] = searchText(DOCS, 'hard', { context: 12 }).hits;
    expect(hit).toEqual({
      transcript: 't1',
      start: DOCS[0]!.text.indexOf('hard'),
      end: DOCS[0]!.text.indexOf('hard') + 4,
      before: 'Support was ',
      match: 'hard',
      after: ' to find. My',
      speaker: 'P1',
    });
    expect(searchText(DOCS, 'none').hits[0]!.speaker).toBeNull();
  });

  it('stops at the limit and says so', () => {
    const result = searchText(DOCS, 'support', { limit: 2 });
    expect(result.hits).toHaveLength(2);
    expect(result.truncated).toBe(true);
    expect(searchText(DOCS, 'support', { limit: 4 }).truncated).toBe(false);
  });

  it('never cuts a word in half at the edge of the context', () => {
    expect(contextBefore('alpha beta gamma', 16, 8)).toBe('gamma');
    expect(contextBefore('alpha beta gamma', 11, 8)).toBe('beta ');
    expect(contextAfter('alpha beta gamma', 5, 8)).toBe(' beta');
    expect(contextAfter('alpha beta', 5, 20)).toBe(' beta');
  });
});
