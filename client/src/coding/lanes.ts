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

/** A stripe's vertical extent in a block, in pixels; `lane` set when it must keep a lane (it continues across blocks). */
export interface StripeBox {
  id: string;
  top: number;
  bottom: number;
  lane?: number;
}

/**
 * Lanes for the stripes of one block by their drawn extent: two codings on the same line overlap on screen even
 * when their text does not, so lanes are packed by pixels. Stripes that continue from or into another block keep
 * their lane (continuity); the others take the lowest lane free over their whole extent.
 */
export function packStripes(boxes: readonly StripeBox[]): Map<string, number> {
  const placed: { top: number; bottom: number; lane: number }[] = [];
  const lanes = new Map<string, number>();
  for (const box of boxes) {
    if (box.lane === undefined) continue;
    lanes.set(box.id, box.lane);
    placed.push({ top: box.top, bottom: box.bottom, lane: box.lane });
  }
  const free = boxes.filter((box) => box.lane === undefined).sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  for (const box of free) {
    let lane = 0;
    while (placed.some((p) => p.lane === lane && p.top < box.bottom && box.top < p.bottom)) lane++;
    lanes.set(box.id, lane);
    placed.push({ top: box.top, bottom: box.bottom, lane });
  }
  return lanes;
}
