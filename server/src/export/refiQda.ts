import { crc32, deflateRawSync } from 'node:zlib';
import { XMLBuilder } from 'fast-xml-parser';
import { strToU8, Zip, type ZipInputFile } from 'fflate';
import { AccordError } from '../errors.js';
import type { BundleCode, BundleCoding, BundleTranscript, ProjectBundle } from '../interchange/bundle.js';
import { composeDescription } from '../interchange/codeDescription.js';
import { normaliseColour } from '../interchange/colour.js';
import { derivedGuid } from '../interchange/guid.js';
import { codePointMap } from '../interchange/offsets.js';
import { encodeTurns, hasTurnTimes, TURNS_VARIABLE, TURNS_VARIABLE_DESCRIPTION } from '../interchange/turns.js';

/**
 * Writes REFI-QDA: a `.qdpx` (ZIP of `project.qde` and `sources/<guid>.txt`) and a `.qdc` codebook. Every GUID
 * comes from the bundle (see `guid.ts`: stable across exports) or is derived from one, entries are written in a
 * fixed order with a fixed time, so exporting the same project twice gives the same bytes. Sources are UTF-8, LF,
 * without BOM; positions are code points. Every coder's codings are written, each with its `creatingUser`, one
 * `PlainTextSelection` per coding (its name is the start of the selected text, which importers use to check
 * their offset reading), and a coding memo as a `Note` the coding refers to. Free-standing memos are `Note`s that
 * their code, their source or the project refers to. Turns with times go in one text variable on their source
 * (`interchange/turns.ts`).
 *
 * A transcript with a recording is an `AudioSource` or `VideoSource` instead (the recording stored in the archive
 * as `sources/<guid>.<ext>`, byte for byte), holding the text as its `Transcript`: one `SyncPoint` with the time for
 * each turn that has one, one without a time at each coding's ends, and one `TranscriptSelection` per coding from
 * its start point to its end point (the schema places transcript selections between sync points only).
 */
const PROJECT_NAMESPACE = 'urn:QDA-XML:project:1.0';
const CODEBOOK_NAMESPACE = 'urn:QDA-XML:codebook:1.0';
const ORIGIN = 'Accord';
/** Local midnight, so the DOS timestamps fflate writes from local time are the same in every time zone. */
const ENTRY_TIME = new Date(2000, 0, 1);
const SELECTION_NAME_LENGTH = 60;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // On one line, as many producers write it: half the time and size of an indented document.
  format: false,
  suppressEmptyNode: true,
  // Otherwise `isCodable="true"` is written as a bare `isCodable`, which is HTML, not XML.
  suppressBooleanAttributes: false,
});

type Element = Record<string, unknown>;

/** A transcript's recording, for the export. */
export interface QdpxRecording {
  transcriptGuid: string;
  /** The file name it was uploaded as (its extension is kept). */
  name: string;
  /** Its media type: `video/...` makes a `VideoSource`, anything else an `AudioSource`. */
  type: string;
  /** The bytes to put in the archive; absent: the source names the file (`relative:///name`) without holding it. */
  bytes?: Uint8Array;
}

export function writeQdpx(bundle: ProjectBundle, recordings: readonly QdpxRecording[] = []): Uint8Array {
  const entries: [string, Uint8Array, boolean][] = [['project.qde', strToU8(projectXml(bundle, recordings)), true]];
  for (const transcript of bundle.transcripts)
    entries.push([`sources/${transcript.guid}.txt`, strToU8(transcript.text), true]);
  // Recordings are compressed already: stored as they are.
  for (const recording of recordings) {
    if (recording.bytes !== undefined && bundle.transcripts.some((t) => t.guid === recording.transcriptGuid)) {
      entries.push([`sources/${recordingFile(recording)}`, recording.bytes, false]);
    }
  }
  return zip(entries);
}

/** `<transcript guid>.<extension of the uploaded name>`: the archive entry of a recording. */
function recordingFile(recording: QdpxRecording): string {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(recording.name)?.[1]?.toLowerCase() ?? 'media';
  return `${recording.transcriptGuid}.${extension}`;
}

/**
 * fflate lays out the archive; Node's native zlib compresses (three times faster than fflate's JavaScript deflate
 * on a large project, where the XML alone is tens of megabytes).
 */
