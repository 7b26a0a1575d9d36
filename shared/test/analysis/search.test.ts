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

describe('text search in any script', () => {
  const docs = [
    { id: 'de', text: 'Die STRASSE war leer. Auf der Straße lag Schnee.' },
    { id: 'tr', text: 'İstanbul’da yaşıyorum. ISTANBUL büyük.' },
    { id: 'fw', text: 'Ｔｅａｍ ＡＢＣ said yes' },
    { id: 'ar', text: 'قال مُحَمَّد إنه بخير. محمد كتب.' },
    { id: 'zh', text: '我们都说没事。没事的人很多。' },
    { id: 'th', text: 'ผมไปตลาด ผมซื้อผลไม้' },
  ];
  const hits = (query: string, options = {}) =>
    searchText(docs, query, options).hits.map((hit) => `${hit.transcript}:${hit.start}:${hit.match}`);
  const offset = (id: string, match: string) => `${id}:${docs.find((d) => d.id === id)!.text.indexOf(match)}:${match}`;

  it('case-folds by Unicode and maps every hit to exact offsets of the original', () => {
    expect(hits('straße')).toEqual([offset('de', 'STRASSE'), offset('de', 'Straße')]);
    expect(hits('istanbul')).toEqual([offset('tr', 'İstanbul'), offset('tr', 'ISTANBUL')]);
    expect(hits('team abc')).toEqual([offset('fw', 'Ｔｅａｍ ＡＢＣ')]);
    for (const hit of searchText(docs, 'straße').hits) {
      expect(docs.find((d) => d.id === hit.transcript)!.text.slice(hit.start, hit.end)).toBe(hit.match);
    }
  });

  it('case-sensitive search still normalises', () => {
    expect(hits('Straße', { caseSensitive: true })).toEqual([offset('de', 'Straße')]);
    expect(hits('ABC', { caseSensitive: true })).toEqual([offset('fw', 'ＡＢＣ')]);
  });

  it('Arabic with or without harakat, when diacritics are ignored', () => {
    expect(hits('محمد')).toEqual([offset('ar', 'محمد')]);
    expect(hits('محمد', { ignoreDiacritics: true })).toEqual([offset('ar', 'مُحَمَّد'), offset('ar', 'محمد')]);
  });

  it('whole words in unspaced scripts follow the platform word segmentation', () => {
    expect(hits('没事')).toEqual([offset('zh', '没事'), `zh:${docs[4]!.text.lastIndexOf('没事')}:没事`]);
    // Thai: "ตลาด" (market) is a word of its own, "ลา" inside it is not.
    expect(hits('ตลาด', { wholeWord: true })).toEqual([offset('th', 'ตลาด')]);
    expect(hits('ลา', { wholeWord: true })).toEqual([]);
    expect(hits('ลา')).toEqual([offset('th', 'ลา')]);
    // A match may span several dictionary words ("ผล" + "ไม้", fruit) as long as it starts and ends on boundaries.
    expect(hits('ผลไม้', { wholeWord: true })).toEqual([offset('th', 'ผลไม้')]);
    expect(hits('没事', { wholeWord: true })).toHaveLength(2);
    expect(hits('们都', { wholeWord: true })).toEqual([]);
    expect(hits('们都')).toEqual([offset('zh', '们都')]);
  });
});
