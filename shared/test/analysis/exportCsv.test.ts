import { describe, expect, it } from 'vitest';
import { segmentsCsv } from '../../src/analysis/exportCsv.js';
import type { RetrievedSegment } from '../../src/analysis/retrieval.js';
import { csvCell } from '../../src/csv.js';

const segment: RetrievedSegment = {
  codingId: 'k1',
  transcript: 't1',
  title: 'Interview 1',
  participant: 'P1',
  attributes: { setting: 'rural', age: '18-30' },
  layer: 'ana',
  layers: ['ana'],
  code: 'fees',
  codePath: ['Care', 'Fees'],
  start: 3,
  end: 20,
  text: 'She said "no",\nthen left.',
  speakers: ['I', 'P1'],
};

describe('retrieval CSV', () => {
  const table: [string | number, string][] = [
    ['plain', 'plain'],
    [42, '42'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1 more', "'+1 more"],
    ['- I think', "'- I think"],
    // A text cell that is exactly a number is read as that number by every spreadsheet: nothing to neutralise.
    ['-2', '-2'],
    ['@cmd', "'@cmd"],
  ];
  for (const [value, expected] of table)
    it(`cell ${JSON.stringify(value)}`, () => expect(csvCell(value)).toBe(expected));

  it('writes one row per segment, one column per attribute, layer names resolved', () => {
    const csv = segmentsCsv([segment, { ...segment, attributes: { region: 'north' }, memo: 'why' }], {
      layerName: (layer) => (layer === 'ana' ? 'Ana' : layer),
    });
    expect(csv.split('\r\n')).toEqual([
      'transcript,participant,age,region,setting,layer,code,speakers,start,end,text,memo',
      'Interview 1,P1,18-30,,rural,Ana,Care > Fees,I; P1,3,20,"She said ""no"",\nthen left.",',
      'Interview 1,P1,,north,,Ana,Care > Fees,I; P1,3,20,"She said ""no"",\nthen left.",why',
      '',
    ]);
  });
});
