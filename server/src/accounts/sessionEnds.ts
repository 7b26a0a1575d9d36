import type { AppContext } from '../context.js';
import { setPassword } from './users.js';

/**
 * Ending a session is two things that must go together: the session leaves the metadata (no new request or socket
 * gets in with it) and every WebSocket it opened closes at once (no write from it lands afterwards). Sign-out,
 * password change, expiry and account deactivation (accountChanges.ts) all end sessions through here.
 */

/**
 * Closes the sockets of ended sessions on this instance (close code 4401: y-websocket does not reconnect). The
 * sessions must be gone from the store first, so that no upgrade can open a new socket with them. This is the
 * function a multi-instance fan-out (issue 24) calls on every instance with the ids it is told about.
 */
export function closeSessionSockets(ctx: AppContext, sessionIds: Iterable<string>, reason: string): number {
  const ended = new Set(sessionIds);
  if (ended.size === 0) return 0;
  ctx.crossInstance?.sessionsEnded([...ended], reason);
  const closed = ctx.sync.closeSessions((sessionId) => ended.has(sessionId), reason);
  if (closed > 0) ctx.logger.info('session.sockets_closed', { sessions: ended.size, sockets: closed, reason });
  return closed;
}

/** Deletes one session and closes its sockets; answers the ids of the sessions ended. */
export async function endSession(ctx: AppContext, sessionId: string, reason: string): Promise<string[]> {
  const ended = await ctx.metadata.sessions.remove(sessionId);
  closeSessionSockets(ctx, ended, reason);
  return ended;
}

/** Every session of one account (password change, and account removal or deactivation). */
export async function endUserSessions(ctx: AppContext, userId: string, reason: string): Promise<string[]> {
  const ended = await ctx.metadata.sessions.removeForUser(userId);
  closeSessionSockets(ctx, ended, reason);
  return ended;
}

/** A password change on a running server: the new hash and the end of every session in one write, then sockets. */
export async function changePassword(ctx: AppContext, userId: string, password: string): Promise<void> {
  closeSessionSockets(ctx, await setPassword(ctx.metadata, userId, password), 'password changed');
}

/**
 * Expiry: deletes expired sessions (writing the metadata only when there are some) and closes every socket whose
 * session is no longer live (expired, deleted, or of an account that is gone), whichever way it ended.
 */
export async function sweepSessions(ctx: AppContext, now = Date.now()): Promise<void> {
  await ctx.metadata.sessions.removeExpired(now);
  const live = await ctx.metadata.sessions.liveIds(now);
  const closed = ctx.sync.closeSessions((sessionId) => !live.has(sessionId), 'session expired');
  if (closed > 0) ctx.logger.info('session.sockets_closed', { sockets: closed, reason: 'session expired' });
}

/** Sweeps every `intervalMs` in the background (the timer does not keep the process alive); answers a stop. */
export function startSessionSweep(ctx: AppContext, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepSessions(ctx)
      .catch((error) => ctx.logger.error('session.sweep_failed', { error }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
