import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openContext } from '../app.js';
import { ConfigError, resolveConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import { ImportError } from '../import/errors.js';
import { type ImportFile, readImport } from '../import/index.js';
import { DEFAULT_LIMITS } from '../import/limits.js';
import { formatSummary } from '../interchange/bundle.js';
import { DataDirLockedError } from '../metadata/lock.js';
import { CorruptMetadataError } from '../metadata/store.js';
import { writeBundle } from '../projects/bundleIo.js';
import { DATA_OPTION, parseFlags, UsageError } from './args.js';

export const summary = 'import transcripts, codebooks, attributes and REFI-QDA projects into a project (offline)';

const HELP = `Usage: accord import FILE... --project NAME_OR_ID [--as EMAIL] [--codebook FILE] [--data DIR]

Reads every FILE first, then writes them into the project in one go: if any file is bad, nothing is imported.
  transcripts   .txt .md .docx .odt .vtt .srt (speaker turns detected; check them in the web preview)
  projects      .qdpx (REFI-QDA: NVivo, ATLAS.ti, MAXQDA, QualCoder...; every coder's codings)
  codebooks     .qdc, .csv with a name column; --codebook FILE also reads a .txt/.md list as a codebook
  attributes    .csv with a participant (or id, case) column, attached to the transcripts of each participant
--project is a project id or name; a name that matches no project creates it, owned by --as (default: the
first administrator). Coders in a .qdpx become the account with their name, or new accounts (set their
passwords with "accord user passwd"). Works on a data directory that no server holds.
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { project: { type: 'string' }, as: { type: 'string' }, codebook: { type: 'string' }, ...DATA_OPTION },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const codebooks = values.codebook === undefined ? [] : [values.codebook];
  if (!values.project) throw new UsageError('--project is required');
  if (positionals.length === 0 && codebooks.length === 0) throw new UsageError('no files to import');
  let files: ImportFile[];
  try {
    files = await readInputs(positionals, codebooks);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    process.stderr.write(`accord import: ${error.message}\n`);
    return 1;
  }
  return offline('accord import', values.data, async (ctx) => {
    const started = performance.now();
    const { bundle, warnings } = await readImport(files, { limits: DEFAULT_LIMITS });
    const actor = actingUser(ctx, values.as);
    const target = resolveProject(ctx, values.project!);
    const result = await writeBundle(ctx, bundle, { actorId: actor, project: target });
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
    return 0;
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
export function actingUser(ctx: AppContext, email: string | undefined): string {
  const users = ctx.store.data.users;
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

function resolveProject(ctx: AppContext, nameOrId: string): { id: string } | { create: string } {
  const projects = ctx.store.data.projects;
  const byId = projects.find((p) => p.id === nameOrId);
  if (byId !== undefined) return { id: byId.id };
  const byName = projects.filter((p) => p.name.toLowerCase() === nameOrId.trim().toLowerCase());
  if (byName.length > 1)
    throw new AccordError(409, 'ambiguous', `several projects are named "${nameOrId}"; use the id`);
  return byName.length === 1 ? { id: byName[0]!.id } : { create: nameOrId };
}

/** Opens the data directory like the server does (lock, metadata, documents) and reports expected failures. */
export async function offline(
  command: string,
  dataDir: string | undefined,
  work: (ctx: AppContext) => Promise<number>,
) {
  let opened: Awaited<ReturnType<typeof openContext>> | undefined;
  try {
    opened = await openContext(resolveConfig({ dataDir, logLevel: 'warn' }), command);
    return await work(opened.ctx);
  } catch (error) {
    const expected =
      error instanceof ImportError ||
      error instanceof AccordError ||
      error instanceof DataDirLockedError ||
      error instanceof CorruptMetadataError ||
      error instanceof ConfigError;
    if (!expected) throw error;
    process.stderr.write(`${command}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await opened?.close();
  }
}
