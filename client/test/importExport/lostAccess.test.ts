import { describe, expect, it } from 'vitest';
import { describeDoc, isPermanentClose, lostAccessMessage } from '../../src/importExport/lostAccess.js';

describe('lost access', () => {
  it.each([
    [4403, true],
    [4404, true],
    [4413, true],
    [1008, false],
    [1013, false],
    [4500, false],
    [1006, false],
  ])('close %i is permanent: %s', (code, permanent) => {
    expect(isPermanentClose(code)).toBe(permanent);
  });

  it.each([
    ['p/proj/codebook', 'the codebook'],
    ['p/proj/t/tr/text', 'a transcript'],
    ['p/proj/t/tr/c/user1', 'a coding layer'],
    ['p/proj/t/tr/consensus', 'a consensus layer'],
    ['p/proj/memos/project', 'a memo'],
    ['p/proj/r/round1/codebook', 'a round’s codebook'],
    ['nonsense', 'a document'],
  ])('%s is %s', (name, words) => {
    expect(describeDoc(name)).toBe(words);
  });

  it('says nothing without closed documents', () => {
    expect(lostAccessMessage([])).toBeNull();
  });

  it('explains revoked access and offers a reload', () => {
    const message = lostAccessMessage([
      { name: 'p/proj/t/tr/c/u2', code: 4403, reason: 'access revoked' },
      { name: 'p/proj/t/tr/c/u3', code: 4403, reason: 'access revoked' },
      { name: 'p/proj/t/tr/text', code: 4403, reason: 'access revoked' },
    ]);
    expect(message).toMatch(/^Your access to a coding layer and a transcript changed .* so they are closed here\./);
    expect(message).toMatch(/Reload/);
  });

  it('says a deleted document was deleted', () => {
    expect(lostAccessMessage([{ name: 'p/proj/t/tr/text', code: 4404, reason: 'document deleted' }])).toBe(
      'A transcript was deleted, so it is closed here.',
    );
  });

  it('names the server’s reason for any other permanent close', () => {
    const message = lostAccessMessage([
      { name: 'p/proj/codebook', code: 4413, reason: 'too large' },
      { name: 'p/proj/t/tr/text', code: 4403, reason: 'access revoked' },
    ]);
    expect(message).toMatch(
      /^Your access to the codebook and a transcript changed: the server closed them \(too large\)/,
    );
  });
});
