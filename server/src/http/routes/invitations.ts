import { ROLES, type Role } from '@accord/shared';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import {
  acceptLink,
  createInvitation,
  createResetLink,
  findByToken,
  invitationView,
  linkPath,
  revokeInvitation,
} from '../../accounts/invitations.js';
import { linkMessage, mailerFor } from '../../accounts/mailer.js';
import { closeSessionSockets } from '../../accounts/sessionEnds.js';
import { findUserByEmail, normaliseEmail } from '../../accounts/users.js';
import { lookupKey, reserveAttempt } from '../../auth/attempts.js';
import type { LimitedKey } from '../../auth/loginLimiter.js';
import type { AppContext } from '../../context.js';
import { AccordError, conflict } from '../../errors.js';
import type { Invitation } from '../../metadata/schema.js';
import { roleOf } from '../../projects/docAccess.js';
import { setMemberRole } from '../../projects/projects.js';
import { authoriseProject } from '../projectAuth.js';
import { requireAdmin, requireAuth } from '../session.js';
import { parse } from '../validate.js';
import { beginSession } from './auth.js';

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
 * Guesses at link tokens, per client address. A token is 256 random bits, so guessing is hopeless anyway; the limit
 * keeps a scanner from costing the server a lookup per request. A real token gives its reservation back.
 */
const linkKey = (ip: string | undefined): LimitedKey => ({ key: `link:${ip ?? 'unknown'}`, max: 20 });

