import fs from 'node:fs';
import path from 'node:path';

export const AUDIT_FILE = 'audit.jsonl';

/**
 * The audit log is append-only JSON lines, fsync'd per entry. It grows for ever, so it is kept out of lowdb,
 * which rewrites its whole file on every write.
 */
export interface AuditEntry {
  at: number;
  actor: string | null;
  action: string;
  project?: string;
  details?: Record<string, unknown>;
}

export class AuditLog {
  private readonly fd: number;

  constructor(dataDir: string) {
    const file = path.join(dataDir, AUDIT_FILE);
    this.fd = fs.openSync(file, 'a+');
    try {
      cutTornLine(this.fd);
    } catch (error) {
      fs.closeSync(this.fd);
      throw error;
    }
  }

  record(entry: Omit<AuditEntry, 'at'>): void {
    fs.writeSync(this.fd, `${JSON.stringify({ at: Date.now(), ...entry })}\n`);
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * A last line without its newline is an entry whose write was interrupted (it was never acknowledged): cut it, or
 * the next entry would be appended to it and turn it into a damaged line in the middle of the log.
 */
function cutTornLine(fd: number): void {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return;
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  for (let end = size; end > 0; end -= chunk.length) {
    const start = Math.max(0, end - chunk.length);
    const read = fs.readSync(fd, chunk, 0, end - start, start);
    const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (newline !== -1) {
      fs.ftruncateSync(fd, start + newline + 1);
      fs.fdatasyncSync(fd);
      return;
    }
  }
  fs.ftruncateSync(fd, 0);
  fs.fdatasyncSync(fd);
}

/**
 * Lines of the audit log that are not entries: damage, since every line is written whole and synced. A last line
 * without its newline is an interrupted write, which the next start cuts, and not damage.
 */
export function verifyAudit(dataDir: string): { entries: number; damaged: { line: number; problem: string }[] } {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, AUDIT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: 0, damaged: [] };
    throw error;
  }
  const lines = text.split('\n');
  // After the last newline: empty, or an interrupted write.
  lines.pop();
  const damaged: { line: number; problem: string }[] = [];
  for (const [i, line] of lines.entries()) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      damaged.push({ line: i + 1, problem: 'not valid JSON' });
      continue;
    }
    const { at, action } = (entry ?? {}) as Partial<AuditEntry>;
    if (typeof at !== 'number' || typeof action !== 'string') damaged.push({ line: i + 1, problem: 'not an entry' });
  }
  return { entries: lines.length - damaged.length, damaged };
}

/** Entries in order, optionally of one project; a torn last line (crash mid-write) is skipped. */
export function readAudit(dataDir: string, project?: string): AuditEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, AUDIT_FILE), 'utf8');
  } catch {
    return [];
  }
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as AuditEntry;
      if (project === undefined || entry.project === project) entries.push(entry);
    } catch {}
  }
  return entries;
}
