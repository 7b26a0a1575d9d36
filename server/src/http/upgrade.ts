import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseDocName } from '@accord/shared';
import { findSession, readCookie, SESSION_COOKIE } from '../accounts/sessions.js';
import type { AppContext, PeerContext } from '../context.js';
import { decideDocAccess } from '../projects/docAccess.js';
import { isAllowedOrigin } from './session.js';

export const WS_PREFIX = '/ws/';

type UpgradeDecision = { peer: PeerContext } | { status: 401 | 403 | 404; reason: string };

/**
 * Authenticates and authorises a WebSocket upgrade before a single Yjs byte is sent: the path names the doc
 * (`/ws/p/<project>/...`), the session cookie names the user, the access rule decides. A missing doc and a
 * forbidden doc get the same 404, so that doc names cannot be probed.
 */
export function decideUpgrade(ctx: AppContext, req: IncomingMessage): UpgradeDecision {
  const url = new URL(req.url ?? '/', 'http://accord.invalid');
  if (!url.pathname.startsWith(WS_PREFIX)) return { status: 404, reason: 'Not Found' };
  const origin = req.headers.origin;
  if (origin !== undefined && !isAllowedOrigin(ctx, origin, req.headers.host))
    return { status: 403, reason: 'Forbidden' };
  const found = findSession(ctx.store, readCookie(req.headers.cookie, SESSION_COOKIE));
  if (found === null) return { status: 401, reason: 'Unauthorized' };
  const name = decodeURIComponent(url.pathname.slice(WS_PREFIX.length));
  const ref = parseDocName(name);
  if (ref === null) return { status: 404, reason: 'Not Found' };
  const { user } = found;
  const decision = decideDocAccess(ctx.store, user.id, ref);
  if (decision.access === 'none') return { status: 404, reason: 'Not Found' };
  if (decision.blindLook) {
    ctx.audit.record({ actor: user.id, action: 'round.look', project: ref.project, details: { doc: name } });
  }
  return {
    peer: {
      docName: name,
      user: { id: user.id, name: user.name },
      access: decision.access,
      awareness: decision.awareness,
    },
  };
}

export function handleUpgrade(ctx: AppContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const decision = decideUpgrade(ctx, req);
  if ('peer' in decision) {
    ctx.sync.handleUpgrade(req, socket, head, decision.peer);
  } else {
    socket.end(`HTTP/1.1 ${decision.status} ${decision.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    ctx.logger.debug('ws.refused', { status: decision.status, url: req.url });
  }
}

/** After any change of roles, rounds or archive state: close or downgrade connections that lost access. */
export function recheckConnections(ctx: AppContext): void {
  ctx.sync.recheck((peer) => {
    const ref = parseDocName(peer.docName);
    if (ref === null) return { access: 'none', awareness: 'full' };
    const { access, awareness } = decideDocAccess(ctx.store, peer.user.id, ref);
    return { access, awareness };
  });
}
