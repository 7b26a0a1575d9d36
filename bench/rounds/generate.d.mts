export interface SyntheticRound {
  documents: { id: string; length: number }[];
  coderIds: string[];
  codeIds: string[];
  layers: Map<string, { code: string; start: number; end: number }[]>;
}
export function syntheticRound(options?: {
  transcripts?: number;
  coders?: number;
  codings?: number;
  codes?: number;
  length?: number;
  seed?: number;
}): SyntheticRound;
export function spansInput(round: SyntheticRound): unknown;
