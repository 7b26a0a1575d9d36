import type { NextFunction, Request, Response } from 'express';
import { AccordError } from '../errors.js';
import type { Logger } from '../log.js';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** Every error leaves as `{error: {code, message}}`; only our own errors and body-parser rejections say why. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, code, message } = describe(error);
    if (status >= 500) logger.error('http.error', { method: req.method, path: req.path, error });
    res.status(status).json({ error: { code, message } });
  };
}

function describe(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof AccordError) return { status: error.status, code: error.code, message: error.message };
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.parse.failed')
    return { status: 400, code: 'bad_json', message: 'the body is not valid JSON' };
  if (parserError?.type === 'entity.too.large')
    return { status: 413, code: 'too_large', message: 'the body is too large' };
  if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
    return { status: parserError.status, code: 'bad_request', message: parserError.message ?? 'bad request' };
  }
  return { status: 500, code: 'internal', message: 'internal error (logged on the server)' };
}
