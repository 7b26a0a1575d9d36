import {
  type DocEntry,
  type DocRef,
  type DocsResponse,
  docName,
  type Member,
  type MembersResponse,
  type ProjectAction,
  type ProjectDetailResponse,
  type ProjectResponse,
  type ProjectsResponse,
  ROLES,
  type Role,
  type TranscriptResponse,
  type TranscriptsResponse,
} from '@accord/shared';
import { isLanguageTag } from '@accord/shared/text/index';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { findUserByEmail } from '../../accounts/users.js';
import { lookupKey, reserveAttempt } from '../../auth/attempts.js';
import type { AppContext } from '../../context.js';
import { AccordError, notFound } from '../../errors.js';
import type { Project } from '../../metadata/schema.js';
import { AccessReader, decideDocAccess } from '../../projects/docAccess.js';
import {
  createProject,
  deleteProject,
  projectsOf,
  setMemberRole,
  summarise,
  updateProject,
} from '../../projects/projects.js';
import {
  createTranscript,
  deleteTranscript,
  getTranscript,
  transcriptsOf,
  updateTranscript,
} from '../../projects/transcripts.js';
import { authoriseProject } from '../projectAuth.js';
import { requireAuth } from '../session.js';
import { parse } from '../validate.js';

const name = z.string().trim().min(1).max(200);
const role = z.enum(ROLES as [Role, ...Role[]]);
const attributes = z.record(z.string().max(100), z.string().max(1000));
const newProject = z.strictObject({ name, description: z.string().max(10_000).optional() });
const projectPatch = z.strictObject({
  name: name.optional(),
  description: z.string().max(10_000).optional(),
  archived: z.boolean().optional(),
  settings: z
    .strictObject({
      codersEditCodebook: z.boolean().optional(),
      kappaThreshold: z.number().min(-1).max(1).optional(),
      alphaThreshold: z.number().min(-1).max(1).optional(),
      /** The language of exports and reports (BCP 47); null: English. */
      language: z
        .string()
        .max(64)
        .refine(isLanguageTag, 'must be a BCP 47 language tag such as "de" or "pt-BR"')
        .nullable()
        .optional(),
    })
    .optional(),
});
const newMember = z.strictObject({ email: z.string().min(1).max(320), role });
const memberPatch = z.strictObject({ role });
/** A BCP 47 language tag (`de`, `zh-Hant`, `ar-EG`): what segmentation and search use for the transcript. */
const language = z.string().max(64).refine(isLanguageTag, 'must be a BCP 47 language tag such as "de" or "zh-Hant"');
const newTranscript = z.strictObject({
  title: name,
  participant: z.string().max(200).optional(),
  attributes: attributes.optional(),
  language: language.optional(),
  text: z.string().max(10_000_000).optional(),
  turns: z
    .array(
      z.strictObject({
        start: z.number().int().nonnegative(),
        speaker: z.string().max(200),
        time: z.number().nonnegative().optional(),
      }),
    )
    .max(100_000)
    .optional(),
});
const transcriptPatch = z.strictObject({
  title: name.optional(),
  participant: z.string().max(200).optional(),
  attributes: attributes.optional(),
  language: language.nullable().optional(),
});

