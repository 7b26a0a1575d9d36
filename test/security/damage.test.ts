import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { docName, transcriptText } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startServer } from '../../server/src/app.js';
import { resolveConfig } from '../../server/src/config.js';
import { silentLogger } from '../../server/src/log.js';
import type { Metadata } from '../../server/src/metadata/schema.js';
import { CorruptMetadataError, serializeMetadata } from '../../server/src/metadata/store.js';
import { DataDamagedError, FileStorage } from '../../server/src/persistence/index.js';
import { docDirName } from '../../server/src/persistence/layout.js';
import { CLI, runCli } from '../helpers/cli.js';
import { ApiClient, startTestServer, tempDataDir } from '../helpers/server.js';

/**
 * Issue 21 item 10: damage to a stopped server's data directory is never lost silently. Each test damages a copy of
 * a real data directory the way a disk or an operator would, then starts the real server on it (in process and as
 * `accord serve`) and runs `accord check`: start refuses naming the file and changes nothing, check reports it.
 */
const PASSWORD = 'damage test battery staple';
const TRANSCRIPTS = 120;

interface Fixture {
  dataDir: string;
  projectId: string;
  transcripts: { id: string; text: string }[];
}

let crashed: Fixture;
let stopped: Fixture;
const cleanup: string[] = [];

