import { type Code, codePath } from '../model/codebook.js';
import { foldedIncludes } from '../text/fold.js';
import { selfAndDescendants } from './codeTree.js';
import { turnsOverlapping } from './frequency.js';
import { codingTimes } from './times.js';
import type { AnalysisCoding, SpeakerSpan, TranscriptInfo } from './types.js';

/**
 * Retrieval: the coded segments matching a query, each with what a researcher needs to read it out of context:
 * text, speaker(s), transcript, participant and attributes, layer (coder or consensus) and the code's path.
 */
export interface RetrievalQuery {
  /** Codes to retrieve; absent or empty: every code. */
  codes?: readonly string[];
  /** Whether codings of subcodes count for a code (default true). */
  includeSubcodes?: boolean;
  /** attribute -> accepted values: a transcript must match every attribute listed, with any of its values. */
  attributes?: Readonly<Record<string, readonly string[]>>;
  /** Layers to keep (coder ids, `CONSENSUS_LAYER`); absent or empty: all. */
  layers?: readonly string[];
  /** Transcripts to keep (those of a round, say); absent: all. */
  transcripts?: readonly string[];
  /** Text the segment must contain, ignoring case. */
  contains?: string;
}

export interface RetrievedSegment {
  codingId: string;
  transcript: string;
  title: string;
  participant: string;
  attributes: Readonly<Record<string, string>>;
  layer: string;
  /** Every layer that coded this passage (one for an unmerged scope; consensus first). */
  layers: string[];
  code: string;
  /** Names from the top-level code down, e.g. `["Barriers", "Stigma"]`. */
  codePath: string[];
  start: number;
  end: number;
  text: string;
  /** Speakers whose turns the segment overlaps, in text order, each once. */
  speakers: string[];
  memo?: string;
  /** Seconds into the recording where the segment's first turn starts, when its turns have times (times.ts). */
  startTime?: number;
  /** Seconds into the recording where the turn after its last one starts, when known. */
  endTime?: number;
}

export interface RetrievalSource {
  codings: readonly AnalysisCoding[];
  codes: readonly Code[];
  /** In the order results are listed. */
  transcripts: readonly TranscriptInfo[];
  texts: ReadonlyMap<string, string>;
  /** Turns per transcript, sorted by start. */
  turns: ReadonlyMap<string, readonly SpeakerSpan[]>;
}

export function transcriptMatches(
  transcript: TranscriptInfo,
  attributes: Readonly<Record<string, readonly string[]>> | undefined,
): boolean {
  if (attributes === undefined) return true;
  return Object.entries(attributes).every(
    ([key, values]) => values.length === 0 || values.includes(transcript.attributes[key] ?? ''),
  );
}

/**
 * The codings a query selects, before any text is looked at: by code (and subcodes), layer, transcript and
 * participant attributes. Statistics use this too, so that a filtered table and a filtered retrieval agree.
 */
export function selectCodings(
  codings: readonly AnalysisCoding[],
  codes: readonly Pick<Code, 'id' | 'parent'>[],
  transcripts: readonly TranscriptInfo[],
  query: RetrievalQuery,
): AnalysisCoding[] {
  let wanted: Set<string> | null = null;
  if (query.codes !== undefined && query.codes.length > 0) {
    wanted = new Set<string>();
    for (const code of query.codes) {
      if (query.includeSubcodes === false) wanted.add(code);
      else for (const id of selfAndDescendants(codes, code)) wanted.add(id);
    }
  }
  const layers = query.layers !== undefined && query.layers.length > 0 ? new Set(query.layers) : null;
  const allowedTranscripts = query.transcripts === undefined ? null : new Set(query.transcripts);
  const matching = new Set(
    transcripts
      .filter(
        (t) => (allowedTranscripts === null || allowedTranscripts.has(t.id)) && transcriptMatches(t, query.attributes),
      )
      .map((t) => t.id),
  );
  return codings.filter(
    (coding) =>
      matching.has(coding.transcript) &&
      (wanted === null || wanted.has(coding.code)) &&
      (layers === null || layers.has(coding.layer)),
  );
}

export function retrieveSegments(source: RetrievalSource, query: RetrievalQuery): RetrievedSegment[] {
  const codesById = new Map(source.codes.map((code) => [code.id, code]));
  const transcriptsById = new Map(source.transcripts.map((t, index) => [t.id, { info: t, index }]));
  const needle = query.contains?.trim() ?? '';
  const segments: { segment: RetrievedSegment; index: number }[] = [];
  for (const coding of selectCodings(source.codings, source.codes, source.transcripts, query)) {
    const transcript = transcriptsById.get(coding.transcript)!;
    const fullText = source.texts.get(coding.transcript) ?? '';
    const end = Math.min(coding.end, fullText.length);
    if (end <= coding.start) continue;
    const text = fullText.slice(coding.start, end);
    if (needle !== '' && !foldedIncludes(text, needle)) continue;
    const turns = source.turns.get(coding.transcript) ?? [];
    const speakers = [...new Set(turnsOverlapping(turns, coding.start, end).map((t) => t.speaker))];
    const segment: RetrievedSegment = {
      codingId: coding.id,
      transcript: coding.transcript,
      title: transcript.info.title,
      participant: transcript.info.participant,
      attributes: transcript.info.attributes,
      layer: coding.layer,
      layers: [...(coding.layers ?? [coding.layer])],
      code: coding.code,
      codePath: codesById.has(coding.code) ? codePath(codesById, coding.code) : [],
      start: coding.start,
      end,
      text,
      speakers,
    };
    if (coding.memo !== undefined) segment.memo = coding.memo;
    const times = codingTimes(turns, coding.start, end);
    if (times !== null) {
      segment.startTime = times.startTime;
      if (times.endTime !== null) segment.endTime = times.endTime;
    }
    segments.push({ segment, index: transcript.index });
  }
  return segments
    .sort(
      (a, b) =>
        a.index - b.index ||
        a.segment.start - b.segment.start ||
        a.segment.end - b.segment.end ||
        a.segment.codePath.join('/').localeCompare(b.segment.codePath.join('/')) ||
        a.segment.layer.localeCompare(b.segment.layer),
    )
    .map(({ segment }) => segment);
}
