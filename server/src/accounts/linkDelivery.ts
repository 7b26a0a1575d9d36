import type { MadeLink } from '@accord/shared';
import type { AppContext } from '../context.js';
import type { Metadata } from '../metadata/repositories.js';
import type { Invitation, User } from '../metadata/schema.js';
import { BY_COMMAND, type ChangedBy } from './accountChanges.js';
import { createInvitation, createResetLink, invitationView, linkPath, type NewInvitation } from './invitations.js';
import { linkMessage, mailerFor } from './mailer.js';

/**
 * Making a one-time link and handing it over: the link goes back to its maker (shown once: only its hash is kept)
 * and by mail when a relay is configured, and its making is audited. `origin` is where links point: the configured
 * public address, else the address the maker's request came to. `accord user invite` makes its invitations here too
 * (`issueCommandInvitation`), audited by the same function with no actor and `via: 'cli'`.
 */

/** The people who make links: administrators, and owners inviting into their project. */
export type LinkMaker = Pick<User, 'id' | 'name'>;

/** An invitation to create an account (and, with a project, to join it); 409 `email_taken` if the email has one. */
export async function issueInvitation(
  ctx: AppContext,
  maker: LinkMaker,
  input: Omit<NewInvitation, 'createdBy'>,
  origin: string,
): Promise<MadeLink> {
  const made = await createInvitation(ctx.metadata, { ...input, createdBy: maker.id });
  return handOver(ctx, maker, made, origin);
}

/**
 * An invitation made by the `accord user invite` command (`BY_COMMAND`) to create an account, administrator or not:
 * for no project, by no one (the command runs as whoever may open the data), never mailed (the command has no mail
 * relay: it prints the link, and the operator hands it over). 409 `email_taken` if the email has an account.
 */
export async function issueCommandInvitation(
  metadata: Metadata,
  input: { email: string; admin: boolean },
  origin: string,
): Promise<MadeLink> {
  const made = await createInvitation(metadata, { ...input, project: null, createdBy: null });
  await audited(metadata, BY_COMMAND, made.invitation, null);
  return {
    invitation: await invitationView(metadata, made.invitation),
    link: `${origin}${linkPath(made.token)}`,
    sent: null,
  };
}

/** A reset link for an account, so that its person chooses a new password: an administrator never chooses one. */
export async function issueResetLink(
  ctx: AppContext,
  maker: LinkMaker,
  userId: string,
  origin: string,
): Promise<MadeLink> {
  const made = await createResetLink(ctx.metadata, userId, maker.id);
  return handOver(ctx, maker, made, origin);
}

async function handOver(
  ctx: AppContext,
  maker: LinkMaker,
  made: { token: string; invitation: Invitation },
  origin: string,
): Promise<MadeLink> {
  const answer = await deliver(ctx, made, maker.name, origin);
  await audited(ctx.metadata, { actor: maker.id }, made.invitation, answer.sent);
  return answer;
}

/** The link for its maker, and the mail when a relay is configured (a failed mail is reported, not fatal). */
async function deliver(
  ctx: AppContext,
  made: { token: string; invitation: Invitation },
  inviter: string,
  origin: string,
): Promise<MadeLink> {
  const link = `${origin}${linkPath(made.token)}`;
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
}

/**
 * `invitation.create` or `password.reset`; never the token. A link made on the web names its maker, the project role
 * it grants and whether it was mailed; one made by `accord user invite` is for no project and never mailed, so its
 * entry has no actor and says `via: 'cli'` in their place.
 */
function audited(metadata: Metadata, by: ChangedBy, invitation: Invitation, sent: boolean | null): Promise<void> {
  return metadata.audit.record({
    actor: by.actor,
    action: invitation.kind === 'reset' ? 'password.reset' : 'invitation.create',
    ...(invitation.project ? { project: invitation.project.id } : {}),
    details: {
      invitation: invitation.id,
      email: invitation.email,
      ...(invitation.userId ? { user: invitation.userId } : {}),
      admin: invitation.admin,
      ...(by.via === undefined ? { role: invitation.project?.role ?? null } : {}),
      expiresAt: invitation.expiresAt,
      ...(by.via === undefined ? { mailed: sent } : { via: by.via }),
    },
  });
}
