import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../node_modules/.bin/accord', import.meta.url));

describe('install', () => {
  it('links node_modules/.bin/accord, as the README says, and it runs', () => {
    expect(fs.existsSync(bin)).toBe(true);
    const result = spawnSync(bin, ['--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: accord <command>/);
  });
});
