import { type Coefficient, undefinedCoefficient } from './coefficient.js';
import type { SpansData } from './input.js';
import { type Positions, positionsLike } from './intervals.js';
import { type CodedRuns, sortByStart } from './runs.js';
import {
  binaryUAlphaOf,
  expectedDisagreement,
  observedDisagreement,
  uAlpha,
  uAlphaFamily,
  type ValuedUnitization,
} from './unitizing.js';

export interface CodeUnitizing {
  /** Krippendorff (1995/2004) u-alpha for this code: sensitive to where each coded stretch begins and ends. */
  u_alpha: Coefficient;
  /** Krippendorff (2019) |u-alpha: agreement on which stretches carry this code at all. */
  binary_u_alpha: Coefficient;
  /** Krippendorff (2019) (c)u-alpha of this code among all codes, on stretches that coders both coded. */
  cu_alpha: Coefficient;
  coverage?: number;
}

export interface ProjectUnitizing {
  n_documents: number;
  u_alpha: Coefficient;
  binary_u_alpha: Coefficient;
  cu_alpha: Coefficient;
}

export interface ProjectUnitizingResult {
  report: ProjectUnitizing;
  perValue: Coefficient[] | null;
  coverage: number[] | null;
  reason: string;
}

/** The documents every coder was assigned, laid end to end as one continuum. */
function continuum(data: SpansData): { documents: Int32Array; offsets: Float64Array } {
  const coders = data.coders.length;
  const everyone: number[] = [];
  for (let d = 0; d < data.documents.length; d++) {
    let all = true;
    for (let c = 0; c < coders; c++) if (!data.assigned[d * coders + c]) all = false;
    if (all) everyone.push(d);
  }
  const documents = Int32Array.from(everyone);
  const offsets = new Float64Array(documents.length + 1);
  documents.forEach((d, i) => {
    offsets[i + 1] = offsets[i]! + data.lengths[d]!;
  });
  return { documents, offsets };
}

function whyNot(data: SpansData, documents: Int32Array, length: number): string | null {
  if (data.segments !== null)
    return 'unitizing alpha compares boundaries on the character continuum; not computed for segment units';
  if (data.coders.length < 2) return 'needs at least two coders';
  if (documents.length === 0) return 'no document was assigned to every coder';
  if (length === 0) return 'the documents assigned to every coder are empty';
  return null;
}

/**
 * What every code's unitizing shares: the continuum, why it cannot be computed (null when it can), the project-wide
 * family, and scratch space for the largest code, so that no code allocates its own.
 */
export interface UnitizingPlan {
  reason: string | null;
  /** 1 for the documents on the continuum. */
  onContinuum: Uint8Array;
  documents: Int32Array;
  length: number;
  project: ProjectUnitizingResult;
  unitLengths: Positions;
  gapLengths: Positions;
  covered: Float64Array;
}

export function unitizingPlan(data: SpansData, runs: CodedRuns): UnitizingPlan {
  const { documents, offsets } = continuum(data);
  const length = offsets[offsets.length - 1]!;
  const reason = whyNot(data, documents, length);
  const onContinuum = new Uint8Array(data.documents.length);
  for (const d of documents) onContinuum[d] = 1;
  const mostUnits = reason === null ? mostUnitsOfOneCode(data, runs, documents) : 0;
  return {
    reason,
    onContinuum,
    documents,
    length,
    project: projectUnitizing(data, runs, documents, offsets, reason),
    unitLengths: positionsLike(runs.lengths, mostUnits),
    // each coder has at most one gap more than units in a document
    gapLengths: positionsLike(runs.lengths, reason === null ? mostUnits + data.coders.length * documents.length : 0),
    covered: new Float64Array(data.coders.length),
  };
}

function mostUnitsOfOneCode(data: SpansData, runs: CodedRuns, documents: Int32Array): number {
  const nDocuments = data.documents.length;
  const coders = data.coders.length;
  let most = 0;
  for (let k = 0; k < data.codes.length; k++) {
    let units = 0;
    for (let i = 0; i < documents.length; i++) {
      const g = (k * nDocuments + documents[i]!) * coders;
      units += runs.offsets[g + coders]! - runs.offsets[g]!;
    }
    most = Math.max(most, units);
  }
  return most;
}

/**
 * One code's unitizing, from the pairs' sums (`comparePair`, pair by pair as in `uAlphaParts`) that the span engine
 * accumulated over the continuum's documents while counting its tables.
 */
export function codeUnitizing(
  plan: UnitizingPlan,
  data: SpansData,
  runs: CodedRuns,
  code: number,
  pairSums: Float64Array,
): CodeUnitizing {
  const { project, length } = plan;
  if (plan.reason !== null) {
    const missing = undefinedCoefficient(plan.reason);
    return { u_alpha: missing, binary_u_alpha: missing, cu_alpha: missing };
  }
  const coders = data.coders.length;
  const { unitLengths, gapLengths, covered } = plan;
  const collected = collectUnits(plan, data, runs, code);
  const parts = {
    observed: observedDisagreement(pairSums, coders, length),
    expected: expectedDisagreement(unitLengths, collected.units, gapLengths, collected.gaps, coders, length),
  };
  const result: CodeUnitizing = {
    u_alpha: uAlpha(parts),
    binary_u_alpha: binaryUAlphaOf(covered, collected.selfPairing, pairSums, length),
    cu_alpha: project.perValue?.[code] ?? undefinedCoefficient(project.reason),
  };
  const coverage = project.coverage?.[code];
  if (coverage !== undefined) result.coverage = coverage;
  return result;
}

