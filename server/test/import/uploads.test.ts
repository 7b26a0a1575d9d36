import { describe, expect, it } from 'vitest';
import { readImport } from '../../src/import/index.js';
import { DEFAULT_LIMITS } from '../../src/import/limits.js';
import {
  HeldUploads,
  MAX_HELD_BYTES,
  pastedTranscript,
  UPLOAD_TTL_MS,
  uploadPreview,
} from '../../src/import/uploads.js';
import { emptyBundle } from '../../src/interchange/bundle.js';
import type { User } from '../../src/metadata/schema.js';

const file = (name: string, bytes: number) => ({ name, bytes: new Uint8Array(bytes) });
const account = (id: string, name: string): User => ({
  id,
  email: `${id}@lab.example`,
  name,
  passwordHash: 'x',
  admin: false,
  createdAt: 0,
});

/** A store on a clock the test moves. */
function store(options: { ttlMs?: number; maxBytes?: number } = {}) {
  let now = 1_000;
  const uploads = new HeldUploads({ ...options, now: () => now });
  return { uploads, advance: (ms: number) => (now += ms) };
}

const refusal = (status: number, code: string, message: string) => expect.objectContaining({ status, code, message });

describe('HeldUploads', () => {
  it('holds for an hour and 1 GiB by default', () => {
    expect([UPLOAD_TTL_MS, MAX_HELD_BYTES]).toEqual([3_600_000, 1_073_741_824]);
  });

  it.each<[string, (s: ReturnType<typeof store>, id: string) => void, unknown]>([
    ['the uploader, in its project', () => {}, 'held'],
    ['until its time is up, to the millisecond', (s) => s.advance(100), 'held'],
    ['not a millisecond after', (s) => s.advance(101), 'gone'],
    ['not once released', (s, id) => s.uploads.release([id]), 'gone'],
  ])('a file is there for %s', (_what, step, outcome) => {
    const s = store({ ttlMs: 100 });
    const held = file('a.txt', 3);
    const id = s.uploads.hold('u1', 'p1', held);
    expect(id).toMatch(/^[a-f0-9]{24}$/);
    step(s, id);
    const take = () => s.uploads.take('u1', 'p1', [id]);
    if (outcome === 'held') expect(take()).toEqual([held]);
    else expect(take).toThrow(refusal(404, 'not_found', `upload ${id} is unknown or expired; upload the file again`));
  });

  it.each([
    ['another user', 'u2', 'p1'],
    ['another project', 'u1', 'p2'],
  ])('to %s a held file does not exist', (_what, user, project) => {
    const { uploads } = store();
    const id = uploads.hold('u1', 'p1', file('a.txt', 3));
    expect(() => uploads.take(user, project, [id])).toThrow(refusal(404, 'not_found', expect.stringContaining(id)));
    expect(uploads.take('u1', 'p1', [id])).toHaveLength(1);
  });

  it('answers several in the order asked, and refuses for the first one missing', () => {
    const { uploads } = store();
    const a = uploads.hold('u1', 'p1', file('a.txt', 1));
    const b = uploads.hold('u1', 'p1', file('b.txt', 1));
    expect(uploads.take('u1', 'p1', [b, a]).map((f) => f.name)).toEqual(['b.txt', 'a.txt']);
    expect(() => uploads.take('u1', 'p1', [a, 'x'.repeat(24), 'y'.repeat(24)])).toThrow(
      refusal(404, 'not_found', `upload ${'x'.repeat(24)} is unknown or expired; upload the file again`),
    );
  });

  it.each<[string, number[], number, string | null]>([
    ['up to the limit exactly', [600], 400, null],
    ['one byte over it', [600], 401, 'too many uploads waiting (600 B); confirm or retry later'],
    ['over it counting every user', [300, 300], 401, 'too many uploads waiting (600 B); confirm or retry later'],
    ['a file alone over it', [], 1001, 'too many uploads waiting (0 B); confirm or retry later'],
  ])('the store takes files %s', (_what, before, size, message) => {
    const { uploads } = store({ maxBytes: 1000 });
    for (const [i, bytes] of before.entries()) uploads.hold(`u${i}`, 'p1', file(`${i}.txt`, bytes));
    const hold = () => uploads.hold('u9', 'p1', file('new.txt', size));
    if (message === null) expect(hold()).toMatch(/^[a-f0-9]{24}$/);
    else expect(hold).toThrow(refusal(503, 'busy', message));
  });

  it('counts only files still held: expired and released ones make room', () => {
    const s = store({ ttlMs: 100, maxBytes: 1000 });
    const released = s.uploads.hold('u1', 'p1', file('a.txt', 500));
    s.uploads.hold('u1', 'p1', file('b.txt', 500));
    expect(() => s.uploads.hold('u1', 'p1', file('c.txt', 500))).toThrow(refusal(503, 'busy', expect.any(String)));
    s.uploads.release([released]);
    s.uploads.hold('u1', 'p1', file('c.txt', 500));
    s.advance(101);
    s.uploads.hold('u1', 'p1', file('d.txt', 1000));
  });
});

