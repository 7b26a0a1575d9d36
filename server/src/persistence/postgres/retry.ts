/**
 * Whether a failed statement may simply be run again: the connection broke (PostgreSQL restarted, a backend was
 * terminated, the network hiccupped) or the server asked for a retry. Appends are safe to repeat even if the first
 * attempt committed after all: applying a Yjs update twice changes nothing.
 */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) {
    // No SQLSTATE: a socket error (ECONNRESET, ECONNREFUSED) or node-postgres's "Connection terminated".
    return true;
  }
  return (
    code.startsWith('08') || // connection exception
    code === '57P01' || // admin_shutdown (pg_terminate_backend, fast shutdown)
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now (starting up, recovering)
    code === '53300' || // too_many_connections
    code === '40001' || // serialization_failure
    code === '40P01' // deadlock_detected
  );
}

export const FOREIGN_KEY_VIOLATION = '23503';
export const UNIQUE_VIOLATION = '23505';

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
