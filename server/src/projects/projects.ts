import { newId, type ProjectSummary, type Role } from '@accord/shared';
import type { AppContext } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { forgetProjectMedia } from '../media/media.js';
import { DEFAULT_PROJECT_SETTINGS, type Project, type ProjectSettings } from '../metadata/schema.js';
import { roleOf } from './docAccess.js';

export function summarise(project: Project, role: Role): ProjectSummary {
  const { id, name, description, archived, createdAt, settings } = project;
  return { id, name, description, archived, createdAt, role, settings, members: project.members.length };
}

export function projectsOf(ctx: AppContext, userId: string): ProjectSummary[] {
  const summaries: ProjectSummary[] = [];
  for (const project of ctx.store.data.projects) {
    const role = roleOf(project, userId);
    if (role !== null) summaries.push(summarise(project, role));
  }
  return summaries;
}

/** The project if the user is a member; otherwise "not found", so that outsiders learn nothing. */
export function memberProject(ctx: AppContext, projectId: string, userId: string): { project: Project; role: Role } {
  const project = ctx.store.data.projects.find((candidate) => candidate.id === projectId);
  const role = roleOf(project, userId);
  if (project === undefined || role === null) throw notFound('no such project');
  return { project, role };
}

export async function createProject(
  ctx: AppContext,
  userId: string,
  input: { name: string; description?: string },
): Promise<Project> {
  const now = Date.now();
  const project: Project = {
    id: newId(),
    name: input.name.trim(),
    description: input.description?.trim() ?? '',
    archived: false,
    createdAt: now,
    createdBy: userId,
    settings: { ...DEFAULT_PROJECT_SETTINGS },
    members: [{ userId, role: 'owner', addedAt: now }],
  };
  await ctx.store.mutate((data) => {
    data.projects.push(project);
  });
  ctx.audit.record({ actor: userId, action: 'project.create', project: project.id, details: { name: project.name } });
  return project;
}

export interface ProjectPatch {
  name?: string;
  description?: string;
  archived?: boolean;
  settings?: Partial<ProjectSettings>;
}

export async function updateProject(
  ctx: AppContext,
  userId: string,
  projectId: string,
  patch: ProjectPatch,
): Promise<Project> {
  const updated = await ctx.store.mutate((data) => {
    const project = data.projects.find((candidate) => candidate.id === projectId);
    if (project === undefined) throw notFound('no such project');
    if (patch.name !== undefined) project.name = patch.name.trim();
    if (patch.description !== undefined) project.description = patch.description.trim();
    if (patch.archived !== undefined) project.archived = patch.archived;
    if (patch.settings !== undefined) project.settings = { ...project.settings, ...patch.settings };
    return project;
  });
  ctx.audit.record({ actor: userId, action: 'project.update', project: projectId, details: { ...patch } });
  if (patch.archived !== undefined || patch.settings?.codersEditCodebook !== undefined) ctx.recheckConnections();
  return updated;
}

/** Deletes the project's metadata and every one of its documents; audited. */
export async function deleteProject(ctx: AppContext, userId: string, projectId: string): Promise<void> {
  const project = ctx.store.data.projects.find((candidate) => candidate.id === projectId);
  if (project === undefined) throw notFound('no such project');
  await ctx.store.mutate((data) => {
    data.projects = data.projects.filter((candidate) => candidate.id !== projectId);
    data.transcripts = data.transcripts.filter((transcript) => transcript.projectId !== projectId);
    data.rounds = data.rounds.filter((round) => round.projectId !== projectId);
  });
  ctx.recheckConnections();
  await ctx.sync.deletePrefix(`p/${projectId}/`);
  await forgetProjectMedia(ctx, projectId);
  ctx.audit.record({ actor: userId, action: 'project.delete', project: projectId, details: { name: project.name } });
}

export async function setMemberRole(
  ctx: AppContext,
  actorId: string,
  projectId: string,
  memberId: string,
  role: Role | null,
): Promise<void> {
  const previous = await ctx.store.mutate((data) => {
    const project = data.projects.find((candidate) => candidate.id === projectId);
    if (project === undefined) throw notFound('no such project');
    if (!data.users.some((user) => user.id === memberId)) throw notFound('no such user');
    const member = project.members.find((candidate) => candidate.userId === memberId);
    const before = member?.role ?? null;
    if (before === 'owner' && role !== 'owner' && project.members.filter((m) => m.role === 'owner').length === 1) {
      throw conflict('last_owner', 'a project needs at least one owner; make someone else owner first');
    }
    if (role === null) project.members = project.members.filter((candidate) => candidate.userId !== memberId);
    else if (member) member.role = role;
    else project.members.push({ userId: memberId, role, addedAt: Date.now() });
    return before;
  });
  if (previous === role) return;
  ctx.audit.record({
    actor: actorId,
    action: role === null ? 'member.remove' : previous === null ? 'member.add' : 'member.role',
    project: projectId,
    details: { user: memberId, from: previous, to: role },
  });
  ctx.recheckConnections();
}
