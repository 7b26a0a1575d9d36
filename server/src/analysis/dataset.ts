import {
  type AnalysisCoding,
  type AnalysisScope,
  CONSENSUS_LAYER,
  COUNTING_RULE,
  type Code,
  type DocRef,
  describeScope,
  docName,
  MERGED_LAYER,
  mergeCodings,
  mergesLayers,
  readCodes,
  readRedirects,
  readTurns,
  resolveCode,
  resolveCoding,
  type SpeakerSpan,
  type StoredCoding,
  storedCodings,
  type TranscriptInfo,
  transcriptText,
} from '@accord/shared';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import { conflict, notFound } from '../errors.js';
import type { Project, TranscriptMeta } from '../metadata/schema.js';
import { AccessReader } from '../projects/docAccess.js';
import { transcriptsOf } from '../projects/transcripts.js';
import { loadRoundData } from '../rounds/data.js';
import { nameDoc } from '../sync/skippedEntries.js';

/**
 * Everything the analysis views compute on, for one caller and one scope (shared/src/analysis/scope.ts): the live
 * codebook, the transcripts, and the codings of the scope's layers that this caller may read.
 *
 * Each transcript's text and each layer go through `decideDocAccess`, exactly like a WebSocket join: a layer the
 * caller could not open is left out, silently, so the answer does not tell whether it exists. An owner's look
 * into a running blind round, which the round may allow (audited), is not taken by analysis: those layers are
 * read through the round's own views, never aggregated here. A round's snapshots are read only for layers the
 * caller may read live now, so a later blind round on the same transcripts hides them here too.
 */
export interface LayerInfo {
  id: string;
  name: string;
}

export interface AnalysisDataset {
  codes: Code[];
  transcripts: TranscriptInfo[];
  texts: Map<string, string>;
  /** Turns per transcript, sorted by start. */
  turns: Map<string, SpeakerSpan[]>;
  /** Codes resolved through the codebook's merge/delete redirects; codings of deleted codes left out. */
  codings: AnalysisCoding[];
  /** The layers that were read (a coder without any readable layer is not listed). */
  layers: LayerInfo[];
  scope: AnalysisScope;
  /** What was counted, in words: the scope, the layers read, and the counting rule when merged. */
  counted: CountedDescription;
}

export interface CountedDescription {
  scope: string;
  /** Names of the layers whose codings were read. */
  layers: string[];
  /** How a passage coded in several layers counts; null for a single layer. */
  rule: string | null;
  /** One sentence for captions and reports. */
  text: string;
}

/** Layers that may exist: current coders and owners, and everyone ever assigned in a round (layers outlive roles). */
export async function candidateCoders(ctx: AppContext, project: Project): Promise<string[]> {
  const ids = new Set<string>();
  for (const member of project.members) if (member.role !== 'viewer') ids.add(member.userId);
  for (const round of await ctx.metadata.rounds.listByProject(project.id)) {
    for (const assignment of round.assignments) for (const coder of assignment.coders) ids.add(coder);
  }
  const accounts = new Set((await ctx.metadata.users.list()).map((user) => user.id));
  return [...ids].filter((id) => accounts.has(id));
}

/** Names layers: the consensus, the merged layer, and coders by their account's name (the id if it is gone). */
export async function layerNamer(ctx: AppContext): Promise<(layer: string) => string> {
  const names = new Map((await ctx.metadata.users.list()).map((user) => [user.id, user.name]));
  return (layer) => {
    if (layer === CONSENSUS_LAYER) return 'Consensus';
    if (layer === MERGED_LAYER) return 'Merged';
    return names.get(layer) || layer;
  };
}

/**
 * May this user read the doc for analysis (readable, and not only through an audited blind-round look)? Pass one
 * `AccessReader` for the decisions of one request.
 */
export async function readableForAnalysis(reader: AccessReader, userId: string, ref: DocRef): Promise<boolean> {
  const decision = await reader.decide(userId, ref);
  return decision.access !== 'none' && !decision.blindLook;
}

/** A private copy of a live document, read without holding its lock while computing. */
export async function copyOfDoc(ctx: AppContext, name: string): Promise<Y.Doc> {
  const state = await ctx.sync.withDoc(name, (doc) => Y.encodeStateAsUpdate(doc));
  const copy = nameDoc(new Y.Doc(), name);
  Y.applyUpdate(copy, state);
  return copy;
}

export interface DatasetOptions {
  /** Only these transcripts (a round's, say); absent: all of the project. */
  transcripts?: ReadonlySet<string>;
  /** Keep each transcript's text document, to anchor or resolve quotes. */
  keepTextDocs?: boolean;
}

/** How many documents are read at once: enough to overlap disk reads, few enough to stay gentle on a small server. */
const PARALLEL_READS = 8;

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL_READS) await Promise.all(items.slice(i, i + PARALLEL_READS).map(run));
}

