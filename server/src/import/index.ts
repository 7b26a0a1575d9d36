import { type BundleTranscript, bundleProblems, emptyBundle, type ProjectBundle } from '../interchange/bundle.js';
import { attachAttributes, readAttributesCsv } from './attributesCsv.js';
import { readCodebookCsv } from './codebookCsv.js';
import { readCodebookList } from './codebookList.js';
import { findColumn, readCsv } from './csv.js';
import { ImportError } from './errors.js';
import { checkFileSize, type ImportLimits } from './limits.js';
import { type ImportedRecording, readQdc, readQdpx } from './refiQda.js';
import { applySpeakerChoices, type SpeakerChoices } from './speakers.js';
import { extensionOf, isTranscriptFile, readTranscript, type TranscriptDraft } from './transcripts.js';

/**
 * One import = a set of files read into one bundle: transcripts, codebooks (REFI-QDA `.qdc`, CSV, lists),
 * participant attributes (CSV) and whole projects (`.qdpx`). Reading is pure and all-or-nothing: the first bad
 * file throws an `ImportError` naming it, and nothing has been written anywhere.
 */
export type ImportKind = 'transcript' | 'project' | 'codebook' | 'codebookList' | 'attributes';

export interface ImportFile {
  name: string;
  bytes: Uint8Array;
  /** How to read the file; guessed from its name (and a CSV's header) when absent. */
  kind?: ImportKind;
}

export interface ImportOptions {
  limits: ImportLimits;
  /** Speaker corrections per transcript file name (see `applySpeakerChoices`). */
  speakers?: Record<string, SpeakerChoices>;
}

export interface ImportResult {
  bundle: ProjectBundle;
  /** The transcripts read from transcript files, as detected, for the speaker confirmation step. */
  drafts: TranscriptDraft[];
  /** Which file each transcript read from a transcript file came from (to attach its recording). */
  sources: { guid: string; file: string }[];
  /** Recordings a `.qdpx` held, to attach to their transcripts once written (media/interchange.ts). */
  recordings: ImportedRecording[];
  warnings: string[];
}

const PARTICIPANT_COLUMNS = ['participant', 'participant id', 'id', 'case', 'case id', 'pid'];

export function guessKind(file: ImportFile): ImportKind {
  const extension = extensionOf(file.name);
  if (extension === 'qdpx') return 'project';
  if (extension === 'qdc') return 'codebook';
  if (extension === 'csv') {
    const { header } = readCsv(file.name, file.bytes);
    return findColumn(header, PARTICIPANT_COLUMNS) !== undefined ? 'attributes' : 'codebook';
  }
  if (isTranscriptFile(file.name)) return 'transcript';
  throw new ImportError(
    file.name,
    'unsupported_format',
    `Accord does not import ".${extension}" files (transcripts: .txt .md .docx .odt .vtt .srt .pdf; projects: .qdpx; codebooks: .qdc .csv)`,
  );
}

export async function readImport(files: readonly ImportFile[], options: ImportOptions): Promise<ImportResult> {
  const bundle = emptyBundle('');
  const drafts: TranscriptDraft[] = [];
  const sources: ImportResult['sources'] = [];
  const recordings: ImportedRecording[] = [];
  const warnings: string[] = [];
  const attributeTables: { file: string; table: ReturnType<typeof readAttributesCsv> }[] = [];
  for (const file of files) {
    checkFileSize(file.name, file.bytes, options.limits);
    const kind = file.kind ?? guessKind(file);
    switch (kind) {
      case 'transcript': {
        const draft = await readTranscript(file.name, file.bytes, options.limits);
        drafts.push(draft);
        const choices = options.speakers?.[file.name];
        const turns = choices === undefined ? draft.turns : applySpeakerChoices(draft.turns, choices);
        const transcript = transcriptFromDraft(draft, turns);
        bundle.transcripts.push(transcript);
        sources.push({ guid: transcript.guid, file: file.name });
        break;
      }
      case 'project': {
        const project = await readQdpx(file.name, file.bytes, options.limits);
        mergeBundle(bundle, project.bundle);
        recordings.push(...project.recordings);
        warnings.push(...project.warnings.map((warning) => `${file.name}: ${warning}`));
        break;
      }
      case 'codebook':
        bundle.codes.push(
          ...(extensionOf(file.name) === 'qdc'
            ? readQdc(file.name, file.bytes, options.limits, warnings)
            : extensionOf(file.name) === 'csv'
              ? readCodebookCsv(file.name, file.bytes)
              : readCodebookList(file.name, file.bytes)),
        );
        break;
      case 'codebookList':
        bundle.codes.push(...readCodebookList(file.name, file.bytes));
        break;
      case 'attributes':
        attributeTables.push({ file: file.name, table: readAttributesCsv(file.name, file.bytes) });
        break;
    }
  }
  for (const { file, table } of attributeTables) {
    const attached = attachAttributes(bundle.transcripts, table);
    bundle.transcripts = attached.transcripts;
    if (attached.unmatched.length > 0) {
      warnings.push(`${file}: no transcript for participant(s) ${attached.unmatched.join(', ')}`);
    }
  }
  const problems = bundleProblems(bundle);
  if (problems.length > 0) {
    const names = files.map((file) => file.name).join(', ');
    throw new ImportError(names, 'invalid_bundle', problems.slice(0, 5).join('; '));
  }
  return { bundle, drafts, sources, recordings, warnings };
}

/** A transcript of the bundle from a draft read from a file (or pasted), with its speaker turns as corrected. */
export function transcriptFromDraft(draft: TranscriptDraft, turns: TranscriptDraft['turns']): BundleTranscript {
  return {
    guid: crypto.randomUUID(),
    title: draft.title,
    participant: draft.participant,
    attributes: {},
    text: draft.text,
    turns,
    layers: [],
  };
}

/** Several projects in one import: users with the same GUID are the same person; anything else must not clash. */
function mergeBundle(into: ProjectBundle, from: ProjectBundle): void {
  if (into.name === '') into.name = from.name;
  if (into.description === '') into.description = from.description;
  const users = new Set(into.users.map((user) => user.guid));
  into.users.push(...from.users.filter((user) => !users.has(user.guid)));
  into.codes.push(...from.codes);
  into.transcripts.push(...from.transcripts);
  into.memos.push(...from.memos);
}
