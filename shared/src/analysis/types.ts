/**
 * What the analysis views work on: codings of one or more layers (the consensus layer or coders' layers) resolved
 * to absolute offsets, tagged with their transcript and layer. Offsets are UTF-16 code units, `[start, end)`.
 */
export const CONSENSUS_LAYER = 'consensus';

export interface AnalysisCoding {
  id: string;
  transcript: string;
  /** `CONSENSUS_LAYER`, the id of the coder whose layer it is, or `MERGED_LAYER` (scope.ts) for a merged one. */
  layer: string;
  /** The layers that coded this passage, when merged (consensus first); absent: just `layer`. */
  layers?: readonly string[];
  code: string;
  start: number;
  end: number;
  memo?: string;
}

/** A transcript as the analysis views describe it: who was interviewed and their attributes (age group, setting). */
export interface TranscriptInfo {
  id: string;
  title: string;
  participant: string;
  attributes: Readonly<Record<string, string>>;
}

/** A speaker turn `[start, end)` of a transcript. */
export interface SpeakerSpan {
  start: number;
  end: number;
  speaker: string;
  /** Seconds from the start of the recording, when the turn has a time. */
  time?: number;
}