export function projectRoutes(ctx: AppContext): Router {
  const router = Router();

  const authorise = (req: Request, action: ProjectAction) => authoriseProject(ctx, req, action);

  const members = async (project: Project): Promise<Member[]> => {
    const users = new Map((await ctx.metadata.users.list()).map((user) => [user.id, user]));
    return project.members.map((member) => {
      const user = users.get(member.userId);
      return {
        userId: member.userId,
        name: user?.name ?? '',
        email: user?.email ?? '',
        role: member.role,
        addedAt: member.addedAt,
        // Kept as a member so that their codings stay attributed, but they have no access (docs/admin.md).
        deactivated: user?.deactivatedAt !== undefined,
      };
    });
  };
  /** The members of a project as they are now (after a change). */
  const membersNow = async (projectId: string): Promise<Member[]> => {
    const project = await ctx.metadata.projects.get(projectId);
    if (project === null) throw notFound('no such project');
    return members(project);
  };

  router.get('/projects', async (req, res) => {
    const { user } = requireAuth(req);
    res.json({ projects: await projectsOf(ctx, user.id) } satisfies ProjectsResponse);
  });

  router.post('/projects', async (req, res) => {
    const { user } = requireAuth(req);
    const project = await createProject(ctx, user.id, parse(newProject, req.body));
    res.status(201).json({ project: summarise(project, 'owner') } satisfies ProjectResponse);
  });

  router.get('/projects/:project', async (req, res) => {
    const { project, role } = await authorise(req, 'view');
    res.json({ project: summarise(project, role), members: await members(project) } satisfies ProjectDetailResponse);
  });

  router.patch('/projects/:project', async (req, res) => {
    const { user, project, role } = await authorise(req, 'manage');
    const updated = await updateProject(ctx, user.id, project.id, parse(projectPatch, req.body));
    res.json({ project: summarise(updated, role) } satisfies ProjectResponse);
  });

  router.delete('/projects/:project', async (req, res) => {
    const { user, project } = await authorise(req, 'manage');
    await deleteProject(ctx, user.id, project.id);
    res.status(204).end();
  });

  router.get('/projects/:project/members', async (req, res) => {
    const { project } = await authorise(req, 'view');
    res.json({ members: await members(project) } satisfies MembersResponse);
  });

  /**
   * Adding by email looks an account up, which tells the owner whether it exists: owners need that answer, but any
   * signed-in user can own a project, so lookups that find nobody are limited per user (administrators, who list
   * every account anyway, are not). A lookup that finds the account gives its reservation back.
   */
  router.post('/projects/:project/members', async (req, res) => {
    const { user, project } = await authorise(req, 'manage');
    const body = parse(newMember, req.body);
    const lookup = lookupKey(user.id);
    if (!user.admin) await reserveAttempt(ctx.limiter, [lookup], res, 'lookups of unknown accounts');
    const member = await findUserByEmail(ctx.metadata, body.email);
    if (member === undefined) throw notFound(`no account with email ${body.email}; an administrator must create it`);
    if (!user.admin) await ctx.limiter.succeed({ clear: [], release: [lookup.key] });
    await setMemberRole(ctx, user.id, project.id, member.id, body.role);
    res.status(201).json({ members: await membersNow(project.id) } satisfies MembersResponse);
  });

  router.patch('/projects/:project/members/:user', async (req, res) => {
    const { user, project } = await authorise(req, 'manage');
    const memberId = String(req.params.user);
    if (!project.members.some((member) => member.userId === memberId)) throw notFound('no such member');
    await setMemberRole(ctx, user.id, project.id, memberId, parse(memberPatch, req.body).role);
    res.json({ members: await membersNow(project.id) } satisfies MembersResponse);
  });

  router.delete('/projects/:project/members/:user', async (req, res) => {
    const { user, project } = await authorise(req, 'manage');
    const memberId = String(req.params.user);
    if (!project.members.some((member) => member.userId === memberId)) throw notFound('no such member');
    await setMemberRole(ctx, user.id, project.id, memberId, null);
    res.status(204).end();
  });

  router.get('/projects/:project/transcripts', async (req, res) => {
    const { project } = await authorise(req, 'view');
    res.json({ transcripts: await transcriptsOf(ctx, project.id) } satisfies TranscriptsResponse);
  });

  router.post('/projects/:project/transcripts', async (req, res) => {
    const { user, project } = await authorise(req, 'editTranscripts');
    const transcript = await createTranscript(ctx, user.id, project.id, parse(newTranscript, req.body));
    res.status(201).json({ transcript } satisfies TranscriptResponse);
  });

  router.get('/projects/:project/transcripts/:transcript', async (req, res) => {
    const { project } = await authorise(req, 'view');
    res.json({
      transcript: await getTranscript(ctx, project.id, String(req.params.transcript)),
    } satisfies TranscriptResponse);
  });

  /** Changing or deleting a transcript needs write access to its text: never while a round containing it runs. */
  const authoriseTextWrite = async (req: Request) => {
    const authorised = await authorise(req, 'editTranscripts');
    const transcript = await getTranscript(ctx, authorised.project.id, String(req.params.transcript));
    const ref: DocRef = { kind: 'text', project: authorised.project.id, transcript: transcript.id };
    if ((await decideDocAccess(ctx.metadata, authorised.user.id, ref)).access !== 'write') {
      throw new AccordError(
        409,
        'in_round',
        'the transcript is part of a running round; it is read-only until the round ends',
      );
    }
    return { ...authorised, transcript };
  };

  router.patch('/projects/:project/transcripts/:transcript', async (req, res) => {
    const { project, transcript } = await authoriseTextWrite(req);
    const updated = await updateTranscript(ctx, project.id, transcript.id, parse(transcriptPatch, req.body));
    res.json({ transcript: updated } satisfies TranscriptResponse);
  });

  router.delete('/projects/:project/transcripts/:transcript', async (req, res) => {
    const { user, project, transcript } = await authoriseTextWrite(req);
    await deleteTranscript(ctx, user.id, project.id, transcript.id);
    res.status(204).end();
  });

  /** The documents this user may open, with their access: the only place a client learns doc names. */
  router.get('/projects/:project/docs', async (req, res) => {
    const { user, project } = await authorise(req, 'view');
    const layerOwners = new Set([user.id, ...project.members.filter((m) => m.role !== 'viewer').map((m) => m.userId)]);
    const refs: DocRef[] = [{ kind: 'codebook', project: project.id }];
    const reader = new AccessReader(ctx.metadata);
    for (const round of await reader.roundsOf(project.id)) {
      refs.push({ kind: 'roundCodebook', project: project.id, round: round.id });
    }
    for (const transcript of await transcriptsOf(ctx, project.id)) {
      refs.push({ kind: 'text', project: project.id, transcript: transcript.id });
      refs.push({ kind: 'consensus', project: project.id, transcript: transcript.id });
      for (const coder of layerOwners)
        refs.push({ kind: 'codings', project: project.id, transcript: transcript.id, coder });
    }
    const docs: DocEntry[] = [];
    for (const ref of refs) {
      const decision = await reader.decide(user.id, ref);
      if (decision.access !== 'none') docs.push({ name: docName(ref), ...ref, access: decision.access });
    }
    res.json({ docs } satisfies DocsResponse);
  });

  router.get('/projects/:project/audit', async (req, res) => {
    const { project } = await authorise(req, 'viewAudit');
    res.json({ entries: await ctx.metadata.audit.list({ project: project.id }) });
  });

  return router;
}