/**
 * Code k's unit and gap lengths on the continuum, coder by coder and document by document, into the plan's scratch,
 * and each coder's covered length. Also returns the self-pairing sum of |u-alpha: per coder the squared unit lengths
 * plus the uncovered length.
 */
function collectUnits(plan: UnitizingPlan, data: SpansData, runs: CodedRuns, code: number) {
  const { documents, unitLengths, gapLengths, covered, length } = plan;
  const nDocuments = data.documents.length;
  const coders = data.coders.length;
  let unitCount = 0;
  let gapCount = 0;
  let selfPairing = 0;
  for (let c = 0; c < coders; c++) {
    let coveredByCoder = 0;
    for (let i = 0; i < documents.length; i++) {
      const d = documents[i]!;
      const g = (code * nDocuments + d) * coders + c;
      let position = 0;
      for (let r = runs.offsets[g]!; r < runs.offsets[g + 1]!; r++) {
        const start = runs.starts[r]!;
        const l = runs.ends[r]! - start;
        if (start > position) gapLengths[gapCount++] = start - position;
        position = runs.ends[r]!;
        unitLengths[unitCount++] = l;
        coveredByCoder += l;
        selfPairing += l * l;
      }
      if (runs.lengths[d]! > position) gapLengths[gapCount++] = runs.lengths[d]! - position;
    }
    covered[c] = coveredByCoder;
    selfPairing += length - coveredByCoder;
  }
  return { units: unitCount, gaps: gapCount, selfPairing };
}

/** One coder's runs of one code over the continuum's documents, in continuum coordinates. */
function codeRuns(
  runs: CodedRuns,
  data: SpansData,
  code: number,
  coder: number,
  documents: Int32Array,
  offsets: Float64Array,
) {
  const nDocuments = data.documents.length;
  const coders = data.coders.length;
  let count = 0;
  for (const d of documents) {
    const g = (code * nDocuments + d) * coders + coder;
    count += runs.offsets[g + 1]! - runs.offsets[g]!;
  }
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  let at = 0;
  documents.forEach((d, i) => {
    const g = (code * nDocuments + d) * coders + coder;
    for (let r = runs.offsets[g]!; r < runs.offsets[g + 1]!; r++) {
      starts[at] = runs.starts[r]! + offsets[i]!;
      ends[at] = runs.ends[r]! + offsets[i]!;
      at++;
    }
  });
  return { starts, ends };
}

/** Per document, does any coder's runs of different codes overlap? Stops at the first coder that does. */
function firstCoderWithOverlappingCodes(data: SpansData, runs: CodedRuns, documents: Int32Array): number | null {
  const nDocuments = data.documents.length;
  const coders = data.coders.length;
  let scratch = new Int32Array(64);
  for (const d of documents) {
    for (let c = 0; c < coders; c++) {
      let count = 0;
      for (let k = 0; k < data.codes.length; k++) {
        const g = (k * nDocuments + d) * coders + c;
        for (let r = runs.offsets[g]!; r < runs.offsets[g + 1]!; r++) {
          if (count === scratch.length) {
            const bigger = new Int32Array(count * 2);
            bigger.set(scratch);
            scratch = bigger;
          }
          scratch[count++] = r;
        }
      }
      sortByStart(scratch, 0, count, runs.starts);
      for (let i = 1; i < count; i++) if (runs.starts[scratch[i]!]! < runs.ends[scratch[i - 1]!]!) return c;
    }
  }
  return null;
}

/** The 2019 family over all codes, when no coder gave two codes to the same stretch (each stretch has one value). */
function projectUnitizing(
  data: SpansData,
  runs: CodedRuns,
  documents: Int32Array,
  offsets: Float64Array,
  reason: string | null,
): ProjectUnitizingResult {
  const length = offsets[offsets.length - 1]!;
  const blocked = (reason: string): ProjectUnitizingResult => {
    const missing = undefinedCoefficient(reason);
    return {
      report: { n_documents: documents.length, u_alpha: missing, binary_u_alpha: missing, cu_alpha: missing },
      perValue: null,
      coverage: null,
      reason,
    };
  };
  if (reason !== null) return blocked(reason);
  if (data.codes.length === 0) return blocked('no codes');
  const overlapping = firstCoderWithOverlappingCodes(data, runs, documents);
  if (overlapping !== null) {
    return blocked(
      `coder ${JSON.stringify(data.coders[overlapping])} gave two codes to the same stretch; the u-alpha family across codes needs one code per stretch (see each code's binary_u_alpha)`,
    );
  }
  const observers: ValuedUnitization[] = data.coders.map((_, c) => {
    const perCode = data.codes.map((_, k) => codeRuns(runs, data, k, c, documents, offsets));
    const total = perCode.reduce((sum, r) => sum + r.starts.length, 0);
    const starts = new Float64Array(total);
    const ends = new Float64Array(total);
    const values = new Int32Array(total);
    let at = 0;
    perCode.forEach((r, k) => {
      starts.set(r.starts, at);
      ends.set(r.ends, at);
      values.fill(k + 1, at, at + r.starts.length);
      at += r.starts.length;
    });
    const order = Int32Array.from({ length: total }, (_, i) => i);
    sortByStart(order, 0, total, starts);
    return {
      starts: Float64Array.from(order, (i) => starts[i]!),
      ends: Float64Array.from(order, (i) => ends[i]!),
      values: Int32Array.from(order, (i) => values[i]!),
    };
  });
  const family = uAlphaFamily(observers, length, data.codes.length);
  return {
    report: {
      n_documents: documents.length,
      u_alpha: family.u_alpha,
      binary_u_alpha: family.binary_u_alpha,
      cu_alpha: family.cu_alpha,
    },
    perValue: family.per_value,
    coverage: family.coverage,
    reason: '',
  };
}
