import { createReadStream } from 'node:fs';
import process from 'node:process';
import { setFlagsFromString } from 'node:v8';
import {
  type AgreementData,
  AgreementInputError,
  agreementCsv,
  parseAgreementInput,
  reportFor,
} from '@accord/shared/agreement/index';
import { cutTextUnits, TextUnitsError } from '@accord/shared/rounds/textUnits';
import {
  isSegmentationVersion,
  LATEST_SEGMENTATION,
  SEGMENTATION_METHODS,
  SEGMENTATION_VERSIONS,
  type SegmentationVersion,
} from '@accord/shared/text/index';
import { parseChunked } from '@discoveryjs/json-ext';

export const summary = 'compute inter-rater agreement from JSON (ratings, a table, or coded spans)';

const USAGE = `Usage: accord agreement [FILE|-] [--format json|csv] [--pretty] [--segmentation 1|2]

Reads one JSON document from FILE (standard input when FILE is "-" or absent) and prints the agreement
report: JSON by default, or CSV (spans: one row per code x coder pair). See docs/agreement.md.
Bad input exits with status 2 and a one-line message on standard error.

A spans input whose documents carry their "text" may name its unit ("unit": "sentence", "paragraph",
"speaker_turn" or "transcript", or {"by": "sentence", "minCoverage": 0.5}); the units are then cut with
--segmentation (default ${LATEST_SEGMENTATION}, or the input's "segmentation"):
${SEGMENTATION_VERSIONS.map((version) => `  ${SEGMENTATION_METHODS[version]}`).join('\n')}
`;

interface Options {
  file: string;
  format: 'json' | 'csv';
  pretty: boolean;
  help: boolean;
  segmentation: SegmentationVersion | undefined;
}

class BadInput extends Error {}

const CHUNK_BYTES = 64 * 1024;

function parseOptions(argv: string[]): Options {
  const options: Options = { file: '-', format: 'json', pretty: false, help: false, segmentation: undefined };
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
    } else if (arg === '--segmentation' || arg.startsWith('--segmentation=')) {
      const value = arg === '--segmentation' ? argv[++i] : arg.slice('--segmentation='.length);
      const version = Number(value);
      if (value === undefined || !isSegmentationVersion(version))
        throw new BadInput(`--segmentation must be ${SEGMENTATION_VERSIONS.join(' or ')}, got ${value ?? 'nothing'}`);
      options.segmentation = version;
    } else if (arg.startsWith('-') && arg !== '-') throw new BadInput(`unknown option ${arg}`);
    else if (fileSeen) throw new BadInput(`one input file at most, got ${options.file} and ${arg}`);
    else {
      options.file = arg;
      fileSeen = true;
    }
  }
  return options;
}

/**
 * Parsed chunk by chunk so that the whole JSON text never sits in memory next to the object tree: on a big project
 * the text and its decoded copy would otherwise be the largest part of the peak.
 */
async function readData(
  file: string,
  segmentation: SegmentationVersion | undefined,
): Promise<{ data: AgreementData; cut: SegmentationVersion | null }> {
  const source = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let input: unknown;
  try {
    input = await parseChunked(source);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code !== undefined) throw new BadInput(`cannot read ${file}: ${code}`);
    if (error instanceof SyntaxError) throw new BadInput(`input is not valid JSON: ${message}`);
    throw new BadInput(`input could not be parsed: ${message}`);
  }
  const { input: plain, segmentation: cut } = cutTextUnits(input, segmentation);
  return { data: parseAgreementInput(plain), cut };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

export async function run(argv: string[]): Promise<number> {
  // Every object of the parsed input survives until validation, which makes V8 grow its young generation to
  // tens of MB that this one-shot computation never needs again.
  setFlagsFromString('--semi-space-growth-factor=1');
  try {
    const options = parseOptions(argv);
    if (options.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const { data, cut } = await readData(options.file, options.segmentation);
    const computed = reportFor(data);
    // Units cut here from text: the report says how (a key the plain contract's inputs never get).
    const report =
      cut === null ? computed : { segmentation: { version: cut, method: SEGMENTATION_METHODS[cut] }, ...computed };
    if (options.format === 'csv') process.stdout.write(agreementCsv(computed));
    else {
      // Two writes rather than one concatenation, which would copy the whole report once more.
      process.stdout.write(options.pretty ? JSON.stringify(report, null, 2) : JSON.stringify(report));
      process.stdout.write('\n');
    }
    return 0;
  } catch (error) {
    if (error instanceof BadInput || error instanceof AgreementInputError || error instanceof TextUnitsError) {
      process.stderr.write(`accord agreement: ${oneLine(error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
