/**
 * Clean-up of transcript text that went through a page layout: text extracted from a PDF, or pasted from one.
 * Pure functions from lines to text, so that the server's PDF import and the client's import preview (which shows
 * the text before and after) give the same result:
 *
 * 1. **Running headers and footers**: a line repeated at the top or the foot of every page (all but the first may
 *    differ, as title pages do) is not part of the transcript. Digits are compared as "a number", so `Page 3 of 12`
 *    and `3/12` repeat too; a line that is only a page number at a page's edge goes as well.
 * 2. **Line and paragraph numbers**: numbers opening lines in a steady sequence (1, 2, 3... or 5, 10, 15..., also
 *    restarting on each page), as transcription services number lines and MAXQDA numbers paragraphs. A number out
 *    of sequence is text (`40 features, ...` continuing a sentence), and stays.
 * 3. **Hard wraps**: lines cut at the right margin are joined into their paragraph. A paragraph ends at a blank line,
 *    at a numbered paragraph (MAXQDA), at a line opening with a speaker label (`Name:`), and after a line that stops
 *    well short of the margin.
 *
 * Speaker turns are detected afterwards on the cleaned text, as for any `.txt`.
 */
export interface CleanupReport {
  pages: number;
  /** The distinct header and footer lines removed, as they read on the first page they were found on. */
  headersAndFooters: string[];
  /** Lines whose opening number was removed. */
  lineNumbers: number;
  /** Line breaks joined into paragraphs. */
  joinedLines: number;
}

export interface CleanedText {
  text: string;
  report: CleanupReport;
}

export interface CleanupOptions {
  /**
   * What separates paragraphs in the result: `blank` always a blank line (PDF import); `preserve` (the default)
   * a blank line where the source had one, else a line break.
   */
  paragraphs?: 'blank' | 'preserve';
}

/** Text with pages separated by form feeds (as pdftotext writes them), lines by LF. */
export function cleanupText(text: string, options: CleanupOptions = {}): CleanedText {
  const pages = text.split('\f').map((page) => page.split('\n'));
  return cleanupPages(pages, options);
}

/** Lines per page, top to bottom; an empty line is a visible gap (a paragraph break). */
export function cleanupPages(pages: readonly (readonly string[])[], options: CleanupOptions = {}): CleanedText {
  const { pages: kept, removed } = removeHeadersAndFooters(pages);
  const numbered = removeLineNumbers(kept);
  const joined = joinParagraphs(numbered.lines, {
    numberedParagraphs: numbered.mode === 'paragraphs',
    separator: options.paragraphs ?? 'preserve',
  });
  return {
    text: joined.text,
    report: {
      pages: pages.length,
      headersAndFooters: removed,
      lineNumbers: numbered.removed,
      joinedLines: joined.joined,
    },
  };
}

/** How many lines at the top and at the foot of a page may be header or footer. */
const EDGE_LINES = 3;

/** A line as headers compare it: numbers are "a number", spacing and case do not count. */
export function edgeKey(line: string): string {
  return line.trim().replace(/\s+/g, ' ').replace(/\d+/g, '#').toLowerCase();
}

