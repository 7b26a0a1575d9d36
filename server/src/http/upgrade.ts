import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseDocName } from '@accord/shared';
import { findSession, readCookie, SESSION_COOKIE } from '../accounts/sessions.js';
import type { AppContext, PeerContext } from '../context.js';
import { AccessReader, decideDocAccess } from '../projects/docAccess.js';
import { isAllowedOrigin } from './session.js';

export const WS_PREFIX = '/ws/';

type Refusal = { status: 400 | 401 | 403 | 404 | 500 | 503; reason: string };
type UpgradeDecision = { peer: PeerContext } | Refusal;

const REASONS: Record<Refusal['status'], string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
const refuse = (status: Refusal['status'], reason = REASONS[status]): Refusal => ({ status, reason });

/**
 * Authenticates and authorises a WebSocket upgrade before a single Yjs byte is sent: the path names the doc
 * (`/ws/p/<project>/...`), the session cookie names the user, the access rule decides. A missing doc and a
 * forbidden doc get the same 404, so that doc names cannot be probed. Request data that cannot be read (a bad
 * URL, a malformed %-escape in the path) is a 400; a bad cookie is no cookie (401).
 */
export async function decideUpgrade(ctx: AppContext, req: IncomingMessage): Promise<UpgradeDecision> {
  const path = readPath(req.url);
  if (path === null) return refuse(400);
  if (!path.startsWith(WS_PREFIX)) return refuse(404);
  const origin = req.headers.origin;
  if (origin !== undefined && !isAllowedOrigin(ctx, origin, req.headers.host)) return refuse(403);
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  const found = await findSession(ctx.metadata, token);
  if (found === null) return refuse(401);
  const name = decodePath(path.slice(WS_PREFIX.length));
  if (name === null) return refuse(400);
  const ref = parseDocName(name);
  if (ref === null) return refuse(404);
  const { user, session } = found;
  const decision = await decideDocAccess(ctx.metadata, user.id, ref);
  if (decision.access === 'none') return refuse(404);
  if (decision.blindLook) {
    await ctx.metadata.audit.record({
      actor: user.id,
      action: 'round.look',
      project: ref.project,
      details: { doc: name },
    });
  }
  return {
    peer: {
      docName: name,
      user: { id: user.id, name: user.name },
      access: decision.access,
      awareness: decision.awareness,
      sessionId: session.tokenHash,
    },
  };
}

/**
 * Total: whatever the request holds and whatever fails while deciding, the socket gets an HTTP answer (or the
 * peer) and a log line; nothing is thrown to the `upgrade` event, where it would stop the process.
 */
export function handleUpgrade(ctx: AppContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  // Node removes its own error handler from an upgraded socket: a client reset must not become an uncaught error.
  socket.on('error', (error) => ctx.logger.debug('ws.socket_error', { url: req.url, error }));
  void currentDecision(ctx, req)
    .catch((error: unknown): UpgradeDecision => {
      ctx.logger.error('ws.upgrade_failed', { url: req.url, error });
      return refuse(500);
    })
    .then((decision) => serveOrRefuse(ctx, req, socket, head, decision));
}

/**
 * The decision, made again if a recheck was asked while it was being made: the metadata it read may be older
 * than a change that recheck is for (a round created, a member removed), and a socket accepted after the recheck
 * looked at every socket would keep the access from before. Accepting happens synchronously after this resolves,
 * so a recheck asked later sees the socket.
 */
async function currentDecision(ctx: AppContext, req: IncomingMessage): Promise<UpgradeDecision> {
  for (;;) {
    const epoch = accessEpoch(ctx);
    const decision = await decideUpgrade(ctx, req);
    if (accessEpoch(ctx) === epoch) return decision;
  }
}

function serveOrRefuse(
  ctx: AppContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  decision: UpgradeDecision,
): void {
  if ('peer' in decision) {
    try {
      ctx.sync.handleUpgrade(req, socket, head, decision.peer);
    } catch (error) {
      ctx.logger.error('ws.upgrade_failed', { url: req.url, error });
      refuseSocket(socket, refuse(500));
    }
    return;
  }
  refuseSocket(socket, decision);
  const level = decision.status >= 500 ? 'error' : decision.status === 400 ? 'warn' : 'debug';
  ctx.logger[level]('ws.refused', { status: decision.status, url: req.url, ip: req.socket.remoteAddress });
}

export function refuseSocket(socket: Duplex, { status, reason }: Refusal): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The path of a request target (`/ws/...?query`), or null when it cannot be parsed as a URL. */
function readPath(target: string | undefined): string | null {
  if (!URL.canParse(target ?? '/', 'http://accord.invalid')) return null;
  return new URL(target ?? '/', 'http://accord.invalid').pathname;
}

function decodePath(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

/** How many rechecks were asked on this context: an upgrade decided across one is decided again. */
const epochs = new WeakMap<AppContext, number>();
const accessEpoch = (ctx: AppContext) => epochs.get(ctx) ?? 0;

/**
 * After any change of roles, rounds or archive state: close or downgrade connections that lost access. The
 * decisions of one recheck read the metadata once per project (AccessReader); a failure is logged, and the
 * connections are left as they were (a later recheck decides them again).
 */
export function recheckConnections(ctx: AppContext): Promise<void> {
  epochs.set(ctx, accessEpoch(ctx) + 1);
  let reader: AccessReader | null = null;
  return ctx.sync
    .recheck(async (peer) => {
      reader ??= new AccessReader(ctx.metadata);
      const ref = parseDocName(peer.docName);
      if (ref === null) return { access: 'none', awareness: 'full' };
      const { access, awareness } = await reader.decide(peer.user.id, ref);
      return { access, awareness };
    })
    .catch((error) => ctx.logger.error('ws.recheck_failed', { error }));
}
