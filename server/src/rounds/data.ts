import { createHash } from 'node:crypto';
import { type Coding, docName, type ResolvedTurn, readCodings, readTurns, transcriptText } from '@accord/shared';
import { LEGACY_SEGMENTATION, type SegmentationVersion, transcriptLanguage } from '@accord/shared/text/index';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import type { Round, SnapshotRecord } from '../metadata/schema.js';
import { nameDoc } from '../sync/skippedEntries.js';

/**
 * A round's documents as agreement and review read them: after reveal from the immutable reveal snapshots
 * (cached, they never change), while a round runs from the live documents (an open round's live dashboard, or an
 * owner's audited look into a blind one).
 */
export interface RoundTranscript {
  id: string;
  text: string;
  turns: ResolvedTurn[];
  coders: string[];
  /** The language its units are cut with: recorded at reveal, else the transcript's (or the guess from its text). */
  language: string | null;
  textDoc: Y.Doc;
  /** Per coder: the layer document (for anchors) and its codings at absolute offsets. */
  layers: Map<string, { doc: Y.Doc; codings: Coding[] }>;
}

export interface RoundData {
  source: 'snapshot' | 'live';
  /** The round's segmentation version: rounds from before versioning read as version 1, so their figures stay. */
  segmentation: SegmentationVersion;
  transcripts: RoundTranscript[];
}

export const roundSegmentation = (round: Pick<Round, 'segmentation'>): SegmentationVersion =>
  round.segmentation ?? LEGACY_SEGMENTATION;

/**
 * The language a round's transcript is segmented with: what was recorded at reveal (so a language changed later
 * changes no revealed figure), else the transcript's own, else the guess from its text; null for the root rules.
 */
export async function roundLanguage(
  ctx: AppContext,
  round: Round,
  transcriptId: string,
  text: string,
): Promise<string | null> {
  if (round.status === 'revealed' && round.languages !== undefined) return round.languages[transcriptId] ?? null;
  const meta = await ctx.metadata.transcripts.get(round.projectId, transcriptId);
  return transcriptLanguage(text, meta?.language) ?? null;
}

export const revealSnapshotId = (round: Pick<Round, 'id'>) => `round-${round.id}`;
export const FROZEN_CODEBOOK_SNAPSHOT = 'frozen';

export const textDocName = (projectId: string, transcript: string) =>
  docName({ kind: 'text', project: projectId, transcript });
export const layerDocName = (projectId: string, transcript: string, coder: string) =>
  docName({ kind: 'codings', project: projectId, transcript, coder });

/** Writes a named snapshot, or (after a crash half-way through a reveal) verifies and reuses the one written. */
export async function snapshotOnce(ctx: AppContext, name: string, snapshotId: string): Promise<SnapshotRecord> {
  try {
    const { sha256, bytes } = await ctx.sync.snapshot(name, snapshotId);
    return { docName: name, snapshotId, sha256, bytes };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const state = await ctx.sync.readSnapshot(name, snapshotId);
    return { docName: name, snapshotId, sha256: createHash('sha256').update(state).digest('hex'), bytes: state.length };
  }
}

/** A private copy of a live document: read without holding its lock while computing. */
export async function copyOfLiveDoc(ctx: AppContext, name: string): Promise<Y.Doc> {
  const state = await ctx.sync.withDoc(name, (doc) => Y.encodeStateAsUpdate(doc));
  const copy = nameDoc(new Y.Doc(), name);
  Y.applyUpdate(copy, state);
  return copy;
}

async function snapshotDoc(ctx: AppContext, round: Round, name: string): Promise<Y.Doc> {
  const record = round.snapshots.find((snapshot) => snapshot.docName === name);
  if (record === undefined) throw new Error(`round ${round.id} has no reveal snapshot of ${name}`);
  const state = await ctx.sync.readSnapshot(name, record.snapshotId);
  const doc = nameDoc(new Y.Doc(), `${name}@${record.snapshotId}`);
  Y.applyUpdate(doc, state);
  return doc;
}

async function load(ctx: AppContext, round: Round, source: RoundData['source']): Promise<RoundData> {
  const open = (name: string) => (source === 'snapshot' ? snapshotDoc(ctx, round, name) : copyOfLiveDoc(ctx, name));
  const transcripts: RoundTranscript[] = [];
  for (const assignment of round.assignments) {
    const textDoc = await open(textDocName(round.projectId, assignment.transcriptId));
    const layers: RoundTranscript['layers'] = new Map();
    for (const coder of assignment.coders) {
      const doc = await open(layerDocName(round.projectId, assignment.transcriptId, coder));
      layers.set(coder, { doc, codings: readCodings(doc, textDoc) });
    }
    const text = transcriptText(textDoc).toString();
    transcripts.push({
      id: assignment.transcriptId,
      text,
      turns: readTurns(textDoc),
      coders: [...assignment.coders],
      language: await roundLanguage(ctx, round, assignment.transcriptId, text),
      textDoc,
      layers,
    });
  }
  return { source, segmentation: roundSegmentation(round), transcripts };
}

const SNAPSHOT_CACHE_ROUNDS = 8;
const snapshotCache = new Map<string, Promise<RoundData>>();

/** The round's data: the reveal snapshots once revealed, the live documents before. */
export function loadRoundData(ctx: AppContext, round: Round): Promise<RoundData> {
  if (round.status === 'running') return load(ctx, round, 'live');
  // The segmentation and languages are part of the key: they are the round's own record, never the snapshots'.
  const key = `${ctx.config.dataDir}\u0000${round.id}\u0000${roundSegmentation(round)}\u0000${JSON.stringify(round.languages ?? null)}`;
  let cached = snapshotCache.get(key);
  if (cached === undefined) {
    cached = load(ctx, round, 'snapshot');
    cached.catch(() => snapshotCache.delete(key));
    snapshotCache.set(key, cached);
    if (snapshotCache.size > SNAPSHOT_CACHE_ROUNDS) snapshotCache.delete(snapshotCache.keys().next().value!);
  } else {
    // Most recently used last, so the oldest is evicted first.
    snapshotCache.delete(key);
    snapshotCache.set(key, cached);
  }
  return cached;
}
