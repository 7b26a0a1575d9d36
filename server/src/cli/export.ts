import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BY_COMMAND } from '../accounts/accountChanges.js';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import { downloadExport } from '../export/download.js';
import { MATRIX_UNITS, type MatrixUnit } from '../export/matrix.js';
import { EXPORT_FORMATS, type ExportFormat } from '../export/render.js';
import { formatSummary } from '../interchange/bundle.js';
import type { Project } from '../metadata/schema.js';
import { parseFlags, UsageError } from './args.js';
import { commandTarget, TARGET_OPTIONS, withContext } from './offline.js';

export const summary = 'export a project: REFI-QDA, coded segments, codebook, unit x coder matrix';

const HELP = `Usage: accord export PROJECT --format FORMAT --out FILE [options] [--data DIR | --postgres URL [--redis URL]]

PROJECT is a project id or name. Formats:
  qdpx           REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder): every coder, stable GUIDs
  qdc            REFI-QDA codebook
  csv, xlsx      coded segments, one row per coding; filter with --code, --coder, --transcript (names or ids)
  codebook-csv   codebook as CSV (re-importable); codebook-md, codebook-html: for reading and printing
  matrix         unit x coder matrix of one --code for R irr (--unit transcript|turn|paragraph|character,
                 default turn; --recal for ReCal's header-less form)
CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @) get a leading '; --raw-csv writes
them exactly as they are (for R or pandas; never open such a file in a spreadsheet).
The directory of --out must exist (it is not created).
--data DIR (default ./data, or ACCORD_DATA): a data directory that no server holds. --postgres URL (or
ACCORD_POSTGRES_URL when no --data is given): a PostgreSQL deployment, while its instances run; the export
reads what they have committed (each edit is committed within milliseconds of its arrival). --redis URL (or
ACCORD_REDIS_URL) joins the deployment's Redis as an instance does; an export does not require it. Both
--data and --postgres is a usage error. Prefer the environment variables: a flag shows in the process list.
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      format: { type: 'string' },
      out: { type: 'string' },
      code: { type: 'string' },
      coder: { type: 'string' },
      transcript: { type: 'string' },
      unit: { type: 'string' },
      recal: { type: 'boolean' },
      'raw-csv': { type: 'boolean' },
      ...TARGET_OPTIONS,
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [project, ...extra] = positionals;
  if (project === undefined || extra.length > 0) throw new UsageError('expected exactly one PROJECT');
  const format = values.format as ExportFormat | undefined;
  if (format === undefined || !EXPORT_FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (!values.out) throw new UsageError('--out is required');
  const unit = (values.unit ?? 'turn') as MatrixUnit;
  if (!MATRIX_UNITS.includes(unit)) throw new UsageError(`--unit must be one of ${MATRIX_UNITS.join(', ')}`);
  if (format === 'matrix' && !values.code) throw new UsageError('--format matrix needs --code');
  const target = await commandTarget(values);
  const out = path.resolve(values.out);
  // Before the data directory is opened: a wrong path is the operator's typo, not worth a project read.
  if (!fs.statSync(path.dirname(out), { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write(`accord export: cannot write ${values.out}: no directory ${path.dirname(out)}\n`);
    return 1;
  }
  return withContext('accord export', target, async (ctx) => {
    const started = performance.now();
    // The web route's function: the same file, audited the same way, with no actor and `via: 'cli'`.
    const { content, summary } = await downloadExport(ctx, BY_COMMAND, await findProject(ctx, project), {
      format,
      code: values.code,
      coder: values.coder,
      transcript: values.transcript,
      unit,
      recal: values.recal ?? false,
      formulaSafe: !values['raw-csv'],
    });
    await writeFile(values.out!, content);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
    process.stdout.write(
      `exported ${format} to ${values.out} (${bytes} bytes) in ${seconds} s:\n${formatSummary(summary)}\n`,
    );
    return 0;
  });
}

async function findProject(ctx: AppContext, nameOrId: string): Promise<Project> {
  const projects = await ctx.metadata.projects.list();
  const match = projects.filter((p) => p.id === nameOrId || p.name.toLowerCase() === nameOrId.trim().toLowerCase());
  if (match.length === 0) throw new AccordError(404, 'not_found', `no project "${nameOrId}"`);
  if (match.length > 1) throw new AccordError(409, 'ambiguous', `several projects are named "${nameOrId}"; use the id`);
  return match[0]!;
}
