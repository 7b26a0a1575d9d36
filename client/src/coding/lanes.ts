/** Anything with a half-open range `[start, end)` and an id. */
export interface Interval {
  id: string;
  start: number;
  end: number;
}

export interface LaneLayout {
  /** Lane (0 = nearest the text) of each interval id. */
  lane: Map<string, number>;
  lanes: number;
}

/**
 * Places overlapping codings side by side in margin lanes, as NVivo's and MAXQDA's coding stripes do: intervals
 * in order of start (longer first on ties, so that an enclosing coding sits nearer the text), each in the lowest
 * lane free at its start. This greedy interval partitioning uses the fewest lanes possible (the maximum overlap).
 */
export function assignLanes(intervals: readonly Interval[]): LaneLayout {
  const sorted = [...intervals].sort((a, b) => a.start - b.start || b.end - a.end || a.id.localeCompare(b.id));
  const laneEnds: number[] = [];
  const lane = new Map<string, number>();
  for (const interval of sorted) {
    let free = laneEnds.findIndex((end) => end <= interval.start);
    if (free === -1) free = laneEnds.push(interval.end) - 1;
    else laneEnds[free] = interval.end;
    lane.set(interval.id, free);
  }
  return { lane, lanes: laneEnds.length };
}
