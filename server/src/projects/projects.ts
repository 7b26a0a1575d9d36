import { newId, type ProjectSummary, type Role } from '@accord/shared';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { forgetProjectMedia } from '../media/media.js';
import { DEFAULT_PROJECT_SETTINGS, type Project, type ProjectSettings } from '../metadata/schema.js';
import { roleOf } from './docAccess.js';

export function summarise(project: Project, role: Role): ProjectSummary {
  const { id, name, description, archived, createdAt, settings } = project;
  return { id, name, description, archived, createdAt, role, settings, members: project.members.length };
}

export async function projectsOf(ctx: AppContext, userId: string): Promise<ProjectSummary[]> {
  const summaries: ProjectSummary[] = [];
  for (const project of await ctx.metadata.projects.listForMember(userId)) {
    const role = roleOf(project, userId);
    if (role !== null) summaries.push(summarise(project, role));
  }
  return summaries;
}

/** The project if the user is a member; otherwise "not found", so that outsiders learn nothing. */
export async function memberProject(
  ctx: AppContext,
  projectId: string,
  userId: string,
): Promise<{ project: Project; role: Role }> {
  const project = await ctx.metadata.projects.get(projectId);
  const role = roleOf(project, userId);
  if (project === null || role === null) throw notFound('no such project');
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
  await ctx.metadata.projects.create(project);
  await ctx.metadata.audit.record({
    actor: userId,
    action: 'project.create',
    project: project.id,
    details: { name: project.name },
  });
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
  const updated = await ctx.metadata.projects.update(projectId, {
    ...patch,
    ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
    ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
  });
  await ctx.metadata.audit.record({
    actor: userId,
    action: 'project.update',
    project: projectId,
    details: { ...patch },
  });
  if (patch.archived !== undefined || patch.settings?.codersEditCodebook !== undefined) ctx.recheckConnections();
  return updated;
}

/** Deletes the project's metadata and every one of its documents; audited. */
export async function deleteProject(ctx: AppContext, userId: string, projectId: string): Promise<void> {
  const project = await ctx.metadata.projects.delete(projectId);
  if (project === null) throw notFound('no such project');
  ctx.recheckConnections();
  await ctx.sync.deletePrefix(`p/${projectId}/`);
  await forgetProjectMedia(ctx, projectId);
  await ctx.metadata.audit.record({
    actor: userId,
    action: 'project.delete',
    project: projectId,
    details: { name: project.name },
  });
}

export async function setMemberRole(
  ctx: AppContext,
  actorId: string,
  projectId: string,
  memberId: string,
  role: Role | null,
): Promise<void> {
  const previous = await ctx.metadata.projects.setMemberRole(projectId, memberId, role, Date.now());
  if (previous === role) return;
  await ctx.metadata.audit.record({
    actor: actorId,
    action: role === null ? 'member.remove' : previous === null ? 'member.add' : 'member.role',
    project: projectId,
    details: { user: memberId, from: previous, to: role },
  });
  ctx.recheckConnections();
}
