import type { AnalysisCoding } from './types.js';

/**
 * Code co-occurrence.
 *
 * Two codings *overlap* when they are in the same transcript and the same layer and their half-open ranges share
 * at least one character: `max(a.start, b.start) < min(a.end, b.end)`. The same segment coded twice overlaps;
 * codings that only touch (`a.end === b.start`) do not; codings in different layers never do (two coders applying
 * different codes to one passage is disagreement, not co-occurrence).
 *
 * The count of a pair of codes is the number of overlapping pairs of codings with those codes, so a passage coded
 * A once and B twice counts 2. Two overlapping codings of the same code are not counted: the diagonal holds the
 * number of codings of each code instead.
 */
export interface CooccurrenceMatrix {
  codes: readonly string[];
  /** Row-major `codes.length` x `codes.length`, symmetric; `counts[i * n + i]` is the number of codings of code i. */
  counts: Uint32Array;
}

/** The positions in `codings` sorted by transcript, layer, start; each group is swept separately. */
function sweepOrder(codings: readonly AnalysisCoding[], keep: (coding: AnalysisCoding) => boolean) {
  // Group ids come from a two-level map so that no key string is built per coding.
  const groups = new Map<string, Map<string, number>>();
  let groupCount = 0;
  const indices: number[] = [];
  const group = new Int32Array(codings.length);
  for (let i = 0; i < codings.length; i++) {
    const coding = codings[i]!;
    if (!keep(coding) || !(coding.end > coding.start)) continue;
    let layers = groups.get(coding.transcript);
    if (layers === undefined) {
      layers = new Map();
      groups.set(coding.transcript, layers);
    }
    let id = layers.get(coding.layer);
    if (id === undefined) {
      id = groupCount++;
      layers.set(coding.layer, id);
    }
    group[i] = id;
    indices.push(i);
  }
  const order = Uint32Array.from(indices);
  order.sort((a, b) => group[a]! - group[b]! || codings[a]!.start - codings[b]!.start);
  return { order, group };
}

/**
 * Calls `visit(earlier, later)` with the positions in `codings` of every overlapping pair, `earlier` starting no
 * later than `later`. One sweep over each group's codings sorted by start keeps the codings still open; a coding
 * ending at or before the next start is closed. Cost: a sort plus the number of overlapping pairs.
 */
export function forEachOverlap(
  codings: readonly AnalysisCoding[],
  visit: (earlier: number, later: number) => void,
  keep: (coding: AnalysisCoding) => boolean = () => true,
): void {
  const { order, group } = sweepOrder(codings, keep);
  const open = new Uint32Array(order.length);
  let openCount = 0;
  let currentGroup = -1;
  for (const i of order) {
    const coding = codings[i]!;
    if (group[i] !== currentGroup) {
      currentGroup = group[i]!;
      openCount = 0;
    }
    let kept = 0;
    for (let k = 0; k < openCount; k++) {
      const j = open[k]!;
      if (codings[j]!.end > coding.start) open[kept++] = j;
    }
    openCount = kept;
    for (let k = 0; k < openCount; k++) visit(open[k]!, i);
    open[openCount++] = i;
  }
}

/** The co-occurrence matrix of `codes`; codings of other codes (deleted, filtered out) are ignored. */
export function cooccurrence(codings: readonly AnalysisCoding[], codes: readonly string[]): CooccurrenceMatrix {
  const n = codes.length;
  const indexOf = new Map(codes.map((code, i) => [code, i]));
  const row = new Int32Array(codings.length).fill(-1);
  for (let i = 0; i < codings.length; i++) row[i] = indexOf.get(codings[i]!.code) ?? -1;
  const counts = new Uint32Array(n * n);
  const keep = (coding: AnalysisCoding) => indexOf.has(coding.code);
  for (let i = 0; i < codings.length; i++) {
    const r = row[i]!;
    if (r >= 0 && codings[i]!.end > codings[i]!.start) counts[r * n + r]!++;
  }
  forEachOverlap(
    codings,
    (a, b) => {
      const ra = row[a]!;
      const rb = row[b]!;
      if (ra === rb) return;
      counts[ra * n + rb]!++;
      counts[rb * n + ra]!++;
    },
    keep,
  );
  return { codes, counts };
}

export function cooccurrenceCount(matrix: CooccurrenceMatrix, a: string, b: string): number {
  const i = matrix.codes.indexOf(a);
  const j = matrix.codes.indexOf(b);
  return i < 0 || j < 0 ? 0 : matrix.counts[i * matrix.codes.length + j]!;
}

/**
 * Atlas.ti's c-coefficient, `n_ab / (n_a + n_b - n_ab)`, 0..1: how strongly two codes go together regardless of
 * how often each is used (the heat map's normalised view). Null when neither code is used. Pair counts can exceed
 * code counts (one coding overlapping several), so the value is capped at 1.
 */
export function cCoefficient(matrix: CooccurrenceMatrix, i: number, j: number): number | null {
  const n = matrix.codes.length;
  const countI = matrix.counts[i * n + i]!;
  const countJ = matrix.counts[j * n + j]!;
  if (countI + countJ === 0) return null;
  if (i === j) return 1;
  const both = matrix.counts[i * n + j]!;
  const union = countI + countJ - both;
  return union <= 0 ? 1 : Math.min(1, both / union);
}

/** One overlapping pair behind a cell of the matrix: the two codings and the characters they share. */
export interface CooccurringPair {
  transcript: string;
  layer: string;
  a: AnalysisCoding;
  b: AnalysisCoding;
  start: number;
  end: number;
}

/** The overlapping pairs of codings of codes `a` and `b` (a click on a heat map cell), in text order. */
export function cooccurringPairs(codings: readonly AnalysisCoding[], a: string, b: string): CooccurringPair[] {
  const pairs: CooccurringPair[] = [];
  if (a === b) return pairs;
  forEachOverlap(
    codings,
    (x, y) => {
      const first = codings[x]!;
      const second = codings[y]!;
      if (first.code === second.code) return;
      const [ca, cb] = first.code === a ? [first, second] : [second, first];
      pairs.push({
        transcript: first.transcript,
        layer: first.layer,
        a: ca,
        b: cb,
        start: second.start,
        end: Math.min(first.end, second.end),
      });
    },
    (coding) => coding.code === a || coding.code === b,
  );
  return pairs;
}
