import { UsageError } from './args.js';

/**
 * `accord <command>`: each command lives in its own module, loaded only when called, so that a quick command
 * (e.g. `accord agreement` on a big file) does not pay for loading the server.
 */
interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: () => import('./serve.js'),
  user: () => import('./user.js'),
  backup: () => import('./backup.js'),
  restore: () => import('./restore.js'),
  agreement: () => import('./agreement.js'),
  import: () => import('./import.js'),
  export: () => import('./export.js'),
  check: () => import('./check.js'),
  'migrate-store': () => import('./migrateStore.js'),
};

const SUMMARIES: Record<string, string> = {
  serve: 'start the Accord server',
  user: 'add accounts, set passwords, print invitation links (data directory or PostgreSQL)',
  backup: 'write a consistent backup of the data directory (safe while the server runs)',
  restore: 'restore a backup into a data directory (offline)',
  agreement: 'compute inter-rater agreement from JSON (ratings, a table, or coded spans)',
  import: 'import transcripts, codebooks, attributes and REFI-QDA projects into a project',
  export: 'export a project: REFI-QDA, coded segments, codebook, unit x coder matrix',
  check: 'verify a data directory and say exactly what is damaged (offline)',
  'migrate-store': 'copy a data directory into an empty PostgreSQL database, verified (offline)',
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.keys(COMMANDS).map((name) => `  ${name.padEnd(width)}  ${SUMMARIES[name] ?? ''}`);
  return `Usage: accord <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "accord <command> --help" for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    const { VERSION } = await import('../version.js');
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`accord: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`accord ${name}: ${error.message}\n`);
      return 2;
    }
    const { describeFailure } = await import('./failure.js');
    const failure = describeFailure(error, process.env.ACCORD_LOG_LEVEL === 'debug');
    process.stderr.write(`accord ${name}: ${failure.line}\n`);
    if (failure.stack) process.stderr.write(`${failure.stack}\n`);
    return failure.status;
  }
}

process.exitCode = await main(process.argv.slice(2));