/** Only a page number: `3`, `- 3 -`, `Page 3`, `Page 3 of 12`, `3/12`, `3 | 12`, `[3]`. */
const PAGE_NUMBER = /^(?:page|p\.|seite|página|pagina)?\s*[-–—([]?\s*#\s*(?:(?:of|von|de|\/|\|)\s*#)?\s*[-–—)\]]?$/i;

export function removeHeadersAndFooters(pages: readonly (readonly string[])[]): {
  pages: string[][];
  removed: string[];
} {
  const result = pages.map((page) => [...page]);
  const removed: string[] = [];
  // Pages without text (a blank last page, a form feed at the end) have no header to compare.
  const withText = result.filter((page) => page.some((line) => line.trim() !== ''));
  if (withText.length < 2) return { pages: result, removed };
  for (const edge of ['top', 'bottom'] as const) {
    const zones = withText.map((page) => edgeZone(page, edge));
    const counts = new Map<string, number>();
    const countsAfterFirst = new Map<string, number>();
    /** Bare page numbers, counted only at the outermost two lines, where page numbers are printed. */
    const pageNumbers = new Map<string, number>();
    zones.forEach((zone, pageIndex) => {
      for (const key of new Set(zone.flatMap(({ key, parts }) => [key, ...parts.map((part) => part.key)]))) {
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (pageIndex > 0) countsAfterFirst.set(key, (countsAfterFirst.get(key) ?? 0) + 1);
      }
      const outermost = zone.slice(0, 2).flatMap(({ key, parts }) => [key, ...parts.map((part) => part.key)]);
      for (const key of new Set(outermost)) {
        if (PAGE_NUMBER.test(key)) pageNumbers.set(key, (pageNumbers.get(key) ?? 0) + 1);
      }
    });
    // With two pages only, a line counts as repeated when it also sits at the same place on both.
    const samePlace = (key: string) =>
      zones.length > 2 || zones[0]!.findIndex((e) => e.key === key) === zones[1]!.findIndex((e) => e.key === key);
    const running = new Set<string>();
    for (const [key, count] of counts) {
      const everyPage = count === zones.length && samePlace(key);
      const allButFirst = zones.length >= 3 && (countsAfterFirst.get(key) ?? 0) === zones.length - 1;
      if (everyPage || allButFirst) running.add(key);
    }
    // Page numbers are often left off the first page (or the last): most pages is enough for them.
    for (const [key, count] of pageNumbers) {
      if (count >= Math.max(2, Math.ceil(zones.length * 0.6))) running.add(key);
    }
    if (running.size === 0) continue;
    const isRunning = (key: string, position: number) =>
      running.has(key) && (!PAGE_NUMBER.test(key) || position < 2 || counts.get(key) === zones.length);
    const note = (text: string) => {
      const key = edgeKey(text);
      if (!removed.some((seen) => edgeKey(seen) === key)) removed.push(text.trim());
    };
    zones.forEach((zone, page) => {
      const lines = withText[page]!;
      const drop = new Set<number>();
      zone.forEach(({ index, key, parts }, position) => {
        if (isRunning(key, position)) {
          note(lines[index]!);
          drop.add(index);
          return;
        }
        // A running footer sharing its line with something else: only the footer part goes.
        const kept = parts.filter((part) => !isRunning(part.key, position));
        if (kept.length === parts.length) return;
        for (const part of parts) if (!kept.includes(part)) note(part.text);
        lines[index] = kept.map((part) => part.text).join(' ');
      });
      const remaining = lines.filter((_, index) => !drop.has(index));
      lines.length = 0;
      lines.push(...remaining);
    });
  }
  return { pages: trimBlankEdges(result), removed };
}

/** Parts of a line far apart (a wide gap: a stray number beside a footer, a header's left and right parts). */
const WIDE_GAP = /\t+| {6,}/;

interface EdgeLine {
  index: number;
  key: string;
  /** The line's far-apart parts with their keys, when it has several. */
  parts: { text: string; key: string }[];
}

function edgeZone(page: readonly string[], edge: 'top' | 'bottom'): EdgeLine[] {
  const zone: EdgeLine[] = [];
  const order = edge === 'top' ? page.keys() : [...page.keys()].reverse();
  for (const index of order) {
    const line = page[index]!;
    const key = edgeKey(line);
    if (key === '') continue;
    const parts = line
      .trim()
      .split(WIDE_GAP)
      .map((text) => ({ text, key: edgeKey(text) }));
    zone.push({ index, key, parts: parts.length > 1 ? parts : [] });
    if (zone.length === EDGE_LINES) break;
  }
  return zone;
}

function trimBlankEdges(pages: string[][]): string[][] {
  return pages.map((page) => {
    let start = 0;
    let end = page.length;
    while (start < end && page[start]!.trim() === '') start++;
    while (end > start && page[end - 1]!.trim() === '') end--;
    return page.slice(start, end);
  });
}

/** A line after numbering is removed: where it came from, and whether it opens a numbered paragraph. */
export interface NumberedLine {
  text: string;
  /** First line of its page (a page break precedes it). */
  pageStart: boolean;
  /** Its number was removed (in paragraph numbering, it opens a paragraph). */
  numbered: boolean;
}

const LEADING_NUMBER = /^[\t ]*(\d{1,6})(?=[\t ]|$)[\t ]*/;
const STEPS = [1, 5, 10];

/**
 * Finds the numbering of lines or paragraphs and removes it. `mode` is `lines` when every line (or every fifth or
 * tenth) carries a number, `paragraphs` when only some do, each opening a paragraph; `none` without numbering.
 */
export function removeLineNumbers(pages: readonly (readonly string[])[]): {
  lines: NumberedLine[];
  mode: 'none' | 'lines' | 'paragraphs';
  removed: number;
} {
  const lines: (NumberedLine & { page: number })[] = [];
  for (const [pageIndex, page] of pages.entries()) {
    for (const [index, text] of page.entries()) {
      lines.push({ text, page: pageIndex, pageStart: index === 0, numbered: false });
    }
  }
  const candidates: { line: number; n: number; only: boolean; length: number }[] = [];
  lines.forEach((line, index) => {
    const match = LEADING_NUMBER.exec(line.text);
    if (match !== null) {
      candidates.push({
        line: index,
        n: Number(match[1]),
        only: match[0].length === line.text.length,
        length: match[0].length,
      });
    }
  });
  const step = likelyStep(candidates.map((candidate) => candidate.n));
  const accepted: typeof candidates = [];
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i]!;
    const last = accepted[accepted.length - 1];
    const page = lines[candidate.line]!.page;
    const firstOnPage = last === undefined || lines[last.line]!.page !== page;
    const next = candidates[i + 1];
    const ok =
      last === undefined
        ? candidate.n <= step * 2 || next?.n === candidate.n + step
        : candidate.n === last.n + step ||
          (candidate.n === last.n && last.only && !candidate.only) ||
          // A few numbers skipped (numbered blank lines lost with a footer), and the sequence goes on from there.
          (candidate.n > last.n && candidate.n <= last.n + 3 * step && next?.n === candidate.n + step) ||
          (firstOnPage && candidate.n <= step && next?.n === candidate.n + step);
    if (ok) accepted.push(candidate);
  }
  const textLines = lines.filter((line) => line.text.trim() !== '').length;
  if (accepted.length < 3 || accepted.length < candidates.length * 0.5) {
    return { lines: lines.map(({ page: _, ...line }) => line), mode: 'none', removed: 0 };
  }
  // Line numbering numbers every line (or every fifth); paragraph numbering leaves continuation lines unnumbered.
  const mode = step > 1 || accepted.length >= textLines * 0.9 ? 'lines' : 'paragraphs';
  const drop = new Set<number>();
  let openNext = false;
  const acceptedAt = new Map(accepted.map((candidate) => [candidate.line, candidate]));
  lines.forEach((line, index) => {
    const candidate = acceptedAt.get(index);
    if (candidate === undefined) {
      // A number alone on its line (MAXQDA puts a heading's number above it) opens the next line's paragraph.
      if (openNext && line.text.trim() !== '') {
        line.numbered = true;
        openNext = false;
      }
      return;
    }
    line.text = line.text.slice(candidate.length);
    line.numbered = true;
    if (candidate.only) {
      drop.add(index);
      openNext = true;
    } else {
      openNext = false;
    }
  });
  // A dropped line's page break passes to the line after it.
  const result: NumberedLine[] = [];
  let pageStart = false;
  lines.forEach((line, index) => {
    if (drop.has(index)) {
      pageStart ||= line.pageStart;
      return;
    }
    const starts = line.pageStart || pageStart;
    pageStart = false;
    // Exports of numbered transcripts (MAXQDA) print the last line of a page again, unnumbered, at the top of the
    // next one (outside the visible area): it is kept once.
    const before = result.findLast((candidate) => candidate.text.trim() !== '');
    if (starts && !line.numbered && before !== undefined && sameLine(before.text, line.text)) {
      pageStart = true;
      return;
    }
    result.push({ text: line.text, pageStart: starts, numbered: line.numbered });
  });
  return { lines: result, mode, removed: accepted.length };
}

