import {
  type DocsResponse,
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
import type { AppContext } from '../../context.js';
import { openableDocs } from '../../projects/docs.js';
import { addMemberByEmail, changeMemberRole, findMember, membersOf } from '../../projects/members.js';
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
  writableTranscript,
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

/** Routes parse, authorise, call a domain function (server/src/projects/*) and serialise. */
export function projectRoutes(ctx: AppContext): Router {
  const router = Router();

  const authorise = (req: Request, action: ProjectAction) => authoriseProject(ctx, req, action);
  /** The member named in the path, of a project the caller manages. */
  const authoriseMember = async (req: Request) => {
    const authorised = await authorise(req, 'manage');
    return { ...authorised, member: findMember(authorised.project, String(req.params.user)) };
  };
  /** The transcript named in the path, if the caller may change it: never while a round containing it runs. */
  const authoriseTextWrite = async (req: Request) => {
    const authorised = await authorise(req, 'editTranscripts');
    const { user, project } = authorised;
    return {
      ...authorised,
      transcript: await writableTranscript(ctx, user.id, project.id, String(req.params.transcript)),
    };
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
    res.json({
      project: summarise(project, role),
      members: await membersOf(ctx, project),
    } satisfies ProjectDetailResponse);
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
    res.json({ members: await membersOf(ctx, project) } satisfies MembersResponse);
  });

  /** Adding by email says whether the account exists: limited for owners who are not administrators (members.ts). */
  router.post('/projects/:project/members', async (req, res) => {
    const { user, project } = await authorise(req, 'manage');
    const { email, role } = parse(newMember, req.body);
    res
      .status(201)
      .json({ members: await addMemberByEmail(ctx, user, project.id, email, role) } satisfies MembersResponse);
  });

  router.patch('/projects/:project/members/:user', async (req, res) => {
    const { user, project, member } = await authoriseMember(req);
    const { role } = parse(memberPatch, req.body);
    res.json({
      members: await changeMemberRole(ctx, user.id, project.id, member.userId, role),
    } satisfies MembersResponse);
  });

  router.delete('/projects/:project/members/:user', async (req, res) => {
    const { user, project, member } = await authoriseMember(req);
    await setMemberRole(ctx, user.id, project.id, member.userId, null);
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
    res.json({ docs: await openableDocs(ctx, user.id, project) } satisfies DocsResponse);
  });

  router.get('/projects/:project/audit', async (req, res) => {
    const { project } = await authorise(req, 'viewAudit');
    res.json({ entries: await ctx.metadata.audit.list({ project: project.id }) });
  });

  return router;
}
