import type { Turn } from '@accord/shared';

/**
 * Speaker-turn detection on normalised transcript text: a pure function from text to turns, so the upload preview,
 * the CLI and the tests all see the same result. The text itself is never changed; a turn is only an offset (the
 * start of the line that opens it), a speaker name and, when the source had one, a time.
 *
 * Recognised line openings (each optionally after a paragraph number, as MAXQDA exports number paragraphs):
 * - `Name: text`, `Interviewer: text`, `P1: text`, `Name (00:01:23): text`, `[00:01:23] Name: text`
 * - `名前：text`: a full-width colon (`：`, `﹕`), with or without a space after it, as Chinese and Japanese write
 * - `[Name] text` (QualCoder's `[id1]`), `[Name]: text`, `【Name】text`
 * Names may be in any script, with combining marks (Devanagari, Thai, Arabic with harakat).
 * - `Name  0:03` alone on a line, the text on the following lines (Otter, Teams and Word transcripts)
 * A label counts as a speaker when it opens two or more lines or names a usual role (Interviewer, P1, Speaker 2...);
 * once a document has such a speaker, every label of the same shape counts too (someone who speaks once in a focus
 * group is still a speaker). The user confirms the list before import, and dropping a wrong speaker is easier than
 * adding a missed one. A rare label that is a near-miss of a frequent one (`Particpant:`) is flagged `similarTo`.
 */
export interface SpeakerSummary {
  name: string;
  turns: number;
  /** A more frequent speaker this one is probably a misspelling of. */
  similarTo?: string;
}

export interface DetectedTurns {
  turns: Turn[];
  speakers: SpeakerSummary[];
}

const TIME = String.raw`(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?`;
const NAME = String.raw`[\p{L}\p{N}][\p{L}\p{M}\p{N} .'’_-]{0,38}[\p{L}\p{M}\p{N}.]|\p{L}`;
/** Indentation (pdftotext starts pages with a form feed; CJK text indents with U+3000) and a paragraph number. */
const LINE_START = String.raw`[\t\f\v \u3000]*(?:(?<number>\d{1,5})[\t \u3000]+)?`;
/** What ends a label: a colon then a space or the end of the line, or a full-width colon then anything. */
const COLON = String.raw`(?::(?:[\t \u3000]|$)|[：﹕][\t \u3000]*)`;

/** `Name  0:03` on a line of its own. */
const HEADER_LINE = new RegExp(String.raw`^${LINE_START}(?<name>${NAME})[\t ]+(?<time>${TIME})[\t ]*$`, 'u');
/** `[Name] text`, `[Name]: text` or `【Name】text` (CJK lenticular brackets need no space after them). */
const BRACKET_LABEL = new RegExp(
  String.raw`^${LINE_START}(?:\[?(?<time>${TIME})\]?[\t ]+)?(?:\[(?<name>${NAME})\](?:${COLON}|[\t \u3000]|$)|【(?<name2>${NAME})】(?:${COLON})?)`,
  'u',
);
/** `Name: text`, with an optional time before the name or in brackets after it. */
const COLON_LABEL = new RegExp(
  String.raw`^${LINE_START}(?:\[?(?<time>${TIME})\]?[\t ]+)?(?<name>${NAME})(?:[\t ]*[([（](?<time2>${TIME})[)\]）])?${COLON}`,
  'u',
);

const ROLE =
  /^(?:interviewer|interviewee|participant|moderator|facilitator|respondent|researcher|speaker ?\d+|p ?\d+|participant ?\d+|int|[iqra])$/i;
const MAX_WORDS = 4;

interface Candidate extends LineLabel {
  start: number;
}

