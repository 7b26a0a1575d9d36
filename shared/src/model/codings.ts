import * as Y from 'yjs';
import { newId } from '../ids.js';
import { skipEntry } from './skipped.js';
import { transcriptText } from './transcript.js';
import { isReadableCoding } from './values.js';

/**
 * A coder's codings on one transcript (`p/<project>/t/<transcript>/c/<coder>`): a `Y.Map` under `codings`, keyed by
 * coding id, of plain values. `start`/`end` are encoded relative positions into the transcript's `Y.Text` (another
 * document), so codings stay anchored when the text is corrected. Plain values, not nested maps: ~10x less memory.
 */
export const CODINGS_KEY = 'codings';

export interface StoredCoding {
  code: string;
  start: Uint8Array;
  end: Uint8Array;
  memo?: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface Coding {
  id: string;
  code: string;
  start: number;
  end: number;
  memo?: string;
  createdAt: number;
}

export interface NewCoding {
  code: string;
  start: number;
  end: number;
  memo?: string;
  createdAt?: number;
}

export function codingsMap(doc: Y.Doc): Y.Map<StoredCoding> {
  return doc.getMap<StoredCoding>(CODINGS_KEY);
}

/** Anchors `[start, end)` in the transcript: the start sticks to the first coded character, the end to the last. */
export function anchorCoding(textDoc: Y.Doc, coding: NewCoding): StoredCoding {
  const ytext = transcriptText(textDoc);
  if (!(Number.isInteger(coding.start) && Number.isInteger(coding.end)) || coding.start < 0) {
    throw new RangeError(`coding offsets must be non-negative integers, got [${coding.start}, ${coding.end})`);
  }
  if (coding.end <= coding.start || coding.end > ytext.length) {
    throw new RangeError(`coding [${coding.start}, ${coding.end}) is outside the text of length ${ytext.length}`);
  }
  const stored: StoredCoding = {
    code: coding.code,
    start: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, coding.start, 0)),
    end: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, coding.end, -1)),
    createdAt: coding.createdAt ?? Date.now(),
  };
  if (coding.memo) stored.memo = coding.memo;
  return stored;
}

export function addCoding(codingsDoc: Y.Doc, textDoc: Y.Doc, coding: NewCoding, id: string = newId()): string {
  codingsMap(codingsDoc).set(id, anchorCoding(textDoc, coding));
  return id;
}

/** Resolves one stored coding to offsets; `null` when its text has been deleted. */
export function resolveCoding(textDoc: Y.Doc, id: string, stored: StoredCoding): Coding | null {
  const start = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(stored.start), textDoc);
  const end = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(stored.end), textDoc);
  if (start === null || end === null || end.index <= start.index) return null;
  const coding: Coding = { id, code: stored.code, start: start.index, end: end.index, createdAt: stored.createdAt };
  if (stored.memo !== undefined) coding.memo = stored.memo;
  return coding;
}

/** The stored codings of a layer that can be read; any other entry is skipped (and reported: `skipEntry`). */
export function storedCodings(codingsDoc: Y.Doc): [string, StoredCoding][] {
  const entries: [string, StoredCoding][] = [];
  for (const [id, stored] of codingsMap(codingsDoc)) {
    if (isReadableCoding(stored)) entries.push([id, stored]);
    else skipEntry(codingsDoc, CODINGS_KEY, id);
  }
  return entries;
}

/** Every coding of a layer with absolute offsets, sorted by start then end; an unreadable entry is skipped. */
export function readCodings(codingsDoc: Y.Doc, textDoc: Y.Doc): Coding[] {
  const codings: Coding[] = [];
  for (const [id, stored] of storedCodings(codingsDoc)) {
    const coding = resolveCoding(textDoc, id, stored);
    if (coding !== null) codings.push(coding);
  }
  return codings.sort((a, b) => a.start - b.start || a.end - b.end);
}
