import * as Y from 'yjs';
import type { StoredCoding } from './codings.js';
import type { DecisionRecord, StoredConsensusCoding } from './consensus.js';
import type { StoredQuote, ThemeFinalisation } from './themes.js';
import { type StoredTurn, TEXT_KEY } from './transcript.js';

/**
 * Checks of the plain values stored in documents (what a Yjs `ContentAny` holds): the server refuses an update
 * that writes a value these do not accept (see `DOC_SCHEMAS`), and the readers skip a stored one.
 *
 * Pure predicates rather than a schema library: they run on the sync hot path, once per written value.
 */
export type ValueCheck = (value: unknown) => boolean;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

export const isString: ValueCheck = (value) => typeof value === 'string';
export const isNumber: ValueCheck = (value) => typeof value === 'number' && Number.isFinite(value);
export const isAnyNumber: ValueCheck = (value) => typeof value === 'number';
export const isBoolean: ValueCheck = (value) => typeof value === 'boolean';
export const orNull =
  (check: ValueCheck): ValueCheck =>
  (value) =>
    value === null || check(value);
export const oneOf =
  (values: readonly unknown[]): ValueCheck =>
  (value) =>
    values.includes(value);
export const arrayOf =
  (check: ValueCheck): ValueCheck =>
  (value) =>
    Array.isArray(value) && value.every(check);

/** A CSS colour as the codebook stores it: `#rrggbb`. */
export function isColour(value: unknown): value is string {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value);
}

/**
 * An encoded relative position into a transcript's text, as `anchorCoding` writes it: it decodes, and it points
 * at an item or at the root text type (never at a nested type, never at another root, which a reader would create).
 */
export function isTextAnchor(value: unknown): value is Uint8Array {
  if (!(value instanceof Uint8Array) || value.length > 64) return false;
  try {
    const position = Y.decodeRelativePosition(value);
    return position.type === null && (position.item !== null || position.tname === TEXT_KEY);
  } catch {
    return false;
  }
}

/**
 * A plain object with exactly these fields: `required` must be present, `optional` may be; no other key (unless
 * `otherKeys` is 'ignored': what a reader needs, where a writer must not add anything). An `undefined` optional
 * field counts as absent (Yjs stores it as such and readers fall back).
 */
export function shape(
  required: Record<string, ValueCheck>,
  optional: Record<string, ValueCheck> = {},
  otherKeys: 'refused' | 'ignored' = 'refused',
): ValueCheck {
  const requiredKeys = Object.keys(required);
  return (value) => {
    if (!isRecord(value)) return false;
    for (const key of requiredKeys) if (!Object.hasOwn(value, key) || !required[key]!(value[key])) return false;
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(required, key)) continue;
      if (!Object.hasOwn(optional, key)) {
        if (otherKeys === 'ignored') continue;
        return false;
      }
      if (value[key] !== undefined && !optional[key]!(value[key])) return false;
    }
    return true;
  };
}

// `createdAt` any number: an imported coding may carry NaN, and a coder who recodes it writes it back as it is.
const CODING_FIELDS = { code: isString, start: isTextAnchor, end: isTextAnchor, createdAt: isAnyNumber };

/** What a client may write into a coder's layer: a coding exactly as `anchorCoding` makes it. */
export const isStoredCoding = shape(CODING_FIELDS, { memo: isString }) as (value: unknown) => value is StoredCoding;

/**
 * What a reader of a layer can use: the fields of a coding well typed, anything else ignored (the consensus layer
 * has the same shape plus provenance, and entries written server-side need not have been this strict).
 */
export const isReadableCoding = shape(
  { code: isString, start: isTextAnchor, end: isTextAnchor },
  { memo: isString, createdAt: isAnyNumber },
  'ignored',
) as (value: unknown) => value is StoredCoding;

const isSource = shape({ coder: isString, coding: isString });

export const isProvenance = shape({
  decidedBy: isString,
  decidedAt: isNumber,
  decision: oneOf(['agreed', 'keepA', 'keepB', 'merge', 'drop', 'recode']),
  sources: arrayOf(isSource),
  memo: isString,
  round: isString,
  disagreement: orNull(isString),
});

export const isStoredConsensusCoding = shape({ ...CODING_FIELDS, provenance: isProvenance }, { memo: isString }) as (
  value: unknown,
) => value is StoredConsensusCoding;

export const isDecisionRecord = shape(
  {
    disagreement: isString,
    round: isString,
    kind: oneOf(['oneCoderOnly', 'differentCodes', 'differentBoundaries']),
    coders: (value) => Array.isArray(value) && value.length === 2 && value.every(isString),
    decision: oneOf(['keepA', 'keepB', 'merge', 'drop', 'recode']),
    decidedBy: isString,
    decidedAt: isNumber,
    memo: isString,
    sources: arrayOf(isSource),
    codings: arrayOf(isString),
  },
  { code: isString },
) as (value: unknown) => value is DecisionRecord;

export const isStoredTurn = shape({ at: isTextAnchor, speaker: isString }, { time: isNumber }) as (
  value: unknown,
) => value is StoredTurn;

export const isStoredQuote = shape({
  transcript: isString,
  layer: isString,
  coding: orNull(isString),
  code: orNull(isString),
  start: isTextAnchor,
  end: isTextAnchor,
  text: isString,
  chosenBy: isString,
  chosenAt: isNumber,
}) as (value: unknown) => value is StoredQuote;

export const isThemeFinalisation = shape({
  round: orNull(isString),
  report: orNull(shape({ unit: isString, minCoverage: isAnyNumber, digest: isString })),
  thresholds: shape({ kappa: isAnyNumber, alpha: isAnyNumber }),
  codes: arrayOf(
    shape({
      code: isString,
      reliability: oneOf(['ok', 'belowThreshold', 'neverDoubleCoded']),
      kappa: orNull(isAnyNumber),
      alpha: orNull(isAnyNumber),
    }),
  ),
  warningsAcknowledged: isBoolean,
  by: isString,
  at: isAnyNumber,
}) as (value: unknown) => value is ThemeFinalisation;
