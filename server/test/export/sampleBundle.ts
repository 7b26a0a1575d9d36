import type { ProjectBundle } from '../../src/interchange/bundle.js';

/**
 * A small project with what exports must carry: two coders on one transcript (overlapping codings, a memo), a
 * third on another, nested codes with colours and structured definitions, participant attributes, memos, and
 * text outside the Basic Multilingual Plane (code points and UTF-16 offsets differ after the emoji), and speaker
 * turns with times (from a subtitle file) on the first transcript.
 */
export const USERS = {
  ana: '11111111-1111-4111-8111-111111111111',
  ben: '22222222-2222-4222-8222-222222222222',
  cy: '33333333-3333-4333-8333-333333333333',
};

export const CODES = {
  barriers: 'aaaaaaaa-0000-4000-8000-000000000001',
  stigma: 'aaaaaaaa-0000-4000-8000-000000000002',
  cost: 'aaaaaaaa-0000-4000-8000-000000000003',
  support: 'aaaaaaaa-0000-4000-8000-000000000004',
};

const T1 = 'Interviewer: What stopped you? 😀\n\nP1: Honestly, people talk. And it costs €200.\n\nInterviewer: Thanks.';
const T2 = 'P2: My sister helped me. 👍🏽 She drove me there.';

export function sampleBundle(): ProjectBundle {
  const at = (text: string, fragment: string) => {
    const start = text.indexOf(fragment);
    if (start < 0) throw new Error(`no "${fragment}"`);
    return { start, end: start + fragment.length };
  };
  return {
    name: 'Help-seeking study',
    description: 'Interviews, wave 1',
    users: [
      { guid: USERS.ana, name: 'Ana' },
      { guid: USERS.ben, name: 'Ben' },
      { guid: USERS.cy, name: 'Cy' },
    ],
    codes: [
      {
        guid: CODES.barriers,
        name: 'Barriers',
        parentGuid: null,
        colour: '#e69f00',
        definition: 'Anything that keeps people from seeking help.',
        inclusion: 'Named by the participant.',
        exclusion: '',
        examples: '"people talk"',
      },
      {
        guid: CODES.stigma,
        name: 'Stigma',
        parentGuid: CODES.barriers,
        colour: '#56b4e9',
        definition: 'Fear of what others think.',
        inclusion: '',
        exclusion: 'Self-stigma.',
        examples: '',
      },
      {
        guid: CODES.cost,
        name: 'Cost & money',
        parentGuid: CODES.barriers,
        colour: null,
        definition: '',
        inclusion: '',
        exclusion: '',
        examples: '',
      },
      {
        guid: CODES.support,
        name: 'Support <family>',
        parentGuid: null,
        colour: '#009e73',
        definition: 'Help from people close to them.',
        inclusion: '',
        exclusion: '',
        examples: '',
      },
    ],
    transcripts: [
      {
        guid: 'bbbbbbbb-0000-4000-8000-000000000001',
        title: 'Interview P1',
        participant: 'P1',
        attributes: { age: '30-39', site: 'North' },
        text: T1,
        turns: [
          { start: 0, speaker: 'Interviewer', time: 0 },
          { start: T1.indexOf('P1:'), speaker: 'P1', time: 4.5 },
          { start: T1.lastIndexOf('Interviewer:'), speaker: 'Interviewer', time: 61.25 },
        ],
        layers: [
          {
            userGuid: USERS.ana,
            codings: [
              {
                guid: 'cccccccc-0000-4000-8000-000000000001',
                codeGuid: CODES.stigma,
                ...at(T1, 'people talk'),
                createdAt: 1_700_000_000_000,
                memo: 'Clear case.\nSee also P3.',
              },
              {
                guid: 'cccccccc-0000-4000-8000-000000000002',
                codeGuid: CODES.cost,
                ...at(T1, 'it costs €200'),
                createdAt: 1_700_000_001_000,
              },
            ],
          },
          {
            userGuid: USERS.ben,
            codings: [
              {
                guid: 'cccccccc-0000-4000-8000-000000000003',
                codeGuid: CODES.stigma,
                ...at(T1, 'Honestly, people talk.'),
                createdAt: 1_700_000_002_500,
              },
              {
                guid: 'cccccccc-0000-4000-8000-000000000004',
                codeGuid: CODES.barriers,
                ...at(T1, 'stopped you? 😀'),
                createdAt: 1_700_000_003_000,
              },
            ],
          },
        ],
      },
      {
        guid: 'bbbbbbbb-0000-4000-8000-000000000002',
        title: 'Interview P2',
        participant: 'P2',
        attributes: { age: '40-49', site: 'South' },
        text: T2,
        turns: [{ start: 0, speaker: 'P2' }],
        layers: [
          {
            userGuid: USERS.cy,
            codings: [
              {
                guid: 'cccccccc-0000-4000-8000-000000000005',
                codeGuid: CODES.support,
                ...at(T2, 'She drove me there.'),
                createdAt: 1_700_000_004_000,
              },
            ],
          },
        ],
      },
    ],
    memos: [
      {
        guid: 'dddddddd-0000-4000-8000-000000000001',
        title: 'Method',
        text: 'Two coders per transcript.',
        about: null,
        userGuid: USERS.ana,
        createdAt: 1_700_000_005_000,
      },
      {
        guid: 'dddddddd-0000-4000-8000-000000000002',
        title: 'On stigma',
        text: 'Split into public and self?',
        about: { kind: 'code', guid: CODES.stigma },
        userGuid: USERS.ben,
        createdAt: 1_700_000_006_000,
      },
      {
        guid: 'dddddddd-0000-4000-8000-000000000003',
        title: 'P2 context',
        text: 'Rural.',
        about: { kind: 'transcript', guid: 'bbbbbbbb-0000-4000-8000-000000000002' },
        userGuid: null,
        createdAt: 0,
      },
    ],
  };
}
