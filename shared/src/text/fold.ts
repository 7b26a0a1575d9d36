/**
 * Text folded for matching: compatibility-decomposed (NFKD: full-width `Ａ` is `A`, `ﬁ` is `fi`, a precomposed
 * `é` is `e` + U+0301 like a decomposed one) and, unless case matters, case-folded by Unicode's rules (`ß` is `ss`,
 * `ς` and `Σ` are `σ`; `İ`, `ı`, `I` and `i` all match, so Turkish text is found whichever `i` the query has).
 * Combining marks of one character are put in canonical order, so `shadda + fatha` typed in either order match.
 * Optionally diacritics (combining marks and the Arabic tatweel) are dropped, so an unvocalised query finds
 * vocalised text and `resume` finds `résumé`.
 *
 * The folded text keeps, for every code unit, the offset in the original text of the character it came from, so
 * a match in the folded text maps back to exact UTF-16 offsets of the original (which is never changed).
 */
export interface FoldOptions {
  /** Keep case (only normalise). */
  caseSensitive?: boolean;
  /** Drop combining marks (accents, harakat, niqqud) and the Arabic tatweel. */
  ignoreDiacritics?: boolean;
}

export interface FoldedText {
  text: string;
  /**
   * For each code unit of `text`, where the original character that produced it starts; null when every unit is
   * at its own offset (text that folding only lowercased).
   */
  origin: Int32Array | null;
  /** Length of the original text. */
  originalLength: number;
}

const MARK = /\p{M}/u;
/** Dropped always: invisible, and never what someone searching means (soft hyphen, zero-width space, BOM). */
const INVISIBLE = new Set([0x00ad, 0x200b, 0x2060, 0xfeff]);
const TATWEEL = 0x0640;

const caches = [
  new Map<number, string>(),
  new Map<number, string>(),
  new Map<number, string>(),
  new Map<number, string>(),
];

/** One character folded on its own (every step here is per character; mark order is fixed afterwards). */
function foldCharacter(codePoint: number, options: FoldOptions): string {
  const cache = caches[(options.caseSensitive ? 1 : 0) + (options.ignoreDiacritics ? 2 : 0)]!;
  let folded = cache.get(codePoint);
  if (folded !== undefined) return folded;
  if (INVISIBLE.has(codePoint) || (options.ignoreDiacritics && codePoint === TATWEEL)) folded = '';
  else {
    folded = String.fromCodePoint(codePoint).normalize('NFKD');
    if (!options.caseSensitive) {
      // U+0130 (İ) lowercases to "i" + U+0307; the dot is the letter's own, not an accent to match separately.
      folded = codePoint === 0x0130 ? 'i' : folded.toUpperCase().toLowerCase().normalize('NFKD');
    }
    if (options.ignoreDiacritics) folded = folded.replace(/\p{M}/gu, '');
  }
  cache.set(codePoint, folded);
  return folded;
}

/** Canonical order of a run of combining marks (what NFD does), each mark keeping the origin it came with. */
function orderedMarks(run: { mark: string; origin: number }[]): { mark: string; origin: number }[] {
  const joined = run.map((entry) => entry.mark).join('');
  const ordered = [...`a${joined}`.normalize('NFD')].slice(1);
  if (ordered.join('') === joined) return run;
  const left = [...run];
  return ordered.map(
    (mark) =>
      left.splice(
        left.findIndex((entry) => entry.mark === mark),
        1,
      )[0]!,
  );
}

/** Per BMP code unit and option set: 0 not yet known, 1 simple, 2 not simple (see `isSimple`). */
const simpleTables = [
  new Uint8Array(0x10000),
  new Uint8Array(0x10000),
  new Uint8Array(0x10000),
  new Uint8Array(0x10000),
];
const GREEK_CAPITAL_SIGMA = 0x03a3;

/**
 * A code unit whose fold is itself lowercased (or itself, when case matters), one unit long and not a mark: a run
 * of such units folds with one `toLowerCase()` and keeps its offsets one to one. Surrogates never are (their fold
 * is per code point), nor capital sigma, whose lowercase depends on its neighbours.
 */
function isSimple(unit: number, options: FoldOptions): boolean {
  const table = simpleTables[(options.caseSensitive ? 1 : 0) + (options.ignoreDiacritics ? 2 : 0)]!;
  let known = table[unit]!;
  if (known === 0) {
    const character = String.fromCharCode(unit);
    const folded = unit >= 0xd800 && unit <= 0xdfff ? '' : foldCharacter(unit, options);
    const simple =
      folded.length === 1 &&
      unit !== GREEK_CAPITAL_SIGMA &&
      !MARK.test(folded) &&
      folded === (options.caseSensitive ? character : character.toLowerCase());
    known = simple ? 1 : 2;
    table[unit] = known;
  }
  return known === 1;
}

/**
 * A folded string under construction: chunks of text and, once the folded text stops being the original one to
 * one, an array of origins.
 */
