/**
 * The naive per-character reference the engine is measured against: one byte per character per coder for every
 * code and document, then a pass over every character for every coder pair and for all coders together.
 * Returns pooled tables per code and pair ("code|a|b" -> [both, a_only, b_only, neither]) for a cross-check.
 */
export function naiveSpans(input, documentLimit = Number.POSITIVE_INFINITY) {
  const documents = input.documents.slice(0, documentLimit);
  const coders = input.coders ?? [...new Set(input.codings.map((c) => c.coder))].sort();
  const codes = [...new Set(input.codings.map((c) => c.code))].sort();
  const documentIndex = new Map(documents.map((d, i) => [d.id, i]));
  const tables = new Map();
  const histograms = new Map();
  for (const code of codes) {
    const marks = documents.map((d) => coders.map(() => new Uint8Array(d.length)));
    for (const c of input.codings) {
      const d = documentIndex.get(c.document);
      if (c.code !== code || d === undefined) continue;
      marks[d][coders.indexOf(c.coder)].fill(1, c.start, c.end);
    }
    const histogram = new Float64Array(coders.length + 1);
    documents.forEach((document, d) => {
      for (let a = 0; a < coders.length; a++) {
        for (let b = a + 1; b < coders.length; b++) {
          const key = `${code}|${coders[a]}|${coders[b]}`;
          const t = tables.get(key) ?? [0, 0, 0, 0];
          const x = marks[d][a];
          const y = marks[d][b];
          for (let i = 0; i < document.length; i++) {
            if (x[i] && y[i]) t[0]++;
            else if (x[i]) t[1]++;
            else if (y[i]) t[2]++;
            else t[3]++;
          }
          tables.set(key, t);
        }
      }
      for (let i = 0; i < document.length; i++) {
        let k = 0;
        for (let c = 0; c < coders.length; c++) k += marks[d][c][i];
        histogram[k]++;
      }
    });
    histograms.set(code, histogram);
  }
  return { tables, histograms, kappas: [...tables.values()].map(cohenKappa) };
}

function cohenKappa([both, aOnly, bOnly, neither]) {
  const n = both + aOnly + bOnly + neither;
  const po = (both + neither) / n;
  const a = (both + aOnly) / n;
  const b = (both + bOnly) / n;
  const pe = a * b + (1 - a) * (1 - b);
  return pe < 1 ? (po - pe) / (1 - pe) : null;
}