function zip(entries: readonly [string, Uint8Array, boolean][]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const archive = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  for (const [filename, data, compress] of entries) {
    const file: ZipInputFile = {
      filename,
      size: data.byteLength,
      crc: crc32(data),
      compression: compress ? 8 : 0,
      mtime: ENTRY_TIME,
    };
    archive.add(file);
    file.ondata!(null, compress ? deflateRawSync(data, { level: 6 }) : (data as Uint8Array<ArrayBuffer>), true);
  }
  archive.end();
  return Buffer.concat(chunks);
}

/**
 * The schema requires `<Codes>` in a codebook and at least one `<Code>` in it, so an empty codebook has no valid
 * `.qdc`: it is refused with a clear answer rather than written as a file other programs reject. (A `.qdpx` simply
 * leaves its optional `<CodeBook>` out.)
 */
export function writeQdc(codes: readonly BundleCode[]): string {
  if (codes.length === 0) {
    throw new AccordError(
      409,
      'empty_codebook',
      'the codebook has no codes, and a REFI-QDA codebook (.qdc) must hold at least one; add a code, or export the project (.qdpx)',
    );
  }
  const codebook: Element = {
    '@_xmlns': CODEBOOK_NAMESPACE,
    '@_origin': ORIGIN,
    Codes: { Code: codeTree(codes, null, new Map()) },
  };
  return xmlDocument({ CodeBook: codebook });
}

export function projectXml(bundle: ProjectBundle, recordings: readonly QdpxRecording[] = []): string {
  const notes: Element[] = [];
  const noteRefsByOwner = new Map<string, Element[]>();
  for (const memo of bundle.memos) {
    notes.push(note(memo.guid, memo.title, memo.text, memo.userGuid, memo.createdAt));
    const owner = memo.about?.guid ?? '';
    noteRefsByOwner.set(owner, [...(noteRefsByOwner.get(owner) ?? []), { '@_targetGUID': memo.guid }]);
  }
  const project: Element = { '@_xmlns': PROJECT_NAMESPACE, '@_name': xmlSafe(bundle.name), '@_origin': ORIGIN };
  if (bundle.users.length > 0) {
    project.Users = { User: bundle.users.map((user) => ({ '@_guid': user.guid, '@_name': xmlSafe(user.name) })) };
  }
  if (bundle.codes.length > 0) project.CodeBook = { Codes: { Code: codeTree(bundle.codes, null, noteRefsByOwner) } };
  Object.assign(project, casesAndVariables(bundle.transcripts));
  if (bundle.transcripts.length > 0) {
    const recordingOf = new Map(recordings.map((recording) => [recording.transcriptGuid, recording]));
    const sources: Record<'TextSource' | 'AudioSource' | 'VideoSource', Element[]> = {
      TextSource: [],
      AudioSource: [],
      VideoSource: [],
    };
    for (const transcript of bundle.transcripts) {
      const recording = recordingOf.get(transcript.guid);
      if (recording === undefined) sources.TextSource.push(textSource(transcript, notes, noteRefsByOwner));
      else {
        const kind = recording.type.startsWith('video/') ? 'VideoSource' : 'AudioSource';
        sources[kind].push(mediaSource(transcript, recording, notes, noteRefsByOwner));
      }
    }
    project.Sources = Object.fromEntries(Object.entries(sources).filter(([, list]) => list.length > 0));
  }
  if (notes.length > 0) project.Notes = { Note: notes };
  if (bundle.description !== '') project.Description = xmlSafe(bundle.description);
  const projectNotes = noteRefsByOwner.get('');
  if (projectNotes !== undefined) project.NoteRef = projectNotes;
  return xmlDocument({ Project: project });
}

function xmlDocument(root: Element): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, ...root }) as string;
}

function codeTree(codes: readonly BundleCode[], parentGuid: string | null, noteRefs: ReadonlyMap<string, Element[]>) {
  return codes
    .filter((code) => code.parentGuid === parentGuid)
    .map((code) => {
      const element: Element = { '@_guid': code.guid, '@_name': xmlSafe(code.name), '@_isCodable': 'true' };
      // Checked again on the way out: the schema allows only #rrggbb, and a document may hold anything.
      const colour = normaliseColour(code.colour);
      if (colour !== null) element['@_color'] = colour;
      const description = composeDescription(code);
      if (description !== '') element.Description = xmlSafe(description);
      const refs = noteRefs.get(code.guid);
      if (refs !== undefined) element.NoteRef = refs;
      const nested = codeTree(codes, code.guid, noteRefs);
      if (nested.length > 0) element.Code = nested;
      return element;
    });
}

