/**
 * Where a coding lies in the recording, for transcripts whose turns have times (subtitle imports, REFI-QDA sync
 * points, turns aligned by hand): from the time of the turn the coding starts in to the time of the first timed
 * turn after the one it ends in. Times are seconds from the start of the recording; a coding in a turn without a
 * time has none, and one that ends in the last timed stretch has a start but no end (nothing says when it stops).
 * Turn boundaries, not an estimate inside a turn: a transcript says when each turn starts, nothing finer.
 */
export interface TimedTurn {
  /** Offset where the turn starts (UTF-16 units). */
  start: number;
  /** Seconds from the start of the recording. */
  time?: number;
}

export interface CodingTimes {
  startTime: number;
  /** Null when no timed turn follows the coding's last turn. */
  endTime: number | null;
}

/** `turns` sorted by start. Null when the coding's first turn has no time (or there are no turns). */
export function codingTimes(turns: readonly TimedTurn[], start: number, end: number): CodingTimes | null {
  const first = lastAtOrBefore(turns, start);
  const startTime = first < 0 ? undefined : turns[first]!.time;
  if (startTime === undefined) return null;
  // The turn holding the coding's last character, then the first timed turn after it.
  const last = Math.max(first, lastAtOrBefore(turns, Math.max(start, end - 1)));
  let endTime: number | null = null;
  for (let i = last + 1; i < turns.length; i++) {
    const time = turns[i]!.time;
    if (time !== undefined) {
      endTime = time >= startTime ? time : null;
      break;
    }
  }
  return { startTime, endTime };
}

/** Whether any turn has a time (a transcript that can be played along). */
export function hasTimes(turns: readonly TimedTurn[]): boolean {
  return turns.some((turn) => turn.time !== undefined);
}

/** `h:mm:ss.s` or `m:ss.s`, for people (exports keep seconds as numbers). */
export function formatTime(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = (tenths % 600) / 10;
  const ss = s.toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function lastAtOrBefore(turns: readonly TimedTurn[], position: number): number {
  let low = 0;
  let high = turns.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (turns[middle]!.start <= position) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