export async function loadDataset(
  ctx: AppContext,
  userId: string,
  project: Project,
  scope: AnalysisScope,
  options: DatasetOptions = {},
): Promise<AnalysisDataset & { textDocs: Map<string, Y.Doc> }> {
  const codebook = await copyOfDoc(ctx, docName({ kind: 'codebook', project: project.id }));
  const codes = readCodes(codebook);
  const redirects = readRedirects(codebook);
  const round = scope.kind === 'round' ? await roundOfScope(ctx, project, scope.round) : null;
  const layerIds =
    scope.kind === 'consensus'
      ? [CONSENSUS_LAYER]
      : scope.kind === 'coder'
        ? (await candidateCoders(ctx, project)).filter((id) => id === scope.coder)
        : scope.kind === 'round'
          ? [...new Set(round!.assignments.flatMap((a) => a.coders))]
          : [CONSENSUS_LAYER, ...(await candidateCoders(ctx, project))];
  const roundTranscripts = round && new Set(round.assignments.map((a) => a.transcriptId));
  const snapshots = round && (await loadRoundData(ctx, round));
  const reader = new AccessReader(ctx.metadata);
  const metas: TranscriptMeta[] = [];
  for (const t of await transcriptsOf(ctx, project.id)) {
    if (options.transcripts !== undefined && !options.transcripts.has(t.id)) continue;
    if (roundTranscripts !== null && !roundTranscripts.has(t.id)) continue;
    if (await readableForAnalysis(reader, userId, { kind: 'text', project: project.id, transcript: t.id })) {
      metas.push(t);
    }
  }
  const texts = new Map<string, string>();
  const turns = new Map<string, SpeakerSpan[]>();
  const textDocs = new Map<string, Y.Doc>();
  const perTranscript = new Map<string, AnalysisCoding[]>();
  const layersRead = new Set<string>();
  await inBatches(metas, async (meta) => {
    const ref = (layer: string): DocRef =>
      layer === CONSENSUS_LAYER
        ? { kind: 'consensus', project: project.id, transcript: meta.id }
        : { kind: 'codings', project: project.id, transcript: meta.id, coder: layer };
    const readable: string[] = [];
    for (const layer of layerIds) if (await readableForAnalysis(reader, userId, ref(layer))) readable.push(layer);
    const textDoc = await copyOfDoc(ctx, docName({ kind: 'text', project: project.id, transcript: meta.id }));
    texts.set(meta.id, transcriptText(textDoc).toString());
    turns.set(meta.id, readTurns(textDoc));
    if (options.keepTextDocs) textDocs.set(meta.id, textDoc);
    let codings: AnalysisCoding[] = [];
    const snapshot = snapshots?.transcripts.find((t) => t.id === meta.id);
    for (const layer of readable) {
      if (snapshots !== null) {
        // A round's scope: the reveal snapshot of the layer, resolved against the snapshot's text.
        for (const coding of snapshot?.layers.get(layer)?.codings ?? []) {
          const code = resolveCode(redirects, coding.code);
          if (code === null) continue;
          layersRead.add(layer);
          const result: AnalysisCoding = {
            id: coding.id,
            code,
            start: coding.start,
            end: coding.end,
            transcript: meta.id,
            layer,
          };
          if (coding.memo !== undefined) result.memo = coding.memo;
          codings.push(result);
        }
        continue;
      }
      // Stored codings are plain values: copy them out under the lock, resolve against the text copy outside it.
      const stored = await ctx.sync.withDoc(docName(ref(layer)), (doc) => storedCodings(doc));
      if (stored.length > 0) layersRead.add(layer);
      for (const [id, value] of stored) {
        const coding = resolveStored(textDoc, id, value, redirects);
        if (coding !== null) codings.push({ ...coding, transcript: meta.id, layer });
      }
    }
    if (scope.kind === 'consensusElseCoders') {
      const consensus = codings.filter((coding) => coding.layer === CONSENSUS_LAYER);
      codings = consensus.length > 0 ? consensus : codings;
    }
    if (mergesLayers(scope)) codings = mergeCodings(codings);
    perTranscript.set(meta.id, codings);
  });
  const layerName = await layerNamer(ctx);
  const layers = layerIds.filter((id) => layersRead.has(id)).map((id) => ({ id, name: layerName(id) }));
  return {
    codes,
    transcripts: metas.map((t) => ({ id: t.id, title: t.title, participant: t.participant, attributes: t.attributes })),
    texts,
    turns,
    textDocs,
    codings: metas.flatMap((t) => perTranscript.get(t.id) ?? []),
    layers,
    scope,
    counted: await countedDescription(ctx, scope, layers),
  };
}

async function roundOfScope(ctx: AppContext, project: Project, roundId: string) {
  const round = await ctx.metadata.rounds.get(roundId);
  if (round === null || round.projectId !== project.id) throw notFound('no such round');
  if (round.status !== 'revealed')
    throw conflict('not_revealed', 'a round’s snapshot can be analysed once the round is revealed');
  return round;
}

export async function countedDescription(
  ctx: AppContext,
  scope: AnalysisScope,
  layers: readonly LayerInfo[],
): Promise<CountedDescription> {
  const round = scope.kind === 'round' ? await ctx.metadata.rounds.get(scope.round) : null;
  const names = {
    layer: await layerNamer(ctx),
    round: (id: string) => (round?.id === id ? round.name : id),
  };
  const what = describeScope(scope, names);
  const rule = mergesLayers(scope) ? COUNTING_RULE : null;
  const read = layers.map((layer) => layer.name);
  const text = `Counted: ${what}; layers read: ${read.join(', ') || 'none with codings'}${rule ? `; ${rule}` : ''}.`;
  return { scope: what, layers: read, rule, text };
}

function resolveStored(
  textDoc: Y.Doc,
  id: string,
  stored: StoredCoding,
  redirects: ReadonlyMap<string, string>,
): Omit<AnalysisCoding, 'transcript' | 'layer'> | null {
  const code = resolveCode(redirects, stored.code);
  if (code === null) return null;
  const coding = resolveCoding(textDoc, id, stored);
  if (coding === null) return null;
  const result: Omit<AnalysisCoding, 'transcript' | 'layer'> = { id, code, start: coding.start, end: coding.end };
  if (coding.memo !== undefined) result.memo = coding.memo;
  return result;
}