/** Participants are cases; their attributes are case variables (all text: Accord does not type attributes). */
function casesAndVariables(transcripts: readonly BundleTranscript[]): Element {
  const variableNames = [...new Set(transcripts.flatMap((t) => Object.keys(t.attributes)))];
  const cases = new Map<string, { attributes: Record<string, string>; sources: string[] }>();
  for (const transcript of transcripts) {
    if (transcript.participant === '') continue;
    const kase = cases.get(transcript.participant) ?? { attributes: {}, sources: [] };
    Object.assign(kase.attributes, transcript.attributes);
    kase.sources.push(transcript.guid);
    cases.set(transcript.participant, kase);
  }
  const result: Element = {};
  const variables: Element[] = variableNames.map((name) => ({
    '@_guid': variableGuid(name),
    '@_name': xmlSafe(name),
    '@_typeOfVariable': 'Text',
  }));
  if (transcripts.some((transcript) => hasTurnTimes(transcript.turns))) {
    variables.push({
      '@_guid': TURNS_VARIABLE_GUID,
      '@_name': TURNS_VARIABLE,
      '@_typeOfVariable': 'Text',
      Description: TURNS_VARIABLE_DESCRIPTION,
    });
  }
  if (variables.length > 0) result.Variables = { Variable: variables };
  if (cases.size > 0) {
    result.Cases = {
      Case: [...cases].map(([name, kase]) => {
        const element: Element = { '@_guid': derivedGuid(name, 'case'), '@_name': xmlSafe(name) };
        const values = variableValues(kase.attributes);
        if (values.length > 0) element.VariableValue = values;
        element.SourceRef = kase.sources.map((guid) => ({ '@_targetGUID': guid }));
        return element;
      }),
    };
  }
  return result;
}

const variableGuid = (name: string) => derivedGuid(name, 'variable');
/** Not `variableGuid(TURNS_VARIABLE)`: an attribute of that name stays a variable of its own. */
const TURNS_VARIABLE_GUID = derivedGuid('speaker-turns', 'accord-variable');

function variableValues(attributes: Record<string, string>): Element[] {
  return Object.entries(attributes).map(([variable, value]) => ({
    VariableRef: { '@_targetGUID': variableGuid(variable) },
    TextValue: xmlSafe(value),
  }));
}

/** The `Coding` element of a coding (its memo becomes a note it refers to). */
function codingElement(coding: BundleCoding, userGuid: string, notes: Element[]): Element {
  const coded: Element = { '@_guid': coding.guid, '@_creatingUser': userGuid };
  if (coding.createdAt > 0) coded['@_creationDateTime'] = new Date(coding.createdAt).toISOString();
  coded.CodeRef = { '@_targetGUID': coding.codeGuid };
  if (coding.memo !== undefined && coding.memo !== '') {
    const noteGuid = derivedGuid(coding.guid, 'memo');
    notes.push(note(noteGuid, '', coding.memo, userGuid, coding.createdAt));
    coded.NoteRef = { '@_targetGUID': noteGuid };
  }
  return coded;
}

/** The variable values of a source: attributes without a case, and turns with times. */
function sourceValues(transcript: BundleTranscript): Element[] {
  // Attributes of a transcript without a participant have no case to hang on; they go on the source itself.
  const values = transcript.participant === '' ? variableValues(transcript.attributes) : [];
  if (hasTurnTimes(transcript.turns)) {
    values.push({
      VariableRef: { '@_targetGUID': TURNS_VARIABLE_GUID },
      TextValue: xmlSafe(encodeTurns(transcript.text, transcript.turns)),
    });
  }
  return values;
}

