import { describe, expect, it } from 'vitest';
import {
  type Access,
  access,
  awarenessPolicy,
  isBlindLook,
  type ProjectState,
  projectPermission,
  type Role,
  type RoundState,
} from '../src/access.js';
import type { DocKind } from '../src/docNames.js';

const me = { id: 'me' };
const round = (
  mode: RoundState['mode'],
  phase: RoundState['phase'],
  coders: string[],
  ownerMayLook = false,
): RoundState => ({
  mode,
  phase,
  coders,
  ownerMayLook,
});
const state = (round: RoundState | null, archived = false, codersEditCodebook = true): ProjectState => ({
  archived,
  codersEditCodebook,
  round,
  blindRoundInProject: round !== null && round.mode === 'blind' && round.phase === 'running',
});

/** Columns: codebook, roundCodebook, text, own codings, another coder's codings, consensus, memo. */
const COLUMNS: [DocKind, string | null][] = [
  ['codebook', null],
  ['roundCodebook', null],
  ['text', null],
  ['codings', 'me'],
  ['codings', 'other'],
  ['consensus', null],
  ['memo', null],
];

const PHASES: Record<string, ProjectState> = {
  open: state(null),
  'open, coders may not edit the codebook': state(null, false, false),
  'open round running': state(round('open', 'running', ['me', 'other'])),
  'blind round running': state(round('blind', 'running', ['me', 'other'])),
  'blind round, owner may look': state(round('blind', 'running', ['other'], true)),
  'blind round, owner may look but codes in it': state(round('blind', 'running', ['me', 'other'], true)),
  'blind round revealed': state(round('blind', 'revealed', ['me', 'other'])),
  'a blind round runs on other transcripts': { ...state(null), blindRoundInProject: true },
  archived: state(null, true),
  'archived during a blind round': state(round('blind', 'running', ['me', 'other']), true),
};

const letter: Record<string, Access> = { n: 'none', r: 'read', w: 'write' };

/** Expected access, one string per role, one letter per column (n = none, r = read, w = write). */
const EXPECTED: Record<string, Record<Role, string>> = {
  open: { owner: 'wrwwrww', coder: 'wrrwrrw', viewer: 'rrrrrrr' },
  'open, coders may not edit the codebook': { owner: 'wrwwrww', coder: 'rrrwrrw', viewer: 'rrrrrrr' },
  'open round running': { owner: 'wrrwrww', coder: 'wrrwrrw', viewer: 'rrrrrrr' },
  'blind round running': { owner: 'wrrwnnw', coder: 'rrrwnnw', viewer: 'rrrrnnr' },
  'blind round, owner may look': { owner: 'wrrwrww', coder: 'rrrwnnw', viewer: 'rrrrnnr' },
  'blind round, owner may look but codes in it': { owner: 'wrrwnnw', coder: 'rrrwnnw', viewer: 'rrrrnnr' },
  'blind round revealed': { owner: 'wrwwrww', coder: 'wrrwrrw', viewer: 'rrrrrrr' },
  'a blind round runs on other transcripts': { owner: 'wrwwrww', coder: 'rrrwrrw', viewer: 'rrrrrrr' },
  archived: { owner: 'rrrrrrr', coder: 'rrrrrrr', viewer: 'rrrrrrr' },
  'archived during a blind round': { owner: 'rrrrnnr', coder: 'rrrrnnr', viewer: 'rrrrnnr' },
};

describe('access(user, role, state, kind, owner)', () => {
  for (const [phase, projectState] of Object.entries(PHASES)) {
    describe(phase, () => {
      for (const role of ['owner', 'coder', 'viewer'] as Role[]) {
        it(`${role}: ${EXPECTED[phase]![role]}`, () => {
          const got = COLUMNS.map(([kind, owner]) => access(me, role, projectState, kind, owner));
          expect(got).toEqual([...EXPECTED[phase]![role]].map((l) => letter[l]));
        });
      }
      it('a non-member gets nothing', () => {
        expect(COLUMNS.map(([kind, owner]) => access(me, null, projectState, kind, owner))).toEqual(
          COLUMNS.map(() => 'none'),
        );
      });
    });
  }
});

describe('isBlindLook', () => {
  const looking = PHASES['blind round, owner may look']!;
  it.each([
    ['owner, other coder layer, round allows', 'owner', looking, 'codings', 'other', true],
    ['owner, consensus, round allows', 'owner', looking, 'consensus', null, true],
    ['owner, own layer', 'owner', looking, 'codings', 'me', false],
    ['owner, text', 'owner', looking, 'text', null, false],
    ['coder', 'coder', looking, 'codings', 'other', false],
    ['owner when the round does not allow', 'owner', PHASES['blind round running']!, 'codings', 'other', false],
    ['owner in an open phase', 'owner', PHASES.open!, 'codings', 'other', false],
  ] as const)('%s -> %s', (_name, role, projectState, kind, owner, expected) => {
    expect(isBlindLook(me, role, projectState, kind, owner)).toBe(expected);
  });
});

describe('awarenessPolicy', () => {
  it.each([
    ['open', 'text', 'full'],
    ['blind round running', 'text', 'presence'],
    ['blind round running', 'codings', 'full'],
    ['blind round revealed', 'text', 'full'],
    ['open round running', 'text', 'full'],
  ] as const)('%s, %s -> %s', (phase, kind, expected) => {
    expect(awarenessPolicy(PHASES[phase]!, kind)).toBe(expected);
  });

  it.each([
    [false, 'codebook', 'full'],
    [true, 'codebook', 'presence'],
    [true, 'roundCodebook', 'presence'],
    [true, 'memo', 'full'],
    [true, 'codings', 'full'],
  ] as const)('a blind round running in the project: %s, %s -> %s', (blind, kind, expected) => {
    expect(awarenessPolicy({ ...state(null), blindRoundInProject: blind }, kind)).toBe(expected);
  });
});

describe('projectPermission', () => {
  const table: [Role | null, boolean, string][] = [
    ['owner', false, 'view manage editTranscripts viewAudit'],
    ['owner', true, 'view manage viewAudit'],
    ['coder', false, 'view'],
    ['viewer', false, 'view'],
    [null, false, ''],
  ];
  it.each(table)('%s (archived %s) may: %s', (role, archived, allowed) => {
    for (const action of ['view', 'manage', 'editTranscripts', 'viewAudit'] as const) {
      expect(projectPermission(role, { archived }, action)).toBe(allowed.split(' ').includes(action));
    }
  });
});
