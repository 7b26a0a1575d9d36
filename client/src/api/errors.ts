/**
 * Errors of the REST API, as the client shows them. A leaf module: pages and hooks import it without importing the
 * app shell (which imports them), so no import cycle runs through the shell.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What to tell the user about a failed request or any other thrown value. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
