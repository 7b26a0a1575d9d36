import type { z } from 'zod';
import { badRequest } from '../errors.js';

/** Validates external input once, at the edge; inside, handlers trust the parsed type. */
export function parse<T>(schema: z.ZodType<T>, input: unknown, what = 'request body'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return fail(what, where, issue.message);
}

function fail(what: string, where: string, message: string): never {
  throw badRequest('invalid_input', `invalid ${what}${where}: ${message}`);
}