describe('uploadPreview', () => {
  it('previews a transcript: speakers, counts, the first 500 characters', async () => {
    const text = `Ann: ${'a'.repeat(600)}\nBo: b\nAnn: c\n`;
    const read = await readImport([{ name: 'Talk.txt', bytes: new TextEncoder().encode(text) }], {
      limits: DEFAULT_LIMITS,
    });
    expect(uploadPreview('id1', 'Talk.txt', read, [])).toEqual({
      id: 'id1',
      name: 'Talk.txt',
      summary: { transcripts: 1, codes: 0, users: 0, memos: 0, codingsPerCoder: {} },
      warnings: [],
      transcripts: [
        {
          title: 'Talk',
          characters: text.length,
          turns: 3,
          speakers: [
            { name: 'Ann', turns: 2 },
            { name: 'Bo', turns: 1 },
          ],
          excerpt: text.slice(0, 500),
        },
      ],
      codes: [],
      coders: [],
    });
  });

  it.each<[string, User[], string | null]>([
    ['the account whose id is the GUID', [account('g1', 'Someone else')], 'g1'],
    ['the only account with the same name', [account('a1', ' ann ')], 'a1'],
    ['none when two share the name', [account('a1', 'Ann'), account('a2', 'ann')], null],
    ['none without a match', [account('b1', 'Bo')], null],
  ])('suggests %s for a coder', (_what, accounts, suggested) => {
    const bundle = emptyBundle('');
    bundle.users.push({ guid: 'g1', name: 'Ann' });
    bundle.codes.push({
      guid: 'c1',
      name: 'Trust',
      parentGuid: null,
      colour: null,
      definition: 'd',
      inclusion: '',
      exclusion: '',
      examples: '',
    });
    const preview = uploadPreview('id', 'p.qdpx', { bundle, drafts: [], warnings: ['w'] }, accounts);
    expect(preview.coders).toEqual([{ guid: 'g1', name: 'Ann', suggestedAccount: suggested }]);
    expect(preview.codes).toEqual([{ guid: 'c1', name: 'Trust', parentGuid: null }]);
    expect(preview.warnings).toEqual(['w']);
  });
});

describe('pastedTranscript', () => {
  it.each<[string, string, Record<string, string | null> | undefined, string, string[]]>([
    ['speakers as detected', 'Q: one\nA: two\nQ: three', undefined, 'Q: one\nA: two\nQ: three', ['Q', 'A', 'Q']],
    ['line endings normalised', 'Q: one\r\nA: two\r\nQ: x', undefined, 'Q: one\nA: two\nQ: x', ['Q', 'A', 'Q']],
    [
      'a speaker renamed',
      'Q: one\nA: two\nQ: x',
      { Q: 'Interviewer' },
      'Q: one\nA: two\nQ: x',
      ['Interviewer', 'A', 'Interviewer'],
    ],
    ['a speaker dropped', 'Q: one\nA: two\nQ: x', { A: null }, 'Q: one\nA: two\nQ: x', ['Q', 'Q']],
  ])('%s', (_what, text, choices, stored, speakers) => {
    const transcript = pastedTranscript('Notes', text, choices);
    expect(transcript).toEqual({
      guid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: 'Notes',
      participant: '',
      attributes: {},
      text: stored,
      turns: expect.any(Array),
      layers: [],
    });
    expect(transcript.turns.map((turn) => turn.speaker)).toEqual(speakers);
  });

  it('refuses an empty paste, naming its title', () => {
    expect(() => pastedTranscript('Blank', '  \n ', undefined)).toThrow(/Blank.*no text|no text/);
  });
});