class Builder {
  chunks: string[] = [];
  /** Null while every unit so far sits at its own offset (the common case: no origin array at all). */
  origin: Int32Array | null = null;
  length = 0;
  /** Combining marks not yet written: a run of them is put in canonical order before it is. */
  marks: { mark: string; origin: number }[] = [];

  constructor(private readonly capacity: number) {}

  private reserve(units: number): Int32Array {
    let origin = this.origin;
    if (origin === null) {
      origin = new Int32Array(Math.max(16, this.capacity, this.length + units));
      for (let k = 0; k < this.length; k++) origin[k] = k;
      this.origin = origin;
    } else if (this.length + units > origin.length) {
      const grown = new Int32Array(Math.max(this.length + units, Math.ceil(origin.length * 1.5)));
      grown.set(origin.subarray(0, this.length));
      this.origin = origin = grown;
    }
    return origin;
  }

  private push(piece: string, from: number): void {
    const origin = this.reserve(piece.length);
    this.chunks.push(piece);
    origin.fill(from, this.length, this.length + piece.length);
    this.length += piece.length;
  }

  /** A run of simple units, one origin per code unit. */
  pushRun(piece: string, from: number): void {
    this.flushMarks();
    this.chunks.push(piece);
    if (this.origin !== null || from !== this.length) {
      const origin = this.reserve(piece.length);
      for (let k = 0; k < piece.length; k++) origin[this.length + k] = from + k;
    }
    this.length += piece.length;
  }

  /** A whole character's fold, when no mark of it can meet a neighbour's. */
  pushPiece(piece: string, from: number): void {
    if (piece.length > 0) this.push(piece, from);
  }

  pushCharacter(character: string, from: number): void {
    if (MARK.test(character)) this.marks.push({ mark: character, origin: from });
    else {
      this.flushMarks();
      this.push(character, from);
    }
  }

  flushMarks(): void {
    if (this.marks.length === 0) return;
    const run = this.marks.length > 1 ? orderedMarks(this.marks) : this.marks;
    this.marks = [];
    for (const { mark, origin } of run) this.push(mark, origin);
  }
}

export function foldText(text: string, options: FoldOptions = {}): FoldedText {
  const builder = new Builder(text.length);
  let i = 0;
  while (i < text.length) {
    let simple = i;
    while (simple < text.length && isSimple(text.charCodeAt(simple), options)) simple++;
    if (simple > i) {
      const run = text.slice(i, simple);
      builder.pushRun(options.caseSensitive ? run : run.toLowerCase(), i);
      i = simple;
      continue;
    }
    const codePoint = text.codePointAt(i)!;
    const folded = foldCharacter(codePoint, options);
    const next = i + (codePoint > 0xffff ? 2 : 1);
    // One character's fold is in canonical order already: only marks that meet marks of a neighbour need sorting.
    if (builder.marks.length === 0 && (next >= text.length || isSimple(text.charCodeAt(next), options)))
      builder.pushPiece(folded, i);
    else for (const character of folded) builder.pushCharacter(character, i);
    i = next;
  }
  builder.flushMarks();
  return {
    text: builder.chunks.length === 1 ? builder.chunks[0]! : builder.chunks.join(''),
    origin: builder.origin === null ? null : builder.origin.subarray(0, builder.length),
    originalLength: text.length,
  };
}

/** Where the original character behind folded code unit `at` starts. */
export const originOf = (folded: FoldedText, at: number): number => (folded.origin === null ? at : folded.origin[at]!);

/** The query folded the same way as the text it is matched against. */
export function foldQuery(query: string, options: FoldOptions = {}): string {
  return foldText(query, options).text;
}

/**
 * The original [start, end) of the folded match [from, to), or null when the match would cut a character in two:
 * it starts or ends inside one character's expansion (`s` against the `ss` of `ß`), or it stops before a
 * combining mark that belongs to its last character.
 */
export function originalRange(folded: FoldedText, from: number, to: number): [number, number] | null {
  const { text } = folded;
  if (to <= from) return null;
  if (folded.origin !== null) {
    const origin = folded.origin;
    if (from > 0 && origin[from - 1] === origin[from]) return null;
    if (to < text.length && origin[to - 1] === origin[to]) return null;
  }
  if (to < text.length && MARK.test(String.fromCodePoint(text.codePointAt(to)!))) return null;
  const start = originOf(folded, from);
  const end = to < text.length ? originOf(folded, to) : folded.originalLength;
  return end > start ? [start, end] : null;
}

/** Whether `needle` occurs in `haystack`, both folded (retrieval's "contains" filter). */
export function foldedIncludes(haystack: string, needle: string, options: FoldOptions = {}): boolean {
  const query = foldQuery(needle, options);
  if (query === '') return true;
  const folded = foldText(haystack, options);
  for (let at = folded.text.indexOf(query); at >= 0; at = folded.text.indexOf(query, at + 1)) {
    if (originalRange(folded, at, at + query.length) !== null) return true;
  }
  return false;
}
