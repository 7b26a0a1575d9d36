import type {
  BundleCode,
  BundleCoding,
  BundleMemo,
  BundleTranscript,
  BundleUser,
  ProjectBundle,
} from '../interchange/bundle.js';
import { splitDescription } from '../interchange/codeDescription.js';
import { colourProblem, normaliseColour } from '../interchange/colour.js';
import { canonicalGuid, derivedGuid } from '../interchange/guid.js';
import { decodeTurns, TURNS_VARIABLE } from '../interchange/turns.js';
import { type Archive, readArchive } from './archive.js';
import { ImportError } from './errors.js';
import { checkFileSize, type ImportLimits } from './limits.js';
import { chooseConvention, describeConvention, type PositionedSelection } from './refiPositions.js';
import { detectTurns } from './speakers.js';
import { normaliseText } from './text.js';
import { attribute, child, children, childText, parseXml, type XmlElement } from './xml.js';

/**
 * Reads REFI-QDA projects (`.qdpx`: a ZIP with a `.qde` project XML and `sources/`) and codebooks (`.qdc`) into a
 * bundle, tolerating what real producers (NVivo, ATLAS.ti, MAXQDA, QualCoder...) do differently: see the quirks in
 * the fixtures README. Anything that would make the project wrong (a selection outside its source, a coding of a
 * code that does not exist, a source that is missing) is an error, so nothing half-imported is ever stored;
 * anything merely unsupported (pictures, PDFs, graphs) is skipped with a warning.
 *
 * An `AudioSource` or `VideoSource` with a `Transcript` is a transcript like a text source: its codings are its
 * `TranscriptSelection`s (placed by their sync points' positions), its turn times come from the sync points with a
 * time stamp (or Accord's turn variable), and the recording in the archive comes along in `recordings`, to be
 * attached once the transcripts exist. Codings of the recording itself (`AudioSelection`, by time) are skipped.
 */
export interface RefiImport {
  bundle: ProjectBundle;
  warnings: string[];
  recordings: ImportedRecording[];
}

/** A recording found in a `.qdpx`, for the transcript with GUID `transcriptGuid`. */
export interface ImportedRecording {
  transcriptGuid: string;
  /** A file name for it: the source's name and the archived file's extension. */
  name: string;
  bytes: Uint8Array;
}

const REPEATED = new Set([
  'User',
  'Code',
  'Variable',
  'Case',
  'VariableValue',
  'SourceRef',
  'TextSource',
  'PictureSource',
  'PDFSource',
  'AudioSource',
  'VideoSource',
  'PlainTextSelection',
  'Transcript',
  'SyncPoint',
  'TranscriptSelection',
  'AudioSelection',
  'VideoSelection',
  'Coding',
  'NoteRef',
  'Note',
  'Set',
  'Link',
  'Graph',
]);

export async function readQdpx(file: string, bytes: Uint8Array, limits: ImportLimits): Promise<RefiImport> {
  checkFileSize(file, bytes, limits);
  const archive = await readArchive(file, bytes, limits);
  const projectFiles = archive.paths.filter((path) => !path.includes('/') && path.toLowerCase().endsWith('.qde'));
  const projectPath = projectFiles.find((path) => path.toLowerCase() === 'project.qde') ?? projectFiles[0];
  if (projectPath === undefined) {
    throw new ImportError(
      file,
      'not_refi_qda',
      'not a REFI-QDA project: no .qde project file at the top of the archive',
    );
  }
  return readProjectXml(file, utf8(file, archive.get(projectPath)!, projectPath), archive);
}

/** The codes of a `.qdc`; what was dropped on the way (a colour that is not one, say) goes into `warnings`. */
export function readQdc(file: string, bytes: Uint8Array, limits: ImportLimits, warnings: string[] = []): BundleCode[] {
  checkFileSize(file, bytes, limits);
  const root = parseXml(file, utf8(file, bytes, file), REPEATED);
  const codebook = child(root, 'CodeBook');
  if (codebook === undefined || !hasNamespace(codebook, 'codebook')) {
    throw new ImportError(file, 'not_refi_qda', 'not a REFI-QDA codebook (root element is not a QDA-XML CodeBook)');
  }
  const reader = new ProjectReader(file, undefined);
  reader.readCodes(child(codebook, 'Codes'), null);
  warnings.push(...reader.warnings.map((warning) => `${file}: ${warning}`));
  return reader.codes;
}

