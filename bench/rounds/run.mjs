/**
 * Rounds dashboard benchmark, in real Chromium: `pnpm bench rounds`.
 * Bundles bench/rounds/page.ts (which imports the client's dashboard model and the shared engine) with Vite,
 * serves it on a loopback port, and times the dashboard's recomputation after single changes on a round of
 * 40 transcripts x 4 coders with 8,000 codings. Target: under 200 ms.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../../test/browser/chromium.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const fromClient = createRequire(join(root, 'client/package.json'));
const { build } = await import(pathToFileURL(fromClient.resolve('vite')).href);
const TARGET_MS = 200;

const outDir = mkdtempSync(join(tmpdir(), 'accord-rounds-bench-'));
await build({
  root: here,
  configFile: false,
  logLevel: 'warn',
  resolve: {
    alias: [{ find: /^@accord\/shared(\/.*)?$/, replacement: `${join(root, 'shared/src')}$1` }],
    // Resolve yjs for the client sources from the client's dependencies.
    dedupe: ['yjs'],
  },
  build: { outDir, emptyOutDir: true, minify: true, target: 'es2022' },
});

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = http.createServer((req, res) => {
  const path = join(outDir, req.url === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
  try {
    const body = readFileSync(path);
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launchChromium();
let failed = false;
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(url);
  await page.waitForFunction(() => window.__bench !== undefined, null, { timeout: 300_000 });
  const result = await page.evaluate(() => window.__bench);
  if (result.error) throw new Error(result.error);
  const version = browser.version();
  console.log(
    `Rounds dashboard in Chromium ${version}: ${result.transcripts} transcripts x ${result.coders} coders, ${result.codings} codings`,
  );
  console.log(`first computation (every layer read): ${result.firstMs.toFixed(1)} ms`);
  const sorted = (values) => [...values].sort((a, b) => a - b);
  for (const { change, unit, ms } of result.timings) {
    const s = sorted(ms);
    const median = s[Math.floor(s.length / 2)];
    const p95 = s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
    const max = s[s.length - 1];
    console.log(
      `recompute after ${change}, unit ${unit}: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms (${ms.length} runs)`,
    );
    if (p95 > TARGET_MS) failed = true;
  }
  console.log(failed ? `FAIL: a p95 is above ${TARGET_MS} ms` : `OK: every p95 is under ${TARGET_MS} ms`);
} finally {
  await browser.close();
  server.close();
  rmSync(outDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
