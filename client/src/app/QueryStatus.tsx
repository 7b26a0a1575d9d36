import { errorText } from '../api/errors.js';
import { type MessageId, useT } from '../i18n/index.js';
import { Link } from '../router.js';
import { href } from '../routes.js';

/**
 * What a page shows while its data loads or when loading failed: one presentation for every query. The error
 * says what went wrong in words, with a way to try again and, where a page cannot go on, a way back.
 */
export function QueryStatus({
  error,
  what = 'loading.data',
  onRetry,
  backHome = false,
}: {
  error: unknown;
  /** The loading line, e.g. `loading.project`: “Loading the project…”. */
  what?: MessageId;
  onRetry?: () => void;
  backHome?: boolean;
}) {
  const t = useT();
  if (error === null || error === undefined) {
    return (
      <p className="loading" role="status">
        {t(what)}
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      {typeof error === 'string' ? error : errorText(error)}{' '}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('query.tryAgain')}
        </button>
      )}{' '}
      {backHome && <Link href={href.projects()}>{t('app.backToProjects')}</Link>}
    </p>
  );
}
