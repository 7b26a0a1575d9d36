import { useContext, useSyncExternalStore } from 'react';
import { PoolContext } from '../sync/context.js';
import { lostAccessMessage } from './lostAccess.js';

/**
 * A non-blocking notice when the server closed documents for good (access revoked, document deleted): the page
 * stays usable, the closed documents are no longer reconnected, and the user may reload or dismiss.
 */
export function AccessNotice() {
  const pool = useContext(PoolContext);
  const lost = useSyncExternalStore(pool.subscribeLost, pool.getLost);
  const message = lostAccessMessage(lost);
  if (message === null) return null;
  return (
    <div className="access-notice" role="status" aria-live="polite" data-testid="access-notice">
      <p>{message}</p>
      <div className="row">
        <button type="button" onClick={() => location.reload()}>
          Reload
        </button>
        <button type="button" onClick={() => pool.dismissLost()}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
