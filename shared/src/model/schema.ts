import type { DocKind } from '../docNames.js';
import { CODES_KEY } from './codebook.js';
import { CODINGS_KEY } from './codings.js';
import { DECISIONS_KEY } from './consensus.js';
import { REDIRECTS_KEY } from './edits.js';
import { MEMO_KEY } from './memo.js';
import { THEME_STATUSES, THEMES_KEY } from './themes.js';
import { TEXT_KEY, TURNS_KEY } from './transcript.js';
import {
  isColour,
  isDecisionRecord,
  isNumber,
  isStoredCoding,
  isStoredConsensusCoding,
  isStoredQuote,
  isStoredTurn,
  isString,
  isThemeFinalisation,
  oneOf,
  orNull,
  type ValueCheck,
} from './values.js';

/**
 * What each kind of document may contain, as data: which root types it has, what type each is, and what every
 * entry and nested type holds. The server checks every client update against it before the update is relayed
 * or stored (server/src/sync/contentValidation.ts), and the readers skip any stored entry it does not accept, so
 * that one bad entry (written before validation existed, or through a bug) cannot fail a whole report.
 */

/** What an entry of a map or an element of an array may be: a plain value, or a nested shared type. */
export type EntrySchema = { readonly value: ValueCheck } | { readonly nested: TypeSchema };

export type TypeSchema =
  /** A `Y.Text` of plain text: no formatting, no embeds, no attributes. */
  | { readonly type: 'text' }
  | { readonly type: 'array'; readonly item: EntrySchema }
  /** A `Y.Map`: `fields` names the keys it may have; `rest` is the schema of any other key (keyed by id). */
  | {
      readonly type: 'map';
      readonly fields?: Readonly<Record<string, EntrySchema>>;
      readonly rest?: EntrySchema;
    };

/** Root name -> root type. A root not named here is refused. */
export type DocSchema = Readonly<Record<string, TypeSchema>>;

/** The schema of the entry `key` of a map, or null when the map may not have that key. */
export function mapEntry(schema: TypeSchema & { type: 'map' }, key: string): EntrySchema | null {
  if (schema.fields && Object.hasOwn(schema.fields, key)) return schema.fields[key]!;
  return schema.rest ?? null;
}

// --- document schemas ---------------------------------------------------------------------------------------

/** A field of a nested map (a code, a theme): readers fall back to a default, so `undefined` is accepted. */
const field = (check: ValueCheck): EntrySchema => ({ value: (value) => value === undefined || check(value) });

const CODE_SCHEMA: TypeSchema = {
  type: 'map',
  fields: {
    name: field(isString),
    parent: field(orNull(isString)),
    colour: field(isColour),
    definition: field(isString),
    inclusion: field(isString),
    exclusion: field(isString),
    examples: field(isString),
    order: field(isNumber),
    createdAt: field(isNumber),
  },
};

const THEME_SCHEMA: TypeSchema = {
  type: 'map',
  fields: {
    name: field(isString),
    definition: field(isString),
    parent: field(orNull(isString)),
    status: field(oneOf(THEME_STATUSES)),
    order: field(isNumber),
    createdAt: field(isNumber),
    codes: { nested: { type: 'map', rest: { value: isNumber } } },
    quotes: { nested: { type: 'map', rest: { value: isStoredQuote } } },
    finalisedWith: field(orNull(isThemeFinalisation)),
  },
};

const CODEBOOK_SCHEMA: DocSchema = {
  [CODES_KEY]: { type: 'map', rest: { nested: CODE_SCHEMA } },
  [REDIRECTS_KEY]: { type: 'map', rest: { value: isString } },
  [THEMES_KEY]: { type: 'map', rest: { nested: THEME_SCHEMA } },
};

export const DOC_SCHEMAS: Readonly<Record<DocKind, DocSchema>> = {
  codebook: CODEBOOK_SCHEMA,
  roundCodebook: CODEBOOK_SCHEMA,
  text: {
    [TEXT_KEY]: { type: 'text' },
    [TURNS_KEY]: { type: 'array', item: { value: isStoredTurn } },
  },
  codings: {
    [CODINGS_KEY]: { type: 'map', rest: { value: isStoredCoding } },
  },
  consensus: {
    [CODINGS_KEY]: { type: 'map', rest: { value: isStoredConsensusCoding } },
    [DECISIONS_KEY]: { type: 'map', rest: { value: isDecisionRecord } },
  },
  memo: {
    [MEMO_KEY]: { type: 'text' },
  },
};
