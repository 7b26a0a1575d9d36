import type { Disagreement, LayerCoding } from './disagreements.js';

/**
 * How an adjudicator resolves one disagreement into the consensus layer. `agreed` is not a choice: it marks
 * codings that were identical in every coder's layer and were carried into the consensus at reveal.
 */
export type ResolutionChoice = 'keepA' | 'keepB' | 'merge' | 'drop' | 'recode';
export const RESOLUTION_CHOICES: readonly ResolutionChoice[] = ['keepA', 'keepB', 'merge', 'drop', 'recode'];

/** A coding in one coder's layer, by coder and coding id. */
export interface SourceRef {
  coder: string;
  coding: string;
}

/**
 * One coding of the resolution. Its boundaries are taken from source codings (the coding whose start and whose
 * end it keeps), so the server can reuse their anchors in the transcript text instead of re-anchoring offsets.
 */
export interface ResolvedCoding {
  code: string;
  start: number;
  end: number;
  startFrom: SourceRef;
  endFrom: SourceRef;
}

export interface Resolution {
  choice: ResolutionChoice;
  /** For `recode`: the code the whole passage gets. */
  code?: string;
}

export class ResolutionError extends Error {
  override name = 'ResolutionError';
}

interface Sourced {
  coding: LayerCoding;
  coder: string;
}

const keep = (coder: string, codings: readonly LayerCoding[]): ResolvedCoding[] =>
  codings.map((c) => ({
    code: c.code,
    start: c.start,
    end: c.end,
    startFrom: { coder, coding: c.id },
    endFrom: { coder, coding: c.id },
  }));

/** Per code, the union of both coders' codings: overlapping or touching codings become one. */
function merge(sourced: readonly Sourced[]): ResolvedCoding[] {
  const result: ResolvedCoding[] = [];
  const codes = [...new Set(sourced.map((s) => s.coding.code))].sort();
  for (const code of codes) {
    const list = sourced.filter((s) => s.coding.code === code).sort((x, y) => x.coding.start - y.coding.start);
    let current: ResolvedCoding | null = null;
    for (const { coding, coder } of list) {
      if (current !== null && coding.start <= current.end) {
        if (coding.end > current.end) {
          current.end = coding.end;
          current.endFrom = { coder, coding: coding.id };
        }
        continue;
      }
      if (current !== null) result.push(current);
      current = {
        code,
        start: coding.start,
        end: coding.end,
        startFrom: { coder, coding: coding.id },
        endFrom: { coder, coding: coding.id },
      };
    }
    if (current !== null) result.push(current);
  }
  return result;
}

/** The consensus codings that a resolution of `disagreement` produces. */
export function resolveDisagreement(disagreement: Disagreement, resolution: Resolution): ResolvedCoding[] {
  const [coderA, coderB] = disagreement.coders;
  const sourced: Sourced[] = [
    ...disagreement.a.map((coding) => ({ coding, coder: coderA })),
    ...disagreement.b.map((coding) => ({ coding, coder: coderB })),
  ];
  switch (resolution.choice) {
    case 'keepA':
      return keep(coderA, disagreement.a);
    case 'keepB':
      return keep(coderB, disagreement.b);
    case 'merge':
      return merge(sourced);
    case 'drop':
      return [];
    case 'recode': {
      if (resolution.code === undefined || resolution.code === '')
        throw new ResolutionError('recode needs the code to apply');
      const first = sourced.reduce((x, y) => (y.coding.start < x.coding.start ? y : x));
      const last = sourced.reduce((x, y) => (y.coding.end > x.coding.end ? y : x));
      return [
        {
          code: resolution.code,
          start: first.coding.start,
          end: last.coding.end,
          startFrom: { coder: first.coder, coding: first.coding.id },
          endFrom: { coder: last.coder, coding: last.coding.id },
        },
      ];
    }
  }
}

/**
 * A decision in words, for people and methods sections ("kept Cora's coding"), never the stored value ("keepB").
 * `agreed` marks codings identical in every layer, carried into the consensus at reveal.
 */
export function describeDecision(
  decision: ResolutionChoice | 'agreed' | string,
  names: { coderA: string; coderB: string; code?: string | undefined },
): string {
  switch (decision) {
    case 'keepA':
      return `kept ${names.coderA}’s coding`;
    case 'keepB':
      return `kept ${names.coderB}’s coding`;
    case 'merge':
      return 'merged both codings';
    case 'drop':
      return 'dropped both codings';
    case 'recode':
      return names.code ? `recoded the passage as “${names.code}”` : 'recoded the passage';
    case 'agreed':
      return 'identical in every layer (agreed at reveal)';
    default:
      return decision;
  }
}
