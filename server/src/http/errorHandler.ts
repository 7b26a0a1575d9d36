import type { NextFunction, Request, Response } from 'express';
import { AccordError } from '../errors.js';
import type { Logger } from '../log.js';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
  /** On `entity.too.large`: the limit in bytes, and the declared length when there was one. */
  limit?: number;
  length?: number;
}

/** Every error leaves as `{error: {code, message}}`; only our own errors and body-parser rejections say why. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, code, message } = describe(error, req);
    if (status >= 500) logger.error('http.error', { method: req.method, path: req.path, error });
    if (error instanceof AccordError) res.set(error.headers);
    res.status(status).json({ error: { code, message } });
  };
}

function describe(error: unknown, req: Request): { status: number; code: string; message: string } {
  if (error instanceof AccordError) return { status: error.status, code: error.code, message: error.message };
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.parse.failed')
    return { status: 400, code: 'bad_json', message: 'the body is not valid JSON' };
  if (parserError?.type === 'entity.too.large')
    return { status: 413, code: 'too_large', message: tooLarge(parserError, req) };
  // Express decodes route parameters itself and throws a URIError (status 400) on a malformed %-escape.
  if (error instanceof URIError && parserError.status === 400)
    return { status: 400, code: 'bad_path', message: `the path holds a malformed %-escape (${error.message})` };
  if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
    return { status: parserError.status, code: 'bad_request', message: parserError.message ?? 'bad request' };
  }
  return { status: 500, code: 'internal', message: 'internal error (logged on the server)' };
}

/** Names the limit, and for an upload (`?name=`) the file, so the user knows what to change. */
function tooLarge({ limit, length }: BodyParserError, req: Request): string {
  const name = typeof req.query?.name === 'string' && req.query.name.trim() !== '' ? req.query.name.trim() : null;
  const what = name === null ? 'the request body' : `the file ${JSON.stringify(name.slice(0, 255))}`;
  const size = length === undefined ? '' : ` (${megabytes(length)})`;
  const over = limit === undefined ? 'over the size limit' : `over the limit of ${megabytes(limit)}`;
  return `${what} is too large${size}: ${over}`;
}

function megabytes(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return `${Number.isInteger(mib) || mib >= 10 ? Math.round(mib) : mib.toFixed(1)} MiB`;
}
