import * as Y from 'yjs';
import { newId } from '../ids.js';
import { readRedirects, resolveCode } from './edits.js';
import { skipEntry } from './skipped.js';
import { transcriptText } from './transcript.js';
import { isNumber, isStoredQuote, isString, isThemeFinalisation, orNull, type ValueCheck } from './values.js';

/**
 * Themes (Braun & Clarke: searching for, reviewing, defining and naming themes) live in the codebook document,
 * beside the codes they group, under `themes`: one nested `Y.Map` per theme, keyed by theme id, so that two people
 * renaming one theme and dragging a code onto it both keep their change.
 *
 * A theme's `codes` is a `Y.Map` used as a set (code id -> when it was added): two people dropping the same code
 * at once give one entry, not two. Its `quotes` are the passages the team chose to represent it, anchored like
 * codings (relative positions into the transcript text) and keeping a copy of the text as chosen, shown if the
 * passage is later deleted. A theme's memo is the memo document `p/<project>/memos/theme-<id>`.
 */
export const THEMES_KEY = 'themes';

export type ThemeStatus = 'candidate' | 'reviewed' | 'final';
export const THEME_STATUSES: readonly ThemeStatus[] = ['candidate', 'reviewed', 'final'];

/** What a code's agreement looked like when a theme was finalised. */
export type CodeReliability = 'ok' | 'belowThreshold' | 'neverDoubleCoded';

export interface FinalisedCode {
  code: string;
  reliability: CodeReliability;
  /** The headline kappa (Cohen's for a pair, Fleiss' for more coders), null when undefined or never double-coded. */
  kappa: number | null;
  alpha: number | null;
}

/** The evidence a theme was finalised on: the round and reliability report it relied on, and what it showed. */
export interface ThemeFinalisation {
  /** The most recent revealed round at the time, or null when no round had been revealed. */
  round: string | null;
  /** Identifies the report (unit of analysis and a digest of the snapshots it was computed from). */
  report: { unit: string; minCoverage: number; digest: string } | null;
  thresholds: { kappa: number; alpha: number };
  codes: FinalisedCode[];
  /** Codes were flagged and the person finalising went ahead anyway. */
  warningsAcknowledged: boolean;
  by: string;
  at: number;
}

export interface StoredQuote {
  transcript: string;
  /** `consensus` or the coder whose layer the passage was chosen from. */
  layer: string;
  /** The coding it was chosen from, if any, and its code. */
  coding: string | null;
  code: string | null;
  start: Uint8Array;
  end: Uint8Array;
  /** The text when it was chosen. */
  text: string;
  chosenBy: string;
  chosenAt: number;
}

export interface ThemeQuote extends Omit<StoredQuote, 'start' | 'end'> {
  id: string;
}

export interface Theme {
  id: string;
  name: string;
  definition: string;
  /** The parent theme for a sub-theme, else null. */
  parent: string | null;
  status: ThemeStatus;
  order: number;
  createdAt: number;
  /** Code ids, in the order they were added; merged codes resolved, deleted ones left out. */
  codes: string[];
  quotes: ThemeQuote[];
  finalisedWith: ThemeFinalisation | null;
}

export type ThemeFields = Pick<Theme, 'name' | 'definition' | 'parent' | 'order'>;

export function themesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(THEMES_KEY);
}

/** The memo document id of a theme (`p/<project>/memos/theme-<id>`). */
export function themeMemoId(themeId: string): string {
  return `theme-${themeId}`;
}

function themeMap(doc: Y.Doc, id: string): Y.Map<unknown> {
  const theme = themesMap(doc).get(id);
  if (theme === undefined) throw new RangeError(`no theme ${id}`);
  return theme;
}

/** A theme's nested set or map, created if a theme from an older or foreign client lacks it. */
function nested<T>(theme: Y.Map<unknown>, key: 'codes' | 'quotes'): Y.Map<T> {
  const existing = theme.get(key);
  if (existing instanceof Y.Map) return existing as Y.Map<T>;
  const created = new Y.Map<T>();
  theme.set(key, created);
  return created;
}