/** Invitations and reset links, the accounts an owner may pick from, and the server setting on who may invite. */
export function invitationRoutes(ctx: AppContext): Router {
  const router = Router();

  /** Where links point: the configured public address, else the address this request came to. */
  const linkTo = (req: Request, secret: string) =>
    `${ctx.config.publicUrl ?? `${req.protocol}://${req.get('host')}`}${linkPath(secret)}`;

  /** The link for its maker, and the mail when a relay is configured (a failed mail is reported, not fatal). */
  const deliver = async (req: Request, made: { token: string; invitation: Invitation }, inviter: string) => {
    const link = linkTo(req, made.token);
    const mailer = mailerFor(ctx.config);
    let sent: boolean | null = null;
    let sendError: string | undefined;
    if (mailer !== null) {
      const view = await invitationView(ctx.metadata, made.invitation);
      try {
        await mailer.send(
          linkMessage({
            to: made.invitation.email,
            link,
            kind: made.invitation.kind,
            inviter,
            project: view.project && { name: view.project.name, role: view.project.role },
            expiresAt: made.invitation.expiresAt,
          }),
        );
        sent = true;
      } catch (error) {
        sent = false;
        sendError = 'the mail relay did not take the message; copy the link instead';
        ctx.logger.warn('invitation.mail_failed', { invitation: made.invitation.id, error });
      }
    }
    return {
      invitation: await invitationView(ctx.metadata, made.invitation),
      link,
      sent,
      ...(sendError ? { sendError } : {}),
    };
  };

  const audited = (actor: string, invitation: Invitation, sent: boolean | null) =>
    ctx.metadata.audit.record({
      actor,
      action: invitation.kind === 'reset' ? 'password.reset' : 'invitation.create',
      ...(invitation.project ? { project: invitation.project.id } : {}),
      details: {
        invitation: invitation.id,
        email: invitation.email,
        ...(invitation.userId ? { user: invitation.userId } : {}),
        admin: invitation.admin,
        role: invitation.project?.role ?? null,
        expiresAt: invitation.expiresAt,
        mailed: sent,
      },
    });

  router.get('/invitations', async (req, res) => {
    requireAdmin(req);
    const now = Date.now();
    const all = await ctx.metadata.invitations.list();
    res.json({ invitations: (await Promise.all(all.map((i) => invitationView(ctx.metadata, i, now)))).reverse() });
  });

  router.post('/invitations', async (req, res) => {
    const { user } = requireAdmin(req);
    const body = parse(adminInvitation, req.body);
    const made = await createInvitation(ctx.metadata, { ...body, createdBy: user.id });
    const answer = await deliver(req, made, user.name);
    await audited(user.id, made.invitation, answer.sent);
    res.status(201).json(answer);
  });

  /** Administrators withdraw any link; an owner withdraws the invitations into a project they own. */
  router.delete('/invitations/:id', async (req, res) => {
    const { user } = requireAuth(req);
    const invitation = await ctx.metadata.invitations.get(String(req.params.id));
    const projectId = invitation?.project?.id;
    const owner = projectId !== undefined && roleOf(await ctx.metadata.projects.get(projectId), user.id) === 'owner';
    if (!user.admin && !owner) throw new AccordError(404, 'not_found', 'no such invitation');
    const revoked = await revokeInvitation(ctx.metadata, String(req.params.id));
    await ctx.metadata.audit.record({
      actor: user.id,
      action: 'invitation.revoke',
      ...(revoked.project ? { project: revoked.project.id } : {}),
      details: { invitation: revoked.id, email: revoked.email, kind: revoked.kind },
    });
    res.status(204).end();
  });

  /** An administrator never chooses anyone's password: a reset is a one-time link for the person to choose one. */
  router.post('/users/:id/reset-link', async (req, res) => {
    const { user } = requireAdmin(req);
    const made = await createResetLink(ctx.metadata, String(req.params.id), user.id);
    const answer = await deliver(req, made, user.name);
    await audited(user.id, made.invitation, answer.sent);
    res.status(201).json(answer);
  });

  router.get('/server-settings', async (req, res) => {
    requireAdmin(req);
    res.json({ settings: await ctx.metadata.settings.get() });
  });

  router.patch('/server-settings', async (req, res) => {
    const { user } = requireAdmin(req);
    const patch = parse(settingsPatch, req.body);
    const settings = await ctx.metadata.settings.update(patch);
    await ctx.metadata.audit.record({ actor: user.id, action: 'server.settings', details: { ...patch } });
    res.json({ settings });
  });

  /** What the page of a link shows before the person accepts it. Only unknown tokens count against the limit. */
  router.post('/invite/lookup', async (req, res) => {
    const { token: secret } = parse(lookupBody, req.body);
    const invitation = await linkFor(req, res, secret);
    const view = await invitationView(ctx.metadata, invitation);
    res.json({
      kind: view.kind,
      email: view.email,
      project: view.project && { name: view.project.name, role: view.project.role },
      invitedBy: view.createdBy?.name ?? null,
      expiresAt: view.expiresAt,
      status: view.status,
    });
  });

  /** Creates the account or sets the new password, then signs the person in (a new session of their own). */
  router.post('/invite/accept', async (req, res) => {
    const body = parse(acceptBody, req.body);
    await linkFor(req, res, body.token);
    const accepted = await acceptLink(ctx.metadata, body.token, { name: body.name, password: body.password });
    const { user, invitation, joined, ended } = accepted;
    closeSessionSockets(ctx, ended, 'password reset');
    if (invitation.kind === 'invite') {
      await ctx.metadata.audit.record({
        actor: user.id,
        action: 'user.create',
        details: { user: user.id, email: user.email, admin: user.admin, via: 'invitation', invitation: invitation.id },
      });
    }
    await ctx.metadata.audit.record({
      actor: user.id,
      action: 'invitation.accept',
      ...(joined ? { project: joined.project } : {}),
      details: { invitation: invitation.id, kind: invitation.kind, ip: req.ip },
    });
    if (joined) {
      await ctx.metadata.audit.record({
        actor: invitation.createdBy,
        action: 'member.add',
        project: joined.project,
        details: { user: user.id, from: null, to: joined.role, via: 'invitation' },
      });
      ctx.recheckConnections();
    }
    await beginSession(ctx, req, res, user);
  });

  /**
   * The accounts an owner may pick from when adding members: every active account for an administrator; for other
   * owners, the active accounts they already share a project with. Nobody can list the server's accounts by trying
   * names (docs/admin.md, "Who can see which accounts").
   */
  router.get('/projects/:project/candidates', async (req, res) => {
    const { user, project } = await authoriseProject(ctx, req, 'manage');
    const inProject = new Set(project.members.map((member) => member.userId));
    const colleagues = new Set<string>();
    if (!user.admin) {
      for (const other of await ctx.metadata.projects.listForMember(user.id)) {
        for (const member of other.members) colleagues.add(member.userId);
      }
    }
    const accounts = (await ctx.metadata.users.list())
      .filter((account) => account.deactivatedAt === undefined && !inProject.has(account.id))
      .filter((account) => user.admin || colleagues.has(account.id))
      .map(({ id, name, email }) => ({ id, name, email }))
      .sort((a, b) => a.name.localeCompare(b.name));
    res.json({ accounts });
  });

  router.get('/projects/:project/invitations', async (req, res) => {
    const { project } = await authoriseProject(ctx, req, 'manage');
    const now = Date.now();
    const links = await ctx.metadata.invitations.listForProject(project.id);
    const invitations = (await Promise.all(links.map((i) => invitationView(ctx.metadata, i, now)))).reverse();
    res.json({ invitations });
  });

  /**
   * An owner invites an email into the project. An email that has an account adds that account at once (so the
   * answer says whether one exists, exactly like adding by email): for owners who are not administrators, each
   * invitation of an email without an account counts against the same per-user limit as a lookup that finds nobody.
   */
  router.post('/projects/:project/invitations', async (req, res) => {
    const { user, project } = await authoriseProject(ctx, req, 'manage');
    const body = parse(projectInvitation, req.body);
    const lookup = lookupKey(user.id);
    if (!user.admin) await reserveAttempt(ctx.limiter, [lookup], res, 'invitations and lookups of unknown accounts');
    const existing = await findUserByEmail(ctx.metadata, body.email);
    if (existing !== undefined) {
      if (!user.admin) await ctx.limiter.succeed({ clear: [], release: [lookup.key] });
      if (existing.deactivatedAt !== undefined) {
        throw conflict('account_deactivated', 'the account with this email is deactivated; ask an administrator');
      }
      if (project.members.some((member) => member.userId === existing.id)) {
        throw conflict('already_member', `${existing.name} is a member already`);
      }
      await setMemberRole(ctx, user.id, project.id, existing.id, body.role);
      res
        .status(201)
        .json({ added: { userId: existing.id, name: existing.name, email: existing.email, role: body.role } });
      return;
    }
    if (!user.admin && !(await ctx.metadata.settings.get()).ownersInvite) {
      throw new AccordError(
        403,
        'invitations_restricted',
        `no account has the email ${normaliseEmail(body.email)}, and on this server only administrators invite new people`,
      );
    }
    const made = await createInvitation(ctx.metadata, {
      email: body.email,
      admin: false,
      project: { id: project.id, role: body.role },
      createdBy: user.id,
    });
    const answer = await deliver(req, made, user.name);
    await audited(user.id, made.invitation, answer.sent);
    res.status(201).json(answer);
  });

  /** The link a token names (counting the request if it names none). */
  async function linkFor(req: Request, res: Response, secret: string): Promise<Invitation> {
    const key = linkKey(req.ip);
    await reserveAttempt(ctx.limiter, [key], res, 'attempts with invalid links');
    const invitation = await findByToken(ctx.metadata, secret);
    if (invitation === null)
      throw new AccordError(404, 'not_found', 'this link is not valid; check that it was copied whole');
    await ctx.limiter.succeed({ clear: [], release: [key.key] });
    return invitation;
  }

  return router;
}
