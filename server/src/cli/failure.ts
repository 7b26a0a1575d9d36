import { ConfigError } from '../config.js';
import { AccordError } from '../errors.js';
import { ImportError } from '../import/errors.js';
import { DataDirLockedError } from '../metadata/lock.js';
import { CorruptMetadataError } from '../metadata/store.js';
import { CorruptFileError, DataDamagedError } from '../persistence/index.js';

/** Exit status of an unexpected failure (a bug): EX_SOFTWARE, apart from the 1 of an expected one. */
export const INTERNAL_ERROR_STATUS = 70;

const EXPECTED = [
  ConfigError,
  AccordError,
  ImportError,
  DataDirLockedError,
  CorruptMetadataError,
  CorruptFileError,
  DataDamagedError,
];

/** Failures of the operating system that an operator can act on: a path that does not exist, no permission, etc. */
const SYSTEM_CODES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
};

/**
 * One line for a failure a command ends with: the message of an expected failure (bad data, a locked or damaged
 * directory, a missing file), or, for a bug, the message and where to find the stack (only printed at debug level,
 * so that an operator never gets a stack trace for a mistake of theirs).
 */
export function describeFailure(error: unknown, debug: boolean): { line: string; status: number; stack?: string } {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');
  if (EXPECTED.some((type) => error instanceof type)) return { line: oneLine((error as Error).message), status: 1 };
  const system = error as NodeJS.ErrnoException;
  if (system instanceof Error && typeof system.code === 'string' && system.code in SYSTEM_CODES) {
    const { address, port } = system as { address?: string; port?: number };
    const target = system.path ?? (address === undefined ? '' : `${address}:${port}`);
    const what = system.syscall === undefined ? '' : `${system.syscall} `;
    return { line: `cannot ${what}${target}: ${SYSTEM_CODES[system.code]} (${system.code})`, status: 1 };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    line: `internal error: ${oneLine(message)}${debug ? '' : ' (set ACCORD_LOG_LEVEL=debug for the stack trace)'}`,
    status: INTERNAL_ERROR_STATUS,
    ...(debug && error instanceof Error && error.stack ? { stack: error.stack } : {}),
  };
}
