/**
 * Accord counts UTF-16 code units (what JavaScript strings and `Y.Text` count); REFI-QDA counts Unicode code
 * points. The two differ after every character outside the Basic Multilingual Plane (emoji, some CJK), so every
 * offset crosses this map at the REFI-QDA boundary.
 */
export interface CodePointMap {
  /** Length of the text in code points. */
  readonly length: number;
  toCodePoint(utf16Offset: number): number;
  /** A code point offset as UTF-16 units; offsets past the end map past the end (callers range-check). */
  toUtf16(codePointOffset: number): number;
}

const SURROGATE = /[\uD800-\uDFFF]/;

export function codePointMap(text: string): CodePointMap {
  if (!SURROGATE.test(text)) {
    return { length: text.length, toCodePoint: (offset) => offset, toUtf16: (offset) => offset };
  }
  // utf16At[cp] = UTF-16 offset of code point cp; codePointAt[u] = code points before UTF-16 offset u.
  const utf16At: number[] = [];
  const codePointAt = new Int32Array(text.length + 1);
  let codePoints = 0;
  for (let unit = 0; unit < text.length; ) {
    utf16At.push(unit);
    const width = (text.codePointAt(unit) ?? 0) > 0xffff ? 2 : 1;
    codePointAt[unit] = codePoints;
    // An offset inside a surrogate pair belongs to the character it splits.
    if (width === 2) codePointAt[unit + 1] = codePoints;
    unit += width;
    codePoints += 1;
  }
  utf16At.push(text.length);
  codePointAt[text.length] = codePoints;
  return {
    length: codePoints,
    toCodePoint: (offset) => codePointAt[offset] ?? codePoints + (offset - text.length),
    toUtf16: (offset) => utf16At[offset] ?? text.length + (offset - codePoints),
  };
}
