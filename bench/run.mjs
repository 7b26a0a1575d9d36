#!/usr/bin/env node
// `pnpm bench <name> [args]` runs bench/<name>/run.mjs; `pnpm bench` lists the benchmarks.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const available = fs
  .readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(here, entry.name, 'run.mjs')))
  .map((entry) => entry.name)
  .sort();
/** Names that differ from their directory. */
const aliases = { 'scale-out': 'scaleout' };
const [given, ...args] = process.argv.slice(2);
const name = aliases[given] ?? given;
if (name === undefined || !available.includes(name)) {
  if (name !== undefined) process.stderr.write(`no benchmark "${given}"\n`);
  const listed = available.map((dir) => Object.keys(aliases).find((alias) => aliases[alias] === dir) ?? dir);
  process.stdout.write(`Usage: pnpm bench <name> [args]\nBenchmarks: ${listed.join(', ')}\n`);
  process.exit(name === undefined ? 0 : 2);
}
const result = spawnSync(process.execPath, [path.join(here, name, 'run.mjs'), ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
