import { type Coefficient, defined, undefinedCoefficient } from './coefficient.js';
import type { SpansData } from './input.js';
import type { CodedRuns } from './runs.js';

export interface MatchCounts {
  agreements: number;
  a_only: number;
  b_only: number;
}

export interface MatchingPair extends MatchCounts {
  coders: [string, string];
  percent_agreement: Coefficient;
  brennan_prediger: Coefficient;
  by_code: ({ code: string; percent_agreement: Coefficient } & MatchCounts)[];
}

export interface MatchingReport {
  overlap: number;
  chance: number;
  pairs: MatchingPair[];
}

/** How many of A's runs [aFrom, aTo) overlap one of B's runs by at least `overlap` of their joint extent. */
function matchedRuns(runs: CodedRuns, aFrom: number, aTo: number, bFrom: number, bTo: number, overlap: number): number {
  let matched = 0;
  let j = bFrom;
  for (let i = aFrom; i < aTo; i++) {
    const s = runs.starts[i]!;
    const e = runs.ends[i]!;
    while (j < bTo && runs.ends[j]! <= s) j++;
    for (let h = j; h < bTo && runs.starts[h]! < e; h++) {
      const shared = Math.min(e, runs.ends[h]!) - Math.max(s, runs.starts[h]!);
      const extent = Math.max(e, runs.ends[h]!) - Math.min(s, runs.starts[h]!);
      if (shared >= overlap * extent) {
        matched++;
        break;
      }
    }
  }
  return matched;
}

function share(counts: MatchCounts): number | null {
  const total = counts.agreements + counts.a_only + counts.b_only;
  return total === 0 ? null : counts.agreements / total;
}

/**
 * MAXQDA-style segment matching: each coder's coded segments (per code, the union of their codings) are checked
 * against the other coder's; a segment agrees when a same-code segment covers at least `overlap` of their joint
 * extent. Both coders' segments are counted, there is no "neither" cell, and chance is 1 / number of codes.
 */
export function segmentMatching(data: SpansData, runs: CodedRuns, overlap: number): MatchingReport {
  const documents = data.documents.length;
  const coders = data.coders.length;
  const chance = data.codes.length === 0 ? 1 : 1 / data.codes.length;
  const pairs: MatchingPair[] = [];
  for (let a = 0; a < coders; a++) {
    for (let b = a + 1; b < coders; b++) {
      const total: MatchCounts = { agreements: 0, a_only: 0, b_only: 0 };
      const by_code = data.codes.map((code, k) => {
        const counts: MatchCounts = { agreements: 0, a_only: 0, b_only: 0 };
        for (let d = 0; d < documents; d++) {
          if (!data.assigned[d * coders + a] || !data.assigned[d * coders + b]) continue;
          const ga = (k * documents + d) * coders + a;
          const gb = ga - a + b;
          const [aFrom, aTo, bFrom, bTo] = [
            runs.offsets[ga]!,
            runs.offsets[ga + 1]!,
            runs.offsets[gb]!,
            runs.offsets[gb + 1]!,
          ];
          const aMatched = matchedRuns(runs, aFrom, aTo, bFrom, bTo, overlap);
          const bMatched = matchedRuns(runs, bFrom, bTo, aFrom, aTo, overlap);
          counts.agreements += aMatched + bMatched;
          counts.a_only += aTo - aFrom - aMatched;
          counts.b_only += bTo - bFrom - bMatched;
        }
        total.agreements += counts.agreements;
        total.a_only += counts.a_only;
        total.b_only += counts.b_only;
        const observed = share(counts);
        return {
          code,
          ...counts,
          percent_agreement:
            observed === null ? undefinedCoefficient('neither coder coded this code') : defined(observed, 'none'),
        };
      });
      const observed = share(total);
      pairs.push({
        coders: [data.coders[a]!, data.coders[b]!],
        ...total,
        percent_agreement:
          observed === null ? undefinedCoefficient('neither coder coded anything') : defined(observed, 'none'),
        brennan_prediger:
          observed === null
            ? undefinedCoefficient('neither coder coded anything')
            : chance < 1
              ? defined((observed - chance) / (1 - chance), 'kappa')
              : undefinedCoefficient('with a single code, chance agreement 1 / number of codes is 1'),
        by_code,
      });
    }
  }
  return { overlap, chance, pairs };
}
