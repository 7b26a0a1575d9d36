import { benchmarkProbabilities, cohenKappa, LANDIS_KOCH_LEVELS } from '@accord/shared/agreement/index';
import { describe, expect, it } from 'vitest';
import { alphaFromCoincidences, coincidences } from '../../src/agreement/krippendorff.js';
import { brennanPrediger, fleissKappa, observedAgreement } from '../../src/agreement/multirater.js';
import type { Profiles } from '../../src/agreement/profiles.js';
import { profilesFromTable } from '../../src/agreement/profiles.js';
import {
  uAlpha,
  uAlphaFamily,
  uAlphaParts,
  unitDistance,
  type ValuedUnitization,
} from '../../src/agreement/unitizing.js';
import { agreementWeights } from '../../src/agreement/weights.js';
import { itemsTable, labelVector, loadVectors, ratings, runsOf, spans, table, type Vector, value } from './helpers.js';

const close = (actual: number | null | undefined, expected: number, tolerance: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tolerance);
};

type Json = Record<string, any>;

function pairs(y1: number[], y2: number[]): number[][] {
  const q = Math.max(...y1, ...y2) + 1;
  const counts = Array.from({ length: q }, () => Array<number>(q).fill(0));
  y1.forEach((a, i) => {
    counts[a]![y2[i]!]! += 1;
  });
  return counts;
}

function countProfiles(rows: number[][]): Profiles {
  const q = rows[0]!.length;
  return { q, n: rows.length, counts: Float64Array.from(rows.flat()), weights: new Float64Array(rows.length).fill(1) };
}

function spanReportOf(length: number, a: [number, number][], b: [number, number][]) {
  const codings = [
    ...a.map(([start, end]) => ({ document: 'd', coder: 'c1', code: 'x', start, end })),
    ...b.map(([start, end]) => ({ document: 'd', coder: 'c2', code: 'x', start, end })),
  ];
  return spans({ documents: [{ id: 'd', length }], codings, coders: ['c1', 'c2'] }).codes[0]!.pairs[0]!.pooled;
}

function units(list: [number, number][]) {
  return { starts: Float64Array.from(list, (u) => u[0]), ends: Float64Array.from(list, (u) => u[0] + u[1]) };
}

/** dkpro-style study: [begin, length, rater, category] -> per-category parts over [0, length). */
function studyParts(
  rows: [number, number, number, string][],
  raterCount: number,
  begin: number,
  length: number,
  stretch = 1,
) {
  const categories = [...new Set(rows.map((r) => r[3]))];
  const boundaries = new Float64Array([begin * stretch, (begin + length) * stretch]);
  return Object.fromEntries(
    categories.map((category) => {
      const raters = Array.from({ length: raterCount }, (_, r) =>
        units(
          rows
            .filter((u) => u[2] === r && u[3] === category)
            .map((u): [number, number] => [u[0] * stretch, u[1] * stretch])
            .sort((x, y) => x[0] - y[0]),
        ),
      );
      return [category, uAlphaParts(raters, boundaries)];
    }),
  );
}

