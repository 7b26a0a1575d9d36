import { describe, expect, it } from 'vitest';
import { AppendBuffer } from '../../src/persistence/appendBuffer.js';

function append(buffer: AppendBuffer, text: string): void {
  const at = buffer.claim(text.length);
  buffer.buffer.write(text, at, 'latin1');
}

describe('AppendBuffer', () => {
  it.each([
    { initial: 4, parts: ['ab'], expected: 'ab' },
    { initial: 4, parts: ['ab', 'cd'], expected: 'abcd' },
    { initial: 4, parts: ['ab', 'cde', 'f'], expected: 'abcdef' },
    {
      initial: 2,
      parts: ['a much longer part than the first buffer', 'x'],
      expected: 'a much longer part than the first bufferx',
    },
  ])('keeps $parts back to back across growth (initial $initial bytes)', ({ initial, parts, expected }) => {
    const buffer = new AppendBuffer(initial);
    for (const part of parts) append(buffer, part);
    expect(buffer.length).toBe(expected.length);
    expect(buffer.take().toString('latin1')).toBe(expected);
  });

  it('starts over after take, without touching what was taken', () => {
    const buffer = new AppendBuffer(16);
    append(buffer, 'first');
    const taken = buffer.take();
    expect(buffer.length).toBe(0);
    append(buffer, 'second');
    expect(taken.toString('latin1')).toBe('first');
    expect(buffer.take().toString('latin1')).toBe('second');
    expect(buffer.take().length).toBe(0);
  });

  it('reuses a recycled buffer once what it held was written', () => {
    const buffer = new AppendBuffer(16);
    append(buffer, 'written');
    const taken = buffer.take();
    buffer.recycle(taken);
    append(buffer, 'next');
    expect(buffer.buffer.buffer).toBe(taken.buffer);
    expect(buffer.take().toString('latin1')).toBe('next');
  });
});
