import {
  type CandidatesResponse,
  type InvitationsResponse,
  type LinkInfo,
  type MadeLink,
  type MemberAddedResponse,
  ROLES,
  type Role,
  type ServerSettingsResponse,
} from '@accord/shared';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { listInvitations, withdrawInvitation } from '../../accounts/invitations.js';
import { previewLink, redeemLink } from '../../accounts/linkAcceptance.js';
import { issueInvitation, issueResetLink } from '../../accounts/linkDelivery.js';
import { changeServerSettings, serverSettings } from '../../accounts/serverSettings.js';
import type { AppContext } from '../../context.js';
import { candidatesFor, inviteToProject } from '../../projects/members.js';
import { authoriseProject } from '../projectAuth.js';
import { requireAdmin, requireAuth, sendSession } from '../session.js';
import { parse } from '../validate.js';

const role = z.enum(ROLES as [Role, ...Role[]]);
const token = z.string().min(16).max(128);
const adminInvitation = z.strictObject({
  email: z.email().max(320),
  admin: z.boolean().default(false),
  project: z
    .strictObject({ id: z.string().max(64), role })
    .nullable()
    .default(null),
});
const projectInvitation = z.strictObject({ email: z.email().max(320), role });
const lookupBody = z.strictObject({ token });
const acceptBody = z.strictObject({
  token,
  name: z.string().trim().min(1).max(200).optional(),
  password: z.string().max(1024),
});
const settingsPatch = z.strictObject({ ownersInvite: z.boolean() });

/**
 * Invitations and reset links, the accounts an owner may pick from, and the server setting on who may invite. Routes
 * parse, authorise, call a domain function (server/src/accounts/*, server/src/projects/members.ts) and serialise.
 */
export function invitationRoutes(ctx: AppContext): Router {
  const router = Router();

  /** Where links point: the configured public address, else the address this request came to. */
  const origin = (req: Request) => ctx.config.publicUrl ?? `${req.protocol}://${req.get('host')}`;

  router.get('/invitations', async (req, res) => {
    requireAdmin(req);
    res.json({ invitations: await listInvitations(ctx.metadata, null) } satisfies InvitationsResponse);
  });

  router.post('/invitations', async (req, res) => {
    const { user } = requireAdmin(req);
    const body = parse(adminInvitation, req.body);
    res.status(201).json((await issueInvitation(ctx, user, body, origin(req))) satisfies MadeLink);
  });

  /** Administrators withdraw any link; an owner withdraws the invitations into a project they own. */
  router.delete('/invitations/:id', async (req, res) => {
    const { user } = requireAuth(req);
    await withdrawInvitation(ctx, user, String(req.params.id));
    res.status(204).end();
  });

  /** An administrator never chooses anyone's password: a reset is a one-time link for the person to choose one. */
  router.post('/users/:id/reset-link', async (req, res) => {
    const { user } = requireAdmin(req);
    res.status(201).json((await issueResetLink(ctx, user, String(req.params.id), origin(req))) satisfies MadeLink);
  });

  router.get('/server-settings', async (req, res) => {
    requireAdmin(req);
    res.json({ settings: await serverSettings(ctx) } satisfies ServerSettingsResponse);
  });

  router.patch('/server-settings', async (req, res) => {
    const { user } = requireAdmin(req);
    const settings = await changeServerSettings(ctx, user.id, parse(settingsPatch, req.body));
    res.json({ settings } satisfies ServerSettingsResponse);
  });

  /** What the page of a link shows before the person accepts it. Only unknown tokens count against the limit. */
  router.post('/invite/lookup', async (req, res) => {
    const { token: secret } = parse(lookupBody, req.body);
    res.json((await previewLink(ctx, req.ip, secret)) satisfies LinkInfo);
  });

  /** Creates the account or sets the new password, then signs the person in (a new session of their own). */
  router.post('/invite/accept', async (req, res) => {
    const body = parse(acceptBody, req.body);
    sendSession(req, res, await redeemLink(ctx, req.ip, body.token, { name: body.name, password: body.password }));
  });

  /** The accounts an owner may pick from when adding members (docs/admin.md, "Who can see which accounts"). */
  router.get('/projects/:project/candidates', async (req, res) => {
    const { user, project } = await authoriseProject(ctx, req, 'manage');
    res.json({ accounts: await candidatesFor(ctx, user, project) } satisfies CandidatesResponse);
  });

  router.get('/projects/:project/invitations', async (req, res) => {
    const { project } = await authoriseProject(ctx, req, 'manage');
    res.json({ invitations: await listInvitations(ctx.metadata, project.id) } satisfies InvitationsResponse);
  });

  /** Adds the account with the email at once, or invites the email when it has none (members.ts, `inviteToProject`). */
  router.post('/projects/:project/invitations', async (req, res) => {
    const { user, project } = await authoriseProject(ctx, req, 'manage');
    const { email, role } = parse(projectInvitation, req.body);
    const answer = await inviteToProject(ctx, user, project, email, role, origin(req));
    res.status(201).json(answer satisfies MemberAddedResponse | MadeLink);
  });

  return router;
}
