import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, INTERNAL_ERROR_STATUS } from '../../server/src/cli/failure.js';
import { ConfigError } from '../../server/src/config.js';
import { DataDirLockedError } from '../../server/src/metadata/lock.js';
import { DataDamagedError } from '../../server/src/persistence/index.js';
import { CLI, runCli } from '../helpers/cli.js';
import { startTestServer, TEST_PASSWORD, tempDataDir } from '../helpers/server.js';

/** Issue 21 item 13: the CLI asks for passwords on a real terminal, and ends every expected failure in one line. */
const dirs: string[] = [];
const temp = () => {
  const dir = tempDataDir();
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** util-linux `script` runs a command on a new pseudo-terminal: stdin.isTTY and raw mode are real there. */
const hasScript = spawnSync('script', ['--version']).status === 0;

/**
 * Runs the CLI on a pseudo-terminal and types each answer once its prompt is shown, as a person would.
 * Resolves with everything the terminal showed and the exit status.
 */
function onTerminal(
  args: string[],
  answers: { prompt: string; keys: string }[],
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, CLI, ...args].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, ACCORD_LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let next = 0;
  const onOutput = (chunk: Buffer) => {
    screen += chunk.toString();
    const answer = answers[next];
    // Each prompt is looked for after the previous answer's, so "Password: " does not match twice.
    if (
      answer &&
      screen
        .split(answers[next - 1]?.prompt ?? '\u0000')
        .at(-1)!
        .includes(answer.prompt)
    ) {
      next++;
      child.stdin.write(answer.keys);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('accord user add on a terminal', () => {
  it.skipIf(!hasScript)('asks for the password twice without echoing it, and adds the account', async () => {
    const dataDir = temp();
    const { code, screen } = await onTerminal(
      ['user', 'add', '--email', 'tty@example.org', '--name', 'Tty', '--data', dataDir],
      [
        { prompt: 'Password: ', keys: `${TEST_PASSWORD}\r` },
        { prompt: 'Repeat password: ', keys: `${TEST_PASSWORD}\r` },
      ],
    );
    expect(screen).toMatch(/added user tty@example\.org/);
    expect(screen).not.toContain(TEST_PASSWORD);
    expect(screen).not.toMatch(/AbortError|internal error/);
    expect(code).toBe(0);
    const meta = JSON.parse(fs.readFileSync(path.join(dataDir, 'meta.json'), 'utf8'));
    expect(meta.users.map((u: { email: string }) => u.email)).toEqual(['tty@example.org']);
  });

  it.skipIf(!hasScript)('refuses two different passwords and adds nothing', async () => {
    const dataDir = temp();
    const { code, screen } = await onTerminal(
      ['user', 'add', '--email', 'tty@example.org', '--name', 'Tty', '--data', dataDir],
      [
        { prompt: 'Password: ', keys: `${TEST_PASSWORD}\r` },
        { prompt: 'Repeat password: ', keys: 'something else entirely\r' },
      ],
    );
    expect(screen).toMatch(/accord user: the passwords differ/);
    expect(code).toBe(2);
    expect(fs.existsSync(path.join(dataDir, 'meta.json'))).toBe(false);
  });
});

describe('CLI failures an operator can cause', () => {
  it('export to a directory that does not exist: one line naming it, status 1, nothing written', async () => {
    const dataDir = temp();
    const out = path.join(dataDir, 'missing', 'dir', 'codes.csv');
    const result = await runCli(['export', 'Study', '--format', 'csv', '--out', out, '--data', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`accord export: cannot write ${out}: no directory ${path.dirname(out)}\n`);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('every command ends an expected failure with one line and no stack trace', async () => {
    const dataDir = temp();
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
      { stdin: `${TEST_PASSWORD}\n` },
    );
    expect(added.code, added.stderr).toBe(0);
    const notADir = path.join(dataDir, 'meta.json');
    const cases: { args: string[]; stdin?: string; says: RegExp }[] = [
      { args: ['serve', '--port', '0', '--data', notADir], says: /meta\.json/ },
      { args: ['backup', '--out', path.join(dataDir, 'no', 'such', 'b.tgz'), '--data', dataDir], says: /ENOENT/ },
      { args: ['restore', path.join(dataDir, 'none.tgz'), '--data', temp()], says: /no file/ },
      { args: ['check', '--data', path.join(dataDir, 'nowhere')], says: /no data directory/ },
      {
        args: ['user', 'add', '--email', 'x@example.org', '--name', 'X', '--password-stdin', '--data', notADir],
        stdin: `${TEST_PASSWORD}\n`,
        says: /meta\.json/,
      },
      {
        args: ['user', 'add', '--email', 'lead@example.org', '--name', 'L', '--password-stdin', '--data', dataDir],
        stdin: `${TEST_PASSWORD}\n`,
        says: /lead@example\.org/,
      },
      {
        args: ['export', 'No such study', '--format', 'csv', '--out', path.join(dataDir, 'x.csv'), '--data', dataDir],
        says: /no project "No such study"/,
      },
      { args: ['agreement', path.join(dataDir, 'missing.json')], says: /cannot read/ },
    ];
    for (const { args, stdin, says } of cases) {
      const result = await runCli(args, { stdin });
      const what = `accord ${args.join(' ')}: ${result.stderr}`;
      expect(result.code, what).not.toBe(0);
      expect(result.code, what).not.toBe(INTERNAL_ERROR_STATUS);
      expect(result.stderr, what).toMatch(new RegExp(`^accord ${args[0]}( [a-z]+)?: [^\\n]*\\n$`));
      expect(result.stderr, what).toMatch(says);
      expect(result.stderr, what).not.toMatch(/\n\s+at /);
    }
  });
});

describe('accord check', () => {
  it('refuses while a server holds the data directory, like every offline command', async () => {
    const server = await startTestServer();
    try {
      const result = await runCli(['check', '--data', server.dataDir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^accord check: data directory .* is in use by "accord serve" \(pid \d+/);
      expect(result.stdout).toBe('');
    } finally {
      await server.close();
    }
  });
});

describe('describeFailure: the one line a failed command ends with', () => {
  const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
  const missing = Object.assign(new Error('ENOENT: no such file or directory'), {
    code: 'ENOENT',
    syscall: 'open',
    path: '/srv/out/x.csv',
  });
  it.each([
    {
      name: 'an expected failure keeps its message',
      error: new ConfigError('bad --port'),
      line: 'bad --port',
      status: 1,
    },
    {
      name: 'a locked directory',
      error: new DataDirLockedError('data directory /d is in use'),
      line: 'data directory /d is in use',
      status: 1,
    },
    {
      name: 'damage, on one line',
      error: new DataDamagedError('/d', [{ file: 'wal/0.wal', problem: 'record at byte 8 damaged' }]),
      line: /^data directory \/d is damaged.*wal\/0\.wal: record at byte 8 damaged/,
      status: 1,
    },
    {
      name: 'a file-system error names the path',
      error: missing,
      line: 'cannot open /srv/out/x.csv: no such file or directory (ENOENT)',
      status: 1,
    },
    {
      name: 'a bug says where the stack is',
      error: bug,
      line: "internal error: TypeError: Cannot read properties of undefined (reading 'id') (set ACCORD_LOG_LEVEL=debug for the stack trace)",
      status: INTERNAL_ERROR_STATUS,
    },
  ])('$name', ({ error, line, status }) => {
    const failure = describeFailure(error, false);
    if (typeof line === 'string') expect(failure.line).toBe(line);
    else expect(failure.line).toMatch(line);
    expect(failure.line).not.toContain('\n');
    expect(failure.status).toBe(status);
    expect(failure.stack).toBeUndefined();
  });

  it('gives a bug its stack trace only at debug level', () => {
    const failure = describeFailure(bug, true);
    expect(failure.line).toBe("internal error: TypeError: Cannot read properties of undefined (reading 'id')");
    expect(failure.stack).toBe(bug.stack);
    expect(describeFailure(new ConfigError('bad --port'), true).stack).toBeUndefined();
  });
});
