import { readFileSync } from 'node:fs';
import process from 'node:process';
import {
  type AgreementData,
  AgreementInputError,
  agreementCsv,
  parseAgreementInput,
  reportFor,
} from '@accord/shared/agreement/index';

export const summary = 'compute inter-rater agreement from JSON (ratings, a table, or coded spans)';

const USAGE = `Usage: accord agreement [FILE|-] [--format json|csv] [--pretty]

Reads one JSON document from FILE (standard input when FILE is "-" or absent) and prints the agreement
report: JSON by default, or CSV (spans: one row per code x coder pair). See docs/agreement.md.
Bad input exits with status 2 and a one-line message on standard error.
`;

interface Options {
  file: string;
  format: 'json' | 'csv';
  pretty: boolean;
  help: boolean;
}

class BadInput extends Error {}

function parseOptions(argv: string[]): Options {
  const options: Options = { file: '-', format: 'json', pretty: false, help: false };
  let fileSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--pretty') options.pretty = true;
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const format = arg === '--format' ? argv[++i] : arg.slice('--format='.length);
      if (format !== 'json' && format !== 'csv')
        throw new BadInput(`--format must be json or csv, got ${format ?? 'nothing'}`);
      options.format = format;
    } else if (arg.startsWith('-') && arg !== '-') throw new BadInput(`unknown option ${arg}`);
    else if (fileSeen) throw new BadInput(`one input file at most, got ${options.file} and ${arg}`);
    else {
      options.file = arg;
      fileSeen = true;
    }
  }
  return options;
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new BadInput(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parsed and validated in its own frame, so the JSON text and object tree can be collected during the computation. */
async function readData(file: string): Promise<AgreementData> {
  let input: unknown;
  try {
    input = JSON.parse(await readInput(file));
  } catch (error) {
    if (error instanceof BadInput) throw error;
    throw new BadInput(`input is not valid JSON: ${(error as Error).message}`);
  }
  return parseAgreementInput(input);
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

export async function run(argv: string[]): Promise<number> {
  try {
    const options = parseOptions(argv);
    if (options.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const report = reportFor(await readData(options.file));
    if (options.format === 'csv') process.stdout.write(agreementCsv(report));
    else {
      // Two writes rather than one concatenation, which would copy the whole report once more.
      process.stdout.write(options.pretty ? JSON.stringify(report, null, 2) : JSON.stringify(report));
      process.stdout.write('\n');
    }
    return 0;
  } catch (error) {
    if (error instanceof BadInput || error instanceof AgreementInputError) {
      process.stderr.write(`accord agreement: ${oneLine(error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
