import { describe, expect, it } from 'vitest';
import { AccordError } from '../../src/errors.js';
import { decideRange, unsatisfiableRange } from '../../src/media/range.js';

describe('unsatisfiableRange', () => {
  it.each<[string, string, number]>([
    ['a start at the end', 'bytes=100-', 100],
    ['a start past the end', 'bytes=5000-6000', 100],
    ['an empty suffix', 'bytes=-0', 100],
    ['any range of an empty file', 'bytes=-5', 0],
  ])('answers %s with 416 and the real size in Content-Range', (_what, header, size) => {
    expect(decideRange(header, size)).toEqual({ kind: 'unsatisfiable' });
    const refusal = unsatisfiableRange(size);
    expect(refusal).toBeInstanceOf(AccordError);
    expect({ status: refusal.status, code: refusal.code, message: refusal.message, headers: refusal.headers }).toEqual({
      status: 416,
      code: 'range_not_satisfiable',
      message: `the recording has ${size} bytes; that range is outside it`,
      headers: { 'Content-Range': `bytes */${size}` },
    });
  });
});
