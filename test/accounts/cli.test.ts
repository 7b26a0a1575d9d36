import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readAudit } from '../../server/src/metadata/audit.js';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer, tempDataDir } from '../helpers/server.js';
import { stranger, tokenOf } from './helpers.js';

/** `accord user invite`: an invitation link made offline works once the server runs; it refuses a held directory. */
let test: TestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await test?.close();
  test = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('accord user invite', () => {
  it('prints a link that the running server accepts, and audits it', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const made = await runCli([
      'user',
      'invite',
      '--email',
      'Cli@Example.org',
      '--admin',
      '--url',
      'https://accord.lab.example/',
      '--data',
      dataDir,
    ]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const link = made.stdout.split('\n')[0]!;
    expect(link).toMatch(/^https:\/\/accord\.lab\.example\/invite#[A-Za-z0-9_-]{43}$/);
    expect(made.stdout).toContain('invitation for cli@example.org (administrator)');
    expect(readAudit(dataDir).find((entry) => entry.action === 'invitation.create')).toMatchObject({
      actor: null,
      details: { email: 'cli@example.org', admin: true, via: 'cli' },
    });

    test = await startTestServer({ dataDir });
    const accepted = await stranger(test).post('/api/invite/accept', {
      token: tokenOf(link),
      name: 'Cleo',
      password: 'a long enough password',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: 'cli@example.org', admin: true });

    // While the server holds the directory the command refuses: the Accounts page is the way.
    const refused = await runCli(['user', 'invite', '--email', 'x@example.org', '--data', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/accord user invite: .* is in use by "accord serve"/);
  });
});
