import { describe, expect, it } from 'vitest';
import {
  type DetectedSpeaker,
  initialEdits,
  mergedWith,
  resultingSpeakers,
  speakerChoices,
  speakerProblems,
} from '../../src/importExport/speakers.js';

const DETECTED: DetectedSpeaker[] = [
  { name: 'Interviewer', turns: 12 },
  { name: 'Participant', turns: 10 },
  { name: 'Particpant', turns: 1, similarTo: 'Participant' },
  { name: 'Note', turns: 2 },
];

describe('speaker edits', () => {
  it('start as every speaker under its own name, and change nothing', () => {
    const edits = initialEdits(DETECTED);
    expect(edits.Interviewer).toEqual({ name: 'Interviewer', drop: false });
    expect(speakerChoices(DETECTED, edits)).toBeNull();
    expect(resultingSpeakers(DETECTED, edits).map((s) => [s.name, s.turns])).toEqual([
      ['Interviewer', 12],
      ['Participant', 10],
      ['Particpant', 1],
      ['Note', 2],
    ]);
    expect(speakerProblems(DETECTED, edits)).toEqual([]);
  });

  const cases: [string, Record<string, { name: string; drop: boolean }>, unknown, [string, number, string[]][]][] = [
    [
      'a rename',
      { Interviewer: { name: 'Dr Ames', drop: false } },
      { Interviewer: 'Dr Ames' },
      [
        ['Dr Ames', 12, ['Interviewer']],
        ['Participant', 10, ['Participant']],
        ['Particpant', 1, ['Particpant']],
        ['Note', 2, ['Note']],
      ],
    ],
    [
      'a merge (a typo renamed to the frequent name)',
      { Particpant: { name: 'Participant', drop: false } },
      { Particpant: 'Participant' },
      [
        ['Interviewer', 12, ['Interviewer']],
        ['Participant', 11, ['Participant', 'Particpant']],
        ['Note', 2, ['Note']],
      ],
    ],
    [
      'a drop',
      { Note: { name: 'Note', drop: true } },
      { Note: null },
      [
        ['Interviewer', 12, ['Interviewer']],
        ['Participant', 10, ['Participant']],
        ['Particpant', 1, ['Particpant']],
      ],
    ],
    [
      'a rename that is trimmed, and one that only adds spaces (no change)',
      { Interviewer: { name: '  Ames ', drop: false }, Note: { name: ' Note ', drop: false } },
      { Interviewer: 'Ames' },
      [
        ['Ames', 12, ['Interviewer']],
        ['Participant', 10, ['Participant']],
        ['Particpant', 1, ['Particpant']],
        ['Note', 2, ['Note']],
      ],
    ],
    [
      'a drop wins over a rename; both merged into a new name',
      {
        Note: { name: 'Whatever', drop: true },
        Participant: { name: 'P1', drop: false },
        Particpant: { name: 'P1', drop: false },
      },
      { Note: null, Participant: 'P1', Particpant: 'P1' },
      [
        ['Interviewer', 12, ['Interviewer']],
        ['P1', 11, ['Participant', 'Particpant']],
      ],
    ],
  ];
  it.each(cases)('%s', (_label, changes, choices, after) => {
    const edits = { ...initialEdits(DETECTED), ...changes };
    expect(speakerChoices(DETECTED, edits)).toEqual(choices);
    expect(resultingSpeakers(DETECTED, edits).map((s) => [s.name, s.turns, s.from])).toEqual(after);
  });

  it('names the speakers a speaker is merged with', () => {
    const edits = {
      ...initialEdits(DETECTED),
      Particpant: { name: 'Participant', drop: false },
      Note: { name: 'Participant', drop: true },
    };
    expect(mergedWith(DETECTED, edits, 'Participant')).toEqual(['Particpant']);
    expect(mergedWith(DETECTED, edits, 'Particpant')).toEqual(['Participant']);
    expect(mergedWith(DETECTED, edits, 'Note')).toEqual([]);
    expect(mergedWith(DETECTED, edits, 'Interviewer')).toEqual([]);
  });

  it('refuses a kept speaker without a name, not a dropped one', () => {
    const edits = {
      ...initialEdits(DETECTED),
      Interviewer: { name: '  ', drop: false },
      Note: { name: '', drop: true },
      Participant: { name: 'x'.repeat(201), drop: false },
    };
    expect(speakerProblems(DETECTED, edits)).toEqual([
      'give “Interviewer” a name, or drop it',
      'the new name of “Participant” is too long',
    ]);
  });

  it('treats a speaker missing from the edits as kept', () => {
    expect(speakerChoices(DETECTED, {})).toBeNull();
    expect(resultingSpeakers(DETECTED, {})).toHaveLength(4);
  });
});
