import { AccordError } from '../errors.js';

/**
 * HTTP range requests (RFC 9110 §14) for recordings: players ask for `bytes=START-` and seek with more ranges. One
 * range is served as 206; a range past the end is 416; what this server does not serve as a range (several ranges,
 * other units, a malformed header, an `If-Range` that no longer matches) gets the whole file, as the RFC allows.
 */
export type RangeDecision =
  | { kind: 'whole' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

/** `end` is inclusive, as in `Content-Range`. */
export function decideRange(
  header: string | undefined,
  size: number,
  ifRange?: { header: string | undefined; etag: string },
): RangeDecision {
  if (header === undefined || header.trim() === '') return { kind: 'whole' };
  if (ifRange?.header !== undefined && ifRange.header.trim() !== ifRange.etag) return { kind: 'whole' };
  const match = SINGLE.exec(header.trim());
  if (match === null) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return { kind: 'whole' };
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'whole' };
  if (last !== '' && end < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/** The 416 of an unsatisfiable range; its `Content-Range` (`bytes *` then the size) tells the client the real size. */
export function unsatisfiableRange(size: number): AccordError {
  return new AccordError(416, 'range_not_satisfiable', `the recording has ${size} bytes; that range is outside it`, {
    'Content-Range': `bytes */${size}`,
  });
}