const codeSet = (theme: Y.Map<unknown>) => nested<number>(theme, 'codes');
const quoteMap = (theme: Y.Map<unknown>) => nested<StoredQuote>(theme, 'quotes');

/** The entries of a theme's nested set or map that `check` accepts (others are skipped: see `skipEntry`). */
function readNested<T>(theme: Y.Map<unknown>, key: 'codes' | 'quotes', check: ValueCheck): [string, T][] {
  const value = theme.get(key);
  if (!(value instanceof Y.Map)) return [];
  const entries: [string, T][] = [];
  for (const [id, entry] of value as Y.Map<unknown>) {
    if (check(entry)) entries.push([id, entry as T]);
    else if (theme.doc) skipEntry(theme.doc, `${THEMES_KEY}.${key}`, id);
  }
  return entries;
}

export function addTheme(
  doc: Y.Doc,
  fields: Partial<ThemeFields> & { name: string },
  id: string = newId(),
  now: number = Date.now(),
): string {
  const themes = themesMap(doc);
  const theme = new Y.Map<unknown>();
  doc.transact(() => {
    theme.set('name', fields.name);
    theme.set('definition', fields.definition ?? '');
    theme.set('parent', fields.parent ?? null);
    theme.set('status', 'candidate');
    theme.set('order', fields.order ?? themes.size);
    theme.set('createdAt', now);
    theme.set('codes', new Y.Map<number>());
    theme.set('quotes', new Y.Map<StoredQuote>());
    theme.set('finalisedWith', null);
    themes.set(id, theme);
  });
  return id;
}

export function updateTheme(
  doc: Y.Doc,
  id: string,
  fields: Partial<Pick<ThemeFields, 'name' | 'definition' | 'order'>>,
) {
  const theme = themeMap(doc, id);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) theme.set(key, value);
  });
}

/** Whether `candidate` is `id` or a sub-theme below it (making it the parent of `id` would make a cycle). */
export function isThemeSelfOrDescendant(doc: Y.Doc, id: string, candidate: string | null): boolean {
  const themes = themesMap(doc);
  const seen = new Set<string>();
  for (let current = candidate; current !== null && !seen.has(current); ) {
    if (current === id) return true;
    seen.add(current);
    const theme = themes.get(current);
    const parent = theme instanceof Y.Map ? theme.get('parent') : null;
    current = typeof parent === 'string' ? parent : null;
  }
  return false;
}

/** Makes a theme a sub-theme of `parent` (null: a top-level theme again). */
export function setThemeParent(doc: Y.Doc, id: string, parent: string | null): void {
  const theme = themeMap(doc, id);
  if (parent !== null) themeMap(doc, parent);
  if (isThemeSelfOrDescendant(doc, id, parent)) throw new RangeError('a theme cannot go below itself');
  theme.set('parent', parent);
}

/** Deletes a theme; its sub-themes move up to its parent. Its memo document stays (memos are never lost). */
export function deleteTheme(doc: Y.Doc, id: string): void {
  const themes = themesMap(doc);
  const parent = (themeMap(doc, id).get('parent') as string | null | undefined) ?? null;
  doc.transact(() => {
    for (const child of themes.values()) {
      if (child instanceof Y.Map && child.get('parent') === id) child.set('parent', parent);
    }
    themes.delete(id);
  });
}

export function addCodeToTheme(doc: Y.Doc, theme: string, code: string, now: number = Date.now()): void {
  const codes = codeSet(themeMap(doc, theme));
  if (!codes.has(code)) codes.set(code, now);
}

export function removeCodeFromTheme(doc: Y.Doc, theme: string, code: string): void {
  codeSet(themeMap(doc, theme)).delete(code);
}

/** Drags a code from one theme to another in one step (observers never see it in both or in neither). */
export function moveCodeToTheme(doc: Y.Doc, code: string, from: string, to: string, now: number = Date.now()): void {
  if (from === to) return;
  doc.transact(() => {
    removeCodeFromTheme(doc, from, code);
    addCodeToTheme(doc, to, code, now);
  });
}

/**
 * Where a code goes on the theme board: out of `from` (a theme, or null for the unassigned codes) into `to` (a
 * theme, or null: out of `from` only). `copy` keeps it in `from` as well: a code may belong to several themes.
 * One transaction, so observers never see the code in both places or in neither.
 */
