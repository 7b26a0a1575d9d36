import type { Candidate, MadeLink, Member, MemberAddedResponse, Role } from '@accord/shared';
import { issueInvitation } from '../accounts/linkDelivery.js';
import { lookUpAccount } from '../accounts/lookups.js';
import { normaliseEmail } from '../accounts/users.js';
import type { AppContext } from '../context.js';
import { AccordError, conflict, notFound } from '../errors.js';
import type { Member as MemberRecord, Project, User } from '../metadata/schema.js';
import { setMemberRole } from './projects.js';

/**
 * A project's members as people see them, and the ways someone becomes one: picked from the accounts an owner may
 * see, added by email, or invited by email. Role changes themselves are `setMemberRole` (projects.ts).
 */

/**
 * The members of `project` with their names and emails from `accounts`. A deactivated account stays a member, so
 * that its codings stay attributed, but has no access (docs/admin.md); an account that is not found shows empty.
 */
export function memberList(project: Pick<Project, 'members'>, accounts: readonly User[]): Member[] {
  const byId = new Map(accounts.map((account) => [account.id, account]));
  return project.members.map((member) => {
    const account = byId.get(member.userId);
    return {
      userId: member.userId,
      name: account?.name ?? '',
      email: account?.email ?? '',
      role: member.role,
      addedAt: member.addedAt,
      deactivated: account?.deactivatedAt !== undefined,
    };
  });
}

export async function membersOf(ctx: AppContext, project: Project): Promise<Member[]> {
  return memberList(project, await ctx.metadata.users.list());
}

/** The members of a project as they are now (after a change). */
export async function currentMembers(ctx: AppContext, projectId: string): Promise<Member[]> {
  const project = await ctx.metadata.projects.get(projectId);
  if (project === null) throw notFound('no such project');
  return membersOf(ctx, project);
}

/** The member `userId` of `project`, or 404 `no such member`. */
export function findMember(project: Pick<Project, 'members'>, userId: string): MemberRecord {
  const member = project.members.find((candidate) => candidate.userId === userId);
  if (member === undefined) throw notFound('no such member');
  return member;
}

/** Gives a member another role (audited, access re-decided); answers the members as they are now. */
export async function changeMemberRole(
  ctx: AppContext,
  actorId: string,
  projectId: string,
  memberId: string,
  role: Role,
): Promise<Member[]> {
  await setMemberRole(ctx, actorId, projectId, memberId, role);
  return currentMembers(ctx, projectId);
}

/**
 * Adds the account with `email` to the project with `role` (or gives it that role), answering the members as they are
 * now. The lookup is limited for owners who are not administrators (`lookUpAccount`); an email without an account is
 * 404: an administrator must create the account, or the owner invites the email (`inviteToProject`).
 */
export async function addMemberByEmail(
  ctx: AppContext,
  actor: Pick<User, 'id' | 'admin'>,
  projectId: string,
  email: string,
  role: Role,
): Promise<Member[]> {
  const account = await lookUpAccount(ctx, actor, email, 'lookups of unknown accounts');
  if (account === undefined) throw notFound(`no account with email ${email}; an administrator must create it`);
  await setMemberRole(ctx, actor.id, projectId, account.id, role);
  return currentMembers(ctx, projectId);
}

/**
 * An owner invites an email into the project. An email that has an account adds that account at once (so the answer
 * says whether one exists, exactly like adding by email): for owners who are not administrators, each invitation of
 * an email without an account counts against the same per-user limit as a lookup that finds nobody. Inviting someone
 * new is for administrators, and for owners when the server lets them (`ownersInvite`); `origin` is where the link
 * points (linkDelivery.ts).
 */
export async function inviteToProject(
  ctx: AppContext,
  actor: Pick<User, 'id' | 'name' | 'admin'>,
  project: Project,
  email: string,
  role: Role,
  origin: string,
): Promise<MemberAddedResponse | MadeLink> {
  const existing = await lookUpAccount(ctx, actor, email, 'invitations and lookups of unknown accounts');
  if (existing !== undefined) {
    if (existing.deactivatedAt !== undefined) {
      throw conflict('account_deactivated', 'the account with this email is deactivated; ask an administrator');
    }
    if (project.members.some((member) => member.userId === existing.id)) {
      throw conflict('already_member', `${existing.name} is a member already`);
    }
    await setMemberRole(ctx, actor.id, project.id, existing.id, role);
    return { added: { userId: existing.id, name: existing.name, email: existing.email, role } };
  }
  if (!actor.admin && !(await ctx.metadata.settings.get()).ownersInvite) {
    throw new AccordError(
      403,
      'invitations_restricted',
      `no account has the email ${normaliseEmail(email)}, and on this server only administrators invite new people`,
    );
  }
  return issueInvitation(ctx, actor, { email, admin: false, project: { id: project.id, role } }, origin);
}

/**
 * The accounts an owner may pick from when adding members: active accounts that are not members yet; for an owner
 * who is not an administrator, only those among `colleagues` (the members of the projects they belong to), so that
 * nobody can list the server's accounts by trying names (docs/admin.md, "Who can see which accounts"). By name.
 */
export function pickableAccounts(
  accounts: readonly User[],
  project: Pick<Project, 'members'>,
  colleagues: ReadonlySet<string> | 'all',
): Candidate[] {
  const inProject = new Set(project.members.map((member) => member.userId));
  return accounts
    .filter((account) => account.deactivatedAt === undefined && !inProject.has(account.id))
    .filter((account) => colleagues === 'all' || colleagues.has(account.id))
    .map(({ id, name, email }) => ({ id, name, email }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `pickableAccounts` for `actor`: every active account for an administrator, else their colleagues. */
export async function candidatesFor(
  ctx: AppContext,
  actor: Pick<User, 'id' | 'admin'>,
  project: Project,
): Promise<Candidate[]> {
  let colleagues: Set<string> | 'all' = 'all';
  if (!actor.admin) {
    colleagues = new Set();
    for (const other of await ctx.metadata.projects.listForMember(actor.id)) {
      for (const member of other.members) colleagues.add(member.userId);
    }
  }
  return pickableAccounts(await ctx.metadata.users.list(), project, colleagues);
}
