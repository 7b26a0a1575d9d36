import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docName, transcriptText } from '@accord/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../server/src/app.js';
import { resolveConfig } from '../../server/src/config.js';
import { DataDirLockedError } from '../../server/src/metadata/lock.js';
import { CorruptMetadataError } from '../../server/src/metadata/store.js';
import { runCli } from '../helpers/cli.js';
import { seedProject, startTestServer, TEST_PASSWORD, type TestServer, tempDataDir } from '../helpers/server.js';

const running: TestServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

const quietConfig = (dataDir: string) => resolveConfig({ port: '0', dataDir, logLevel: 'silent' }, {});

describe('the data directory lock', () => {
  it('refuses a second server and an offline command while a server holds the directory', async () => {
    const first = await startTestServer();
    running.push(first);
    await expect(startServer(quietConfig(first.dataDir))).rejects.toThrow(DataDirLockedError);
    await expect(startServer(quietConfig(first.dataDir))).rejects.toThrow(/in use by "accord serve" \(pid \d+/);
    const cli = await runCli(
      ['user', 'add', '--email', 'a@example.org', '--name', 'A', '--password-stdin', '--data', first.dataDir],
      {
        stdin: `${TEST_PASSWORD}\n`,
      },
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/in use by "accord serve"/);
  });

  it('takes over a lock left behind by a process that died', async () => {
    const dataDir = tempDataDir();
    fs.writeFileSync(
      path.join(dataDir, 'accord.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), command: 'accord serve', since: 'then' }),
    );
    const server = await startTestServer({ dataDir });
    running.push(server);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'accord.lock'), 'utf8')).pid).toBe(process.pid);
  });
});

describe('a corrupt metadata file', () => {
  it.each([
    ['cut short', '{"version": 1, "users": ['],
    ['not Accord metadata', '{"version": 1, "users": "nobody"}'],
  ])('(%s) stops the server with the file and the reason, and is left untouched', async (_what, content) => {
    const dataDir = tempDataDir();
    const file = path.join(dataDir, 'meta.json');
    fs.writeFileSync(file, content);
    await expect(startServer(quietConfig(dataDir))).rejects.toThrow(CorruptMetadataError);
    const cli = await runCli(['serve', '--port', '0', '--data', dataDir]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(file);
    expect(cli.stderr).toMatch(/left untouched/);
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
    expect(fs.existsSync(path.join(dataDir, 'accord.lock'))).toBe(false);
  });
});

describe('the accord CLI', () => {
  it('adds an administrator who can then sign in through the API', async () => {
    const dataDir = tempDataDir();
    const added = await runCli(
      [
        'user',
        'add',
        '--email',
        'lead@example.org',
        '--name',
        'Lead',
        '--admin',
        '--password-stdin',
        '--data',
        dataDir,
      ],
      {
        stdin: `${TEST_PASSWORD}\n`,
      },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/added administrator lead@example.org/);
    const server = await startTestServer({ dataDir });
    running.push(server);
    const client = await server.login('lead@example.org');
    expect((await client.get('/api/session')).body.user).toMatchObject({ admin: true, name: 'Lead' });
  });

  it('answers --help on every command and exit 2 on unknown flags', async () => {
    for (const command of ['serve', 'user', 'backup', 'restore']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage/);
    }
    const bad = await runCli(['serve', '--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no-such-flag/);
  });
});

describe('backup and restore', () => {
  it('round-trips projects, accounts and documents from a running server', async () => {
    const source = await startTestServer();
    running.push(source);
    const { project, transcript, owner } = await seedProject(source, 'Interviewer: Tell me.\nP1: Of course.\n');
    const textDoc = docName({ kind: 'text', project: project.id, transcript: transcript.id });
    const backupFile = path.join(tempDataDir(), 'backup.tar.gz');
    const backup = await runCli(['backup', '--out', backupFile, '--data', source.dataDir]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);

    const target = tempDataDir();
    fs.rmSync(target, { recursive: true });
    const restore = await runCli(['restore', backupFile, '--data', target]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const refused = await runCli(['restore', backupFile, '--data', target]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--force/);

    const restored = await startTestServer({ dataDir: target });
    running.push(restored);
    const client = await restored.login(owner.email);
    expect((await client.get(`/api/projects/${project.id}/transcripts`)).body.transcripts).toEqual([transcript]);
    const text = await restored.server.ctx.sync.withDoc(textDoc, (doc) => transcriptText(doc).toString());
    expect(text).toBe('Interviewer: Tell me.\nP1: Of course.\n');
  });

  it('refuses a file that is not a backup and changes nothing', async () => {
    const target = tempDataDir();
    const junk = path.join(target, '..', `junk-${Date.now()}.tar.gz`);
    fs.writeFileSync(junk, 'not a tarball');
    const result = await runCli(['restore', junk, '--data', target]);
    expect(result.code).not.toBe(0);
    expect(fs.readdirSync(target)).toEqual([]);
  });
});