const sameLine = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

/** The step between numbers that occurs most (1 unless 5 or 10 clearly dominate). */
function likelyStep(numbers: readonly number[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < numbers.length; i++) {
    const step = numbers[i]! - numbers[i - 1]!;
    if (STEPS.includes(step)) counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best = 1;
  for (const step of STEPS) if ((counts.get(step) ?? 0) > (counts.get(best) ?? 0)) best = step;
  return best;
}

/** `Name:` (up to four words) or `[Name]` opening a line: a speaker's turn starts there. */
const SPEAKER_LABEL =
  /^(?:\[[^\]\n]{1,40}\]|[\p{L}\p{N}][\p{L}\p{M}\p{N} .'’_-]{0,38}[\p{L}\p{M}\p{N}.]?(?:\s*[([][\d:.,]+[)\]])?:)(?:\s|$)/u;

function opensTurn(line: string): boolean {
  const match = SPEAKER_LABEL.exec(line);
  if (match === null) return false;
  const label = match[0].replace(/[:[\]]/g, '').trim();
  return label.split(/\s+/).length <= 4 && /\p{L}/u.test(label);
}

/**
 * Joins hard-wrapped lines into paragraphs. A line continues the one before when that one reaches near the right
 * margin (60% of the usual full line) and nothing opens a new paragraph (a blank line, a paragraph number, a
 * speaker label). Whitespace inside lines is collapsed to single spaces.
 */
export function joinParagraphs(
  lines: readonly NumberedLine[],
  options: { numberedParagraphs: boolean; separator: 'blank' | 'preserve' },
): { text: string; joined: number } {
  const texts = lines.map((line) => line.text.replace(/[\t ]+/g, ' ').trim());
  const fullWidth = percentile(
    texts.filter((text) => text !== '').map((text) => text.length),
    0.9,
  );
  const wrapAt = fullWidth >= 30 ? fullWidth * 0.6 : Number.POSITIVE_INFINITY;
  const paragraphs: { text: string; blankBefore: boolean }[] = [];
  let blank = false;
  let previous = '';
  let joined = 0;
  texts.forEach((text, index) => {
    if (text === '') {
      blank = true;
      previous = '';
      return;
    }
    const line = lines[index]!;
    const opens =
      paragraphs.length === 0 ||
      blank ||
      previous === '' ||
      (options.numberedParagraphs ? line.numbered : opensTurn(text)) ||
      previous.length < wrapAt;
    if (opens) {
      paragraphs.push({ text, blankBefore: blank });
    } else {
      const current = paragraphs[paragraphs.length - 1]!;
      // A word broken at the margin (`well-` / `known`) keeps its hyphen and loses the space.
      current.text += /\p{L}-$/u.test(current.text) && /^\p{Ll}/u.test(text) ? text : ` ${text}`;
      joined++;
    }
    blank = false;
    previous = text;
  });
  const text = paragraphs
    .map((paragraph, index) =>
      index === 0
        ? paragraph.text
        : `${options.separator === 'blank' || paragraph.blankBefore ? '\n\n' : '\n'}${paragraph.text}`,
    )
    .join('');
  return { text, joined };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