function mediaSource(
  transcript: BundleTranscript,
  recording: QdpxRecording,
  notes: Element[],
  noteRefs: ReadonlyMap<string, Element[]>,
): Element {
  const codePoints = codePointMap(transcript.text);
  // One sync point per position: the turns' times, and the ends of every coding (without a time).
  const points = new Map<number, { time?: number }>();
  for (const turn of transcript.turns) {
    if (turn.time !== undefined) points.set(codePoints.toCodePoint(turn.start), { time: turn.time });
  }
  for (const layer of transcript.layers) {
    for (const coding of layer.codings) {
      for (const offset of [coding.start, coding.end]) {
        const position = codePoints.toCodePoint(offset);
        if (!points.has(position)) points.set(position, {});
      }
    }
  }
  const pointGuid = (position: number) => derivedGuid(transcript.guid, `sync-point:${position}`);
  const syncPoints = [...points]
    .sort(([a], [b]) => a - b)
    .map(([position, { time }]) => {
      const point: Element = { '@_guid': pointGuid(position) };
      if (time !== undefined) point['@_timeStamp'] = Math.round(time * 1000);
      point['@_position'] = position;
      return point;
    });
  const selections: Element[] = [];
  for (const layer of transcript.layers) {
    for (const coding of layer.codings) {
      const selection: Element = {
        '@_guid': derivedGuid(coding.guid, 'selection'),
        '@_name': selectionName(transcript.text.slice(coding.start, coding.end)),
        '@_fromSyncPoint': pointGuid(codePoints.toCodePoint(coding.start)),
        '@_toSyncPoint': pointGuid(codePoints.toCodePoint(coding.end)),
        '@_creatingUser': layer.userGuid,
      };
      if (coding.createdAt > 0) selection['@_creationDateTime'] = new Date(coding.createdAt).toISOString();
      selection.Coding = codingElement(coding, layer.userGuid, notes);
      selections.push(selection);
    }
  }
  const text: Element = {
    '@_guid': derivedGuid(transcript.guid, 'transcript'),
    '@_name': xmlSafe(transcript.title),
    '@_plainTextPath': `internal://${transcript.guid}.txt`,
  };
  if (syncPoints.length > 0) text.SyncPoint = syncPoints;
  if (selections.length > 0) text.TranscriptSelection = selections;
  const source: Element = {
    '@_guid': transcript.guid,
    '@_name': xmlSafe(transcript.title),
    '@_path':
      recording.bytes === undefined
        ? `relative:///${encodeURI(recording.name)}`
        : `internal://${recordingFile(recording)}`,
    Transcript: text,
  };
  const refs = noteRefs.get(transcript.guid);
  if (refs !== undefined) source.NoteRef = refs;
  const values = sourceValues(transcript);
  if (values.length > 0) source.VariableValue = values;
  return source;
}

function textSource(transcript: BundleTranscript, notes: Element[], noteRefs: ReadonlyMap<string, Element[]>): Element {
  const codePoints = codePointMap(transcript.text);
  const selections: Element[] = [];
  for (const layer of transcript.layers) {
    for (const coding of layer.codings) {
      const coded = codingElement(coding, layer.userGuid, notes);
      const selection: Element = {
        '@_guid': derivedGuid(coding.guid, 'selection'),
        '@_name': selectionName(transcript.text.slice(coding.start, coding.end)),
        '@_startPosition': codePoints.toCodePoint(coding.start),
        '@_endPosition': codePoints.toCodePoint(coding.end),
        '@_creatingUser': layer.userGuid,
      };
      if (coding.createdAt > 0) selection['@_creationDateTime'] = coded['@_creationDateTime'];
      selection.Coding = coded;
      selections.push(selection);
    }
  }
  const source: Element = {
    '@_guid': transcript.guid,
    '@_name': xmlSafe(transcript.title),
    '@_plainTextPath': `internal://${transcript.guid}.txt`,
  };
  if (selections.length > 0) source.PlainTextSelection = selections;
  const refs = noteRefs.get(transcript.guid);
  if (refs !== undefined) source.NoteRef = refs;
  const values = sourceValues(transcript);
  if (values.length > 0) source.VariableValue = values;
  return source;
}

function note(guid: string, title: string, text: string, userGuid: string | null, createdAt: number): Element {
  const element: Element = { '@_guid': guid };
  if (title !== '') element['@_name'] = xmlSafe(title);
  if (userGuid !== null) element['@_creatingUser'] = userGuid;
  if (createdAt > 0) element['@_creationDateTime'] = new Date(createdAt).toISOString();
  element.PlainTextContent = xmlSafe(text);
  return element;
}

function selectionName(selected: string): string {
  // Only the start is named; cutting first keeps this cheap for long selections (a few UTF-16 units spare, so a
  // surrogate pair at the cut is not split into a lone half).
  const characters = Array.from(
    xmlSafe(
      selected
        .slice(0, SELECTION_NAME_LENGTH * 3)
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
  return characters.length <= SELECTION_NAME_LENGTH && selected.length <= SELECTION_NAME_LENGTH * 3
    ? characters.join('')
    : `${characters.slice(0, SELECTION_NAME_LENGTH).join('')}…`;
}

/** XML 1.0 cannot carry most control characters, even escaped; they are dropped from names and memos. */
function xmlSafe(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}
