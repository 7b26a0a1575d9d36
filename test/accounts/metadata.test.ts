import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedMetadata } from '../../server/src/metadata/embedded.js';
import { verifyDataDir } from '../../server/src/metadata/integrity.js';
import { tempDataDir } from '../helpers/server.js';

/**
 * Issue 23 item 1 adds the deactivation time of accounts, invitations and a server setting to meta.json. A file
 * written before them (with or without its checksum) must still load, check clean, and gain the new fields.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const OLD = {
  version: 1,
  users: [
    {
      id: 'u1',
      email: 'ada@example.org',
      name: 'Ada',
      passwordHash: 'scrypt$15$8$1$c2FsdA==$aGFzaA==',
      admin: true,
      createdAt: 1,
    },
  ],
  sessions: [],
  projects: [],
  transcripts: [],
  rounds: [],
};

function writeOld(checksummed: boolean): string {
  const dir = tempDataDir();
  dirs.push(dir);
  const sha256 = createHash('sha256').update(JSON.stringify(OLD)).digest('hex');
  const content = checksummed ? { sha256, ...OLD } : OLD;
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(content, null, 2));
  return dir;
}

describe('meta.json from before invitations', () => {
  it.each([true, false])(
    'checksummed %s: checks clean, loads with defaults, and the next write keeps it clean',
    async (checksummed) => {
      const dir = writeOld(checksummed);
      expect((await verifyDataDir(dir)).damages).toEqual([]);
      const metadata = await openEmbeddedMetadata(dir);
      const data = await metadata.snapshot();
      expect(data.invitations).toEqual([]);
      expect(data.serverSettings).toEqual({ ownersInvite: true });
      expect(data.users[0]!.deactivatedAt).toBeUndefined();
      await metadata.users.create({ ...data.users[0]!, id: 'u2', email: 'second@example.org', admin: false });
      await metadata.users.deactivate('u2', 5);
      await metadata.close();
      const report = await verifyDataDir(dir);
      expect(report.damages).toEqual([]);
      expect(report.metadata?.checksummed).toBe(true);
      const reopened = await openEmbeddedMetadata(dir);
      expect((await reopened.users.get('u2'))?.deactivatedAt).toBe(5);
      await reopened.close();
    },
  );

  it('refuses an invitation record of the wrong shape (the schema stays strict)', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const bad = { ...OLD, invitations: [{ id: 'i1', kind: 'invite' }] };
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(bad));
    const report = await verifyDataDir(dir);
    expect(report.damages[0]?.problem).toMatch(/invitations\.0/);
  });
});
