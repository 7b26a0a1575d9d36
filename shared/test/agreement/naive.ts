import { type Coefficient, cohenKappa, krippendorffAlpha, scottPi } from '@accord/shared/agreement/index';
import { seededRandom } from '../../src/agreement/bootstrap.js';
import { fleissKappa, observedAgreement } from '../../src/agreement/multirater.js';
import type { Profiles } from '../../src/agreement/profiles.js';
import { agreementWeights } from '../../src/agreement/weights.js';

/**
 * The deliberately naive per-character reference: one byte per character per coder, counted cell by cell.
 * Test-only; the engine must agree with it and be far faster.
 */
export interface NaiveInput {
  documents: { id: string; length: number }[];
  codings: { document: string; coder: string; code: string; start: number; end: number }[];
  coders: string[];
  codes: string[];
  assignments?: Record<string, string[]>;
}

export interface NaivePair {
  table: { both: number; a_only: number; b_only: number; neither: number };
  cohen_kappa: Coefficient;
  scott_pi: Coefficient;
}

export interface NaiveCode {
  pairs: NaivePair[];
  byDocument: NaivePair['table'][][];
  fleiss_kappa: Coefficient;
  krippendorff_alpha: Coefficient;
}

export function naiveSpans(input: NaiveInput): NaiveCode[] {
  const identity = agreementWeights('identity', 2);
  const assigned = (doc: string, coder: string) => input.assignments?.[doc]?.includes(coder) ?? true;
  return input.codes.map((code) => {
    const marks = input.documents.map((doc) => input.coders.map(() => new Uint8Array(doc.length)));
    for (const c of input.codings) {
      if (c.code !== code) continue;
      const d = input.documents.findIndex((doc) => doc.id === c.document);
      const coder = input.coders.indexOf(c.coder);
      if (coder < 0) continue;
      for (let i = c.start; i < c.end; i++) marks[d]![coder]![i] = 1;
    }
    const pairs: NaivePair[] = [];
    const byDocument: NaivePair['table'][][] = [];
    for (let a = 0; a < input.coders.length; a++) {
      for (let b = a + 1; b < input.coders.length; b++) {
        const total = { both: 0, a_only: 0, b_only: 0, neither: 0 };
        const perDocument: NaivePair['table'][] = [];
        input.documents.forEach((doc, d) => {
          if (!assigned(doc.id, input.coders[a]!) || !assigned(doc.id, input.coders[b]!)) return;
          const t = { both: 0, a_only: 0, b_only: 0, neither: 0 };
          for (let i = 0; i < doc.length; i++) {
            const x = marks[d]![a]![i]!;
            const y = marks[d]![b]![i]!;
            if (x && y) t.both++;
            else if (x) t.a_only++;
            else if (y) t.b_only++;
            else t.neither++;
          }
          perDocument.push(t);
          total.both += t.both;
          total.a_only += t.a_only;
          total.b_only += t.b_only;
          total.neither += t.neither;
        });
        const pairTable = { q: 2, counts: new Float64Array([total.neither, total.b_only, total.a_only, total.both]) };
        pairs.push({ table: total, cohen_kappa: cohenKappa(pairTable, identity), scott_pi: scottPi(pairTable) });
        byDocument.push(perDocument);
      }
    }
    const rows: number[] = [];
    input.documents.forEach((doc, d) => {
      for (let i = 0; i < doc.length; i++) {
        let coded = 0;
        let rated = 0;
        input.coders.forEach((coder, c) => {
          if (!assigned(doc.id, coder)) return;
          rated++;
          coded += marks[d]![c]![i]!;
        });
        rows.push(rated - coded, coded);
      }
    });
    const profiles: Profiles = {
      q: 2,
      n: rows.length / 2,
      counts: Float64Array.from(rows),
      weights: new Float64Array(rows.length / 2).fill(1),
    };
    return {
      pairs,
      byDocument,
      fleiss_kappa: fleissKappa(profiles, identity, observedAgreement(profiles, identity)),
      krippendorff_alpha: krippendorffAlpha(profiles, 'nominal', null),
    };
  });
}

/** A small random project: a seeded generator so failures reproduce. */
export function randomProject(seed: number, options: { documents?: number; coders?: number; codes?: number } = {}) {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const documents = Array.from({ length: options.documents ?? 1 + int(4) }, (_, d) => ({
    id: `t${d}`,
    length: int(60),
  }));
  const coders = Array.from({ length: options.coders ?? 2 + int(3) }, (_, c) => `coder${c}`);
  const codes = Array.from({ length: options.codes ?? 1 + int(3) }, (_, k) => `code${k}`);
  const codings: NaiveInput['codings'] = [];
  for (const doc of documents) {
    for (const coder of coders) {
      for (const code of codes) {
        const count = int(4);
        for (let i = 0; i < count && doc.length > 0; i++) {
          const start = int(doc.length);
          const end = Math.min(doc.length, start + int(20));
          codings.push({ document: doc.id, coder, code, start, end });
        }
      }
    }
  }
  return { documents, coders, codes, codings, random };
}
