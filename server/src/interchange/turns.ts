import type { Turn } from '@accord/shared';
import { codePointMap } from './offsets.js';

/**
 * Speaker turns with times through REFI-QDA. The schema has no place for them on a text source (its `SyncPoint`s
 * belong to the transcript of an audio or video source, which would need the recording), and no extension
 * point, so Accord writes them as one text variable on the source. Other tools show it as a text attribute of the
 * document, which is harmless; Accord reads it back into the turns instead of detecting them again.
 *
 * The value is JSON: `{"length":N,"turns":[[start,time,speaker],...]}`, with `start` in code points (as every
 * REFI-QDA position), `time` in seconds or null, and `length` the text's length in code points, so a text edited
 * in another tool is noticed and its turns are detected again instead.
 */
export const TURNS_VARIABLE = 'Accord speaker turns';
export const TURNS_VARIABLE_DESCRIPTION =
  'Speaker turns and their times in the recording, written by Accord for Accord; other tools may ignore it.';

/** Whether a transcript's turns need the variable: only times are lost without it (speakers are in the text). */
export function hasTurnTimes(turns: readonly Turn[]): boolean {
  return turns.some((turn) => turn.time !== undefined);
}

export function encodeTurns(text: string, turns: readonly Turn[]): string {
  const map = codePointMap(text);
  return JSON.stringify({
    length: map.length,
    turns: turns.map((turn) => [map.toCodePoint(turn.start), turn.time ?? null, turn.speaker]),
  });
}

/** The turns a value describes, as UTF-16 offsets into `text`; a string says why the value cannot be used. */
export function decodeTurns(value: string, text: string): Turn[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'not JSON';
  }
  const map = codePointMap(text);
  if (typeof parsed !== 'object' || parsed === null || !('turns' in parsed) || !Array.isArray(parsed.turns)) {
    return 'no list of turns';
  }
  if (!('length' in parsed) || parsed.length !== map.length) return 'the text has changed since';
  const turns: Turn[] = [];
  let previous = -1;
  for (const entry of parsed.turns as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 3) return 'a turn is not [start, time, speaker]';
    const [start, time, speaker] = entry as unknown[];
    if (!Number.isInteger(start) || (start as number) <= previous || (start as number) > map.length) {
      return 'turn starts are not increasing positions inside the text';
    }
    if (time !== null && !(typeof time === 'number' && Number.isFinite(time) && time >= 0)) {
      return 'a turn time is not a number of seconds';
    }
    if (typeof speaker !== 'string') return 'a speaker is not text';
    previous = start as number;
    const turn: Turn = { start: map.toUtf16(start as number), speaker };
    if (time !== null) turn.time = time;
    turns.push(turn);
  }
  return turns;
}
