import { describe, expect, it } from 'vitest';
import { computeAgreement } from '../../src/agreement/index.js';
import type { SpansReport } from '../../src/agreement/spans.js';
import { buildSpansInput, type RoundDocument, type UnitKind, unitSegments } from '../../src/rounds/spansInput.js';
import { DEFAULT_THRESHOLDS, flagsFor, meanOf, summariseCodes } from '../../src/rounds/summary.js';

const TEXT = 'Ana: I felt alone. Nobody called.\nBen: Did that change?\nAna: Yes. Later it did.\n';
const doc = (id: string, coders: string[], text = TEXT): RoundDocument => ({ id, text, turns: [], coders });

describe('buildSpansInput', () => {
  it('lists documents, coders in assignment order, assignments and sorted clipped codings', () => {
    const input = buildSpansInput(
      [doc('t1', ['u2', 'u1']), doc('t2', ['u1', 'u3'], 'short')],
      [
        { document: 't1', coder: 'u1', codings: [{ code: 'iso', start: 5, end: 18 }] },
        {
          document: 't1',
          coder: 'u2',
          codings: [
            { code: 'iso', start: 0, end: 18 },
            { code: 'x', start: 3, end: 3 },
          ],
        },
        { document: 't2', coder: 'u3', codings: [{ code: 'iso', start: 2, end: 99 }] },
        // Not assigned: a layer that must not count.
        { document: 't2', coder: 'u2', codings: [{ code: 'iso', start: 0, end: 5 }] },
      ],
      { unit: 'character' },
    );
    expect(input).toEqual({
      kind: 'spans',
      documents: [
        { id: 't1', length: TEXT.length },
        { id: 't2', length: 5 },
      ],
      codings: [
        { document: 't1', coder: 'u1', code: 'iso', start: 5, end: 18 },
        { document: 't1', coder: 'u2', code: 'iso', start: 0, end: 18 },
        { document: 't2', coder: 'u3', code: 'iso', start: 2, end: 5 },
      ],
      unit: 'character',
      coders: ['u2', 'u1', 'u3'],
      assignments: { t1: ['u2', 'u1'], t2: ['u1', 'u3'] },
      by_document: true,
    });
    // The engine accepts it as is; the unassigned coder is missing on a document, not "uncoded".
    const report = computeAgreement(JSON.parse(JSON.stringify(input))) as SpansReport;
    const pair = report.codes[0]!.pairs.find((p) => p.coders.join() === 'u2,u1')!;
    expect(pair.n_documents).toBe(1);
    expect(pair.pooled.table).toEqual({ both: 13, a_only: 5, b_only: 0, neither: TEXT.length - 18 });
  });

  it.each<[UnitKind, number]>([
    ['sentence', 5],
    ['paragraph', 3],
    ['speakerTurn', 3],
    ['transcript', 1],
  ])('cuts %s units (%i in the sample)', (unit, count) => {
    const input = buildSpansInput([doc('t1', ['a', 'b'])], [], { unit, minCoverage: 0.5 });
    expect(input.unit).toEqual({ segments: { t1: unitSegments(unit, doc('t1', [])) }, minCoverage: 0.5 });
    expect(unitSegments(unit, doc('t1', []))).toHaveLength(count);
  });

  it('prefers the transcript turns for speaker-turn units', () => {
    expect(
      unitSegments('speakerTurn', {
        text: TEXT,
        turns: [
          { start: 0, end: 34 },
          { start: 34, end: TEXT.length },
        ],
      }),
    ).toEqual([
      [0, 34],
      [34, TEXT.length],
    ]);
  });
});

describe('summariseCodes', () => {
  const layers = [
    {
      document: 't1',
      coder: 'a',
      codings: [
        { code: 'iso', start: 0, end: 20 },
        { code: 'help', start: 40, end: 50 },
      ],
    },
    {
      document: 't1',
      coder: 'b',
      codings: [
        { code: 'iso', start: 0, end: 18 },
        { code: 'help', start: 60, end: 70 },
      ],
    },
    { document: 't1', coder: 'c', codings: [{ code: 'iso', start: 2, end: 20 }] },
  ];

  it('reads Cohen for two coders and Fleiss for more, with flags', () => {
    const two = computeAgreement(
      buildSpansInput([doc('t1', ['a', 'b'])], layers, { unit: 'character' }),
    ) as SpansReport;
    const rows = summariseCodes(two);
    const help = rows.find((r) => r.code === 'help')!;
    expect(help.kappaName).toBe("Cohen's kappa");
    expect(help.kappa).toBe(two.codes.find((c) => c.code === 'help')!.pairs[0]!.pooled.cohen_kappa);
    expect(help.flags).toEqual(['discuss', 'unreliable']);
    expect(rows.find((r) => r.code === 'iso')!.flags).toEqual([]);

    const three = computeAgreement(
      buildSpansInput([doc('t1', ['a', 'b', 'c'])], layers, { unit: 'character' }),
    ) as SpansReport;
    const iso = summariseCodes(three).find((r) => r.code === 'iso')!;
    expect(iso.kappaName).toBe("Fleiss' kappa");
    expect(iso.alpha).toBe(three.codes.find((c) => c.code === 'iso')!.all_coders.krippendorff_alpha);
    expect(meanOf(summariseCodes(three), (r) => r.kappa)).toBeTypeOf('number');
  });

  it.each([
    [0.59, 0.7, ['discuss']],
    [0.6, 0.667, []],
    [0.7, 0.5, ['unreliable']],
    [null, null, []],
  ] as const)('kappa %s, alpha %s -> %j', (kappa, alpha, flags) => {
    expect(flagsFor(kappa, alpha, DEFAULT_THRESHOLDS)).toEqual(flags);
  });
});
