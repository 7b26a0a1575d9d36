import { type Code, codePath, codingTimes } from '@accord/shared';
import type { BundleCode, ProjectBundle } from '../interchange/bundle.js';

/** One coding as a row of the coded-segments export (CSV, XLSX). Offsets are UTF-16 units, as in Accord. */
export interface SegmentRow {
  transcript: string;
  participant: string;
  speaker: string;
  codePath: string;
  coder: string;
  start: number;
  end: number;
  text: string;
  memo: string;
  /** ISO 8601, empty when unknown. */
  createdAt: string;
  /**
   * Seconds into the recording: where the coding's first turn starts and where the turn after its last one starts
   * (`codingTimes`); empty when its turns have no times (and the end when no timed turn follows).
   */
  startTime: number | '';
  endTime: number | '';
}

export const SEGMENT_COLUMNS: readonly (keyof SegmentRow)[] = [
  'transcript',
  'participant',
  'speaker',
  'codePath',
  'coder',
  'start',
  'end',
  'text',
  'memo',
  'createdAt',
];

/** With a recording's times, when some coding has them: the columns of an export of timed transcripts. */
export const TIME_COLUMNS: readonly (keyof SegmentRow)[] = ['startTime', 'endTime'];

/** The columns for these rows: the time columns only when some row has a time. */
export function segmentColumns(rows: readonly SegmentRow[]): readonly (keyof SegmentRow)[] {
  return rows.some((row) => row.startTime !== '') ? [...SEGMENT_COLUMNS, ...TIME_COLUMNS] : SEGMENT_COLUMNS;
}

/** Which codings to export; an empty or absent list means all. A code includes its descendants. */
export interface SegmentFilter {
  codeGuids?: readonly string[];
  coderGuids?: readonly string[];
  transcriptGuids?: readonly string[];
}

export const CODE_PATH_SEPARATOR = ' > ';

/** Every coding that passes the filter, by transcript (in project order), then start, end and coder. */
export function segmentRows(bundle: ProjectBundle, filter: SegmentFilter = {}): SegmentRow[] {
  const codes = codeIndex(bundle.codes);
  const wantedCodes = filter.codeGuids?.length ? withDescendants(bundle.codes, filter.codeGuids) : null;
  const wantedCoders = filter.coderGuids?.length ? new Set(filter.coderGuids) : null;
  const wantedTranscripts = filter.transcriptGuids?.length ? new Set(filter.transcriptGuids) : null;
  const coderNames = new Map(bundle.users.map((user) => [user.guid, user.name || user.guid]));
  const rows: SegmentRow[] = [];
  for (const transcript of bundle.transcripts) {
    if (wantedTranscripts !== null && !wantedTranscripts.has(transcript.guid)) continue;
    const turns = [...transcript.turns].sort((a, b) => a.start - b.start);
    const transcriptRows: SegmentRow[] = [];
    for (const layer of transcript.layers) {
      if (wantedCoders !== null && !wantedCoders.has(layer.userGuid)) continue;
      for (const coding of layer.codings) {
        if (wantedCodes !== null && !wantedCodes.has(coding.codeGuid)) continue;
        const times = codingTimes(turns, coding.start, coding.end);
        transcriptRows.push({
          transcript: transcript.title,
          participant: transcript.participant,
          speaker: speakerAt(turns, coding.start),
          codePath: codePath(codes, coding.codeGuid).join(CODE_PATH_SEPARATOR),
          coder: coderNames.get(layer.userGuid) ?? layer.userGuid,
          start: coding.start,
          end: coding.end,
          text: transcript.text.slice(coding.start, coding.end),
          memo: coding.memo ?? '',
          createdAt: coding.createdAt > 0 ? new Date(coding.createdAt).toISOString() : '',
          startTime: times?.startTime ?? '',
          endTime: times?.endTime ?? '',
        });
      }
    }
    transcriptRows.sort((a, b) => a.start - b.start || a.end - b.end || a.coder.localeCompare(b.coder));
    rows.push(...transcriptRows);
  }
  return rows;
}

/** The bundle's codes in the shape `codePath` (shared with the client) walks. */
export function codeIndex(codes: readonly BundleCode[]): Map<string, Code> {
  return new Map(
    codes.map((code, order) => [
      code.guid,
      { ...code, id: code.guid, parent: code.parentGuid, colour: code.colour ?? '', order, createdAt: 0 },
    ]),
  );
}

export function withDescendants(codes: readonly BundleCode[], roots: readonly string[]): Set<string> {
  const result = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const code of codes) {
      if (code.parentGuid !== null && result.has(code.parentGuid) && !result.has(code.guid)) {
        result.add(code.guid);
        grew = true;
      }
    }
  }
  return result;
}

/** The speaker of the turn a position falls in (turns sorted by start), '' before the first turn. */
function speakerAt(turns: readonly { start: number; speaker: string }[], position: number): string {
  let low = 0;
  let high = turns.length - 1;
  let found = '';
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (turns[middle]!.start <= position) {
      found = turns[middle]!.speaker;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
