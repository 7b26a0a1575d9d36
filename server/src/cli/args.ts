import { parseArgs } from 'node:util';

export class UsageError extends Error {}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type Values<O extends Options> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string } & {
  help?: boolean;
};

/** Strict flag parsing: an unknown flag or a missing value is a usage error (exit 2), never ignored. */
export function parseFlags<O extends Options>(
  argv: string[],
  options: O,
  allowPositionals = false,
): { values: Values<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
    return parsed as unknown as { values: Values<O>; positionals: string[] };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const DATA_OPTION = { data: { type: 'string' } } as const;

/** Reads all of standard input as text (for `--password-stdin` and `-` file arguments). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Keys typed after the Enter that ended a prompt (e.g. both answers pasted at once), for the next prompt. */
let typedAhead = '';

/**
 * Asks for a password on the terminal without echoing it. Listens for keys instead of iterating standard input:
 * leaving a `for await` loop destroys the stream, and a second prompt then failed with AbortError.
 */
export async function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  if (!stdin.isTTY) throw new UsageError('no terminal to ask for a password on; pass --password-stdin');
  // Raw mode first: keys typed as soon as the question shows are then never echoed.
  stdin.setRawMode(true);
  stderr.write(question);
  try {
    return await new Promise<string>((resolve, reject) => {
      let answer = '';
      const finish = (settle: () => void) => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        settle();
      };
      const onKeys = (keys: string): boolean => {
        for (const [i, char] of [...keys].entries()) {
          if (char === '\r' || char === '\n') {
            typedAhead = [...keys]
              .slice(i + 1)
              .join('')
              .replace(/^\n/, '');
            finish(() => resolve(answer));
            return true;
          }
          if (char === '\u0003') {
            finish(() => reject(new UsageError('cancelled')));
            return true;
          }
          answer = char === '\u007f' || char === '\b' ? answer.slice(0, -1) : answer + char;
        }
        return false;
      };
      const onData = (chunk: Buffer) => onKeys(chunk.toString('utf8'));
      const onEnd = () => finish(() => reject(new UsageError('standard input ended before a password was entered')));
      const ahead = typedAhead;
      typedAhead = '';
      if (onKeys(ahead)) return;
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    stderr.write('\n');
  }
}
