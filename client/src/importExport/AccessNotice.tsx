import { useContext, useSyncExternalStore } from 'react';
import { useT } from '../i18n/index.js';
import { PoolContext } from '../sync/context.js';
import { lostAccessMessage } from './lostAccess.js';

/**
 * A non-blocking notice when the server closed documents for good (access revoked, document deleted): the page
 * stays usable, the closed documents are no longer reconnected, and the user may reload or dismiss.
 */
export function AccessNotice() {
  const pool = useContext(PoolContext);
  const lost = useSyncExternalStore(pool.subscribeLost, pool.getLost);
  const t = useT();
  const message = lostAccessMessage(lost, t);
  if (message === null) return null;
  return (
    <div className="access-notice" role="status" aria-live="polite" data-testid="access-notice">
      <p>{message}</p>
      <div className="row">
        <button type="button" onClick={() => location.reload()}>
          {t('access.reload')}
        </button>
        <button type="button" onClick={() => pool.dismissLost()}>
          {t('access.dismiss')}
        </button>
      </div>
    </div>
  );
}