export function placeCode(
  doc: Y.Doc,
  code: string,
  from: string | null,
  to: string | null,
  options: { copy?: boolean; now?: number } = {},
): void {
  if (from === to) return;
  doc.transact(() => {
    if (from !== null && !options.copy) removeCodeFromTheme(doc, from, code);
    if (to !== null) addCodeToTheme(doc, to, code, options.now ?? Date.now());
  });
}

/**
 * Moves a theme under `parent` (null: the top level) to position `index` among its new siblings (clamped), and
 * numbers the siblings' `order` 0, 1, 2... so that the board's columns and sub-themes keep the order people chose.
 */
export function moveTheme(doc: Y.Doc, id: string, parent: string | null, index: number): void {
  const themes = themesMap(doc);
  const theme = themeMap(doc, id);
  if (parent !== null) themeMap(doc, parent);
  if (isThemeSelfOrDescendant(doc, id, parent)) throw new RangeError('a theme cannot go below itself');
  const redirects = new Map<string, string>();
  const siblings = [...themes.entries()]
    .filter(([other, map]) => other !== id && map instanceof Y.Map && (map.get('parent') ?? null) === parent)
    .map(([other, map]) => readTheme(other, map, redirects))
    .sort(byOrder);
  const at = Math.max(0, Math.min(Math.trunc(index), siblings.length));
  const ordered = [...siblings.slice(0, at).map((t) => t.id), id, ...siblings.slice(at).map((t) => t.id)];
  doc.transact(() => {
    if ((theme.get('parent') ?? null) !== parent) theme.set('parent', parent);
    ordered.forEach((sibling, order) => {
      const map = themes.get(sibling)!;
      if (map.get('order') !== order) map.set('order', order);
    });
  });
}

export interface NewQuote {
  transcript: string;
  layer: string;
  coding?: string | null;
  code?: string | null;
  start: number;
  end: number;
  chosenBy: string;
  chosenAt?: number;
}

/** Anchors a chosen passage `[start, end)` of a transcript, like a coding, and keeps its text as chosen. */
export function anchorQuote(textDoc: Y.Doc, quote: NewQuote): StoredQuote {
  const ytext = transcriptText(textDoc);
  if (!(Number.isInteger(quote.start) && Number.isInteger(quote.end)) || quote.start < 0) {
    throw new RangeError('quote offsets must be non-negative integers');
  }
  if (quote.end <= quote.start || quote.end > ytext.length) throw new RangeError('quote is outside the text');
  return {
    transcript: quote.transcript,
    layer: quote.layer,
    coding: quote.coding ?? null,
    code: quote.code ?? null,
    start: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, quote.start, 0)),
    end: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, quote.end, -1)),
    text: ytext.toString().slice(quote.start, quote.end),
    chosenBy: quote.chosenBy,
    chosenAt: quote.chosenAt ?? Date.now(),
  };
}

export function addQuote(doc: Y.Doc, theme: string, quote: StoredQuote, id: string = newId()): string {
  quoteMap(themeMap(doc, theme)).set(id, quote);
  return id;
}

export function removeQuote(doc: Y.Doc, theme: string, id: string): void {
  quoteMap(themeMap(doc, theme)).delete(id);
}

/** The stored anchors of a quote (to resolve against the transcript text); null if there is no such quote. */
export function storedQuote(doc: Y.Doc, theme: string, id: string): StoredQuote | null {
  return new Map(readNested<StoredQuote>(themeMap(doc, theme), 'quotes', isStoredQuote)).get(id) ?? null;
}

/** A quote's passage in the transcript as it is now, or its text as chosen if the passage has been deleted. */
export function resolveQuote(textDoc: Y.Doc, quote: StoredQuote): { start: number; end: number; text: string } | null {
  const start = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(quote.start), textDoc);
  const end = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(quote.end), textDoc);
  if (start === null || end === null || end.index <= start.index) return null;
  return { start: start.index, end: end.index, text: transcriptText(textDoc).toString().slice(start.index, end.index) };
}

