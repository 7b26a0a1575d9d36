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
    this.fd = fs.openSync(path.join(dataDir, AUDIT_FILE), 'a');
  }

  record(entry: Omit<AuditEntry, 'at'>): void {
    fs.writeSync(this.fd, `${JSON.stringify({ at: Date.now(), ...entry })}\n`);
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
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
