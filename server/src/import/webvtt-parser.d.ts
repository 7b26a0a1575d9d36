/** Types for the parts of `webvtt-parser` (the W3C validator's parser, no types of its own) that Accord uses. */
declare module 'webvtt-parser' {
  export interface CueNode {
    type: 'text' | 'object' | 'timestamp';
    name?: string;
    value?: string | number;
    children?: CueNode[];
  }
  export interface Cue {
    id: string;
    startTime: number;
    endTime: number;
    text: string;
    tree: { children: CueNode[] };
  }
  export interface ParseError {
    message: string;
    line: number;
    col: number;
  }
  export class WebVTTParser {
    constructor(entities?: Record<string, string>);
    parse(input: string, mode?: 'metadata' | 'chapters'): { cues: Cue[]; errors: ParseError[] };
  }
  const parser: { WebVTTParser: typeof WebVTTParser };
  export default parser;
}
