import { describe, expect, it } from 'vitest';
import { accessLost, describeDoc, isPermanentClose, lostAccessMessage } from '../../src/importExport/lostAccess.js';

describe('lost access', () => {
  it.each([
    [4403, true],
    [4404, true],
    [4413, true],
    [4401, true],
    [4422, true],
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

  it('says the server refused a change it cannot store, rather than blaming access', () => {
    expect(lostAccessMessage([{ name: 'p/proj/t/tr/c/u2', code: 4422, reason: 'invalidContent' }])).toBe(
      'The server refused a change to a coding layer that it cannot store (invalidContent), so it is closed here. Reload to go on from what the server has.',
    );
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

describe("a document that cannot reconnect, read against its project's document list", () => {
  const listed = { names: new Set(['p/proj/codebook', 'p/proj/t/tr/text']) };
  it.each([
    ['a removed member (403)', 'p/proj/t/tr/text', { status: 403 }, true],
    ['a project gone or hidden (404)', 'p/proj/t/tr/text', { status: 404 }, true],
    ['a server that cannot be reached', 'p/proj/t/tr/text', { status: 0 }, false],
    ['an expired session (401)', 'p/proj/t/tr/text', { status: 401 }, false],
    ['a server error', 'p/proj/t/tr/text', { status: 500 }, false],
    ['a listed document', 'p/proj/t/tr/text', listed, false],
    ['a coding layer no longer listed', 'p/proj/t/tr/c/user1', listed, true],
    ['a round codebook no longer listed', 'p/proj/r/round1/codebook', listed, true],
    ['a memo, which the list never names', 'p/proj/memos/project', listed, false],
    ['a name that is not a document', 'nonsense', listed, false],
  ] as const)('%s', (_case, name, listing, lost) => {
    expect(accessLost(name, listing)).toBe(lost);
  });
});