/** `accord serve` as a child process, so that it can be killed -9 like a crashing production server. */
async function serve(dataDir: string): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir], {
    env: { ...process.env, ACCORD_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.includes('"event":"listening"'));
      if (line) resolve(JSON.parse(line).port);
    });
    child.on('exit', () => reject(new Error(`server exited: ${buffered}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

/** A project with many transcripts, written through the API of a server that is then killed -9. */
async function crashedServer(): Promise<Fixture> {
  const dataDir = tempDataDir();
  const added = await runCli(
    ['user', 'add', '--email', 'lead@example.org', '--name', 'Lead', '--admin', '--password-stdin', '--data', dataDir],
    { stdin: `${PASSWORD}\n` },
  );
  expect(added.code, added.stderr).toBe(0);
  const served = await serve(dataDir);
  try {
    const api = new ApiClient(served.url);
    expect((await api.post('/api/auth/login', { email: 'lead@example.org', password: PASSWORD })).status).toBe(200);
    const projectId = (await api.post('/api/projects', { name: 'Damage study' })).body.project.id as string;
    const transcripts: Fixture['transcripts'] = [];
    for (let i = 0; i < TRANSCRIPTS; i++) {
      const text = `Interviewer: Question ${i}?\nP${i}: Answer number ${i}.\n`;
      const created = await api.post(`/api/projects/${projectId}/transcripts`, { title: `Interview ${i}`, text });
      expect(created.status).toBe(201);
      transcripts.push({ id: created.body.transcript.id, text });
    }
    return { dataDir, projectId, transcripts };
  } finally {
    served.child.kill('SIGKILL');
    await served.exited;
  }
}

function copyOf(fixture: Fixture): Fixture {
  const dataDir = tempDataDir();
  cleanup.push(dataDir);
  fs.cpSync(fixture.dataDir, dataDir, { recursive: true });
  return { ...fixture, dataDir };
}

const textDoc = (fixture: Fixture, i: number) =>
  docName({ kind: 'text', project: fixture.projectId, transcript: fixture.transcripts[i]!.id });
const docDir = (fixture: Fixture, name: string) => path.join(fixture.dataDir, 'docs', docDirName(name));
const config = (dataDir: string) => resolveConfig({ host: '127.0.0.1', port: '0', dataDir, logLevel: 'silent' }, {});

/** Every file under `dir` (but the lock) with the SHA-256 of its bytes: what "nothing changed" compares. */
function contents(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'accord.lock') continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return files;
}

/**
 * Starts the server on a damaged directory in process and as `accord serve`, and runs `accord check`: both starts
 * refuse naming `file` (one line, no stack trace), nothing in the directory changes, and check reports `file`.
 */
async function expectRefused(dataDir: string, file: string, error: new (...args: never[]) => Error) {
  const before = contents(dataDir);
  const inProcess = startServer(config(dataDir));
  await expect(inProcess).rejects.toThrow(error);
  await expect(inProcess).rejects.toThrow(file);
  const served = await runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir]);
  expect(served.code).toBe(1);
  expect(served.stderr).toContain(file);
  expect(served.stderr.trim().split('\n')).toHaveLength(1);
  expect(contents(dataDir)).toEqual(before);
  const checked = await runCli(['check', '--data', dataDir]);
  expect(checked.code).toBe(1);
  expect(checked.stdout).toContain(`DAMAGED ${file}`);
  expect(contents(dataDir)).toEqual(before);
  return { served, checked };
}

async function expectAllTranscripts(fixture: Fixture) {
  const server = await startTestServer({ dataDir: fixture.dataDir });
  try {
    for (const [i, { text }] of fixture.transcripts.entries()) {
      const stored = await server.server.ctx.sync.withDoc(textDoc(fixture, i), (doc) => transcriptText(doc).toString());
      expect(stored).toBe(text);
    }
  } finally {
    await server.close();
  }
}

/** Offsets of the records of a log or segment ("u32 length | u32 crc | payload" after an 8-byte header). */
function recordStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  for (let at = 8; at + 8 <= bytes.length; at += 8 + bytes.readUInt32LE(at)) starts.push(at);
  return starts;
}

beforeAll(async () => {
  crashed = await crashedServer();
  cleanup.push(crashed.dataDir);
  // The same data after a clean stop: the journal replayed into the document logs, no segment left.
  stopped = copyOf(crashed);
  await (await startTestServer({ dataDir: stopped.dataDir })).close();
}, 120_000);

afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the write-ahead log of a server killed -9', () => {
  it('holds the updates, and a crash-torn tail still recovers every transcript', async () => {
    const fixture = copyOf(crashed);
    const segment = path.join(fixture.dataDir, 'wal', '0.wal');
    expect(recordStarts(fs.readFileSync(segment)).length).toBeGreaterThanOrEqual(TRANSCRIPTS);
    // A record header promising more bytes than the file holds: the unfinished last group commit of a crash.
    fs.appendFileSync(segment, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    const checked = await runCli(['check', '--data', fixture.dataDir]);
    expect(checked.stdout).toMatch(/wal\/0\.wal: torn tail of 10 bytes/);
    expect(checked.code, checked.stdout).toBe(0);
    await expectAllTranscripts(fixture);
  });

  it('with a byte flipped in the middle refuses to start and keeps the segment as it was', async () => {
    const fixture = copyOf(crashed);
    const segment = path.join(fixture.dataDir, 'wal', '0.wal');
    const bytes = fs.readFileSync(segment);
    const middle = recordStarts(bytes)[Math.floor(TRANSCRIPTS / 2)]!;
    bytes[middle + 20] = bytes[middle + 20]! ^ 0x01;
    fs.writeFileSync(segment, bytes);
    const { served, checked } = await expectRefused(fixture.dataDir, 'wal/0.wal', DataDamagedError);
    expect(served.stderr).toMatch(/followed by valid records/);
    expect(checked.stdout).toMatch(/1 damaged/);
  });
});

describe('a stopped server whose files were damaged or deleted', () => {
  it('checks clean and starts with every transcript when nothing is damaged', async () => {
    const fixture = copyOf(stopped);
    expect(fs.readdirSync(path.join(fixture.dataDir, 'wal'))).toEqual([]);
    const checked = await runCli(['check', '--data', fixture.dataDir]);
    expect(checked.code, checked.stdout).toBe(0);
    expect(checked.stdout).toMatch(new RegExp(`${TRANSCRIPTS} transcripts, 0 rounds, checksum matches`));
    expect(checked.stdout).toMatch(/\nintact\n$/);
    await expectAllTranscripts(fixture);
  });

  it('refuses a byte flipped in a document log', async () => {
    const fixture = copyOf(stopped);
    const log = path.join(docDir(fixture, textDoc(fixture, 7)), '0.log');
    const bytes = fs.readFileSync(log);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
    fs.writeFileSync(log, bytes);
    await expectRefused(fixture.dataDir, `docs/${docDirName(textDoc(fixture, 7))}/0.log`, DataDamagedError);
  });

  it('refuses a deleted compaction snapshot instead of loading the document partially', async () => {
    const fixture = copyOf(stopped);
    const name = textDoc(fixture, 3);
    // Compact the document through the storage itself, then append one more update to the new generation.
    const storage = await FileStorage.open({ dataDir: fixture.dataDir, logger: silentLogger });
    const { updates, log } = await storage.load(name);
    const doc = new Y.Doc();
    for (const update of updates) Y.applyUpdate(doc, update);
    await log.compact(() => Y.encodeStateAsUpdate(doc));
    doc.on('update', (update: Uint8Array) => log.append(update));
    transcriptText(doc).insert(0, 'Later: ');
    await log.close();
    await storage.close();
    expect(fs.readdirSync(docDir(fixture, name)).sort()).toEqual(['1.log', '1.snap', 'written']);
    fs.rmSync(path.join(docDir(fixture, name), '1.snap'));
    const { checked } = await expectRefused(fixture.dataDir, `docs/${docDirName(name)}/1.snap`, DataDamagedError);
    expect(checked.stdout).toMatch(/1\.snap: missing/);
  });

  it('refuses a deleted document log, a deleted document, and a deleted log the metadata does not know of', async () => {
    const fixture = copyOf(stopped);
    fs.rmSync(path.join(docDir(fixture, textDoc(fixture, 5)), '0.log'));
    const { checked } = await expectRefused(
      fixture.dataDir,
      `docs/${docDirName(textDoc(fixture, 5))}/0.log`,
      DataDamagedError,
    );
    expect(checked.stdout).toMatch(/0\.log: missing: the document had content/);

    const gone = copyOf(stopped);
    fs.rmSync(docDir(gone, textDoc(gone, 6)), { recursive: true });
    const refused = await expectRefused(gone.dataDir, `docs/${docDirName(textDoc(gone, 6))}`, DataDamagedError);
    expect(refused.checked.stdout).toMatch(/missing \(the text of transcript "Interview 6"/);

    // A document no metadata names (here a codebook): its `written` marker is the evidence.
    const unnamed = copyOf(stopped);
    const codebook = docName({ kind: 'codebook', project: unnamed.projectId });
    const storage = await FileStorage.open({ dataDir: unnamed.dataDir, logger: silentLogger });
    const { log } = await storage.load(codebook);
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => log.append(update));
    doc.getMap('codes').set('c1', 'a code');
    await log.flush();
    await log.close();
    await storage.close();
    fs.rmSync(path.join(docDir(unnamed, codebook), '0.log'));
    await expectRefused(unnamed.dataDir, `docs/${docDirName(codebook)}/0.log`, DataDamagedError);
  });

  it('refuses one byte flipped inside meta.json, which stays valid JSON', async () => {
    const fixture = copyOf(stopped);
    const file = path.join(fixture.dataDir, 'meta.json');
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(text).sha256).toMatch(/^[0-9a-f]{64}$/);
    fs.writeFileSync(file, text.replace('"name": "Lead"', '"name": "Mead"'));
    const { served } = await expectRefused(fixture.dataDir, 'meta.json', CorruptMetadataError);
    expect(served.stderr).toMatch(/does not match its SHA-256/);

    // A flip in the checksum's own name cannot pass for a file written before checksums.
    fs.writeFileSync(file, text.replace('"sha256"', '"sha257"'));
    await expectRefused(fixture.dataDir, 'meta.json', CorruptMetadataError);
  });

  it('loads a meta.json written before checksums and gives it one', async () => {
    const fixture = copyOf(stopped);
    const file = path.join(fixture.dataDir, 'meta.json');
    const { sha256: _, ...legacy } = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify(legacy, null, 2));
    const checked = await runCli(['check', '--data', fixture.dataDir]);
    expect(checked.code, checked.stdout).toBe(0);
    expect(checked.stdout).toMatch(/no checksum yet/);
    await (await startTestServer({ dataDir: fixture.dataDir })).close();
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to start as a fresh install when meta.json is deleted beside documents and an audit log', async () => {
    const fixture = copyOf(stopped);
    fs.rmSync(path.join(fixture.dataDir, 'meta.json'));
    const { served } = await expectRefused(fixture.dataDir, 'meta.json', CorruptMetadataError);
    expect(served.stderr).toMatch(/is missing, but .* holds data \(\d+ document\(s\) under docs\/\)/);
    expect(fs.existsSync(path.join(fixture.dataDir, 'meta.json'))).toBe(false);

    // With only the audit log left, it is the evidence.
    fs.rmSync(path.join(fixture.dataDir, 'docs'), { recursive: true });
    await expectRefused(fixture.dataDir, 'meta.json', CorruptMetadataError);
  });

  it('refuses a damaged audit log line, but cuts a line torn by a crash', async () => {
    const fixture = copyOf(stopped);
    const file = path.join(fixture.dataDir, 'audit.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.length).toBeGreaterThan(TRANSCRIPTS);
    fs.appendFileSync(file, '{"at":1,"actor":null,"act');
    const torn = await runCli(['check', '--data', fixture.dataDir]);
    expect(torn.code, torn.stdout).toBe(0);
    await (await startTestServer({ dataDir: fixture.dataDir })).close();
    expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true);

    const damaged = fs.readFileSync(file, 'utf8').split('\n');
    damaged[3] = damaged[3]!.replace('{', '[');
    fs.writeFileSync(file, damaged.join('\n'));
    await expectRefused(fixture.dataDir, 'audit.jsonl:4', DataDamagedError);
  });

  it('refuses a round snapshot that is damaged, or missing, or not the one its round recorded', async () => {
    const fixture = copyOf(stopped);
    const name = textDoc(fixture, 2);
    const storage = await FileStorage.open({ dataDir: fixture.dataDir, logger: silentLogger });
    const { updates, log } = await storage.load(name);
    const state = Y.mergeUpdates(updates);
    const record = { docName: name, snapshotId: 'frozen', ...(await storage.writeSnapshot(name, 'frozen', state)) };
    await log.close();
    await storage.close();
    const metaFile = path.join(fixture.dataDir, 'meta.json');
    const { sha256: _, ...meta } = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Metadata & { sha256: string };
    const lead = meta.users[0]!.id;
    meta.rounds.push({
      ...{ id: 'round1', projectId: fixture.projectId, name: 'Pilot', mode: 'blind', status: 'revealed' },
      ...{ ownerMayLook: false, assignments: [], createdAt: 1, createdBy: lead, revealedAt: 2, sample: null },
      ...{ codebookSnapshot: null, adjudicators: [], done: [], revealedBy: lead, forced: false, codebookChanges: [] },
      snapshots: [record],
    });
    fs.writeFileSync(metaFile, serializeMetadata(meta));
    expect((await runCli(['check', '--data', fixture.dataDir])).code).toBe(0);

    const rel = `docs/${docDirName(name)}/snapshots/frozen.snap`;
    // Intact in itself, but not the state the round recorded (e.g. a snapshot file swapped for another).
    const other = { ...meta, rounds: [{ ...meta.rounds[0]!, snapshots: [{ ...record, sha256: '0'.repeat(64) }] }] };
    fs.writeFileSync(metaFile, serializeMetadata(other));
    expect((await expectRefused(fixture.dataDir, rel, DataDamagedError)).checked.stdout).toMatch(
      /differs from the 0{64}/,
    );
    fs.writeFileSync(metaFile, serializeMetadata(meta));

    const file = path.join(docDir(fixture, name), 'snapshots', 'frozen.snap');
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, flipLast(good));
    expect((await expectRefused(fixture.dataDir, rel, DataDamagedError)).checked.stdout).toMatch(/SHA-256 mismatch/);
    fs.rmSync(file);
    const { checked } = await expectRefused(fixture.dataDir, rel, DataDamagedError);
    expect(checked.stdout).toMatch(/frozen\.snap: missing \(round "Pilot"/);
  });
});

describe('backup and restore', () => {
  it('a backup carries the checksum, and restore refuses a damaged backup, changing nothing', async () => {
    const fixture = copyOf(stopped);
    const work = temp();
    const backup = path.join(work, 'backup.tar.gz');
    expect((await runCli(['backup', '--out', backup, '--data', fixture.dataDir])).code).toBe(0);
    const target = path.join(work, 'restored');
    const restored = await runCli(['restore', backup, '--data', target]);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await runCli(['check', '--data', target])).code).toBe(0);

    // The same backup with one byte of its meta.json changed.
    const unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['xzf', backup, '-C', unpacked]);
    const meta = path.join(unpacked, 'meta.json');
    fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replace('"name": "Lead"', '"name": "Mead"'));
    const damaged = path.join(work, 'damaged.tar.gz');
    execFileSync('tar', ['czf', damaged, '-C', unpacked, '.']);
    const before = contents(target);
    const refused = await runCli(['restore', damaged, '--data', target, '--force']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/could not be restored: .*meta\.json is damaged.*; nothing was changed\n$/);
    expect(contents(target)).toEqual(before);
    expect(fs.readdirSync(work).sort()).toEqual(['backup.tar.gz', 'damaged.tar.gz', 'restored', 'unpacked']);
  });
});

function temp(): string {
  const dir = tempDataDir();
  cleanup.push(dir);
  return dir;
}

function flipLast(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[copy.length - 1] = copy[copy.length - 1]! ^ 0x01;
  return copy;
}
