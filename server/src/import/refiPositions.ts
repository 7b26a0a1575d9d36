/**
 * REFI-QDA positions are meant to be Unicode code points into the source file as it is, but producers differ: some
 * count CRLF as one character, some count UTF-16 units, some count a leading BOM. Each convention is a map from
 * the file's positions to UTF-16 offsets in the normalised text (LF, no BOM) that Accord stores, and the importer
 * picks, per source, the convention under which the selections' names match the text they select.
 */
export interface PositionConvention {
  unit: 'codepoint' | 'utf16';
  /** How many positions a CRLF takes. */
  crlf: 1 | 2;
  /** Whether a leading BOM takes a position. */
  bom: boolean;
}

/** The specification's reading first: on a tie it wins. */
export const CONVENTIONS: readonly PositionConvention[] = [
  { unit: 'codepoint', crlf: 2, bom: false },
  { unit: 'codepoint', crlf: 1, bom: false },
  { unit: 'utf16', crlf: 2, bom: false },
  { unit: 'utf16', crlf: 1, bom: false },
  { unit: 'codepoint', crlf: 2, bom: true },
  { unit: 'codepoint', crlf: 1, bom: true },
  { unit: 'utf16', crlf: 2, bom: true },
  { unit: 'utf16', crlf: 1, bom: true },
];

export function describeConvention(convention: PositionConvention): string {
  const unit = convention.unit === 'codepoint' ? 'code points' : 'UTF-16 units';
  const crlf = convention.crlf === 1 ? 'CRLF as one character' : 'CRLF as two';
  return `${unit}, ${crlf}${convention.bom ? ', counting the BOM' : ''}`;
}

/** The conventions that differ for this text (without CRLF, both CRLF rules are the same one, and so on). */
export function distinctConventions(raw: string): PositionConvention[] {
  const hasBom = raw.startsWith('\uFEFF');
  const hasCrlf = raw.includes('\r\n');
  const hasAstral = /[\uD800-\uDFFF]/.test(raw);
  return CONVENTIONS.filter(
    (c) => (hasAstral || c.unit === 'codepoint') && (hasCrlf || c.crlf === 2) && (hasBom || !c.bom),
  );
}

/**
 * `map[position]` = UTF-16 offset in the normalised text. A position inside a CRLF or a surrogate pair maps to
 * the start of that character. Length of the map = number of positions + 1.
 */
export function positionMap(raw: string, convention: PositionConvention): Int32Array {
  const map: number[] = [];
  let normalised = 0;
  let index = 0;
  if (raw.startsWith('\uFEFF')) {
    if (convention.bom) map.push(0);
    index = 1;
  }
  while (index < raw.length) {
    const code = raw.charCodeAt(index);
    if (code === 0x0d && raw.charCodeAt(index + 1) === 0x0a) {
      map.push(normalised);
      if (convention.crlf === 2) map.push(normalised);
      normalised += 1;
      index += 2;
      continue;
    }
    const astral = code >= 0xd800 && code <= 0xdbff && index + 1 < raw.length;
    map.push(normalised);
    if (astral && convention.unit === 'utf16') map.push(normalised);
    normalised += astral ? 2 : 1;
    index += astral ? 2 : 1;
  }
  map.push(normalised);
  return Int32Array.from(map);
}

export interface PositionedSelection {
  start: number;
  end: number;
  /** The selection's `name`, which many producers set to the selected text (sometimes cut short). */
  name: string | undefined;
}

export interface ConventionChoice {
  convention: PositionConvention;
  map: Int32Array;
  /** Selections whose names matched the text under this convention, out of those with a name. */
  matched: number;
  named: number;
}

/**
 * Picks the convention for one source: selections must fit inside the text, then the most names must match,
 * then the specification's reading wins ties (and decides alone when no selection carries its text as name).
 */
export function chooseConvention(
  raw: string,
  text: string,
  selections: readonly PositionedSelection[],
): ConventionChoice {
  const named = selections.filter((s) => s.name !== undefined && comparable(s.name) !== '');
  let best: (ConventionChoice & { outside: number }) | undefined;
  for (const convention of distinctConventions(raw)) {
    const map = positionMap(raw, convention);
    const last = map.length - 1;
    const outside = selections.filter((s) => s.start < 0 || s.end > last || s.start > s.end).length;
    let matched = 0;
    for (const selection of named) {
      if (selection.start < 0 || selection.end > last || selection.start > selection.end) continue;
      if (namesText(selection.name!, text.slice(map[selection.start]!, map[selection.end]!))) matched += 1;
    }
    const better = best === undefined || outside < best.outside || (outside === best.outside && matched > best.matched);
    if (better) best = { convention, map, matched, named: named.length, outside };
  }
  const { outside: _, ...choice } = best!;
  return choice;
}

function comparable(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Whether a selection name is the selected text, exactly or cut short (often with an ellipsis). */
function namesText(name: string, selected: string): boolean {
  const wanted = comparable(name);
  const actual = comparable(selected);
  if (wanted === actual) return true;
  const shortened = wanted.replace(/(?:\.\.\.|…)$/, '').trimEnd();
  return shortened.length >= 8 && actual.startsWith(shortened);
}