/**
 * Moves a theme back to `candidate` or to `reviewed`. Leaving `final` drops the finalisation record: a theme that
 * is final again must be checked again against the agreement of its day.
 */
export function setThemeStatus(doc: Y.Doc, id: string, status: Exclude<ThemeStatus, 'final'>): void {
  const theme = themeMap(doc, id);
  doc.transact(() => {
    theme.set('status', status);
    theme.set('finalisedWith', null);
  });
}

/** Marks a reviewed theme final, with the evidence it relied on (see the finalisation gate). */
export function finaliseTheme(doc: Y.Doc, id: string, evidence: ThemeFinalisation): void {
  const theme = themeMap(doc, id);
  if (theme.get('status') !== 'reviewed') throw new RangeError('only a reviewed theme can be finalised');
  doc.transact(() => {
    theme.set('status', 'final');
    theme.set('finalisedWith', evidence);
  });
}

/** A theme; a field that is missing or not of its type (a value no validation saw) reads as the default. */
export function readTheme(id: string, theme: Y.Map<unknown>, redirects: ReadonlyMap<string, string>): Theme {
  const get = <T>(key: string, check: ValueCheck, fallback: T): T => {
    const value = theme.get(key);
    return check(value) ? (value as T) : fallback;
  };
  const codes: string[] = [];
  const added = readNested<number>(theme, 'codes', isNumber).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  for (const [code] of added) {
    const current = resolveCode(redirects, code);
    if (current !== null && !codes.includes(current)) codes.push(current);
  }
  const quotes = readNested<StoredQuote>(theme, 'quotes', isStoredQuote)
    .map(([quoteId, { start: _start, end: _end, ...quote }]) => ({ id: quoteId, ...quote }))
    .sort((a, b) => a.chosenAt - b.chosenAt || a.id.localeCompare(b.id));
  const status = theme.get('status') as ThemeStatus | undefined;
  return {
    id,
    name: get('name', isString, ''),
    definition: get('definition', isString, ''),
    parent: get<string | null>('parent', orNull(isString), null),
    status: status !== undefined && THEME_STATUSES.includes(status) ? status : 'candidate',
    order: get('order', isNumber, 0),
    createdAt: get('createdAt', isNumber, 0),
    codes,
    quotes,
    finalisedWith: get<ThemeFinalisation | null>('finalisedWith', isThemeFinalisation, null),
  };
}

/** Every theme, sorted by order then name; codes resolved through the codebook's merge/delete redirects. */
export function readThemes(doc: Y.Doc): Theme[] {
  const redirects = readRedirects(doc);
  const themes: Theme[] = [];
  for (const [id, theme] of themesMap(doc)) {
    if (theme instanceof Y.Map) themes.push(readTheme(id, theme, redirects));
    else skipEntry(doc, THEMES_KEY, id);
  }
  return themes.sort(byOrder);
}

function byOrder(a: Theme, b: Theme): number {
  return a.order - b.order || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export interface ThemeNode {
  theme: Theme;
  depth: number;
  children: ThemeNode[];
}

/**
 * Themes as a tree (roots and sub-themes in their order). A theme whose parent is missing (deleted meanwhile) or
 * that sits in a parent cycle (two people nesting themes into each other at once) is shown at the top level, so
 * that no theme is ever hidden.
 */
export function themeTree(themes: readonly Theme[]): ThemeNode[] {
  const sorted = [...themes].sort(byOrder);
  const ids = new Set(sorted.map((theme) => theme.id));
  const placed = new Set<string>();
  const build = (theme: Theme, depth: number): ThemeNode => {
    placed.add(theme.id);
    const children = sorted
      .filter((child) => child.parent === theme.id && !placed.has(child.id))
      .map((child) => build(child, depth + 1));
    return { theme, depth, children };
  };
  const roots: ThemeNode[] = [];
  for (const theme of sorted) {
    if ((theme.parent === null || !ids.has(theme.parent)) && !placed.has(theme.id)) roots.push(build(theme, 0));
  }
  // What is left sits in a cycle: its first member (in order) becomes a root and brings the rest along.
  for (const theme of sorted) if (!placed.has(theme.id)) roots.push(build(theme, 0));
  return roots;
}