export function detectTurns(text: string): DetectedTurns {
  const candidates: Candidate[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const label = lineLabel(text.slice(lineStart, lineEnd));
    if (label !== null) candidates.push({ ...label, start: lineStart });
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  const { accepted, similarTo } = acceptLabels(candidates);
  const speaking = candidates.filter((candidate) => accepted.has(candidate.name));
  // In a document of numbered paragraphs (MAXQDA), a label line without a number is not a paragraph of its own:
  // PDF exports repeat a paragraph's opening line at the top of the next page.
  const numbered = speaking.filter((candidate) => candidate.numbered).length;
  const numberedDocument = numbered >= 0.8 * speaking.length && numbered >= 2;
  const turns: Turn[] = [];
  for (const { start, name, time, numbered } of speaking) {
    if (numberedDocument && !numbered) continue;
    turns.push(time === undefined ? { start, speaker: name } : { start, speaker: name, time });
  }
  return { turns, speakers: summariseSpeakers(turns, similarTo) };
}

export interface LineLabel {
  name: string;
  shape: 'header' | 'bracket' | 'colon';
  /** Whether the line starts with a paragraph number. */
  numbered: boolean;
  /** Seconds, when the label carried a time. */
  time?: number;
  /** Where the spoken text starts in the line (after the label). */
  textStart: number;
}

/** The speaker label a line opens with, by shape alone (whether it is a speaker is `acceptLabels`' call). */
export function lineLabel(line: string): LineLabel | null {
  const headerMatch = HEADER_LINE.exec(line);
  const bracketMatch = headerMatch === null ? BRACKET_LABEL.exec(line) : null;
  const match = headerMatch ?? bracketMatch ?? COLON_LABEL.exec(line);
  const groups = match?.groups;
  if (match === null || groups === undefined) return null;
  const name = (groups.name ?? groups.name2)!.trim();
  if (!/\p{L}/u.test(name) || name.split(/\s+/).length > MAX_WORDS) return null;
  const time = groups.time ?? groups.time2;
  const shape = match === headerMatch ? 'header' : match === bracketMatch ? 'bracket' : 'colon';
  const label: LineLabel = { name, shape, numbered: groups.number !== undefined, textStart: match[0].length };
  if (time !== undefined) label.time = parseTime(time);
  return label;
}

/** Which labels (one entry per occurrence) are speakers, and which of those look like typos of another. */
export function acceptLabels(labels: readonly Pick<LineLabel, 'name' | 'shape'>[]): {
  accepted: Set<string>;
  similarTo: Map<string, string>;
} {
  const counts = new Map<string, number>();
  for (const { name } of labels) counts.set(name, (counts.get(name) ?? 0) + 1);
  const established = new Set(
    [...counts].filter(([name, count]) => count >= 2 || ROLE.test(name)).map(([name]) => name),
  );
  const establishedShapes = new Set(labels.filter(({ name }) => established.has(name)).map(({ shape }) => shape));
  const accepted = new Set(labels.filter(({ shape }) => establishedShapes.has(shape)).map(({ name }) => name));
  const similarTo = new Map<string, string>();
  for (const name of accepted) {
    const count = counts.get(name) ?? 0;
    if (established.has(name) && count >= 2) continue;
    const near = [...established].find((other) => (counts.get(other) ?? 0) > count && isNearMiss(name, other));
    if (near !== undefined) similarTo.set(name, near);
  }
  return { accepted, similarTo };
}

/** `h:mm:ss.mmm`, `mm:ss` or `m:ss` as seconds. */
export function parseTime(time: string): number {
  const parts = time.replace(',', '.').split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** Same length give or take, at most two edits apart: a typo, not another person ("P1" vs "P2" is not). */
function isNearMiss(a: string, b: string): boolean {
  if (Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 2) return false;
  return editDistance(a.toLowerCase(), b.toLowerCase()) <= 2;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function summariseSpeakers(turns: readonly Turn[], similarTo = new Map<string, string>()): SpeakerSummary[] {
  const counts = new Map<string, number>();
  // Turns without a speaker (subtitle cues with only a time) are not a speaker to confirm.
  for (const turn of turns) if (turn.speaker !== '') counts.set(turn.speaker, (counts.get(turn.speaker) ?? 0) + 1);
  return [...counts].map(([name, count]) => {
    const near = similarTo.get(name);
    return near === undefined ? { name, turns: count } : { name, turns: count, similarTo: near };
  });
}

/**
 * The user's corrections to the detected speakers, applied before import: each detected name maps to the name to
 * keep (several may map to one, merging them) or to null when it is not a speaker at all (its turns are dropped).
 */
export type SpeakerChoices = Record<string, string | null>;

export function applySpeakerChoices(turns: readonly Turn[], choices: SpeakerChoices): Turn[] {
  const result: Turn[] = [];
  for (const turn of turns) {
    const choice = Object.hasOwn(choices, turn.speaker) ? choices[turn.speaker] : turn.speaker;
    if (choice === null || choice === undefined) continue;
    const speaker = choice.trim();
    if (speaker === '') continue;
    result.push({ ...turn, speaker });
  }
  return result;
}
