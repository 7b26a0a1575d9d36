import { useContext, useEffect } from 'react';
import { PoolContext } from '../sync/context.js';
import { useConnectionStatus, usePendingCount } from '../sync/hooks.js';

const LABEL = { online: 'Online', syncing: 'Syncing…', offline: 'Offline: changes are kept and sent on reconnect' };

/** What the badge says: the connection state of all open documents and how many changes wait to be sent. */
export function badgeText(status: keyof typeof LABEL, pending: number): string {
  if (pending === 0) return LABEL[status];
  const waiting = `${pending} ${pending === 1 ? 'change' : 'changes'} waiting`;
  return status === 'offline' ? `Offline: ${waiting}, kept in this browser` : `${LABEL[status]} · ${waiting}`;
}

/**
 * The connection state of all open documents and the changes not yet sent. Those are kept in this browser
 * (IndexedDB) as they are made, so closing the tab loses nothing: they are sent the next time it is open. Only
 * where the browser cannot keep them does closing the tab ask first.
 */
export function ConnectionBadge() {
  const status = useConnectionStatus();
  const pending = usePendingCount();
  const pool = useContext(PoolContext);
  useEffect(() => {
    // Where the browser keeps nothing (no IndexedDB, e.g. some private modes), closing the tab would lose them.
    const warn = (event: BeforeUnloadEvent) => {
      if (pool.hasUnkeptPending) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [pool]);
  return (
    <output
      className={`connection connection-${status}`}
      data-status={status}
      data-pending={pending}
      aria-live="polite"
    >
      <span className="dot" aria-hidden="true" />
      {badgeText(status, pending)}
    </output>
  );
}
