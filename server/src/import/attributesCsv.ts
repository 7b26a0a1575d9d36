import { findColumn, readCsv } from './csv.js';
import { ImportError } from './errors.js';

/**
 * Participant attributes: a CSV whose participant-id column (named `participant`, `id`, `case`... or else the
 * first column) identifies the participant and whose other columns are attributes (age group, site, role).
 */
export type ParticipantAttributes = Map<string, Record<string, string>>;

const PARTICIPANT_COLUMN = ['participant', 'participant id', 'participantid', 'id', 'case', 'case id', 'pid'];

export function readAttributesCsv(file: string, bytes: Uint8Array): ParticipantAttributes {
  const { header, rows } = readCsv(file, bytes);
  const idColumn = findColumn(header, PARTICIPANT_COLUMN) ?? header[0]!;
  const attributes: ParticipantAttributes = new Map();
  rows.forEach((row, index) => {
    const id = row[idColumn] ?? '';
    if (id === '') throw new ImportError(file, 'bad_csv', `row ${index + 2} has no participant id`);
    if (attributes.has(id)) throw new ImportError(file, 'bad_csv', `participant "${id}" appears twice`);
    const values: Record<string, string> = {};
    for (const name of header) if (name !== idColumn) values[name] = row[name] ?? '';
    attributes.set(id, values);
  });
  return attributes;
}

export interface AttributeTarget {
  title: string;
  participant: string;
  attributes: Record<string, string>;
}

/**
 * Attaches each row to the transcripts of its participant: by participant id, else by a transcript title equal
 * to the id (files are often named after the participant), which then also sets the participant. Existing
 * attributes are kept unless the CSV has a value for them. Returns the ids that matched no transcript.
 */
export function attachAttributes<T extends AttributeTarget>(
  transcripts: T[],
  table: ParticipantAttributes,
): { transcripts: T[]; unmatched: string[] } {
  const unmatched: string[] = [];
  const result = transcripts.map((transcript) => ({ ...transcript, attributes: { ...transcript.attributes } }));
  for (const [id, values] of table) {
    const key = id.toLowerCase();
    const targets = result.filter((t) =>
      t.participant === '' ? t.title.toLowerCase() === key : t.participant.toLowerCase() === key,
    );
    if (targets.length === 0) unmatched.push(id);
    for (const target of targets) {
      if (target.participant === '') target.participant = id;
      Object.assign(target.attributes, values);
    }
  }
  return { transcripts: result, unmatched };
}
