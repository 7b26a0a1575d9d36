import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedMetadata } from '../../src/metadata/embedded.js';
import { METADATA_VERSION, MetadataTooNewError, MIGRATIONS, migrate } from '../../src/metadata/migrations.js';
import { METADATA_FILE, parseMetadataText, readMetadataFile, serializeMetadata } from '../../src/metadata/store.js';

/** A meta.json as the first release wrote it: version 1, no checksum, none of the fields added later. */
const V1 = {
  version: 1,
  users: [
    {
      id: 'u1',
      email: 'ada@example.org',
      name: 'Ada',
      passwordHash: 'x',
      admin: true,
      createdAt: 1,
    },
  ],
  sessions: [],
  projects: [
    {
      id: 'p1',
      name: 'P',
      description: '',
      archived: false,
      createdAt: 1,
      createdBy: 'u1',
      settings: { codersEditCodebook: true, kappaThreshold: 0.6, alphaThreshold: 0.667 },
      members: [{ userId: 'u1', role: 'owner', addedAt: 1 }],
    },
  ],
  transcripts: [],
  rounds: [
    {
      id: 'r1',
      projectId: 'p1',
      name: 'Pilot',
      mode: 'blind',
      status: 'running',
      ownerMayLook: false,
      assignments: [],
      createdAt: 1,
      createdBy: 'u1',
      revealedAt: null,
    },
  ],
};

const dirs: string[] = [];
function dataDir(meta: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-migrate-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, METADATA_FILE), meta);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('metadata migrations', () => {
  it('are numbered from 1 without gaps, up to the version this build writes', () => {
    expect(MIGRATIONS.map((m) => m.from)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(METADATA_VERSION).toBe(MIGRATIONS.length + 1);
  });

  it('a version 1 file is read migrated, in memory, without changing the file', () => {
    const text = JSON.stringify(V1);
    const dir = dataDir(text);
    const found = readMetadataFile(dir)!;
    expect(found.version).toBe(1);
    expect(found.data.version).toBe(METADATA_VERSION);
    expect(found.data.invitations).toEqual([]);
    expect(found.data.serverSettings).toEqual({ ownersInvite: true });
    expect(found.data.rounds[0]).toMatchObject({ sample: null, adjudicators: [], done: [], forced: false });
    expect(fs.readFileSync(path.join(dir, METADATA_FILE), 'utf8')).toBe(text);
  });

  it('opening a version 1 file writes it in the current version and keeps the old text beside it', async () => {
    const text = JSON.stringify(V1);
    const dir = dataDir(text);
    const metadata = await openEmbeddedMetadata(dir);
    expect((await metadata.rounds.get('r1'))?.codebookChanges).toEqual([]);
    await metadata.close();
    const written = parseMetadataText(fs.readFileSync(path.join(dir, METADATA_FILE), 'utf8'), METADATA_FILE);
    expect(written.checksummed).toBe(true);
    expect((written.data as { version: number }).version).toBe(METADATA_VERSION);
    expect(fs.readFileSync(path.join(dir, 'meta.v1.json'), 'utf8')).toBe(text);
    // Opening again changes nothing more.
    const again = await openEmbeddedMetadata(dir);
    expect(await again.users.count()).toBe(1);
    await again.close();
  });

  it('a file written by a newer Accord is refused with a clear error, and left untouched', async () => {
    const newer = { ...(migrate(V1, 'meta.json').data as object), version: METADATA_VERSION + 1, future: [] };
    const text = serializeMetadata(newer as never);
    const dir = dataDir(text);
    await expect(openEmbeddedMetadata(dir)).rejects.toThrow(MetadataTooNewError);
    await expect(openEmbeddedMetadata(dir)).rejects.toThrow(
      `is of metadata version ${METADATA_VERSION + 1}, newer than this Accord knows (version ${METADATA_VERSION})`,
    );
    expect(() => readMetadataFile(dir)).toThrow(MetadataTooNewError);
    expect(fs.readFileSync(path.join(dir, METADATA_FILE), 'utf8')).toBe(text);
  });
});