const checks: Record<string, (v: Vector) => void> = {
  cohen1960_p37_negative_kappa: ({ input, expected }: Json) => {
    const r = table(input.table, input.categories);
    close(r.percent_agreement.value, expected.p_o, expected.p_o_tolerance);
    close(r.cohen_kappa.value, expected.computed.cohen_kappa, 1e-9);
    close(r.gwet_ac1.value, expected.gwet_ac1.coefficient, 5e-6);
    close(r.gwet_ac2_quadratic.value, expected.gwet_ac2_quadratic.coefficient, 5e-5);
  },
  cohen1960_p45: ({ input, expected }: Json) => {
    const r = table(input.table, input.categories);
    close(r.cohen_kappa.value, expected.cohen_kappa, expected.cohen_kappa_tolerance);
    close(r.percent_agreement.value, expected.p_o, expected.p_tolerance);
    close(r.gwet_ac1.value, expected.gwet_ac1.coefficient, 5e-6);
    close(r.gwet_ac2_quadratic.value, expected.gwet_ac2_quadratic.coefficient, 5e-6);
  },
  artstein_poesio_2008_binary_2x2: ({ input, expected }: Json) => {
    const r = table(input.table, input.categories);
    const t = expected.tolerance;
    close(r.percent_agreement.value, expected.percent_agreement, t);
    close(r.brennan_prediger.value, expected.bennett_s.value, t);
    close(r.scott_pi.value, expected.scott_pi.value, t);
    close(r.cohen_kappa.value, expected.cohen_kappa.value, t);
    const y1 = labelVector(input.as_label_vectors.y1);
    const y2 = labelVector(input.as_label_vectors.y2);
    const forward = ratings(y1.map((a, i) => [a, y2[i]!]));
    const backward = ratings(y1.map((a, i) => [y2[i]!, a]));
    close(forward.cohen_kappa.value, expected.cohen_kappa.value, t);
    expect(backward.cohen_kappa.value).toBeCloseTo(value(forward.cohen_kappa), 12);
  },
  artstein_poesio_2008_3cat: ({ input, expected }: Json) => {
    const categories = ['STAT', 'IReq', 'Chck'];
    const counts = itemsTable(input.items, categories);
    const r = table(counts, categories);
    const t = expected.tolerance;
    close(r.percent_agreement.value, expected.percent_agreement, t);
    close(r.brennan_prediger.value, expected.bennett_s.value, t);
    close(r.scott_pi.value, expected.scott_pi.value, t);
    close(r.cohen_kappa.value, expected.cohen_kappa.value, t);
    close(r.krippendorff_alpha.nominal.value, expected.krippendorff_alpha_nominal.value, t);
    // custom distance: 0 if equal, 0.5 if either is Chck, else 1
    const d = (i: number, j: number) => (i === j ? 0 : i === 2 || j === 2 ? 0.5 : 1);
    const distances = Float64Array.from({ length: 9 }, (_, c) => d(Math.floor(c / 3), c % 3));
    const pairTable = { q: 3, counts: Float64Array.from(counts.flat()) };
    const matrix = coincidences(profilesFromTable(pairTable));
    close(alphaFromCoincidences(matrix, 3, distances).value, expected.krippendorff_alpha_custom.value, t);
    const agreementWeightsCustom = distances.map((x) => 1 - x);
    close(cohenKappa(pairTable, agreementWeightsCustom).value, expected.weighted_kappa_custom.value, t);
    close(cohenKappa(pairTable, agreementWeights('identity', 3)).value, expected.weighted_kappa_nominal.value, t);
  },
  sklearn_weighted_kappa: ({ input, expected }: Json) => {
    const r = table(pairs(labelVector(input.y1), labelVector(input.y2)));
    const t = 1.5e-4;
    close(r.cohen_kappa.value, expected.unweighted, t);
    close(r.weighted_kappa_linear.value, expected.linear, t);
    close(r.weighted_kappa_quadratic.value, expected.quadratic, t);
  },
  brennan_prediger_1981_ex1: ({ input, expected }: Json) => {
    const r = table(itemsTable(input.items, [1, 2, 3]), [1, 2, 3]);
    close(r.cohen_kappa.value, expected.cohen_kappa.value, expected.tolerance);
    close(r.brennan_prediger.value, expected.bennett_s_brennan_prediger.value, expected.tolerance);
  },
  brennan_prediger_1981_ex2: ({ input, expected }: Json) => {
    const r = table(itemsTable(input.items, [1, 2, 3]), [1, 2, 3]);
    close(r.cohen_kappa.value, expected.cohen_kappa.value, expected.tolerance);
    close(r.brennan_prediger.value, expected.brennan_prediger.value, expected.tolerance);
  },
  krippendorff2004_p224_binary_atlasti_manual_example: ({ input, expected }: Json) => {
    const r = ratings(input.coder1.map((a: number, i: number) => [a, input.coder2[i]]));
    close(r.percent_agreement.value, expected.percent_agreement, expected.tolerance);
    close(r.krippendorff_alpha.nominal.value, expected.krippendorff_alpha_nominal, expected.tolerance);
    close(r.krippendorff_alpha.nominal.value, expected.computed.alpha_exact, 1e-9);
    close(r.cohen_kappa.value, expected.computed.cohen_kappa, 1e-9);
  },
  krippendorff2004_p227_3cat: ({ input, expected }: Json) => {
    const r = ratings(input.coder1.map((a: string, i: number) => [a, input.coder2[i]]));
    close(r.percent_agreement.value, expected.percent_agreement, expected.tolerance);
    close(r.krippendorff_alpha.nominal.value, expected.krippendorff_alpha_nominal, expected.tolerance);
  },
  krippendorff_classic_reliability_data_4coders_12units: ({ input, expected }: Json) => {
    const r = ratings(input.values_numeric);
    const t = expected.tolerance;
    const alpha = r.krippendorff_alpha;
    close(alpha.nominal.value, expected.krippendorff_alpha_nominal, t);
    close(alpha.ordinal.value, expected.krippendorff_alpha_ordinal, t);
    close(alpha.interval.value, expected.krippendorff_alpha_interval, t);
    close(alpha.ratio.value, expected.krippendorff_alpha_ratio, t);
    close(alpha.nominal.value, expected.computed.alpha_nominal, 1e-9);
    close(alpha.ordinal.value, expected.computed.alpha_ordinal, 1e-9);
    close(alpha.interval.value, expected.computed.alpha_interval, 1e-9);
    close(alpha.ratio.value, expected.computed.alpha_ratio, 1e-9);
    const irr = expected.irrCAC;
    close(r.percent_agreement.value, irr['pa.coeff.raw'].pa, 1e-7);
    close(r.gwet_ac1.value, irr['gwet.ac1.raw'].coeff, 5e-6);
    close(r.fleiss_kappa.value, irr['fleiss.kappa.raw'].coeff, 5e-6);
    close(r.brennan_prediger.value, irr['bp.coeff.raw'].coeff, 5e-6);
    close(r.gwet_ac2_quadratic.value, irr['gwet.ac1.raw_quadratic_weights(afergadis py port, 3dp)'].coeff, 5e-4);
    expect(r.cohen_kappa.value).toBeNull();
    expect(r.cohen_kappa.reason).toMatch(/two coders/);
  },
  fleiss1971_diagnoses_6raters_30subjects: ({ input, expected }: Json) => {
    const r = ratings(input.values);
    close(r.fleiss_kappa.value, expected.fleiss_kappa, expected.tolerance);
    close(r.fleiss_kappa.value, expected.irr_kappam_fleiss.value, 5e-7);
    close(r.fleiss_kappa.z, expected.irr_kappam_fleiss.z, 5e-5);
    close(r.fleiss_kappa.se0, expected.computed.null_se_irr, 1e-9);
    close(r.percent_agreement.value, expected.P_bar, 5e-5);
    r.fleiss_kappa.per_category.forEach((category, i) => {
      close(
        category.value,
        expected.per_category_kappa_dkpro[String(category.category)],
        expected.per_category_tolerance,
      );
      close(category.value, expected.computed.per_category_kappa_fleiss_formula[i], 5e-7);
    });
  },
  randolph2005_free_marginal: ({ input, expected }: Json) => {
    for (const example of ['ex1', 'ex2']) {
      const r = ratings(input[example]);
      close(r.fleiss_kappa.value, expected[example].fleiss_kappa, expected.tolerance);
      close(r.brennan_prediger.value, expected[example].randolph_kappa, expected.tolerance);
    }
  },
  statsmodels_fleiss_randolph_calculator: ({ input, expected }: Json) => {
    input.cases.forEach((c: Json, i: number) => {
      const profiles = countProfiles(c.table);
      const identity = agreementWeights('identity', profiles.q);
      const observed = observedAgreement(profiles, identity);
      const want = expected.cases[i];
      close(brennanPrediger(profiles, identity, observed).value, want.randolph, expected.atol);
      if (want.overall_agreement !== undefined) close(observed.pa, want.overall_agreement, expected.atol);
      const fleiss = fleissKappa(profiles, identity, observed);
      if (want.fleiss === undefined) expect(fleiss.value).toBeNull();
      else close(fleiss.value, want.fleiss, expected.atol);
    });
  },
  sas_weighted_kappa_linear_table10: ({ input, expected }: Json) => {
    const kappa = table(input.table, [0, 1, 2]).weighted_kappa_linear;
    const t = 1.5e-4;
    close(kappa.value, expected.kappa, t);
    close(kappa.se, expected.ASE, t);
    close(kappa.ci95?.[0], expected.ci95_lower, t);
    close(kappa.ci95?.[1], expected.ci95_upper, t);
    close(kappa.se0, expected.ASE_under_H0, t);
    close(kappa.z, expected.Z, t);
  },
  krippendorff1995_digitized_binary_as_spans: ({ input, expected }: Json) => {
    const t = expected.tolerance;
    const a = spanReportOf(input.doc_length, input.A.coder1_spans_halfopen, input.A.coder2_spans_halfopen);
    const [neither, c1only, c2only, both] = expected.computed_A.table_neither_c1only_c2only_both;
    expect(a.table).toEqual({ both, a_only: c1only, b_only: c2only, neither });
    expect(runsOf(input.A.coder1_chars)).toEqual(input.A.coder1_spans_halfopen);
    close(a.cohen_kappa.value, expected.A.cohen_kappa, t);
    close(a.scott_pi.value, expected.A.scott_pi, t);
    close(a.krippendorff_alpha.value, expected.A.krippendorff_alpha_nominal, t);
    close(a.percent_agreement.value, expected.computed_A.nvivo_percent_agreement, 1e-7);
    close(a.pabak.value, expected.computed_A.pabak, 1e-7);
    close(a.gwet_ac1.value, expected.computed_A.gwet_ac1, 1e-7);
    close(a.cohen_kappa.value, expected.computed_A.nvivo_kappa_equals_cohen, 1e-7);
    // B: coder 2's seven adjacent units fuse into one run, so they count once
    const adjacent: [number, number][] = [
      [0, 2],
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 6],
      [6, 9],
      [9, 10],
    ];
    const b = spanReportOf(input.doc_length, input.B.coder1_spans_halfopen, adjacent);
    close(b.cohen_kappa.value, expected.B.cohen_kappa, t);
    close(b.scott_pi.value, expected.B.scott_pi, t);
    const c = spanReportOf(input.doc_length, runsOf(input.C.coder1_chars), runsOf(input.C.coder2_chars));
    close(c.cohen_kappa.value, expected.C.cohen_kappa, t);
    close(c.scott_pi.value, expected.C.scott_pi, t);
    const d = spanReportOf(input.doc_length, [[0, 24]], [[0, 24]]);
    expect(d.cohen_kappa.value).toBeNull();
    expect(d.scott_pi.value).toBeNull();
  },
  u_alpha_krippendorff2004_p254: ({ input, expected }: Json) => {
    const rows = input.units.map((u: Json) => [u.begin, u.length, u.rater, u.cat]);
    const parts = studyParts(rows, input.raters, input.continuum_begin, input.continuum_length);
    const t = expected.category_tolerance;
    close(parts.c!.observed, expected.c.D_o, t);
    close(parts.c!.expected, expected.c.D_e, t);
    close(uAlpha(parts.c!).value, expected.c.alpha, t);
    close(parts.k!.observed, expected.k.D_o, t);
    close(parts.k!.expected, expected.k.D_e, t);
    close(uAlpha(parts.k!).value, expected.k.alpha, t);
    close(parts.c!.observed, expected.computed.c_D_o_exact, 1e-7);
    close(parts.c!.expected, expected.computed.c_D_e_exact, 1e-7);
    const overall = 1 - (parts.c!.observed + parts.k!.observed) / (parts.c!.expected + parts.k!.expected);
    close(overall, expected.overall_u_alpha, expected.overall_tolerance);
    close(overall, expected.computed.overall_exact, 1e-6);
  },
  u_alpha_krippendorff1995_p57: ({ input, expected }: Json) => {
    const rows = input.units_begin_length_rater_cat;
    const [begin, end] = input.continuum;
    for (const stretch of [1, 50000]) {
      const parts = studyParts(rows, 2, begin, end - begin, stretch);
      for (const [category, observed] of Object.entries(expected.D_o_any_stretch)) {
        close(parts[category]!.observed, observed as number, expected.D_o_tolerance);
      }
      if (stretch === 1) {
        for (const [category, alpha] of Object.entries(expected.computed_stretch_1)) {
          close(uAlpha(parts[category]!).value, alpha as number, 1e-6);
        }
      } else {
        const big = expected.stretch_50000;
        for (const category of ['A', 'B', 'C', 'D']) {
          close(parts[category]!.expected, big.D_e[category], big.D_e_tolerance);
          close(uAlpha(parts[category]!).value, big.alpha[category], big.alpha_tolerance);
        }
      }
    }
    for (const [stretch, want] of Object.entries(expected.category_C_by_stretch) as [string, Json][]) {
      const parts = studyParts(rows, 2, begin, end - begin, Number(stretch));
      // the source states tolerances only for the stretch-50000 block; the same ones apply here
      close(parts.C!.expected, want.D_e, expected.stretch_50000.D_e_tolerance);
      close(uAlpha(parts.C!).value, want.alpha, expected.stretch_50000.alpha_tolerance);
    }
  },
  u_alpha_distance_function: ({ input, expected }: Json) => {
    input.cases.forEach((c: [number, number, string | null, number, number, string | null], i: number) => {
      const want = expected.distances[i];
      if (want === null) return;
      expect(unitDistance(c[0], c[1], c[2] !== null, c[3], c[4], c[5] !== null)).toBe(want);
    });
    const sum1 = unitDistance(2, 3, false, 2, 2, true) + unitDistance(5, 6, true, 4, 7, false);
    const sum2 = unitDistance(3, 2, false, 3, 2, true) + unitDistance(5, 6, true, 5, 6, false);
    expect(sum1).toBe(40);
    expect(sum2).toBe(40);
  },
  u_alpha_dkpro_toy_negative: ({ input, expected }: Json) => {
    const parts = studyParts(input.units_begin_length_rater_cat, 2, 0, input.continuum_length);
    close(parts.A!.observed, expected.D_o, expected.tolerance);
    close(parts.A!.expected, expected.D_e, expected.tolerance);
    close(uAlpha(parts.A!).value, expected.alpha, expected.tolerance);
    // edge cases: one unit among three raters gives 0; no units at all is undefined (dkpro: NaN)
    const single = studyParts([[0, 1, 0, 'X']], 3, 0, 20);
    close(uAlpha(single.X!).value, 0, 1e-12);
    const empty = uAlphaParts([units([]), units([]), units([])], new Float64Array([0, 20]));
    expect(uAlpha(empty).value).toBeNull();
    const identical = studyParts(
      [
        [0, 5, 0, 'X'],
        [0, 5, 1, 'X'],
      ],
      2,
      0,
      20,
    );
    expect(uAlpha(identical.X!).value).toBe(1);
  },
  u_alpha_family_krippendorff2019_fig12_11: ({ input, expected }: Json) => {
    const names = ['alex', 'paul', 'suzan'];
    const values = ['1', '2', '3', '4', '5', '6', '7'];
    const observers: ValuedUnitization[] = names.map((name) => {
      const list = input.observers[name] as [number, number, string][];
      return {
        starts: Float64Array.from(list, (s) => s[0] - 1),
        ends: Float64Array.from(list, (s) => s[1]),
        values: Int32Array.from(list, (s) => values.indexOf(s[2]) + 1),
      };
    });
    const family = uAlphaFamily(observers, input.continuum_length, values.length);
    const port = expected.computed_with_port_of_quallmer;
    close(family.u_alpha.value, expected.u_alpha_nominal, 5e-4);
    close(family.u_alpha.value, port.u_alpha_nominal, 1e-6);
    close(family.binary_u_alpha.value, expected.binary_u_alpha, expected.binary_tolerance);
    close(family.binary_u_alpha.value, port.binary_u_alpha, 1e-6);
    close(family.cu_alpha.value, port.cu_alpha, 1e-6);
    const [low, high] = expected.cu_alpha_quallmer_impl_range;
    expect(value(family.cu_alpha)).toBeGreaterThan(low);
    expect(value(family.cu_alpha)).toBeLessThan(high);
    for (const [v, alpha] of Object.entries(expected.per_value_alpha)) {
      close(family.per_value[values.indexOf(v)]!.value, alpha as number, 1e-9);
    }
    for (const [v, coverage] of Object.entries(expected.per_value_coverage)) {
      close(family.coverage[values.indexOf(v)]!, coverage as number, 1e-4);
    }
  },
  nvivo_percentage_agreement_help_example: ({ input, expected }: Json) => {
    for (const aOnly of [0, 75, 150]) {
      const both = input.coded_by_both;
      const r = table([
        [both, aOnly],
        [input.coded_by_exactly_one - aOnly, input.coded_by_neither],
      ]);
      close(r.percent_agreement.value, expected.percent_agreement, 1e-12);
    }
  },
  irrcac_landis_koch_benchmark_membership: ({ input, expected }: Json) => {
    const landis = benchmarkProbabilities(input.coeff, input.se);
    expect(landis.cumulative).toHaveLength(6);
    Object.values(expected.landis_koch_cumprob).forEach((p, i) => {
      close(landis.cumulative[i], p as number, 1e-5);
    });
    expect(landis.selected).toBe(expected['selected_level_at_0.95'].landis_koch);
    const fleissLevels = [
      { lower: 0.75, upper: 1, label: 'Excellent' },
      { lower: 0.4, upper: 0.75, label: 'Intermediate to Good' },
      { lower: -1, upper: 0.4, label: 'Poor' },
    ];
    const fleiss = benchmarkProbabilities(input.coeff, input.se, fleissLevels);
    Object.values(expected.fleiss_cumprob).forEach((p, i) => {
      close(fleiss.cumulative[i], p as number, 1e-5);
    });
    expect(fleiss.selected).toBe(expected['selected_level_at_0.95'].fleiss);
    expect(LANDIS_KOCH_LEVELS[0]!.label).toBe('Almost Perfect');
  },
};

describe('published vectors (test/fixtures/agreement/published-vectors.json)', () => {
  const vectors = loadVectors();
  it('every vector has a check', () => {
    expect(vectors.map((v) => v.id).filter((id) => !(id in checks))).toEqual([]);
  });
  for (const vector of vectors) {
    it(vector.id, () => checks[vector.id]!(vector));
  }
});
