/** One splice that turns a text into another: delete `remove` code units at `index`, then insert `insert`. */
export interface Splice {
  index: number;
  remove: number;
  insert: string;
}

/**
 * The smallest single splice between two texts (common prefix and suffix kept). Applying a correction as this
 * splice, instead of replacing the text, keeps every coding anchor outside the changed characters where it was.
 * Never splits a surrogate pair. Null when the texts are equal.
 */
export function diffText(before: string, after: string): Splice | null {
  if (before === after) return null;
  let prefix = 0;
  const limit = Math.min(before.length, after.length);
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (
    suffix < limit - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** One operation of a Y.Text delta. */
export interface DeltaOp {
  retain?: number;
  insert?: unknown;
  delete?: number;
}

/**
 * Where an index of the text before a remote change lies after it (a local caret or selection edge, kept in place
 * while others type). An insertion exactly at the index pushes it forward only when `stickForward`.
 */
export function transformIndex(index: number, delta: readonly DeltaOp[], stickForward = false): number {
  // `position` walks the old text; ops before `index` shift it, ops after it do not.
  let position = 0;
  let result = index;
  for (const op of delta) {
    if (position > index) break;
    if (op.retain !== undefined) position += op.retain;
    else if (op.insert !== undefined) {
      if (position === index && !stickForward) break;
      result += typeof op.insert === 'string' ? op.insert.length : 1;
    } else if (op.delete !== undefined) {
      result -= Math.max(0, Math.min(op.delete, index - position));
      position += op.delete;
    }
  }
  return result;
}
