import type { DecisionRecord } from '../model/consensus.js';

/**
 * Where two coders' layers on one transcript disagree, as a reviewer reads it: a passage coded by one coder only,
 * the same passage given different codes, or the same code with different boundaries. Pure, so the server (review
 * lists from reveal snapshots) and the client (live review) classify identically.
 */
export interface LayerCoding {
  id: string;
  code: string;
  start: number;
  end: number;
  memo?: string;
}

export interface Layer {
  coder: string;
  codings: readonly LayerCoding[];
}

export type DisagreementKind = 'oneCoderOnly' | 'differentCodes' | 'differentBoundaries';
export const DISAGREEMENT_KINDS: readonly DisagreementKind[] = [
  'oneCoderOnly',
  'differentCodes',
  'differentBoundaries',
];

export interface Disagreement {
  /** Stable for the same coder pair and the same codings, so a decision can refer to it. */
  id: string;
  kind: DisagreementKind;
  coders: [string, string];
  /** The passage: from the first start to the last end of the codings involved. */
  start: number;
  end: number;
  /** Distinct codes involved, sorted. */
  codes: string[];
  /** Each coder's version of the passage, sorted by start. */
  a: LayerCoding[];
  b: LayerCoding[];
}

type QuotedCoding = Disagreement['a'][number] & { text: string };

/** A disagreement as the review list shows it: with the passage, its speaker, and both versions. */
export interface ReviewItem extends Omit<Disagreement, 'a' | 'b'> {
  transcriptId: string;
  text: string;
  speaker: string | null;
  /** Text around the passage, so a reviewer reads it in context. */
  before: string;
  after: string;
  a: QuotedCoding[];
  b: QuotedCoding[];
  /** The decision recorded for it, if any. */
  resolution: Pick<DecisionRecord, 'decision' | 'decidedBy' | 'decidedAt' | 'memo' | 'code'> | null;
}

export interface LayerComparison {
  /** Codings that are identical (code, start, end) in both layers. */
  agreements: { a: LayerCoding; b: LayerCoding }[];
  disagreements: Disagreement[];
}

/**
 * Two codings with different codes are on "the same passage" when they overlap by at least this share of the
 * shorter one; a smaller overlap is two neighbouring passages, each coded by one coder only.
 */
export const SAME_PASSAGE_OVERLAP = 0.5;

const overlap = (x: LayerCoding, y: LayerCoding) => Math.min(x.end, y.end) - Math.max(x.start, y.start);
const exactKey = (c: LayerCoding) => `${c.code}\u0000${c.start}\u0000${c.end}`;

interface Node {
  side: 'a' | 'b';
  coding: LayerCoding;
  /** Part of an exact match: it never forms a disagreement by itself, but shows where the other coder's boundary is. */
  matched: boolean;
}

class UnionFind {
  private readonly parent: number[];
  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root]!;
    for (let j = i; this.parent[j] !== root; ) {
      const next = this.parent[j]!;
      this.parent[j] = root;
      j = next;
    }
    return root;
  }
  union(i: number, j: number): void {
    const ri = this.find(i);
    const rj = this.find(j);
    if (ri !== rj) this.parent[Math.max(ri, rj)] = Math.min(ri, rj);
  }
}

/** Calls fn for every pair of nodes whose codings overlap, by a sweep over starts (no all-pairs scan). */
function forOverlapping(nodes: readonly Node[], fn: (i: number, j: number) => void): void {
  const order = nodes.map((_, i) => i).sort((i, j) => nodes[i]!.coding.start - nodes[j]!.coding.start);
  const active: number[] = [];
  for (const i of order) {
    const start = nodes[i]!.coding.start;
    for (let k = active.length - 1; k >= 0; k--) if (nodes[active[k]!]!.coding.end <= start) active.splice(k, 1);
    for (const j of active) fn(j, i);
    active.push(i);
  }
}

function groups(size: number, sets: UnionFind): number[][] {
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < size; i++) {
    const root = sets.find(i);
    const group = byRoot.get(root);
    if (group) group.push(i);
    else byRoot.set(root, [i]);
  }
  return [...byRoot.values()];
}

