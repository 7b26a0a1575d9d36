import { AccordError, conflict, notFound } from '../errors.js';
import type { Invitation } from './schema.js';

/**
 * The refusals a metadata repository answers with when an operation's precondition does not hold. Every
 * implementation (embedded, in-memory, PostgreSQL) throws these same errors, so that a route answers the same
 * status and code whichever one the server runs on; the contract suite (server/test/metadata/contract) checks it.
 */
export const failures = {
  noUser: () => notFound('no such user'),
  noProject: () => notFound('no such project'),
  noTranscript: () => notFound('no such transcript'),
  noRound: () => notFound('no such round'),
  noInvitation: () => notFound('no such invitation'),
  invalidLink: () => notFound('this link is not valid'),
  linkAccountGone: () => notFound('the account of this link no longer exists'),
  emailTaken: (email: string) => conflict('email_taken', `an account with email ${email} exists already`),
  setupDone: () => conflict('setup_done', 'Accord is set up already; sign in'),
  alreadyDeactivated: () => conflict('already_deactivated', 'this account is deactivated already'),
  notDeactivated: () => conflict('not_deactivated', 'this account is active'),
  lastAdmin: () => conflict('last_admin', 'the last active administrator cannot be deactivated'),
  lastOwner: () => conflict('last_owner', 'a project needs at least one owner; make someone else owner first'),
  deactivated: () => new AccordError(403, 'account_deactivated', 'this account is deactivated; ask an administrator'),
  passwordChanged: () =>
    new AccordError(401, 'bad_credentials', 'the password changed while signing in; sign in again'),
  inRound: (transcripts: readonly string[]) =>
    conflict('in_round', `transcripts already in a running round: ${transcripts.join(', ')}`),
  revealed: () => conflict('revealed', 'the round has already been revealed'),
  invitationNotPending: (status: Exclude<InvitationStatusName, 'pending'>) =>
    conflict(`invitation_${status}`, `this link is ${status} already`),
  linkUnusable: (status: Exclude<InvitationStatusName, 'pending'>) =>
    new AccordError(
      410,
      `invitation_${status}`,
      {
        used: 'this link was used already; sign in, or ask for a new one',
        expired: 'this link has expired; ask for a new one',
        revoked: 'this link was withdrawn; ask for a new one',
      }[status],
    ),
};

export type InvitationStatusName = 'pending' | 'used' | 'revoked' | 'expired';

/** What a link is now: used and revoked are final; an unused link past its expiry is expired. */
export function invitationStatus(invitation: Invitation, now = Date.now()): InvitationStatusName {
  if (invitation.usedAt !== null) return 'used';
  if (invitation.revokedAt !== null) return 'revoked';
  return invitation.expiresAt <= now ? 'expired' : 'pending';
}

/** Refuses a link that cannot be used any more, saying why (its holder knows the token already). */
export function checkUsable(invitation: Invitation, now = Date.now()): void {
  const status = invitationStatus(invitation, now);
  if (status !== 'pending') throw failures.linkUnusable(status);
}
