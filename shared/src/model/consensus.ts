import type * as Y from 'yjs';
import { CODINGS_KEY, type Coding, resolveCoding, type StoredCoding } from './codings.js';
import { skipEntry } from './skipped.js';
import { isDecisionRecord, isProvenance, isReadableCoding } from './values.js';

/**
 * The consensus layer of a transcript (`p/<project>/t/<transcript>/consensus`): adjudicated codings under
 * `codings` (the same key and shape as a coder's layer, so anything that reads a layer reads the consensus),
 * each with its provenance, and every decision under `decisions`, keyed by disagreement id, including decisions
 * that leave no coding (a drop) and the memo explaining why.
 */
export const DECISIONS_KEY = 'decisions';

/** `agreed`: identical in every coder's layer, carried over at reveal; the others are an adjudicator's choice. */
export type ConsensusDecision = 'agreed' | 'keepA' | 'keepB' | 'merge' | 'drop' | 'recode';

export interface ConsensusSource {
  coder: string;
  coding: string;
}

export interface Provenance {
  decidedBy: string;
  /** Milliseconds since the epoch. */
  decidedAt: number;
  decision: ConsensusDecision;
  /** The coder codings this consensus coding came from. */
  sources: ConsensusSource[];
  memo: string;
  round: string;
  /** The disagreement it resolves; null for an agreed coding. */
  disagreement: string | null;
}

export interface StoredConsensusCoding extends StoredCoding {
  provenance: Provenance;
}

export interface ConsensusCoding extends Coding {
  provenance: Provenance;
}

export interface DecisionRecord {
  disagreement: string;
  round: string;
  kind: 'oneCoderOnly' | 'differentCodes' | 'differentBoundaries';
  coders: [string, string];
  decision: Exclude<ConsensusDecision, 'agreed'>;
  /** The code chosen by a recode. */
  code?: string;
  decidedBy: string;
  decidedAt: number;
  memo: string;
  sources: ConsensusSource[];
  /** Ids of the consensus codings this decision produced (none for a drop). */
  codings: string[];
}

export function consensusCodings(doc: Y.Doc): Y.Map<StoredConsensusCoding> {
  return doc.getMap<StoredConsensusCoding>(CODINGS_KEY);
}

export function consensusDecisions(doc: Y.Doc): Y.Map<DecisionRecord> {
  return doc.getMap<DecisionRecord>(DECISIONS_KEY);
}

const sameBytes = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((byte, i) => byte === y[i]);

/** The id of a consensus coding with the same code and the same anchors, if there is one. */
function findEqual(
  codings: Y.Map<StoredConsensusCoding>,
  coding: StoredCoding,
  except: ReadonlySet<string>,
): string | null {
  for (const [id, existing] of codings) {
    if (except.has(id) || !isReadableCoding(existing)) continue;
    if (
      existing.code === coding.code &&
      sameBytes(existing.start, coding.start) &&
      sameBytes(existing.end, coding.end)
    ) {
      return id;
    }
  }
  return null;
}

/**
 * Records a decision and its codings in one transaction. Deciding the same disagreement again replaces the
 * earlier decision's codings; a coding equal to one already in the layer (e.g. agreed) is not added twice.
 */
export function recordDecision(
  doc: Y.Doc,
  record: Omit<DecisionRecord, 'codings'>,
  codings: readonly { id: string; coding: StoredCoding }[],
): DecisionRecord {
  const map = consensusCodings(doc);
  const decisions = consensusDecisions(doc);
  const stored: DecisionRecord = { ...record, codings: [] };
  doc.transact(() => {
    const previous = decisions.get(record.disagreement);
    const replaced = new Set(isDecisionRecord(previous) ? previous.codings : []);
    for (const id of replaced) map.delete(id);
    for (const { id, coding } of codings) {
      if (findEqual(map, coding, replaced) !== null) continue;
      map.set(id, {
        ...coding,
        provenance: {
          decidedBy: record.decidedBy,
          decidedAt: record.decidedAt,
          decision: record.decision,
          sources: record.sources,
          memo: record.memo,
          round: record.round,
          disagreement: record.disagreement,
        },
      });
      stored.codings.push(id);
    }
    decisions.set(record.disagreement, stored);
  });
  return stored;
}

/** Adds codings that every coder agreed on, unless an equal coding is already in the layer. */
export function addAgreedCodings(
  doc: Y.Doc,
  codings: readonly { id: string; coding: StoredCoding; sources: ConsensusSource[] }[],
  by: { decidedBy: string; decidedAt: number; round: string },
): number {
  const map = consensusCodings(doc);
  let added = 0;
  doc.transact(() => {
    for (const { id, coding, sources } of codings) {
      if (findEqual(map, coding, new Set()) !== null) continue;
      map.set(id, {
        ...coding,
        provenance: { ...by, decision: 'agreed', sources, memo: '', disagreement: null },
      });
      added++;
    }
  });
  return added;
}

/** Every consensus coding with absolute offsets and provenance, sorted by start then end; unreadable ones skipped. */
export function readConsensus(consensusDoc: Y.Doc, textDoc: Y.Doc): ConsensusCoding[] {
  const result: ConsensusCoding[] = [];
  for (const [id, stored] of consensusCodings(consensusDoc)) {
    if (!isReadableCoding(stored) || !isProvenance(stored.provenance)) {
      skipEntry(consensusDoc, CODINGS_KEY, id);
      continue;
    }
    const coding = resolveCoding(textDoc, id, stored);
    if (coding !== null) result.push({ ...coding, provenance: stored.provenance });
  }
  return result.sort((a, b) => a.start - b.start || a.end - b.end);
}

export function readDecisions(doc: Y.Doc): DecisionRecord[] {
  const decisions: DecisionRecord[] = [];
  for (const [id, record] of consensusDecisions(doc)) {
    if (isDecisionRecord(record)) decisions.push(record);
    else skipEntry(doc, DECISIONS_KEY, id);
  }
  return decisions.sort((a, b) => a.decidedAt - b.decidedAt);
}
