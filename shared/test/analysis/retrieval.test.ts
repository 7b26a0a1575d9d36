import { describe, expect, it } from 'vitest';
import { retrieveSegments, selectCodings } from '../../src/analysis/retrieval.js';
import type { TranscriptInfo } from '../../src/analysis/types.js';
import type { Code } from '../../src/model/codebook.js';
import { coding } from './helpers.js';

const code = (id: string, name: string, parent: string | null = null): Code => ({
  id,
  name,
  parent,
  colour: '#000000',
  definition: '',
  inclusion: '',
  exclusion: '',
  examples: '',
  order: 0,
  createdAt: 0,
});

const CODES = [code('care', 'Care'), code('cost', 'Cost', 'care'), code('fees', 'Fees', 'cost'), code('mood', 'Mood')];
const TRANSCRIPTS: TranscriptInfo[] = [
  { id: 't1', title: 'Interview 1', participant: 'P1', attributes: { age: '18-30', setting: 'urban' } },
  { id: 't2', title: 'Interview 2', participant: 'P2', attributes: { age: '31-50', setting: 'rural' } },
];
const T1 = 'I: How was it?\nP1: The fees were too high. I felt low.\n';
const T2 = 'I: And you?\nP2: Care was far away.\n';
const SOURCE = {
  codes: CODES,
  transcripts: TRANSCRIPTS,
  texts: new Map([
    ['t1', T1],
    ['t2', T2],
  ]),
  turns: new Map([
    [
      't1',
      [
        { start: 0, end: 15, speaker: 'I' },
        { start: 15, end: T1.length, speaker: 'P1' },
      ],
    ],
    [
      't2',
      [
        { start: 0, end: 12, speaker: 'I' },
        { start: 12, end: T2.length, speaker: 'P2' },
      ],
    ],
  ]),
  codings: [
    coding('fees', T1.indexOf('The fees'), T1.indexOf(' I felt'), { id: 'f1', layer: 'ana', memo: 'money' }),
    coding('mood', T1.indexOf('I felt'), T1.indexOf('low.') + 4, { id: 'm1', layer: 'ana' }),
    coding('care', T2.indexOf('Care'), T2.length - 1, { id: 'c2', transcript: 't2', layer: 'ana' }),
    coding('care', T2.indexOf('Care'), T2.length - 1, { id: 'c2b', transcript: 't2', layer: 'ben' }),
    coding('mood', 3, 20, { id: 'x1', layer: 'ben' }),
  ],
};

const ids = (query: Parameters<typeof retrieveSegments>[1]) => retrieveSegments(SOURCE, query).map((s) => s.codingId);

describe('retrieval', () => {
  const table: { name: string; query: Parameters<typeof retrieveSegments>[1]; expected: string[] }[] = [
    { name: 'everything, in transcript then text order', query: {}, expected: ['x1', 'f1', 'm1', 'c2', 'c2b'] },
    { name: 'a code with its subcodes and their subcodes', query: { codes: ['care'] }, expected: ['f1', 'c2', 'c2b'] },
    {
      name: 'a code without its subcodes',
      query: { codes: ['care'], includeSubcodes: false },
      expected: ['c2', 'c2b'],
    },
    { name: 'a leaf code', query: { codes: ['fees'] }, expected: ['f1'] },
    { name: 'by coder', query: { codes: ['care'], layers: ['ben'] }, expected: ['c2b'] },
    { name: 'by attribute value', query: { attributes: { age: ['31-50'] } }, expected: ['c2', 'c2b'] },
    {
      name: 'any of several values',
      query: { attributes: { age: ['31-50', '18-30'] }, layers: ['ana'] },
      expected: ['f1', 'm1', 'c2'],
    },
    { name: 'every attribute must match', query: { attributes: { age: ['18-30'], setting: ['rural'] } }, expected: [] },
    { name: 'by transcript set (a round)', query: { transcripts: ['t2'], layers: ['ana'] }, expected: ['c2'] },
    { name: 'containing text, ignoring case', query: { contains: 'FEES' }, expected: ['f1'] },
    { name: 'containing text, folded by Unicode (full-width)', query: { contains: 'ＦＥＥＳ' }, expected: ['f1'] },
    { name: 'a code nobody used', query: { codes: ['nothing'] }, expected: [] },
  ];
  for (const row of table) it(row.name, () => expect(ids(row.query)).toEqual(row.expected));

  it('gives each segment its text, speakers, transcript, participant, attributes, code path and memo', () => {
    const [fees] = retrieveSegments(SOURCE, { codes: ['fees'] });
    expect(fees).toEqual({
      codingId: 'f1',
      transcript: 't1',
      title: 'Interview 1',
      participant: 'P1',
      attributes: { age: '18-30', setting: 'urban' },
      layer: 'ana',
      layers: ['ana'],
      code: 'fees',
      codePath: ['Care', 'Cost', 'Fees'],
      start: T1.indexOf('The fees'),
      end: T1.indexOf(' I felt'),
      text: 'The fees were too high.',
      speakers: ['P1'],
      memo: 'money',
    });
  });

  it('names every speaker a segment spans', () => {
    expect(retrieveSegments(SOURCE, { layers: ['ben'], codes: ['mood'] })[0]!.speakers).toEqual(['I', 'P1']);
  });

  it('clips a segment to the text and drops one left without text', () => {
    const source = { ...SOURCE, codings: [coding('mood', 40, 999, { id: 'long' }), coding('mood', 900, 950)] };
    const segments = retrieveSegments(source, {});
    expect(segments.map((s) => [s.codingId, s.end])).toEqual([['long', T1.length]]);
  });

  it('selects codings with the same filters for statistics', () => {
    expect(
      selectCodings(SOURCE.codings, CODES, TRANSCRIPTS, { codes: ['cost'], layers: ['ana'] }).map((c) => c.id),
    ).toEqual(['f1']);
  });
});
