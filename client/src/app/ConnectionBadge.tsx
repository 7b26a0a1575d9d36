import { useContext, useEffect } from 'react';
import { msg, type Translate, translate, useT } from '../i18n/index.js';
import { PoolContext } from '../sync/context.js';
import { useConnectionStatus, usePendingCount } from '../sync/hooks.js';

const LABEL = {
  online: msg('connection.online'),
  syncing: msg('connection.syncing'),
  offline: msg('connection.offline'),
};

/** What the badge says: the connection state of all open documents and how many changes wait to be sent. */
export function badgeText(status: keyof typeof LABEL, pending: number, t: Translate = translate): string {
  if (pending === 0) return t(LABEL[status]);
  if (status === 'offline') return t('connection.offlineWaiting', { count: pending });
  return t('connection.waiting', { status: t(LABEL[status]), count: pending });
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
  const t = useT();
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
      {badgeText(status, pending, t)}
    </output>
  );
}
