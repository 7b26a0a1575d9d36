import type { DocRef, Role } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import { projectDocRefs } from '../../src/projects/docs.js';

const P = 'p1';
const member = (userId: string, role: Role) => ({ userId, role, addedAt: 0 });
const codebook: DocRef = { kind: 'codebook', project: P };
const round = (id: string): DocRef => ({ kind: 'roundCodebook', project: P, round: id });
const text = (t: string): DocRef => ({ kind: 'text', project: P, transcript: t });
const consensus = (t: string): DocRef => ({ kind: 'consensus', project: P, transcript: t });
const layer = (t: string, coder: string): DocRef => ({ kind: 'codings', project: P, transcript: t, coder });

const team = [member('owner', 'owner'), member('coder', 'coder'), member('viewer', 'viewer')];

describe('projectDocRefs', () => {
  it.each<
    [string, { members: ReturnType<typeof member>[]; rounds: string[]; transcripts: string[]; user: string }, DocRef[]]
  >([
    ['an empty project: the codebook only', { members: team, rounds: [], transcripts: [], user: 'owner' }, [codebook]],
    [
      "each round's frozen codebook, in round order, before the transcripts",
      { members: team, rounds: ['r1', 'r2'], transcripts: [], user: 'coder' },
      [codebook, round('r1'), round('r2')],
    ],
    [
      'per transcript: text, consensus, a layer for the user, then every member who codes (viewers do not)',
      { members: team, rounds: [], transcripts: ['t1'], user: 'coder' },
      [codebook, text('t1'), consensus('t1'), layer('t1', 'coder'), layer('t1', 'owner')],
    ],
    [
      'the user is offered their own layer even as a viewer (the access rule decides)',
      { members: team, rounds: [], transcripts: ['t1'], user: 'viewer' },
      [codebook, text('t1'), consensus('t1'), layer('t1', 'viewer'), layer('t1', 'owner'), layer('t1', 'coder')],
    ],
    [
      'someone who left the project is still offered their layer (it survives them)',
      { members: team, rounds: [], transcripts: ['t1'], user: 'former' },
      [codebook, text('t1'), consensus('t1'), layer('t1', 'former'), layer('t1', 'owner'), layer('t1', 'coder')],
    ],
    [
      'transcripts in listing order, with the same layers each',
      { members: [member('a', 'owner'), member('b', 'coder')], rounds: ['r1'], transcripts: ['t2', 't1'], user: 'a' },
      [
        codebook,
        round('r1'),
        text('t2'),
        consensus('t2'),
        layer('t2', 'a'),
        layer('t2', 'b'),
        text('t1'),
        consensus('t1'),
        layer('t1', 'a'),
        layer('t1', 'b'),
      ],
    ],
  ])('%s', (_name, { members, rounds, transcripts, user }, expected) => {
    const refs = projectDocRefs(
      { id: P, members },
      rounds.map((id) => ({ id })),
      transcripts.map((id) => ({ id })),
      user,
    );
    expect(refs).toEqual(expected);
  });
});
