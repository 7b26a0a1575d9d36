import { parseDocName } from '@accord/shared';
import { type Translate, translate } from '../i18n/core.js';

/**
 * The server closes a document's socket with a 44xx code when reconnecting cannot help (`server/src/sync/peer.ts`
 * `CLOSE`): 4403 when access was revoked (a role change, a removal, a blind round starting), 4404 when the document
 * was deleted. y-websocket then stops reconnecting; the pool records it and the app says so.
 */
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_DELETED = 4404;
/** The session that opened the socket ended (sign-out elsewhere, password change, expiry): sign in again. */
export const CLOSE_SESSION_ENDED = 4401;
/** The server refused a change whose content the document's schema does not allow. */
export const CLOSE_INVALID_CONTENT = 4422;

export interface LostDoc {
  name: string;
  code: number;
  reason: string;
}

/** A 44xx close is permanent for y-websocket (it stops reconnecting); anything else is retried. */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}

/** What the document is, in words. */
export function describeDoc(name: string, t: Translate = translate): string {
  const ref = parseDocName(name);
  switch (ref?.kind) {
    case 'codebook':
      return t('doc.codebook');
    case 'roundCodebook':
      return t('doc.roundCodebook');
    case 'text':
      return t('doc.text');
    case 'codings':
      return t('doc.codings');
    case 'consensus':
      return t('doc.consensus');
    case 'memo':
      return t('doc.memo');
    default:
      return t('doc.other');
  }
}

/** A project's document list (`GET /api/projects/:id/docs`): the names in it, or the status the request failed with. */
export type DocListing = { names: ReadonlySet<string> } | { status: number };

/** Kinds of document that `GET /api/projects/:id/docs` lists whenever the user may open them. */
const LISTED_KINDS = new Set(['codebook', 'roundCodebook', 'text', 'codings', 'consensus']);

/**
 * Whether a document that cannot reconnect was closed to this user for good. The server refuses an upgrade the
 * user has no access to with an HTTP status, which a browser's WebSocket does not reveal (y-websocket sees a 1006
 * close and retries forever), so the app asks the project's document list: a project the user is no longer a
 * member of (403/404), or a listed kind of document missing from the list, means access was lost. Anything else
 * (the server unreachable, a memo, which the list does not name) proves nothing.
 */
export function accessLost(name: string, listing: DocListing): boolean {
  if ('status' in listing) return listing.status === 403 || listing.status === 404;
  const kind = parseDocName(name)?.kind;
  return kind !== undefined && LISTED_KINDS.has(kind) && !listing.names.has(name);
}

/** One sentence per notice; several closed documents of one kind of change make one notice. */
export function lostAccessMessage(lost: readonly LostDoc[], t: Translate = translate): string | null {
  if (lost.length === 0) return null;
  const what = [...new Set(lost.map((doc) => describeDoc(doc.name, t)))];
  const list = what.length <= 3 ? joinWords(what, t) : t('lost.documents', { count: what.length });
  const deleted = lost.every((doc) => doc.code === CLOSE_DELETED);
  const forbidden = lost.every((doc) => doc.code === CLOSE_FORBIDDEN);
  const refused = lost.every((doc) => doc.code === CLOSE_INVALID_CONTENT);
  const count = lost.length;
  if (deleted) return capitalise(t('lost.deleted', { what: list, count }));
  if (refused) {
    return t('lost.refused', { what: list, reason: lost[0]!.reason || t('lost.invalidContent'), count });
  }
  if (forbidden) return t('lost.forbidden', { what: list, count });
  const reason = lost[0]!.reason || t('lost.code', { code: String(lost[0]!.code) });
  return t('lost.other', { what: list, reason, count });
}

function joinWords(words: readonly string[], t: Translate): string {
  if (words.length <= 1) return words[0] ?? '';
  return t('lost.and', { rest: words.slice(0, -1).join(', '), last: words[words.length - 1]! });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