export function readProjectXml(file: string, xml: string, archive: Archive | undefined): RefiImport {
  const root = parseXml(file, xml, REPEATED);
  const project = child(root, 'Project');
  if (project === undefined || !hasNamespace(project, 'project')) {
    throw new ImportError(file, 'not_refi_qda', 'not a REFI-QDA project (root element is not a QDA-XML Project)');
  }
  return new ProjectReader(file, archive).read(project);
}

/** `urn:QDA-XML:project:1.0`, and the `1:0` and `0:10` spellings in the wild: any version is accepted. */
function hasNamespace(element: XmlElement, kind: 'project' | 'codebook'): boolean {
  return Object.entries(element).some(
    ([key, value]) =>
      key.startsWith('@_xmlns') && typeof value === 'string' && value.toLowerCase().startsWith(`urn:qda-xml:${kind}`),
  );
}

function utf8(file: string, bytes: Uint8Array, what: string): string {
  try {
    // The BOM is kept: some producers count it in positions, and `chooseConvention` needs to see it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ImportError(file, 'unsupported_encoding', `${what} is not valid UTF-8`);
  }
}

const UNKNOWN_USER = derivedGuid('00000000-0000-0000-0000-000000000000', 'unknown-user');

class ProjectReader {
  readonly codes: BundleCode[] = [];
  private readonly codeGuids = new Set<string>();
  private readonly users = new Map<string, BundleUser>();
  private readonly notes = new Map<
    string,
    { title: string; text: string; userGuid: string | null; createdAt: number }
  >();
  /** Notes attached to a coding or selection end up in the coding's memo, not as memos of their own. */
  private readonly usedNotes = new Set<string>();
  private readonly memos: BundleMemo[] = [];
  readonly warnings: string[] = [];
  readonly recordings: ImportedRecording[] = [];
  private readonly codingGuids = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly archive: Archive | undefined,
  ) {}

  read(project: XmlElement): RefiImport {
    for (const user of children(child(project, 'Users'), 'User')) {
      const guid = this.guid(user, 'guid', 'user');
      this.users.set(guid, { guid, name: attribute(user, 'name') ?? '' });
    }
    // Notes first: codes, sources and selections refer to them.
    for (const note of children(child(project, 'Notes'), 'Note')) this.readNote(note);
    this.readCodes(child(child(project, 'CodeBook') ?? {}, 'Codes'), null);
    const variables = new Map<string, string>();
    for (const variable of children(child(project, 'Variables'), 'Variable')) {
      variables.set(this.guid(variable, 'guid', 'variable'), attribute(variable, 'name') ?? '');
    }
    const sources = child(project, 'Sources');
    const transcripts = children(sources, 'TextSource').map((source) => this.readTextSource(source, variables));
    for (const kind of ['AudioSource', 'VideoSource']) {
      for (const source of children(sources, kind)) {
        const transcript = this.readMediaSource(source, kind, variables);
        if (transcript !== null) transcripts.push(transcript);
      }
    }
    for (const kind of ['PictureSource', 'PDFSource']) {
      const skipped = children(sources, kind).length;
      if (skipped > 0) this.warnings.push(`${skipped} ${kind}(s) skipped: Accord codes text sources only`);
    }
    this.readCases(children(child(project, 'Cases'), 'Case'), variables, transcripts);
    for (const noteRef of children(project, 'NoteRef')) this.memoAbout(noteRef, null);
    for (const guid of this.notes.keys()) {
      if (!this.usedNotes.has(guid)) this.memoAbout({ '@_targetGUID': guid }, null);
    }
    for (const part of ['Sets', 'Links', 'Graphs']) {
      if (child(project, part) !== undefined) this.warnings.push(`${part} are not imported`);
    }
    // Memos in the order of the project's Notes, whatever order they were referred to in.
    const order = [...this.notes.keys()];
    this.memos.sort((a, b) => order.indexOf(a.guid) - order.indexOf(b.guid));
    const bundle: ProjectBundle = {
      name: attribute(project, 'name') ?? '',
      description: childText(project, 'Description'),
      users: [...this.users.values()],
      codes: this.codes,
      transcripts,
      memos: this.memos,
    };
    return { bundle, warnings: this.warnings, recordings: this.recordings };
  }

  readCodes(codes: XmlElement | undefined, parentGuid: string | null): void {
    for (const code of children(codes, 'Code')) this.readCode(code, parentGuid);
  }

  private readCode(code: XmlElement, parentGuid: string | null): void {
    const guid = this.guid(code, 'guid', 'code');
    if (this.codeGuids.has(guid)) throw this.error('not_refi_qda', `code ${guid} appears twice in the codebook`);
    this.codeGuids.add(guid);
    const rawColour = attribute(code, 'color');
    const colour = normaliseColour(rawColour);
    if (rawColour !== undefined && rawColour.trim() !== '' && colour === null)
      this.warnings.push(`code "${attribute(code, 'name') ?? guid}": ${colourProblem(rawColour)}; colour dropped`);
    this.codes.push({
      guid,
      name: attribute(code, 'name') ?? '',
      parentGuid,
      colour,
      ...splitDescription(normaliseText(childText(code, 'Description'))),
    });
    for (const noteRef of children(code, 'NoteRef')) this.memoAbout(noteRef, { kind: 'code', guid });
    for (const nested of children(code, 'Code')) this.readCode(nested, guid);
  }

  private readNote(note: XmlElement): void {
    const guid = this.guid(note, 'guid', 'note');
    const inline = child(note, 'PlainTextContent') !== undefined || note.PlainTextContent !== undefined;
    const path = attribute(note, 'plainTextPath');
    const text =
      inline || path === undefined ? childText(note, 'PlainTextContent') : this.sourceText(path, `note ${guid}`);
    this.notes.set(guid, {
      title: attribute(note, 'name') ?? '',
      text: normaliseText(text),
      userGuid: this.userOf(note, undefined, false),
      createdAt: timeOf(note),
    });
  }

  private memoAbout(noteRef: XmlElement, about: BundleMemo['about']): void {
    const guid = this.reference(noteRef, 'note');
    const note = this.notes.get(guid);
    if (note === undefined) {
      this.warnings.push(`note ${guid} is referenced but not in the project; skipped`);
      return;
    }
    if (this.usedNotes.has(guid)) return;
    this.usedNotes.add(guid);
    this.memos.push({ guid, about, ...note });
  }

  private readTextSource(source: XmlElement, variables: ReadonlyMap<string, string>): BundleTranscript {
    const guid = this.guid(source, 'guid', 'source');
    const title = attribute(source, 'name') ?? guid;
    const path = attribute(source, 'plainTextPath');
    const raw = path === undefined ? childText(source, 'PlainTextContent') : this.sourceText(path, `source "${title}"`);
    const text = normaliseText(raw);
    const selections = children(source, 'PlainTextSelection').map((selection) => ({
      selection,
      start: integer(attribute(selection, 'startPosition')),
      end: integer(attribute(selection, 'endPosition')),
      name: attribute(selection, 'name'),
    }));
    const { layers } = this.codingsOf(title, raw, text, selections, source, true);
    for (const noteRef of children(source, 'NoteRef')) this.memoAbout(noteRef, { kind: 'transcript', guid });
    const attributes: Record<string, string> = {};
    for (const value of children(source, 'VariableValue')) this.readVariableValue(value, variables, attributes);
    return {
      guid,
      title,
      participant: '',
      attributes,
      text,
      turns: this.turnsOf(title, text, attributes),
      layers,
    };
  }

  /**
   * A recording with its transcript: the transcript is the text, the transcript selections (between sync points)
   * its codings, the sync points with a time stamp its turns' times. Null (skipped) without a transcript.
   */
  private readMediaSource(
    source: XmlElement,
    kind: string,
    variables: ReadonlyMap<string, string>,
  ): BundleTranscript | null {
    const guid = this.guid(source, 'guid', 'source');
    const title = attribute(source, 'name') ?? guid;
    const transcripts = children(source, 'Transcript');
    const byTime = children(source, kind === 'AudioSource' ? 'AudioSelection' : 'VideoSelection');
    const timeCodings = byTime.reduce((sum, selection) => sum + children(selection, 'Coding').length, 0);
    const wholeCodings = children(source, 'Coding').length;
    if (timeCodings + wholeCodings > 0) {
      this.warnings.push(
        `${kind} "${title}": ${timeCodings + wholeCodings} coding(s) of the recording itself (by time) skipped; ` +
          'Accord codes its transcript',
      );
    }
    const transcript = transcripts[0];
    if (transcript === undefined) {
      this.warnings.push(`${kind} "${title}" skipped: it has no transcript, and Accord codes text`);
      return null;
    }
    if (transcripts.length > 1) {
      this.warnings.push(`${kind} "${title}": ${transcripts.length} transcripts; the first was imported`);
    }
    const path = attribute(transcript, 'plainTextPath');
    const raw =
      path === undefined
        ? childText(transcript, 'PlainTextContent')
        : this.sourceText(path, `the transcript of "${title}"`);
    const text = normaliseText(raw);
    const points = new Map<string, { position: number; time: number | null }>();
    for (const point of children(transcript, 'SyncPoint')) {
      const time = integer(attribute(point, 'timeStamp'));
      points.set(this.guid(point, 'guid', 'sync point'), {
        position: integer(attribute(point, 'position')),
        time: Number.isInteger(time) && time >= 0 ? time / 1000 : null,
      });
    }
    const pointAt = (selection: XmlElement, name: 'fromSyncPoint' | 'toSyncPoint') => {
      const raw = attribute(selection, name);
      const point = raw === undefined ? undefined : points.get(canonicalGuid(raw) ?? '');
      if (raw !== undefined && point === undefined) {
        throw this.error(
          'unknown_reference',
          `a transcript selection of "${title}" refers to sync point ${raw}, which its transcript does not have`,
        );
      }
      return point?.position ?? Number.NaN;
    };
    const selections = children(transcript, 'TranscriptSelection').map((selection) => ({
      selection,
      start: pointAt(selection, 'fromSyncPoint'),
      end: pointAt(selection, 'toSyncPoint'),
      name: attribute(selection, 'name'),
    }));
    const { layers, map } = this.codingsOf(title, raw, text, selections, transcript, false);
    for (const noteRef of [...children(source, 'NoteRef'), ...children(transcript, 'NoteRef')]) {
      this.memoAbout(noteRef, { kind: 'transcript', guid });
    }
    const attributes: Record<string, string> = {};
    for (const value of children(source, 'VariableValue')) this.readVariableValue(value, variables, attributes);
    const turns = this.turnsOf(title, text, attributes);
    // Times from the sync points, where the turns have none (another tool's export, not Accord's own variable).
    const times = new Map<number, number>();
    for (const { position, time } of points.values()) {
      const offset = Number.isInteger(position) ? map[position] : undefined;
      if (time !== null && offset !== undefined) times.set(offset, time);
    }
    if (turns.length === 0) {
      for (const [start, time] of [...times].sort(([a], [b]) => a - b)) turns.push({ start, speaker: '', time });
    } else {
      for (const turn of turns)
        if (turn.time === undefined && times.has(turn.start)) turn.time = times.get(turn.start)!;
    }
    this.readRecording(source, kind, title, guid);
    return { guid, title, participant: '', attributes, text, turns, layers };
  }

  /** The recording a media source names, when the archive holds it. */
  private readRecording(source: XmlElement, kind: string, title: string, guid: string): void {
    const path = attribute(source, 'path') ?? attribute(source, 'currentPath');
    const bytes = path === undefined || !/^internal:/i.test(path) ? undefined : this.archived(path);
    if (bytes === undefined) {
      this.warnings.push(
        `${kind} "${title}": the recording ${path === undefined ? 'is not named' : `"${path}" is not in the archive`}; ` +
          'attach it to the transcript by hand',
      );
      return;
    }
    const extension = /\.([a-z0-9]{1,8})$/i.exec(path!)?.[1]?.toLowerCase() ?? '';
    const base =
      [...title]
        .map((c) => (c < ' ' || c === '/' || c === '\\' ? '_' : c))
        .join('')
        .slice(0, 200) || guid;
    this.recordings.push({ transcriptGuid: guid, name: extension === '' ? base : `${base}.${extension}`, bytes });
  }

  /**
   * The codings of a source's selections, by coder, at positions read in the convention their names match
   * (`chooseConvention`); `map` turns a position in that convention into a UTF-16 offset of the text.
   */
  private codingsOf(
    title: string,
    raw: string,
    text: string,
    selections: { selection: XmlElement; start: number; end: number; name: string | undefined }[],
    source: XmlElement,
    wholeSource: boolean,
  ): { layers: BundleTranscript['layers']; map: ArrayLike<number> } {
    const choice = chooseConvention(raw, text, selections as PositionedSelection[]);
    if (choice.convention.unit !== 'codepoint' || choice.convention.crlf !== 2 || choice.convention.bom) {
      this.warnings.push(
        `source "${title}": positions read as ${describeConvention(choice.convention)} ` +
          `(${choice.matched} of ${choice.named} selection names match the text that way)`,
      );
    }
    const layers = new Map<string, BundleCoding[]>();
    const addCoding = (
      coding: XmlElement,
      start: number,
      end: number,
      owner: XmlElement | undefined,
      memo: string[],
    ) => {
      const userGuid = this.userOf(coding, owner, true)!;
      const codingGuid = this.codingGuid(coding, owner);
      const codeGuid = this.reference(child(coding, 'CodeRef') ?? {}, 'code');
      if (!this.codeGuids.has(codeGuid)) {
        throw this.error(
          'unknown_reference',
          `a coding in source "${title}" refers to code ${codeGuid}, not in the codebook`,
        );
      }
      const memos = [...memo, ...children(coding, 'NoteRef').map((ref) => this.noteText(ref))].filter(Boolean);
      const bundleCoding: BundleCoding = { guid: codingGuid, codeGuid, start, end, createdAt: timeOf(coding, owner) };
      if (memos.length > 0) bundleCoding.memo = memos.join('\n\n');
      layers.set(userGuid, [...(layers.get(userGuid) ?? []), bundleCoding]);
    };
    for (const { selection, start, end } of selections) {
      const last = choice.map.length - 1;
      if (!(Number.isInteger(start) && Number.isInteger(end)) || start < 0 || end > last || start > end) {
        const at = Number.isInteger(start) && Number.isInteger(end) ? `[${start}, ${end})` : 'without positions';
        throw this.error(
          'selection_outside_source',
          `selection ${attribute(selection, 'guid')} ${at} is outside source "${title}" (${last} characters)`,
        );
      }
      const from = choice.map[start]!;
      const to = choice.map[end]!;
      if (to <= from) {
        this.warnings.push(`source "${title}": empty selection ${attribute(selection, 'guid')} skipped`);
        continue;
      }
      const description = childText(selection, 'Description');
      const memo = [description, ...children(selection, 'NoteRef').map((ref) => this.noteText(ref))];
      for (const coding of children(selection, 'Coding')) addCoding(coding, from, to, selection, memo);
    }
    // A Coding directly on a text source codes all of it (one on a media source codes the recording: skipped).
    if (text.length > 0 && wholeSource) {
      for (const coding of children(source, 'Coding')) addCoding(coding, 0, text.length, source, []);
    }
    return { layers: [...layers].map(([userGuid, codings]) => ({ userGuid, codings })), map: choice.map };
  }

  /** Turns (with their times) that Accord wrote into a source variable, else the turns detected in the text. */
  private turnsOf(title: string, text: string, attributes: Record<string, string>): BundleTranscript['turns'] {
    const value = attributes[TURNS_VARIABLE];
    delete attributes[TURNS_VARIABLE];
    if (value !== undefined) {
      const turns = decodeTurns(value, text);
      if (typeof turns !== 'string') return turns;
      this.warnings.push(`source "${title}": the "${TURNS_VARIABLE}" variable was ignored (${turns})`);
    }
    return detectTurns(text).turns;
  }

  /** Cases are participants: a source's first case names its participant, and case variables become attributes. */
  private readCases(
    cases: XmlElement[],
    variables: ReadonlyMap<string, string>,
    transcripts: BundleTranscript[],
  ): void {
    const byGuid = new Map(transcripts.map((transcript) => [transcript.guid, transcript]));
    for (const kase of cases) {
      const name = attribute(kase, 'name') ?? this.guid(kase, 'guid', 'case');
      const attributes: Record<string, string> = {};
      for (const value of children(kase, 'VariableValue')) this.readVariableValue(value, variables, attributes);
      // Only a source carries turns; on a case the variable means nothing.
      delete attributes[TURNS_VARIABLE];
      for (const ref of children(kase, 'SourceRef')) {
        const transcript = byGuid.get(this.reference(ref, 'source'));
        if (transcript === undefined) continue;
        if (transcript.participant !== '' && transcript.participant !== name) {
          this.warnings.push(
            `source "${transcript.title}" is in cases "${transcript.participant}" and "${name}"; kept the first`,
          );
          continue;
        }
        transcript.participant = name;
        transcript.attributes = { ...attributes, ...transcript.attributes };
      }
    }
  }

  private readVariableValue(value: XmlElement, variables: ReadonlyMap<string, string>, into: Record<string, string>) {
    const variableGuid = this.reference(child(value, 'VariableRef') ?? {}, 'variable');
    const name = variables.get(variableGuid);
    if (name === undefined)
      throw this.error('unknown_reference', `a variable value refers to variable ${variableGuid}, not in the project`);
    for (const kind of ['TextValue', 'BooleanValue', 'IntegerValue', 'FloatValue', 'DateValue', 'DateTimeValue']) {
      if (value[kind] !== undefined) into[name] = childText(value, kind);
    }
  }

  private noteText(noteRef: XmlElement): string {
    const guid = this.reference(noteRef, 'note');
    const note = this.notes.get(guid);
    if (note === undefined) {
      this.warnings.push(`note ${guid} is referenced but not in the project; skipped`);
      return '';
    }
    this.usedNotes.add(guid);
    return note.text;
  }

  /**
   * A source file named by `internal://name`, `relative:///path`, `absolute:///path` or a bare name: looked up by
   * its file name under `sources/` (then anywhere) in the archive, case-insensitively, and never on the disk.
   */
  private sourceText(path: string, what: string): string {
    const bytes = this.archived(path);
    if (bytes === undefined) {
      throw this.error('missing_source', `${what} refers to "${path}", which is not in the archive`);
    }
    return utf8(this.file, bytes, `sources/${fileNameOf(path)}`);
  }

  /** The archive entry a source path names, looked up by file name (see `sourceText`). */
  private archived(path: string): Uint8Array | undefined {
    const name = fileNameOf(path);
    if (name === '') return undefined;
    return (
      this.archive?.get(`sources/${name}`) ??
      this.archive?.paths
        .filter((entry) => entry.split('/').pop()?.toLowerCase() === name.toLowerCase())
        .map((entry) => this.archive!.get(entry)!)[0]
    );
  }

  private userOf(element: XmlElement, owner: XmlElement | undefined, required: boolean): string | null {
    const raw =
      attribute(element, 'creatingUser') ?? (owner === undefined ? undefined : attribute(owner, 'creatingUser'));
    if (raw === undefined) {
      if (!required) return null;
      if (!this.users.has(UNKNOWN_USER)) this.users.set(UNKNOWN_USER, { guid: UNKNOWN_USER, name: 'Unknown coder' });
      return UNKNOWN_USER;
    }
    const guid = canonicalGuid(raw);
    if (guid === null) throw this.error('not_refi_qda', `creatingUser "${raw}" is not a GUID`);
    if (!this.users.has(guid)) {
      this.users.set(guid, { guid, name: '' });
      this.warnings.push(`user ${guid} is not listed under Users; added without a name`);
    }
    return guid;
  }

  /** Coding GUIDs must be unique in a project; a producer that repeats one gets a derived GUID instead. */
  private codingGuid(coding: XmlElement, owner: XmlElement | undefined): string {
    let guid = this.guid(coding, 'guid', 'coding');
    if (this.codingGuids.has(guid)) {
      guid = derivedGuid(guid, `duplicate-in:${owner === undefined ? '' : attribute(owner, 'guid')}`);
      this.warnings.push(`coding GUID repeated; the repeat was given ${guid}`);
    }
    this.codingGuids.add(guid);
    return guid;
  }

  private guid(element: XmlElement, name: string, what: string): string {
    const raw = attribute(element, name);
    const guid = raw === undefined ? null : canonicalGuid(raw);
    if (guid === null)
      throw this.error('not_refi_qda', `a ${what} has ${raw === undefined ? 'no GUID' : `an invalid GUID "${raw}"`}`);
    return guid;
  }

  private reference(element: XmlElement, what: string): string {
    return this.guid(element, 'targetGUID', `${what} reference`);
  }

  private error(code: ConstructorParameters<typeof ImportError>[1], problem: string): ImportError {
    return new ImportError(this.file, code, problem);
  }
}

function fileNameOf(path: string): string {
  return decodePathName(
    path
      .replace(/^[a-z]+:\/\/\/?/i, '')
      .split(/[\\/]/)
      .pop() ?? '',
  );
}

/** `%20` and the like decoded, as URIs write them; a name that is no valid escape (`100%.txt`) is taken as written. */
function decodePathName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function integer(value: string | undefined): number {
  return value === undefined || !/^\s*-?\d+\s*$/.test(value) ? Number.NaN : Number(value);
}

function timeOf(element: XmlElement, owner?: XmlElement): number {
  const raw =
    attribute(element, 'creationDateTime') ?? (owner === undefined ? undefined : attribute(owner, 'creationDateTime'));
  const time = raw === undefined ? Number.NaN : Date.parse(raw);
  return Number.isFinite(time) ? time : 0;
}
