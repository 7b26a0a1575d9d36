import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type AttributeTarget, attachAttributes, readAttributesCsv } from '../../src/import/attributesCsv.js';
import { readCodebookCsv } from '../../src/import/codebookCsv.js';
import { readCodebookList } from '../../src/import/codebookList.js';

const tree = (codes: { guid: string; name: string; parentGuid: string | null }[]) => {
  const names = new Map(codes.map((c) => [c.guid, c.name]));
  return codes.map((c) => [c.name, c.parentGuid === null ? null : names.get(c.parentGuid)]);
};

describe('readCodebookCsv', () => {
  it('reads names, parents (in any order), definitions, colours and criteria', () => {
    const csv =
      '\uFEFFCode;Parent;Description;Color;Inclusion criteria\r\n' +
      'Stigma;Barriers;"Fear of; judgement";#56B4E9;named\r\nBarriers;;What keeps people away;e69f00;\r\nCost;Barriers;;;\r\n';
    const codes = readCodebookCsv('codes.csv', strToU8(csv));
    expect(tree(codes)).toEqual([
      ['Barriers', null],
      ['Stigma', 'Barriers'],
      ['Cost', 'Barriers'],
    ]);
    expect(codes[1]).toMatchObject({ definition: 'Fear of; judgement', colour: '#56b4e9', inclusion: 'named' });
    expect(codes[0]!.colour).toBe('#e69f00');
    expect(codes[2]!.colour).toBeNull();
  });

  it.each([
    ['no name column', 'title,definition\nA,b\n', /codes\.csv: no code name column/],
    ['an empty name', 'name\nA\n\n"",x\n', /codes\.csv: (row 3 has no code name|not readable as CSV)/],
    ['an unknown parent', 'name,parent\nA,Nope\n', /codes\.csv: row 2: parent "Nope" is not a code in the file/],
    ['a cycle', 'name,parent\nA,B\nB,A\n', /is its own ancestor/],
    ['a duplicate', 'name,parent\nA,\nA,\n', /code "A" appears twice under the same parent/],
    ['a bad colour', 'name,colour\nA,reddish\n', /colour "reddish" is not a hex colour/],
    ['an unclosed quote', 'name\n"A\n', /codes\.csv: not readable as CSV/],
    ['nothing', '', /codes\.csv: the CSV has no header row/],
  ])('refuses %s', (_name, csv, message) => {
    expect(() => readCodebookCsv('codes.csv', strToU8(csv))).toThrowError(message);
  });
});

describe('readCodebookList', () => {
  it("loads a deductive framework: Janis' eight symptoms of groupthink", () => {
    const list = `# Groupthink

## Overestimation of the group
- **Illusion of invulnerability**: excessive optimism that encourages extreme risks
- Belief in inherent morality - members ignore ethical consequences

## Closed-mindedness
- Collective rationalisation: members discount warnings
- Stereotypes of out-groups – negative views of the enemy

## Pressure toward uniformity
1. Self-censorship: doubts are not expressed
2. Illusion of unanimity: silence is taken as agreement
3. Direct pressure on dissenters
4. Self-appointed mindguards — members shield the group from dissenting information
`;
    const codes = readCodebookList('groupthink.md', strToU8(list));
    expect(codes).toHaveLength(12);
    expect(tree(codes).slice(0, 4)).toEqual([
      ['Groupthink', null],
      ['Overestimation of the group', 'Groupthink'],
      ['Illusion of invulnerability', 'Overestimation of the group'],
      ['Belief in inherent morality', 'Overestimation of the group'],
    ]);
    expect(codes[2]!.definition).toBe('excessive optimism that encourages extreme risks');
    expect(codes[11]).toMatchObject({
      name: 'Self-appointed mindguards',
      definition: 'members shield the group from dissenting information',
    });
    expect(codes[10]).toMatchObject({ name: 'Direct pressure on dissenters', definition: '' });
  });

  it('nests by indentation in plain text', () => {
    const codes = readCodebookList('c.txt', strToU8('Barriers\n\tStigma: fear\n\tCost\n\t\tFees\nSupport\n'));
    expect(tree(codes)).toEqual([
      ['Barriers', null],
      ['Stigma', 'Barriers'],
      ['Cost', 'Barriers'],
      ['Fees', 'Cost'],
      ['Support', null],
    ]);
  });

  it('refuses an empty list and duplicates', () => {
    expect(() => readCodebookList('c.txt', strToU8('\n\n'))).toThrowError(/c\.txt: the codebook has no codes/);
    expect(() => readCodebookList('c.txt', strToU8('A\nA\n'))).toThrowError(/line 2: code "A" appears twice/);
  });
});

describe('participant attributes', () => {
  const csv = 'Participant ID,Age group,Site\nP1,30-39,North\nP2,40-49,South\nP9,50-59,East\n';

  it('reads one row per participant', () => {
    const table = readAttributesCsv('people.csv', strToU8(csv));
    expect(table.get('P2')).toEqual({ 'Age group': '40-49', Site: 'South' });
  });

  it('attaches rows by participant, else by title, and reports the rest', () => {
    const transcripts: AttributeTarget[] = [
      { title: 'Interview one', participant: 'p1', attributes: { Site: 'old', Extra: 'kept' } },
      { title: 'P2', participant: '', attributes: {} },
      { title: 'Other', participant: '', attributes: {} },
    ];
    const { transcripts: result, unmatched } = attachAttributes(
      transcripts,
      readAttributesCsv('people.csv', strToU8(csv)),
    );
    expect(result[0]!.attributes).toEqual({ 'Age group': '30-39', Site: 'North', Extra: 'kept' });
    expect(result[1]).toMatchObject({ participant: 'P2', attributes: { Site: 'South' } });
    expect(result[2]!.attributes).toEqual({});
    expect(unmatched).toEqual(['P9']);
    expect(transcripts[0]!.attributes.Site).toBe('old');
  });

  it('refuses duplicate and missing ids', () => {
    expect(() => readAttributesCsv('a.csv', strToU8('id,x\nP1,1\nP1,2\n'))).toThrowError(
      /a\.csv: participant "P1" appears twice/,
    );
    expect(() => readAttributesCsv('a.csv', strToU8('id,x\n,1\n'))).toThrowError(/a\.csv: row 2 has no participant id/);
  });
});
