import * as Y from 'yjs';
import { newId } from '../ids.js';
import { skipEntry } from './skipped.js';
import { isColour, isNumber, isString, orNull, type ValueCheck } from './values.js';

/**
 * The codebook document (`p/<project>/codebook`, frozen per round as `p/<project>/r/<round>/codebook`): codes
 * under `codes`, keyed by code id. Each code is a nested `Y.Map` so that two people editing different fields of
 * one code (a definition and a colour) both keep their change; codes are few, so the memory cost is small.
 */
export const CODES_KEY = 'codes';

export interface CodeFields {
  name: string;
  /** Parent code id, or null for a top-level code. */
  parent: string | null;
  /** CSS colour, `#rrggbb`. */
  colour: string;
  definition: string;
  inclusion: string;
  exclusion: string;
  examples: string;
  /** Position among siblings (ascending). */
  order: number;
  createdAt: number;
}

export interface Code extends CodeFields {
  id: string;
}

export function codesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(CODES_KEY);
}

/**
 * The code palette, in assignment order: every pair of its 24 colours stays distinguishable (CIEDE2000 >= 9, the
 * first 12 >= 15) in normal vision and simulated protanopia, deuteranopia and tritanopia. Chosen by max-min search;
 * the guarantee, the reasons for the thresholds and the colours' names live in client/src/ui/palette.ts and its test.
 */
export const CODE_PALETTE: readonly string[] = [
  '#2d5ff5',
  '#d6d704',
  '#b61f4d',
  '#637502',
  '#04bd94',
  '#85029c',
  '#fe748f',
  '#f2bade',
  '#a18efb',
  '#939d48',
  '#c7d69b',
  '#745988',
  '#4a8e64',
  '#d21909',
  '#7081b4',
  '#10e7c2',
  '#985369',
  '#ebb75b',
  '#ccb1fe',
  '#5547ac',
  '#2b7048',
  '#a8a900',
  '#de95b1',
  '#97b27d',
];

const DEFAULTS: Omit<CodeFields, 'name' | 'createdAt' | 'order' | 'colour'> = {
  parent: null,
  definition: '',
  inclusion: '',
  exclusion: '',
  examples: '',
};

export function addCode(doc: Y.Doc, fields: Partial<CodeFields> & { name: string }, id: string = newId()): string {
  const codes = codesMap(doc);
  const complete: CodeFields = {
    ...DEFAULTS,
    colour: CODE_PALETTE[codes.size % CODE_PALETTE.length]!,
    order: codes.size,
    createdAt: Date.now(),
    ...fields,
  };
  const code = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(complete)) code.set(key, value);
  codes.set(id, code);
  return id;
}

export function updateCode(doc: Y.Doc, id: string, fields: Partial<CodeFields>): void {
  const code = codesMap(doc).get(id);
  if (code === undefined) throw new RangeError(`no code ${id}`);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) code.set(key, value);
  });
}

/** A code's fields; a field that is missing or not of its type (a stored value no validation saw) reads as the default. */
export function readCode(id: string, code: Y.Map<unknown>): Code {
  const get = <T>(key: keyof CodeFields, check: ValueCheck, fallback: T): T => {
    const value = code.get(key);
    return check(value) ? (value as T) : fallback;
  };
  return {
    id,
    name: get('name', isString, ''),
    parent: get<string | null>('parent', orNull(isString), null),
    colour: get('colour', isColour, CODE_PALETTE[0]!),
    definition: get('definition', isString, ''),
    inclusion: get('inclusion', isString, ''),
    exclusion: get('exclusion', isString, ''),
    examples: get('examples', isString, ''),
    order: get('order', isNumber, 0),
    createdAt: get('createdAt', isNumber, 0),
  };
}

/** All codes, sorted by their order then name (parents and children mixed; build the tree with `parent`). */
export function readCodes(doc: Y.Doc): Code[] {
  const codes: Code[] = [];
  for (const [id, code] of codesMap(doc)) {
    if (code instanceof Y.Map) codes.push(readCode(id, code));
    else skipEntry(doc, CODES_KEY, id);
  }
  return codes.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/** The path of a code from its top-level ancestor, e.g. `["Barriers", "Stigma"]`; cycles are cut. */
export function codePath(codes: ReadonlyMap<string, Code>, id: string): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  for (let current = codes.get(id); current !== undefined && !seen.has(current.id); ) {
    seen.add(current.id);
    path.unshift(current.name);
    current = current.parent === null ? undefined : codes.get(current.parent);
  }
  return path;
}
