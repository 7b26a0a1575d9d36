import { sweepSessions } from '../accounts/sessionEnds.js';
import type { AppContext } from '../context.js';
import { recheckConnections } from '../http/upgrade.js';
import type { ControlChannel } from './control.js';

/**
 * What this instance does when another one tells it of an access change: the same as for its own changes, but on
 * its own sockets only, and without telling the others again (they were told by the instance that made it).
 */
export function answerControl(ctx: AppContext, control: ControlChannel): void {
  control.handle({
    recheck: () => recheckConnections(ctx),
    sessionsEnded: (sessionIds, reason) => {
      const ended = new Set(sessionIds);
      const closed = ctx.sync.closeSessions((sessionId) => ended.has(sessionId), reason);
      if (closed > 0) ctx.logger.info('session.sockets_closed', { sessions: ended.size, sockets: closed, reason });
    },
    // After a Redis loss, anything said meanwhile may be lost: re-decide every socket against the metadata.
    resync: () => {
      recheckConnections(ctx);
      sweepSessions(ctx).catch((error) => ctx.logger.error('session.sweep_failed', { error }));
    },
  });
}

/** The context's fan-out of ended sessions to the other instances (accounts/sessionEnds.ts calls it). */
export function crossInstanceNotices(control: ControlChannel): NonNullable<AppContext['crossInstance']> {
  return { sessionsEnded: (sessionIds, reason) => void control.sessionsEnded(sessionIds, reason) };
}
