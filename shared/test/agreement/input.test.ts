import { AgreementInputError, computeAgreement } from '@accord/shared/agreement/index';
import { describe, expect, it } from 'vitest';

const doc = { id: 't1', length: 10 };
const coding = { document: 't1', coder: 'ana', code: 'x', start: 0, end: 5 };

describe('input validation names the problem', () => {
  it.each([
    [null, /JSON object with a "kind"/],
    [{ kind: 'ratings', data: [[1]] }, /at least two coders/],
    [{ kind: 'ratings', data: [[1, 2]], categories: [1] }, /rating 2 is not in "categories"/],
    [{ kind: 'ratings', data: [[1, {}]] }, /data\[0\]\[1\] must be a number, a string or null/],
    [{ kind: 'ratings', data: [[1, 2]], level: 'cardinal' }, /"level" must be one of/],
    [
      {
        kind: 'table',
        table: [
          [1, -2],
          [3, 4],
        ],
      },
      /table\[0\]\[1\] must be a non-negative count/,
    ],
    [
      {
        kind: 'table',
        table: [
          [1, 2],
          [3, 4],
        ],
        categories: ['a'],
      },
      /"categories" has 1 entries/,
    ],
    [{ kind: 'spans', documents: [doc, doc], codings: [] }, /listed twice/],
    [{ kind: 'spans', documents: [doc], codings: [{ ...coding, start: 6 }] }, /codings\[0\]\.end/],
    [{ kind: 'spans', documents: [doc], codings: [{ ...coding, start: -1 }] }, /codings\[0\]\.start/],
    [{ kind: 'spans', documents: [doc], codings: [coding], extra: 1 }, /unknown field "extra"/],
    [JSON.parse('{"kind": "table", "table": [[1]], "__proto__": {}}'), /unknown field "__proto__"/],
    [Object.setPrototypeOf({ table: [[1]] }, { kind: 'table' }), /unknown field "__proto__"/],
    [
      {
        kind: 'spans',
        documents: [doc],
        codings: [Object.setPrototypeOf({ document: 't1', coder: 'ana', code: 'x', start: 0 }, { end: 5 })],
      },
      /codings\[0\] must be an object, got an object with a "__proto__" key/,
    ],
    [
      { kind: 'spans', documents: [Object.setPrototypeOf({ id: 't1' }, { length: 5 })], codings: [] },
      /documents\[0\] must be an object .* got an object with a "__proto__" key/,
    ],
    [{ kind: 'spans', documents: [doc], codings: [coding], assignments: { t1: ['ben'] } }, /not give that coder/],
    [
      { kind: 'spans', documents: [doc], codings: [coding], assignments: JSON.parse('{"__proto__": ["ana"]}') },
      /"assignments": "__proto__" is not a document id/,
    ],
    [
      {
        kind: 'spans',
        documents: [doc],
        codings: [coding],
        assignments: Object.setPrototypeOf({ t1: ['ana'] }, { t2: ['ana'] }),
      },
      /"assignments": "__proto__" is not a document id/,
    ],
    [
      { kind: 'spans', documents: [doc], codings: [coding], unit: { segments: JSON.parse('{"__proto__": [[0, 5]]}') } },
      /unit\.segments: "__proto__" is not a document id/,
    ],
    [
      {
        kind: 'spans',
        documents: [doc],
        codings: [],
        unit: {
          segments: {
            t1: [
              [0, 6],
              [5, 8],
            ],
          },
        },
      },
      /overlap/,
    ],
    [{ kind: 'spans', documents: [doc], codings: [], bootstrap: { samples: 1 } }, /bootstrap\.samples/],
    [{ kind: 'spans', documents: [doc], codings: [], segment_matching: { overlap: 2 } }, /segment_matching\.overlap/],
  ])('%j', (input, message) => {
    expect(() => computeAgreement(input)).toThrow(AgreementInputError);
    expect(() => computeAgreement(input)).toThrow(message);
  });

  it('ignores coders and codes outside the given lists', () => {
    const report = computeAgreement({
      kind: 'spans',
      documents: [doc],
      codings: [coding, { ...coding, coder: 'zed' }, { ...coding, code: 'y', coder: 'ben' }],
      coders: ['ana', 'ben'],
      codes: ['x'],
    }) as { codes: { code: string; pairs: { pooled: { table: unknown } }[] }[] };
    expect(report.codes.map((c) => c.code)).toEqual(['x']);
    expect(report.codes[0]!.pairs[0]!.pooled.table).toEqual({ both: 0, a_only: 5, b_only: 0, neither: 5 });
  });

  it('reports undefined coefficients as null with a reason, never NaN', () => {
    const report = computeAgreement({
      kind: 'spans',
      documents: [doc],
      codings: [coding, { ...coding, coder: 'ben' }],
    });
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/NaN|Infinity/);
    const all = computeAgreement({
      kind: 'ratings',
      data: [
        [1, 1],
        [1, 1],
      ],
    }) as { cohen_kappa: unknown };
    expect(all.cohen_kappa).toEqual({ value: null, reason: expect.stringMatching(/chance agreement is 1/) });
  });
});
