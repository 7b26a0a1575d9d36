import type * as Y from 'yjs';
import { diffText, type Splice } from './textDiff.js';

/** Beyond this many edited characters a correction is applied as one splice (the diff's cost grows with it). */
const MAX_EDITS = 400;

/**
 * The splices that turn `before` into `after`, in order of index in `before`, found by Myers' diff over code
 * points (so that no splice splits a surrogate pair). Several small splices instead of one that spans them keep
 * every untouched character, and with it every coding anchored to it. Falls back to one splice for rewrites.
 */
export function diffSplices(before: string, after: string): Splice[] {
  const a = Array.from(before);
  const b = Array.from(after);
  const n = a.length;
  const m = b.length;
  const offset = MAX_EDITS + 1;
  const v = new Int32Array(2 * MAX_EDITS + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= Math.min(MAX_EDITS, n + m) && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[k - 1 + offset]! < v[k + 1 + offset]!) ? v[k + 1 + offset]! : v[k - 1 + offset]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) {
    const single = diffText(before, after);
    return single ? [single] : [];
  }
  // Walk back through the trace: each step is a deletion from a or an insertion from b.
  const ops: { kind: 'delete' | 'insert'; x: number; y: number }[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const previous = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && previous[k - 1 + offset]! < previous[k + 1 + offset]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = previous[prevK + offset]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
    }
    if (down) ops.push({ kind: 'insert', x: prevX, y: prevY });
    else ops.push({ kind: 'delete', x: prevX, y: prevY });
    x = prevX;
    y = prevY;
  }
  ops.reverse();
  // Group adjacent operations into splices, in code points, then convert to UTF-16 indices.
  const units = (chars: string[], end: number) => chars.slice(0, end).join('').length;
  const splices: Splice[] = [];
  let current: { x: number; remove: number; insert: string[] } | null = null;
  for (const op of ops) {
    const atX = op.x;
    if (current === null || atX !== current.x + current.remove) {
      if (current)
        splices.push({
          index: units(a, current.x),
          remove: a.slice(current.x, current.x + current.remove).join('').length,
          insert: current.insert.join(''),
        });
      current = { x: atX, remove: 0, insert: [] };
    }
    if (op.kind === 'delete') current.remove++;
    else current.insert.push(b[op.y]!);
  }
  if (current) {
    splices.push({
      index: units(a, current.x),
      remove: a.slice(current.x, current.x + current.remove).join('').length,
      insert: current.insert.join(''),
    });
  }
  return mergeClose(before, splices);
}

/** Characters kept between two splices below which they become one (a swapped pair of letters is one fix). */
const MIN_GAP = 3;

/**
 * Joins splices that are only a few characters apart: "clinci" -> "clinic" is one replacement, not a deletion
 * and an insertion, and one replacement keeps a coding that ends on it whole (see `applyCorrection`).
 */
function mergeClose(before: string, splices: readonly Splice[]): Splice[] {
  const merged: Splice[] = [];
  for (const splice of splices) {
    const last = merged[merged.length - 1];
    const gap = last ? splice.index - (last.index + last.remove) : Number.POSITIVE_INFINITY;
    if (last && gap < MIN_GAP) {
      last.insert += before.slice(last.index + last.remove, splice.index) + splice.insert;
      last.remove = splice.index + splice.remove - last.index;
    } else merged.push({ ...splice });
  }
  return merged;
}

/**
 * Applies an owner's correction of `before` (the text at `offset`) as small splices, last first so that the
 * indices stay valid. A replacement inserts the new text after the first replaced character and then deletes the
 * old ones: a coding that started or ended on a replaced character then still covers the replacement (a start
 * anchor on a deleted character resolves before the insertion, an end anchor after it).
 */
export function applyCorrection(ytext: Y.Text, offset: number, before: string, after: string): number {
  const splices = diffSplices(before, after);
  ytext.doc!.transact(() => {
    for (const splice of [...splices].reverse()) {
      const at = offset + splice.index;
      if (splice.remove === 0) {
        ytext.insert(at, splice.insert);
        continue;
      }
      const first = before.codePointAt(splice.index)! > 0xffff ? 2 : 1;
      if (splice.insert) ytext.insert(at + first, splice.insert);
      if (splice.remove > first) ytext.delete(at + first + splice.insert.length, splice.remove - first);
      ytext.delete(at, first);
    }
  });
  return splices.length;
}
