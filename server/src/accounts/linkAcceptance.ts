import type { LinkInfo } from '@accord/shared';
import { reserveAttempt } from '../auth/attempts.js';
import type { LimitedKey } from '../auth/loginLimiter.js';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import type { Invitation } from '../metadata/schema.js';
import { acceptLink, findByToken, invitationView } from './invitations.js';
import { closeSessionSockets } from './sessionEnds.js';
import { type OpenedSession, openSession } from './sessions.js';

/**
 * What the person holding a link may do with it, before signing in: see what it is for, and accept it. `ip` is the
 * client address the request came from.
 */

/**
 * Guesses at link tokens, per client address. A token is 256 random bits, so guessing is hopeless anyway; the limit
 * keeps a scanner from costing the server a lookup per request. A real token gives its reservation back.
 */
const linkKey = (ip: string | undefined): LimitedKey => ({ key: `link:${ip ?? 'unknown'}`, max: 20 });

/** The link a token names (counting the request if it names none). */
async function heldLink(ctx: AppContext, ip: string | undefined, token: string): Promise<Invitation> {
  const key = linkKey(ip);
  await reserveAttempt(ctx.limiter, [key], 'attempts with invalid links');
  const invitation = await findByToken(ctx.metadata, token);
  if (invitation === null)
    throw new AccordError(404, 'not_found', 'this link is not valid; check that it was copied whole');
  await ctx.limiter.succeed({ clear: [], release: [key.key] });
  return invitation;
}

/** What the page of a link shows before the person accepts it. Only unknown tokens count against the limit. */
export async function previewLink(ctx: AppContext, ip: string | undefined, token: string): Promise<LinkInfo> {
  const view = await invitationView(ctx.metadata, await heldLink(ctx, ip, token));
  return {
    kind: view.kind,
    email: view.email,
    project: view.project && { name: view.project.name, role: view.project.role },
    invitedBy: view.createdBy?.name ?? null,
    expiresAt: view.expiresAt,
    status: view.status,
  };
}

/**
 * Accepts a link: creates the account (invitation, joining its project if it names one) or sets the new password
 * (reset, which ends the account's sessions and closes their sockets); audited. Then signs the person in: a new
 * session of their own, which the caller hands to the browser.
 */
export async function redeemLink(
  ctx: AppContext,
  ip: string | undefined,
  token: string,
  input: { name?: string; password: string },
): Promise<OpenedSession> {
  await heldLink(ctx, ip, token);
  const { user, invitation, joined, ended } = await acceptLink(ctx.metadata, token, input);
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
    details: { invitation: invitation.id, kind: invitation.kind, ip },
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
  return openSession(ctx, user);
}
