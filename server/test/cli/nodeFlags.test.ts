import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVE_NODE_FLAGS } from '../../src/nodeFlags.js';

/**
 * V8 reads its flags only when Node starts, so they are written out wherever `accord serve` is started: each of
 * those places must say the same as server/src/nodeFlags.ts.
 */
const read = (path: string) => fs.readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('the Node flags accord serve runs with', () => {
  const flags = SERVE_NODE_FLAGS.join(' ');
  it.each([
    ['the accord command (its shebang)', 'server/bin/accord.js', `#!/usr/bin/env -S node ${flags}\n`],
    ['pnpm start', 'package.json', `node ${flags} server/dist/cli/main.js serve`],
    ['pnpm accord', 'package.json', `"accord": "node ${flags} server/dist/cli/main.js"`],
    ["docs/deploy.md's systemd unit", 'docs/deploy.md', `ExecStart=/usr/bin/node ${flags} /opt/accord/`],
  ])('%s', (_where, path, expected) => {
    expect(read(path)).toContain(expected);
  });
});
