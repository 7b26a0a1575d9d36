/**
 * Deterministic generator of a big project's `accord agreement` spans input: coders code the same underlying
 * passages with jittered boundaries, miss some and add a few of their own, so agreement is realistic (kappa ~0.6).
 */
import { seededRandom } from '../../shared/dist/agreement/bootstrap.js';

export const BIG = { documents: 400, length: 60_000, coders: 6, codes: 40, passagesPerDocument: 54 };

export function generateSpansInput(options = BIG, seed = 20240601) {
  const random = seededRandom(seed);
  const int = (n) => Math.floor(random() * n);
  const coders = Array.from({ length: options.coders }, (_, c) => `coder${c + 1}`);
  const codes = Array.from({ length: options.codes }, (_, k) => `code${String(k + 1).padStart(2, '0')}`);
  const documents = Array.from({ length: options.documents }, (_, d) => ({ id: `t${d + 1}`, length: options.length }));
  const codings = [];
  for (const document of documents) {
    for (let p = 0; p < options.passagesPerDocument; p++) {
      const code = codes[int(codes.length)];
      const start = int(document.length - 2000);
      const end = start + 50 + int(1500);
      for (const coder of coders) {
        if (random() < 0.18) continue;
        const s = Math.max(0, start + int(121) - 60);
        const e = Math.min(document.length, Math.max(s + 1, end + int(121) - 60));
        codings.push({ document: document.id, coder, code, start: s, end: e });
      }
      if (random() < 0.15) {
        const coder = coders[int(coders.length)];
        const s = int(document.length - 1000);
        codings.push({
          document: document.id,
          coder,
          code: codes[int(codes.length)],
          start: s,
          end: s + 20 + int(800),
        });
      }
    }
  }
  return { kind: 'spans', documents, codings, coders, by_document: false };
}
