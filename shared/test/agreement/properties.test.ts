import {
  cohenKappa,
  computeAgreement,
  parseAgreementInput,
  type RatingsReport,
  type SpansData,
  type SpansReport,
  spansReport,
} from '@accord/shared/agreement/index';
import { describe, expect, it } from 'vitest';
import { BINARY_KEYS, BINARY_SLOTS, binaryValues } from '../../src/agreement/binary.js';
import { krippendorffAlpha } from '../../src/agreement/krippendorff.js';
import { gwetAc, observedAgreement } from '../../src/agreement/multirater.js';
import { profilesFromTable } from '../../src/agreement/profiles.js';
import { agreementWeights } from '../../src/agreement/weights.js';
import { naiveSpans, randomProject } from './naive.js';

const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

function report({ random: _generator, ...input }: Record<string, unknown>): SpansReport {
  return computeAgreement({ kind: 'spans', ...input }) as SpansReport;
}

function expectSameValue(actual: number | null, expected: number | null) {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 9);
}

describe('span engine agrees with the naive per-character reference', () => {
  it.each(SEEDS)('random project %i', (seed) => {
    const project = randomProject(seed);
    const assignments =
      seed % 3 === 0 ? { t0: project.coders.slice(0, Math.max(1, project.coders.length - 1)) } : undefined;
    const codings = assignments
      ? project.codings.filter((c) => c.document !== 't0' || assignments.t0.includes(c.coder))
      : project.codings;
    const input = { ...project, codings, ...(assignments ? { assignments } : {}) };
    const engine = report(input);
    const naive = naiveSpans(input);
    engine.codes.forEach((code, k) => {
      const reference = naive[k]!;
      code.pairs.forEach((pair, p) => {
        expect(pair.pooled.table).toEqual(reference.pairs[p]!.table);
        expect(pair.by_document!.map((d) => d.table)).toEqual(reference.byDocument[p]);
        expectSameValue(pair.pooled.cohen_kappa.value, reference.pairs[p]!.cohen_kappa.value);
        expectSameValue(pair.pooled.scott_pi.value, reference.pairs[p]!.scott_pi.value);
        if (pair.pooled.cohen_kappa.se !== undefined) {
          expect(pair.pooled.cohen_kappa.se).toBeCloseTo(reference.pairs[p]!.cohen_kappa.se!, 7);
          expect(pair.pooled.cohen_kappa.se0).toBeCloseTo(reference.pairs[p]!.cohen_kappa.se0!, 7);
        }
      });
      expectSameValue(code.all_coders.fleiss_kappa.value, reference.fleiss_kappa.value);
      expectSameValue(code.all_coders.krippendorff_alpha.value, reference.krippendorff_alpha.value);
    });
  });
});

