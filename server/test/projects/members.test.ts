import type { Role } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/metadata/schema.js';
import { findMember, memberList, pickableAccounts } from '../../src/projects/members.js';

const account = (id: string, name: string, deactivated = false): User => ({
  id,
  email: `${id}@lab.example`,
  name,
  passwordHash: 'x',
  admin: false,
  createdAt: 0,
  ...(deactivated ? { deactivatedAt: 5 } : {}),
});
const member = (userId: string, role: Role, addedAt = 1) => ({ userId, role, addedAt });

const ada = account('ada', 'Ada');
const bo = account('bo', 'Bo');
const cy = account('cy', 'Cy', true);
const dee = account('dee', 'dee');
const eve = account('eve', 'Eve');

describe('memberList', () => {
  it.each([
    ['no members', [], [ada], []],
    [
      'names and emails from the accounts, in member order',
      [member('bo', 'coder', 2), member('ada', 'owner', 1)],
      [ada, bo],
      [
        { userId: 'bo', name: 'Bo', email: 'bo@lab.example', role: 'coder', addedAt: 2, deactivated: false },
        { userId: 'ada', name: 'Ada', email: 'ada@lab.example', role: 'owner', addedAt: 1, deactivated: false },
      ],
    ],
    [
      'a deactivated account stays a member, marked',
      [member('cy', 'viewer')],
      [cy],
      [{ userId: 'cy', name: 'Cy', email: 'cy@lab.example', role: 'viewer', addedAt: 1, deactivated: true }],
    ],
    [
      'an account that is not found shows empty',
      [member('gone', 'coder')],
      [ada],
      [{ userId: 'gone', name: '', email: '', role: 'coder', addedAt: 1, deactivated: false }],
    ],
  ] as const)('%s', (_name, members, accounts, expected) => {
    expect(memberList({ members: [...members] }, accounts)).toEqual(expected);
  });
});

describe('findMember', () => {
  const project = { members: [member('ada', 'owner'), member('bo', 'coder')] };
  it('answers the member', () => expect(findMember(project, 'bo')).toEqual(member('bo', 'coder')));
  it.each(['eve', '', 'ADA'])('refuses %j as "no such member" (404)', (userId) => {
    expect(() => findMember(project, userId)).toThrow(
      expect.objectContaining({ status: 404, code: 'not_found', message: 'no such member' }),
    );
  });
});

describe('pickableAccounts', () => {
  const accounts = [eve, dee, cy, bo, ada];
  const project = { members: [member('ada', 'owner')] };
  it.each<[string, ReadonlySet<string> | 'all', string[]]>([
    ['an administrator: every active account not in the project, by name', 'all', ['bo', 'dee', 'eve']],
    ['an owner: only colleagues', new Set(['ada', 'bo', 'eve']), ['bo', 'eve']],
    ['a deactivated colleague is not offered', new Set(['cy', 'dee']), ['dee']],
    ['an owner with no colleagues: nobody', new Set(['ada']), []],
  ])('%s', (_name, colleagues, expected) => {
    const picked = pickableAccounts(accounts, project, colleagues);
    expect(picked.map((candidate) => candidate.id)).toEqual(expected);
    for (const candidate of picked) expect(Object.keys(candidate).sort()).toEqual(['email', 'id', 'name']);
  });
});
