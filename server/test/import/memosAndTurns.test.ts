import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { projectXml } from '../../src/export/refiQda.js';
import { DEFAULT_LIMITS } from '../../src/import/limits.js';
import { readQdpx } from '../../src/import/refiQda.js';
import type { BundleMemo } from '../../src/interchange/bundle.js';
import { defaultMemoTitle, memoTextToAppend, noteHeader } from '../../src/interchange/memos.js';
import { decodeTurns, encodeTurns } from '../../src/interchange/turns.js';
import { sampleBundle } from '../export/sampleBundle.js';

const ANA = { guid: '11111111-1111-4111-8111-111111111111', name: 'Ana' };
const memo = (fields: Partial<BundleMemo>): BundleMemo => ({
  guid: 'dddddddd-0000-4000-8000-000000000001',
  title: '',
  text: 'Text',
  about: null,
  userGuid: null,
  createdAt: 0,
  ...fields,
});

describe('memoTextToAppend', () => {
  const cases: [string, string, BundleMemo[], string][] = [
    ['one plain note into an empty memo: as it is', '', [memo({})], 'Text'],
    ['whitespace counts as empty', ' \n', [memo({})], 'Text'],
    ['a titled note gets a header', '', [memo({ title: 'Method' })], '--- Imported note: Method ---\nText'],
    [
      'author and date in the header',
      '',
      [memo({ title: 'Method', userGuid: ANA.guid, createdAt: Date.UTC(2024, 2, 5, 23) })],
      '--- Imported note: Method (Ana, 2024-03-05) ---\nText',
    ],
    [
      'an unknown author is left out',
      '',
      [memo({ userGuid: 'x', createdAt: 1 })],
      '--- Imported note (1970-01-01) ---\nText',
    ],
    ["Accord's own title counts as none", '', [memo({ title: 'Project memo' })], 'Text'],
    [
      'several notes: a block each, in order',
      '',
      [memo({ text: 'One' }), memo({ title: 'Two', text: 'Second\nline' })],
      '--- Imported note ---\nOne\n\n--- Imported note: Two ---\nSecond\nline',
    ],
    ['appended after a blank line', 'Mine', [memo({})], '\n\n--- Imported note ---\nText'],
    ['after a trailing newline, one more', 'Mine\n', [memo({})], '\n--- Imported note ---\nText'],
    ['after a blank line, none', 'Mine\n\n', [memo({})], '--- Imported note ---\nText'],
    ['an empty untitled note adds nothing', 'Mine', [memo({ text: ' ' })], ''],
    [
      'an empty titled note keeps its title',
      '',
      [memo({ title: 'Just a title', text: '' })],
      '--- Imported note: Just a title ---',
    ],
    ['a title on several lines stays on one', '', [memo({ title: 'A\n B' })], '--- Imported note: A B ---\nText'],
  ];
  it.each(cases)('%s', (_, existing, notes, expected) => {
    expect(memoTextToAppend(existing, notes, [ANA], 'Project memo')).toBe(expected);
  });

  it('names what the memo is about', () => {
    expect(defaultMemoTitle(null, '')).toBe('Project memo');
    expect(defaultMemoTitle({ kind: 'code', guid: 'x' }, 'Stigma')).toBe('Code memo: Stigma');
    expect(defaultMemoTitle({ kind: 'transcript', guid: 'x' }, 'P1')).toBe('Transcript memo: P1');
    expect(noteHeader({ title: '', createdAt: 0 }, '')).toBe('--- Imported note ---');
  });
});

describe('turns through a REFI-QDA variable', () => {
  const text = 'A: 😀 hi\nB: ok\nA: 👍🏽 bye';
  const turns = [
    { start: 0, speaker: 'A', time: 0 },
    { start: text.indexOf('B:'), speaker: 'B' },
    { start: text.lastIndexOf('A:'), speaker: 'A', time: 12.5 },
  ];

  it('encodes positions in code points and decodes them back to UTF-16', () => {
    const value = encodeTurns(text, turns);
    expect(JSON.parse(value)).toEqual({
      length: Array.from(text).length,
      turns: [
        [0, 0, 'A'],
        [text.indexOf('B:') - 1, null, 'B'],
        [text.lastIndexOf('A:') - 1, 12.5, 'A'],
      ],
    });
    expect(decodeTurns(value, text)).toEqual(turns);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{', /not JSON/],
    ['no turns', '{"length":3}', /no list/],
    ['another text', '{"length":3,"turns":[]}', /text has changed/],
    ['a turn of two values', `{"length":${Array.from(text).length},"turns":[[0,null]]}`, /\[start, time, speaker\]/],
    ['starts out of order', `{"length":${Array.from(text).length},"turns":[[5,null,"A"],[2,null,"B"]]}`, /increasing/],
    ['a start past the end', `{"length":${Array.from(text).length},"turns":[[999,null,"A"]]}`, /increasing/],
    ['a negative time', `{"length":${Array.from(text).length},"turns":[[0,-1,"A"]]}`, /seconds/],
    ['a speaker that is not text', `{"length":${Array.from(text).length},"turns":[[0,1,2]]}`, /speaker/],
  ];
  it.each(bad)('refuses %s', (_, value, reason) => {
    expect(decodeTurns(value, text)).toMatch(reason);
  });

  it('the reader takes the turns from the variable and keeps it out of the attributes', async () => {
    const bundle = sampleBundle();
    const qde = projectXml(bundle);
    const files = Object.fromEntries([
      ['project.qde', strToU8(qde)],
      ...bundle.transcripts.map((t) => [`sources/${t.guid}.txt`, strToU8(t.text)]),
    ]);
    const { bundle: read, warnings } = await readQdpx('x.qdpx', zipSync(files), DEFAULT_LIMITS);
    expect(warnings).toEqual([]);
    expect(read.transcripts[0]!.turns).toEqual(bundle.transcripts[0]!.turns);
    expect(Object.keys(read.transcripts[0]!.attributes)).toEqual(['age', 'site']);
  });

  it('a text edited in another tool: the variable is ignored with a warning, and turns are detected', async () => {
    const bundle = sampleBundle();
    const qde = projectXml(bundle);
    const files = Object.fromEntries([
      ['project.qde', strToU8(qde)],
      ...bundle.transcripts.map((t) => [`sources/${t.guid}.txt`, strToU8(`${t.text} More.`)]),
    ]);
    const { bundle: read, warnings } = await readQdpx('x.qdpx', zipSync(files), DEFAULT_LIMITS);
    expect(warnings).toEqual([
      'source "Interview P1": the "Accord speaker turns" variable was ignored (the text has changed since)',
    ]);
    expect(read.transcripts[0]!.turns.map((turn) => [turn.speaker, turn.time])).toEqual([
      ['Interviewer', undefined],
      ['P1', undefined],
      ['Interviewer', undefined],
    ]);
  });
});