describe('span engine invariances', () => {
  const strip = (r: SpansReport) => JSON.parse(JSON.stringify(r));

  it.each(SEEDS.slice(0, 20))('does not depend on coding order (%i)', (seed) => {
    const project = randomProject(seed);
    const shuffled = [...project.codings];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(project.random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const input = { documents: project.documents, segment_matching: true };
    expect(strip(report({ ...input, codings: shuffled }))).toEqual(
      strip(report({ ...input, codings: project.codings })),
    );
  });

  it.each(SEEDS.slice(0, 20))('does not depend on how a coder’s overlapping codings are split (%i)', (seed) => {
    const project = randomProject(seed);
    const split = project.codings.flatMap((c) => {
      if (c.end - c.start < 2) return [c];
      const cut = c.start + 1 + Math.floor(project.random() * (c.end - c.start - 1));
      const overlap = Math.min(c.end, cut + 2);
      return [
        { ...c, end: overlap },
        { ...c, start: cut },
        { ...c, start: c.start, end: c.start },
      ];
    });
    const input = { documents: project.documents, segment_matching: true };
    expect(strip(report({ ...input, codings: split }))).toEqual(strip(report({ ...input, codings: project.codings })));
  });

  it.each(SEEDS.slice(0, 20))('is symmetric in coders (%i)', (seed) => {
    const project = randomProject(seed, { coders: 3 });
    const forward = report({ documents: project.documents, codings: project.codings, coders: project.coders });
    const backward = report({
      documents: project.documents,
      codings: project.codings,
      coders: [...project.coders].reverse(),
    });
    forward.codes.forEach((code, k) => {
      const other = backward.codes[k]!;
      for (const key of ['fleiss_kappa', 'krippendorff_alpha', 'gwet_ac1', 'percent_agreement'] as const) {
        expectSameValue(code.all_coders[key].value, other.all_coders[key].value);
      }
      for (const pair of code.pairs) {
        const mirror = other.pairs.find((p) => p.coders[0] === pair.coders[1] && p.coders[1] === pair.coders[0])!;
        expect(mirror.pooled.table).toEqual({
          both: pair.pooled.table.both,
          a_only: pair.pooled.table.b_only,
          b_only: pair.pooled.table.a_only,
          neither: pair.pooled.table.neither,
        });
        for (const key of BINARY_KEYS) expectSameValue(mirror.pooled[key].value, pair.pooled[key].value);
      }
      for (const key of ['u_alpha', 'binary_u_alpha', 'cu_alpha'] as const) {
        expectSameValue(code.unitizing![key].value, other.unitizing![key].value);
      }
    });
  });

  it.each(SEEDS.slice(0, 20))('gives 1, or an explained null, for identical codings (%i)', (seed) => {
    const project = randomProject(seed);
    const first = project.coders[0]!;
    const copies = project.codings
      .filter((c) => c.coder === first)
      .flatMap((c) => project.coders.map((coder) => ({ ...c, coder })));
    const r = report({ documents: project.documents, codings: copies, coders: project.coders });
    const checkOne = (c: { value: number | null; reason?: string }) => {
      if (c.value === null) expect(c.reason).toBeTruthy();
      else expect(c.value).toBeCloseTo(1, 12);
    };
    for (const code of r.codes) {
      for (const pair of code.pairs) for (const key of BINARY_KEYS) checkOne(pair.pooled[key]);
      for (const key of ['fleiss_kappa', 'krippendorff_alpha', 'gwet_ac1', 'percent_agreement'] as const) {
        checkOne(code.all_coders[key]);
      }
      checkOne(code.unitizing!.u_alpha);
      checkOne(code.unitizing!.binary_u_alpha);
    }
  });

  it('treats a coder not assigned a document as missing, not as "coded nothing"', () => {
    const documents = [
      { id: 't1', length: 100 },
      { id: 't2', length: 100 },
    ];
    const codings = [
      { document: 't1', coder: 'ana', code: 'x', start: 0, end: 50 },
      { document: 't1', coder: 'ben', code: 'x', start: 0, end: 50 },
      { document: 't2', coder: 'ana', code: 'x', start: 0, end: 50 },
    ];
    const missing = report({ documents, codings, assignments: { t2: ['ana'] } });
    const uncoded = report({ documents, codings });
    expect(missing.codes[0]!.pairs[0]!.n_documents).toBe(1);
    expect(missing.codes[0]!.pairs[0]!.pooled.cohen_kappa.value).toBe(1);
    expect(uncoded.codes[0]!.pairs[0]!.pooled.cohen_kappa.value).toBeLessThan(1);
  });
});

describe('positions of 2^30 characters and more', () => {
  it.each(SEEDS.slice(0, 20))('give the same report held in a Float64Array as in an Int32Array (%i)', (seed) => {
    const project = randomProject(seed);
    const narrow = parseAgreementInput({
      kind: 'spans',
      documents: project.documents,
      codings: project.codings,
      segment_matching: true,
      bootstrap: { samples: 20, seed },
    }) as SpansData;
    expect(narrow.lengths).toBeInstanceOf(Int32Array);
    const wide: SpansData = {
      ...narrow,
      lengths: Float64Array.from(narrow.lengths),
      codingStart: Float64Array.from(narrow.codingStart),
      codingEnd: Float64Array.from(narrow.codingEnd),
    };
    expect(spansReport(wide)).toEqual(spansReport(narrow));
  });

  it('count a document longer than 2^31 characters exactly', () => {
    const far = 3_000_000_000;
    const r = report({
      documents: [
        { id: 'long', length: far + 1000 },
        { id: 'short', length: 100 },
      ],
      codings: [
        { document: 'long', coder: 'ana', code: 'x', start: far, end: far + 100 },
        { document: 'long', coder: 'ben', code: 'x', start: far + 50, end: far + 150 },
        { document: 'short', coder: 'ana', code: 'x', start: 0, end: 10 },
      ],
    });
    expect(r.codes[0]!.pairs[0]!.pooled.table).toEqual({ both: 50, a_only: 60, b_only: 50, neither: far + 940 });
    expect(r.codes[0]!.all_coders.krippendorff_alpha.value).toEqual(expect.any(Number));
    expect(r.codes[0]!.unitizing!.u_alpha.value).toEqual(expect.any(Number));
  });
});

describe('segments as units', () => {
  it.each(SEEDS.slice(0, 20))('match a naive per-segment count (%i)', (seed) => {
    const project = randomProject(seed, { coders: 2 });
    const minCoverage = [0, 0.5, 1][seed % 3]!;
    const segments: Record<string, [number, number][]> = {};
    for (const doc of project.documents) {
      const list: [number, number][] = [];
      for (let s = 0; s < doc.length; s += 7) if (s + 5 <= doc.length) list.push([s, s + 5]);
      segments[doc.id] = list;
    }
    const r = report({ ...project, unit: { segments, minCoverage } });
    project.codes.forEach((code, k) => {
      const t = { both: 0, a_only: 0, b_only: 0, neither: 0 };
      for (const doc of project.documents) {
        for (const [s, e] of segments[doc.id]!) {
          const coded = project.coders.map((coder) => {
            const marks = new Uint8Array(e - s);
            for (const c of project.codings) {
              if (c.document !== doc.id || c.coder !== coder || c.code !== code) continue;
              for (let i = Math.max(s, c.start); i < Math.min(e, c.end); i++) marks[i - s] = 1;
            }
            const covered = marks.reduce((x, y) => x + y, 0);
            return minCoverage === 0 ? covered > 0 : covered >= minCoverage * (e - s);
          });
          if (coded[0] && coded[1]) t.both++;
          else if (coded[0]) t.a_only++;
          else if (coded[1]) t.b_only++;
          else t.neither++;
        }
      }
      expect(r.codes[k]!.pairs[0]!.pooled.table).toEqual(t);
    });
  });
});

describe('bootstrap over documents', () => {
  const project = randomProject(7, { documents: 8, coders: 3, codes: 2 });
  const input = { documents: project.documents, codings: project.codings, by_document: false };
  it('is reproducible with a seed and changes with it', () => {
    const a = report({ ...input, bootstrap: { samples: 200, seed: 42 } });
    const b = report({ ...input, bootstrap: { samples: 200, seed: 42 } });
    const c = report({ ...input, bootstrap: { samples: 200, seed: 43 } });
    expect(a).toEqual(b);
    const kappa = a.codes[0]!.pairs[0]!.pooled.cohen_kappa;
    if (kappa.value !== null) {
      expect(kappa.bootstrap_ci95![0]).toBeLessThanOrEqual(kappa.bootstrap_ci95![1]);
      expect(c.codes[0]!.pairs[0]!.pooled.cohen_kappa.bootstrap_ci95).not.toEqual(kappa.bootstrap_ci95);
    }
    expect(a.codes[0]!.all_coders.krippendorff_alpha.bootstrap_ci95).toBeDefined();
  });
});

describe('two-coder fast path equals the general q x q code', () => {
  it.each(SEEDS)('random table %i', (seed) => {
    const project = randomProject(seed);
    const cells = [0, 1, 2, 3].map(() => Math.floor(project.random() * 30) * (project.random() < 0.2 ? 0 : 1));
    const [both, aOnly, bOnly, neither] = cells as [number, number, number, number];
    const values = new Float64Array(BINARY_SLOTS);
    binaryValues(both, aOnly, bOnly, neither, values);
    const table = { q: 2, counts: new Float64Array([neither, bOnly, aOnly, both]) };
    const general = computeAgreement({
      kind: 'table',
      table: [
        [neither, bOnly],
        [aOnly, both],
      ],
    }) as RatingsReport;
    const identity = agreementWeights('identity', 2);
    const profiles = profilesFromTable(table);
    const expected = [
      general.percent_agreement.value,
      cohenKappa(table, identity).value,
      general.scott_pi.value,
      general.brennan_prediger.value,
      gwetAc(profiles, identity, observedAgreement(profiles, identity)).value,
      krippendorffAlpha(profiles, 'nominal', null).value,
    ];
    expected.forEach((want, slot) => {
      if (want === null) expect(values[slot]).toBeNaN();
      else expect(values[slot]).toBeCloseTo(want, 12);
    });
  });
});

describe('ratings coefficients are symmetric in coders', () => {
  it.each(SEEDS.slice(0, 20))('column permutation %i', (seed) => {
    const project = randomProject(seed);
    const coders = 2 + (seed % 3);
    const rows = Array.from({ length: 15 }, () =>
      Array.from({ length: coders }, () => (project.random() < 0.15 ? null : 1 + Math.floor(project.random() * 4))),
    );
    const reversed = rows.map((row) => [...row].reverse());
    const a = computeAgreement({ kind: 'ratings', data: rows, categories: [1, 2, 3, 4] }) as RatingsReport;
    const b = computeAgreement({ kind: 'ratings', data: reversed, categories: [1, 2, 3, 4] }) as RatingsReport;
    for (const key of [
      'percent_agreement',
      'cohen_kappa',
      'scott_pi',
      'fleiss_kappa',
      'brennan_prediger',
      'gwet_ac1',
    ] as const) {
      expectSameValue(a[key].value, b[key].value);
    }
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      expectSameValue(a.krippendorff_alpha[level].value, b.krippendorff_alpha[level].value);
    }
  });
});
