import { errorText } from '../api/errors.js';
import { Link } from '../router.js';
import { href } from '../routes.js';

/**
 * What a page shows while its data loads or when loading failed: one presentation for every query. The error
 * says what went wrong in words, with a way to try again and, where a page cannot go on, a way back.
 */
export function QueryStatus({
  error,
  what = 'data',
  onRetry,
  backHome = false,
}: {
  error: unknown;
  what?: string;
  onRetry?: () => void;
  backHome?: boolean;
}) {
  if (error === null || error === undefined) {
    return (
      <p className="loading" role="status">
        Loading {what}…
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      {typeof error === 'string' ? error : errorText(error)}{' '}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}{' '}
      {backHome && <Link href={href.projects()}>Back to your projects</Link>}
    </p>
  );
}
