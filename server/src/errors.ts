/**
 * An error a caller caused and should be told about: REST answers `{error: {code, message}}` with `status` (and
 * `headers`, such as the `Retry-After` of a refused attempt), the CLI prints the message. Anything else that is
 * thrown is a bug and answers 500 without details.
 */
export class AccordError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'not found') => new AccordError(404, 'not_found', what);
export const badRequest = (code: string, message: string) => new AccordError(400, code, message);
export const conflict = (code: string, message: string) => new AccordError(409, code, message);
export const forbidden = (message = 'not allowed') => new AccordError(403, 'forbidden', message);
