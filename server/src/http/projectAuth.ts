import { isId, type ProjectAction, projectPermission } from '@accord/shared';
import type { Request } from 'express';
import type { AppContext } from '../context.js';
import { AccordError, notFound } from '../errors.js';
import { memberProject } from '../projects/projects.js';
import { requireAuth } from './session.js';

/**
 * The guard of every `/projects/:project/...` route: the signed-in user, the project and their role, if they are a
 * member allowed `action`. Outsiders get "not found", exactly like a project that does not exist.
 */
export async function authoriseProject(ctx: AppContext, req: Request, action: ProjectAction) {
  const { user } = requireAuth(req);
  const projectId = String(req.params.project);
  if (!isId(projectId)) throw notFound('no such project');
  const { project, role } = await memberProject(ctx, projectId, user.id);
  if (!projectPermission(role, project, action)) {
    throw new AccordError(403, 'forbidden', `your role (${role}) does not allow this`);
  }
  return { user, project, role };
}
