/**
 * Errors of the REST API, as the client shows them. A leaf module: pages and hooks import it without importing the
 * app shell (which imports them), so no import cycle runs through the shell.
 */
import { currentIntl, SOURCE_LOCALE, translates } from '../i18n/core.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The answer's `Retry-After`, in seconds (a refusal for too many attempts says how long to wait). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * What to tell the user about a failed request or any other thrown value. The server's message is English and
 * names the particulars (a file, a field); in another language the error's `code` picks the catalogue's
 * translation (`error.<code>`, which may quote the server's message as `{detail}`), and a code the catalogue does
 * not know shows the server's message.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    // A refusal that says how long to wait: `error.<code>.wait` puts the seconds in the user's words.
    const intl = currentIntl();
    const wait = `error.${error.code}.wait`;
    if (error.retryAfterSeconds !== undefined && intl.locale !== SOURCE_LOCALE && translates(wait, intl)) {
      return intl.formatMessage({ id: wait }, { seconds: error.retryAfterSeconds }) as string;
    }
    return codedText(error.code, error.message);
  }
  return error instanceof Error ? error.message : String(error);
}

/** A server message with a machine `code` (an error, a warning) in the interface's language, as `errorText` says. */
export function codedText(code: string, message: string): string {
  const intl = currentIntl();
  const id = `error.${code}`;
  if (intl.locale !== SOURCE_LOCALE && translates(id, intl)) {
    return intl.formatMessage({ id }, { detail: message }) as string;
  }
  return message;
}
