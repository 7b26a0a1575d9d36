import { useContext, useEffect } from 'react';
import { PoolContext } from '../sync/context.js';
import { useConnectionStatus } from '../sync/hooks.js';

const LABEL = { online: 'Online', syncing: 'Syncing…', offline: 'Offline: changes are kept and sent on reconnect' };

/** The connection state of all open documents; a tab with unsynced changes warns before it is closed. */
export function ConnectionBadge() {
  const status = useConnectionStatus();
  const pool = useContext(PoolContext);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (pool.hasPending) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [pool]);
  return (
    <output className={`connection connection-${status}`} data-status={status} aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {LABEL[status]}
    </output>
  );
}
