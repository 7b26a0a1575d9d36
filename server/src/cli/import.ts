import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import { ImportError } from '../import/errors.js';
import { type ImportFile, readImport } from '../import/index.js';
import { DEFAULT_LIMITS } from '../import/limits.js';
import { formatSummary } from '../interchange/bundle.js';
import { MEDIA_FORMATS } from '../media/formats.js';
import { attachImportedRecordings } from '../media/interchange.js';
import { type CheckedRecording, commitRecording, discardRecording, receiveRecording } from '../media/media.js';
import { writeBundle } from '../projects/bundleIo.js';
import { parseFlags, UsageError } from './args.js';
import { commandTarget, OFFLINE_OPTION, TARGET_OPTIONS, withContext } from './offline.js';

export const summary = 'import transcripts, codebooks, attributes and REFI-QDA projects into a project';

const HELP = `Usage: accord import FILE... --project NAME_OR_ID [--as EMAIL] [--codebook FILE] [TARGET]

Reads every FILE first, then writes them into the project in one go: if any file is bad, nothing is imported.
  transcripts   .txt .md .docx .odt .vtt .srt .pdf (speaker turns detected; check them in the web preview)
  recordings    .mp3 .m4a .wav .ogg .mp4 .webm with the same name as a transcript FILE attach to it; one next to
                a .vtt or .srt (Interview 3.vtt + Interview 3.mp4) attaches without being named
  projects      .qdpx (REFI-QDA: NVivo, ATLAS.ti, MAXQDA, QualCoder...; every coder's codings)
  codebooks     .qdc, .csv with a name column; --codebook FILE also reads a .txt/.md list as a codebook
  attributes    .csv with a participant (or id, case) column, attached to the transcripts of each participant
--project is a project id or name; a name that matches no project creates it, owned by --as (default: the
first administrator). Coders in a .qdpx become the account with their name, or new accounts (set their
passwords with "accord user passwd").

TARGET is one of:
  --data DIR                 a data directory (default ./data, or ACCORD_DATA) that no server holds
  --postgres URL --redis URL a PostgreSQL deployment, while its instances run: the import is written and relayed
                             as an instance writes it, so people with the project open see the new transcripts,
                             codes and codings at once (ACCORD_POSTGRES_URL and ACCORD_REDIS_URL are used when no
                             --data is given; prefer them, a flag shows in the process list)
  --postgres URL --offline   a PostgreSQL database on which no instance is running
On PostgreSQL, Redis or --offline is required: without Redis, instances that have the project's documents open
would not see the import until they load them again. Both --data and --postgres is a usage error.
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      project: { type: 'string' },
      as: { type: 'string' },
      codebook: { type: 'string' },
      ...TARGET_OPTIONS,
      ...OFFLINE_OPTION,
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const codebooks = values.codebook === undefined ? [] : [values.codebook];
  if (!values.project) throw new UsageError('--project is required');
  if (positionals.length === 0 && codebooks.length === 0) throw new UsageError('no files to import');
  const target = await commandTarget(values, { needsLiveInstances: true });
  let files: ImportFile[];
  let recordings: RecordingInput[];
  try {
    const inputs = await pairRecordings(positionals);
    recordings = inputs.recordings;
    files = await readInputs(inputs.transcripts, codebooks);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    process.stderr.write(`accord import: ${error.message}\n`);
    return 1;
  }
  return withContext('accord import', target, async (ctx) => {
    const started = performance.now();
    const { bundle, sources, recordings: archived, warnings } = await readImport(files, { limits: DEFAULT_LIMITS });
    const actor = await actingUser(ctx, values.as);
    const target = await resolveProject(ctx, values.project!);
    // Recordings are received and checked before anything is written; attached once the transcripts exist.
    const checked: { recording: RecordingInput; checked: CheckedRecording }[] = [];
    const attached: string[] = [];
    try {
      for (const recording of recordings) checked.push({ recording, checked: await receiveFile(ctx, recording) });
      const result = await writeBundle(ctx, bundle, { actorId: actor, project: target });
      // Recordings inside a .qdpx: one that cannot be kept is a warning, the project still imports.
      const fromArchives = await attachImportedRecordings(ctx, actor, result, archived, warnings);
      if (fromArchives > 0) attached.push(`attached ${fromArchives} recording(s) from the REFI-QDA project`);
      for (const { recording, checked: received } of checked) {
        const guid = sources.find((source) => source.file === recording.transcriptFile)?.guid;
        const id = result.transcriptIds.find((entry) => entry.guid === guid)?.id;
        const transcript = id === undefined ? null : await ctx.metadata.transcripts.get(result.projectId, id);
        if (transcript === null) {
          warnings.push(`${recording.name}: its transcript ${recording.transcriptFile} was not found after import`);
          continue;
        }
        const media = await commitRecording(ctx, received, {
          actorId: actor,
          projectId: result.projectId,
          transcriptId: transcript.id,
        });
        attached.push(
          `attached ${media.name} (${media.type}, ${media.bytes} bytes) to transcript "${transcript.title}"`,
        );
      }
      return report(result, warnings, attached, started);
    } finally {
      for (const { checked: received } of checked) await discardRecording(ctx, received);
    }
  });
}

function report(
  result: Awaited<ReturnType<typeof writeBundle>>,
  warnings: string[],
  attached: string[],
  started: number,
): number {
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  process.stdout.write(
    `imported into project ${result.projectId} in ${seconds} s:\n${formatSummary(result.summary)}\n`,
  );
  if (result.reusedCodes > 0)
    process.stdout.write(`${result.reusedCodes} code(s) were already in the codebook and were reused\n`);
  for (const account of result.createdAccounts) {
    process.stdout.write(
      `created account ${account.email} for coder "${account.name}" (set a password with accord user passwd)\n`,
    );
  }
  for (const line of attached) process.stdout.write(`${line}\n`);
  return 0;
}

/** A recording to attach to the transcript read from `transcriptFile` (a base name, as the import knows files). */
interface RecordingInput {
  path: string;
  name: string;
  transcriptFile: string;
}

const MEDIA_EXTENSIONS = new Set(MEDIA_FORMATS.flatMap((format) => format.extensions));
const SUBTITLES = new Set(['.vtt', '.srt']);
const isRecording = (file: string) => MEDIA_EXTENSIONS.has(path.extname(file).slice(1).toLowerCase());
const stem = (file: string) => path.parse(file).name.toLowerCase();

/**
 * Recordings named on the command line go with the transcript FILE of the same name; a `.vtt` or `.srt` also takes
 * a recording of its name lying beside it (the usual Zoom or Teams download: the video and its transcript).
 */
async function pairRecordings(positionals: string[]): Promise<{ transcripts: string[]; recordings: RecordingInput[] }> {
  const transcripts = positionals.filter((file) => !isRecording(file));
  const recordings: RecordingInput[] = [];
  for (const file of positionals.filter(isRecording)) {
    const match = transcripts.find((candidate) => stem(candidate) === stem(file));
    if (match === undefined) {
      throw new ImportError(
        file,
        'unsupported_format',
        'a recording attaches to the transcript of the same name; name that transcript file too',
      );
    }
    recordings.push({ path: file, name: path.basename(file), transcriptFile: path.basename(match) });
  }
  for (const file of transcripts) {
    if (!SUBTITLES.has(path.extname(file).toLowerCase())) continue;
    if (recordings.some((recording) => recording.transcriptFile === path.basename(file))) continue;
    const dir = path.dirname(file);
    const beside = (await readdir(dir).catch(() => [] as string[]))
      .filter((name) => isRecording(name) && stem(name) === stem(file))
      .sort();
    if (beside[0] !== undefined) {
      recordings.push({ path: path.join(dir, beside[0]), name: beside[0], transcriptFile: path.basename(file) });
    }
  }
  return { transcripts, recordings };
}

/** Streams a recording from disk into staging and checks it, as an upload would be. */
async function receiveFile(ctx: AppContext, recording: RecordingInput): Promise<CheckedRecording> {
  let size: number;
  try {
    size = (await stat(recording.path)).size;
  } catch (error) {
    throw new ImportError(
      recording.path,
      'empty_file',
      `cannot read the file (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  return await receiveRecording(ctx, {
    name: recording.name,
    contentType: undefined,
    declaredBytes: size,
    body: createReadStream(recording.path),
  });
}