/** Classifies every difference between layer `a` and layer `b` of one transcript. */
export function compareLayers(a: Layer, b: Layer): LayerComparison {
  const agreements: LayerComparison['agreements'] = [];
  const unmatchedB = new Map<string, LayerCoding[]>();
  for (const coding of b.codings) {
    const key = exactKey(coding);
    const list = unmatchedB.get(key);
    if (list) list.push(coding);
    else unmatchedB.set(key, [coding]);
  }
  const matchedKeys = new Set<string>();
  const nodes: Node[] = [];
  for (const coding of a.codings) {
    const key = exactKey(coding);
    const partner = unmatchedB.get(key)?.shift();
    if (partner) {
      agreements.push({ a: coding, b: partner });
      matchedKeys.add(key);
      nodes.push({ side: 'a', coding, matched: true }, { side: 'b', coding: partner, matched: true });
    } else {
      nodes.push({ side: 'a', coding, matched: matchedKeys.has(key) });
    }
  }
  for (const list of unmatchedB.values()) {
    // A coder's own duplicate of an agreed coding changes nothing under union semantics: not a disagreement.
    for (const coding of list) nodes.push({ side: 'b', coding, matched: matchedKeys.has(exactKey(coding)) });
  }
  // An A duplicate seen before its match was made is also redundant.
  for (const node of nodes) if (!node.matched && matchedKeys.has(exactKey(node.coding))) node.matched = true;

  // Step 1: same code, overlapping, across or within layers.
  const sameCode = new UnionFind(nodes.length);
  forOverlapping(nodes, (i, j) => {
    if (nodes[i]!.coding.code === nodes[j]!.coding.code) sameCode.union(i, j);
  });
  const disagreements: Disagreement[] = [];
  const oneSided: number[][] = [];
  for (const group of groups(nodes.length, sameCode)) {
    if (group.every((i) => nodes[i]!.matched)) continue;
    const sides = new Set(group.map((i) => nodes[i]!.side));
    if (sides.size === 2) disagreements.push(build('differentBoundaries', group, nodes, a.coder, b.coder));
    else oneSided.push(group.filter((i) => !nodes[i]!.matched));
  }

  // Step 2: one-sided groups on the same passage with a one-sided group of the other coder: different codes.
  const members: Node[] = [];
  const groupOf: number[] = [];
  oneSided.forEach((group, g) => {
    for (const i of group) {
      members.push(nodes[i]!);
      groupOf.push(g);
    }
  });
  const passages = new UnionFind(oneSided.length);
  forOverlapping(members, (i, j) => {
    const x = members[i]!;
    const y = members[j]!;
    if (x.side === y.side) return;
    const shorter = Math.min(x.coding.end - x.coding.start, y.coding.end - y.coding.start);
    if (overlap(x.coding, y.coding) >= SAME_PASSAGE_OVERLAP * shorter) passages.union(groupOf[i]!, groupOf[j]!);
  });
  for (const merged of groups(oneSided.length, passages)) {
    const indices = merged.flatMap((g) => oneSided[g]!);
    const kind = merged.length > 1 ? 'differentCodes' : 'oneCoderOnly';
    disagreements.push(build(kind, indices, nodes, a.coder, b.coder));
  }
  disagreements.sort((x, y) => x.start - y.start || x.end - y.end || x.id.localeCompare(y.id));
  return { agreements, disagreements };
}

const byPosition = (x: LayerCoding, y: LayerCoding) => x.start - y.start || x.end - y.end || x.id.localeCompare(y.id);

function build(
  kind: DisagreementKind,
  indices: readonly number[],
  nodes: readonly Node[],
  coderA: string,
  coderB: string,
): Disagreement {
  const side = (s: 'a' | 'b') =>
    indices
      .map((i) => nodes[i]!)
      .filter((node) => node.side === s)
      .map((node) => node.coding)
      .sort(byPosition);
  const a = side('a');
  const b = side('b');
  const all = [...a, ...b];
  return {
    id: disagreementId(coderA, coderB, a, b),
    kind,
    coders: [coderA, coderB],
    start: Math.min(...all.map((c) => c.start)),
    end: Math.max(...all.map((c) => c.end)),
    codes: [...new Set(all.map((c) => c.code))].sort(),
    a,
    b,
  };
}

/** Two independent 32-bit FNV-1a hashes of the coder pair and the coding ids: 16 hex characters. */
export function disagreementId(
  coderA: string,
  coderB: string,
  a: readonly LayerCoding[],
  b: readonly LayerCoding[],
): string {
  const text = [coderA, coderB, ...a.map((c) => c.id).sort(), '|', ...b.map((c) => c.id).sort()].join('\u0000');
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
    h2 ^= h2 >>> 15;
  }
  return `${h1.toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}

/** The passage's text (shortened in the middle when long) and the speaker of the turn it starts in. */
export function describePassage(
  text: string,
  turns: readonly { start: number; end: number; speaker: string | null }[],
  start: number,
  end: number,
  maxLength = 600,
): { text: string; speaker: string | null } {
  const passage = text.slice(start, end);
  const shown =
    passage.length <= maxLength
      ? passage
      : `${passage.slice(0, Math.floor(maxLength / 2))} … ${passage.slice(passage.length - Math.floor(maxLength / 2))}`;
  const turn = turns.find((candidate) => candidate.start <= start && start < candidate.end);
  return { text: shown, speaker: turn?.speaker ?? null };
}
