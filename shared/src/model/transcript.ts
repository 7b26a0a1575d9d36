import * as Y from 'yjs';
import { skipEntry } from './skipped.js';
import { isStoredTurn } from './values.js';

/**
 * A transcript document (`p/<project>/t/<transcript>/text`): the text as `Y.Text` under `text` and the speaker
 * turns under `turns`. Turns are anchored by relative positions so they follow corrections to the text.
 * Offsets are UTF-16 code units of LF-only text without a BOM (docs/architecture.md, "Text offsets").
 */
export const TEXT_KEY = 'text';
export const TURNS_KEY = 'turns';

export interface Turn {
  /** Offset where the turn starts; a turn ends where the next one starts (or at the end of the text). */
  start: number;
  speaker: string;
  /** Seconds from the start of the recording, when the source had timestamps. */
  time?: number;
}

export interface ResolvedTurn extends Turn {
  end: number;
}

/** How a turn is stored: a plain value (not a nested Y.Map: codings and turns are many, plain values are cheap). */
export interface StoredTurn {
  at: Uint8Array;
  speaker: string;
  time?: number;
}

export function transcriptText(doc: Y.Doc): Y.Text {
  return doc.getText(TEXT_KEY);
}

export function transcriptTurns(doc: Y.Doc): Y.Array<StoredTurn> {
  return doc.getArray<StoredTurn>(TURNS_KEY);
}

/** Fills an empty transcript document in one transaction. */
export function initTranscript(doc: Y.Doc, text: string, turns: readonly Turn[]): void {
  doc.transact(() => {
    const ytext = transcriptText(doc);
    ytext.insert(0, text);
    transcriptTurns(doc).push(turns.map((turn) => storeTurn(ytext, turn)));
  });
}

function storeTurn(ytext: Y.Text, turn: Turn): StoredTurn {
  const at = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, turn.start));
  return turn.time === undefined ? { at, speaker: turn.speaker } : { at, speaker: turn.speaker, time: turn.time };
}

/** Turns with absolute offsets, in text order; turns whose anchor text was deleted collapse and are dropped. */
export function readTurns(doc: Y.Doc): ResolvedTurn[] {
  const length = transcriptText(doc).length;
  const starts: Turn[] = [];
  let index = -1;
  for (const stored of transcriptTurns(doc)) {
    index++;
    if (!isStoredTurn(stored)) {
      skipEntry(doc, TURNS_KEY, String(index));
      continue;
    }
    const position = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(stored.at), doc);
    if (position === null) continue;
    const turn: Turn = { start: position.index, speaker: stored.speaker };
    if (stored.time !== undefined) turn.time = stored.time;
    starts.push(turn);
  }
  starts.sort((a, b) => a.start - b.start);
  const turns: ResolvedTurn[] = [];
  for (let i = 0; i < starts.length; i++) {
    const turn = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]!.start : length;
    if (end > turn.start) turns.push({ ...turn, end });
  }
  return turns;
}