async function readInputs(positionals: string[], codebooks: string[]): Promise<ImportFile[]> {
  const files: ImportFile[] = [];
  for (const file of positionals) files.push({ name: path.basename(file), bytes: await readInput(file) });
  for (const file of codebooks) {
    const kind =
      path.extname(file).toLowerCase() === '.csv' || path.extname(file).toLowerCase() === '.qdc'
        ? 'codebook'
        : 'codebookList';
    files.push({ name: path.basename(file), bytes: await readInput(file), kind });
  }
  return files;
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new ImportError(
      file,
      'empty_file',
      `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/** The account that owns what the command creates: --as, else the first administrator. */
export async function actingUser(ctx: AppContext, email: string | undefined): Promise<string> {
  const users = await ctx.metadata.users.list();
  const user =
    email === undefined ? users.find((u) => u.admin) : users.find((u) => u.email === email.trim().toLowerCase());
  if (user === undefined) {
    throw new AccordError(
      400,
      'no_account',
      email === undefined
        ? 'no administrator account yet: add one with "accord user add --admin"'
        : `no account with email ${email}`,
    );
  }
  return user.id;
}

async function resolveProject(ctx: AppContext, nameOrId: string): Promise<{ id: string } | { create: string }> {
  const projects = await ctx.metadata.projects.list();
  const byId = projects.find((p) => p.id === nameOrId);
  if (byId !== undefined) return { id: byId.id };
  const byName = projects.filter((p) => p.name.toLowerCase() === nameOrId.trim().toLowerCase());
  if (byName.length > 1)
    throw new AccordError(409, 'ambiguous', `several projects are named "${nameOrId}"; use the id`);
  return byName.length === 1 ? { id: byName[0]!.id } : { create: nameOrId };
}
