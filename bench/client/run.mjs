#!/usr/bin/env node
// The client in real Chromium: a 60,000-character transcript with 2,000 codings from 4 coders.
// Measures time to first readable render, coding latency from one browser to another (loopback) and frame
// times while scrolling, and prints them against the targets. Needs `pnpm build` first (server dist + client dist)
// and Debian's chromium. Usage: pnpm bench client [--samples 40]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH, launchChromium } from '../../test/browser/chromium.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const { startServer } = await import(path.join(root, 'server/dist/app.js'));
const { resolveConfig } = await import(path.join(root, 'server/dist/config.js'));
const { createUser } = await import(path.join(root, 'server/dist/accounts/users.js'));
const shared = await import(path.join(root, 'shared/dist/index.js'));
// playwright-core is a dependency of the test package; the benchmark borrows it from there.

const args = process.argv.slice(2);
const SAMPLES = Number(args[args.indexOf('--samples') + 1]) || 40;
const PASSWORD = 'bench password 1234';
// Issue 22: the first coding on screen < 500 ms, a coding visible to a co-coder < 100 ms p95, main-thread work per
// scroll frame < 16.7 ms p95 (the text alone has the looser 1 s of a first readable render).
const TARGET = { firstRenderMs: 1000, firstCodingMs: 500, latencyP95Ms: 100, frameMs: 16.7 };

// ---------------------------------------------------------------------------------------------------------
// Data: 60,000 characters of interview text in turns, 30 codes, 500 codings per coder.
function interview(chars) {
  const words =
    'the clinic nurse waiting room trust family money bus work doctor felt judged listened week pain sleep help again time talk told me really hard first because after when never always maybe'.split(
      ' ',
    );
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  let text = '';
  const turns = [];
  let n = 0;
  while (text.length < chars) {
    const speaker = n % 2 === 0 ? 'Interviewer' : 'P7';
    turns.push({ start: text.length, speaker, time: n * 17 });
    const length = speaker === 'Interviewer' ? 60 + random() * 120 : 150 + random() * 450;
    let turn = `${speaker}: `;
    while (turn.length < length) turn += `${words[Math.floor(random() * words.length)]}${random() < 0.1 ? '. ' : ' '}`;
    text += `${turn.trim()}\n`;
    n++;
  }
  return { text: `${text.slice(0, chars - 1)}\n`, turns: turns.filter((t) => t.start < chars - 1) };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-client-'));
// ACCORD_CLIENT_DIR: a client build other than client/dist (e.g. a private one while others build the client).
const server = await startServer(
  resolveConfig(
    { host: '127.0.0.1', port: '0', dataDir, logLevel: 'silent' },
    { ACCORD_CLIENT_DIR: process.env.ACCORD_CLIENT_DIR },
  ),
);
const url = server.url;
const users = [];
for (let i = 0; i < 5; i++) {
  users.push(
    await createUser(server.ctx.metadata, {
      email: `u${i}@bench.test`,
      name: i === 0 ? 'Owner' : `Coder ${i}`,
      password: PASSWORD,
      admin: false,
    }),
  );
}

async function apiLogin(email) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const body = await response.json();
  const cookie = response.headers.getSetCookie()[0].split(';')[0];
  return (method, p, payload) =>
    fetch(`${url}${p}`, {
      method,
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': body.csrfToken },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    }).then((r) => r.json());
}

const owner = await apiLogin(users[0].email);
const { project } = await owner('POST', '/api/projects', { name: 'Bench' });
for (const user of users.slice(1))
  await owner('POST', `/api/projects/${project.id}/members`, { email: user.email, role: 'coder' });
const { text, turns } = interview(60_000);
const { transcript } = await owner('POST', `/api/projects/${project.id}/transcripts`, {
  title: 'Long interview',
  participant: 'P7',
  text,
  turns,
});

const codeIds = await server.ctx.sync.withDoc(shared.docName({ kind: 'codebook', project: project.id }), (doc) =>
  Array.from({ length: 30 }, (_, i) => shared.addCode(doc, { name: `Code ${i + 1}` })),
);
const textName = shared.docName({ kind: 'text', project: project.id, transcript: transcript.id });
await server.ctx.sync.withDoc(textName, async (textDoc) => {
  for (const [c, coder] of users.slice(1).entries()) {
    const name = shared.docName({ kind: 'codings', project: project.id, transcript: transcript.id, coder: coder.id });
    await server.ctx.sync.withDoc(name, (layer) => {
      layer.transact(() => {
        for (let i = 0; i < 500; i++) {
          const start = Math.floor(((i * 7919 + c * 104729) % 59_000) / 1) + c;
          const end = Math.min(text.length, start + 20 + ((i * 31) % 400));
          shared.addCoding(layer, textDoc, {
            code: codeIds[(i + c * 3) % codeIds.length],
            start,
            end,
            createdAt: Date.now(),
          });
        }
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
const browser = await launchChromium();
const transcriptUrl = `${url}/p/${project.id}/t/${transcript.id}`;

async function signedInPage(email) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your projects' }).waitFor();
  return page;
}

// Records when the first turn text and the first coding stripe are on screen, relative to navigation start.
const FIRST_RENDER_PROBE = () => {
  const marks = {};
  window.__firstRender = marks;
  const check = () => {
    if (marks.text === undefined && document.querySelector('[data-text-start]')?.textContent)
      marks.text = performance.now();
    if (marks.stripes === undefined && document.querySelector('.stripe')) marks.stripes = performance.now();
    if (marks.text === undefined || marks.stripes === undefined) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const quantile = (values, q) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const verdict = (ok) => (ok ? 'OK' : 'MISSED');

const a = await signedInPage(users[1].email);
const b = await signedInPage(users[2].email);
await a.addInitScript(FIRST_RENDER_PROBE);

// 1. First readable render: a full page load of the transcript (session, project, docs, sync, render), 5 times.
const firstText = [];
const firstStripes = [];
for (let i = 0; i < 5; i++) {
  await a.goto(transcriptUrl);
  await a.waitForFunction(() => window.__firstRender?.stripes !== undefined);
  const marks = await a.evaluate(() => window.__firstRender);
  if (i > 0) {
    // The first load warms the server's document cache and the browser's HTTP cache; report warm loads.
    firstText.push(marks.text);
    firstStripes.push(marks.stripes);
  }
}

// 2. Coding latency: A applies a code through the picker, B sees the new stripe.
await b.goto(transcriptUrl);
await b.locator('.stripe').first().waitFor();
await b.evaluate(() => {
  // Seen when a coding B has not shown before is drawn: its highlight in the text (a segment carrying its id) or
  // its bracket in the margin. (A crowded turn shows some codings as "+k" rather than a bracket, so counting
  // brackets would miss them.)
  window.__stripeSeen = [];
  const reader = document.querySelector('[data-testid="reader"]');
  const shown = () => {
    const ids = new Set();
    for (const element of reader.querySelectorAll('[data-ids]'))
      for (const id of element.dataset.ids.split(' ')) ids.add(id);
    for (const element of reader.querySelectorAll('[data-coding]')) ids.add(element.dataset.coding);
    return ids;
  };
  let known = shown();
  new MutationObserver(() => {
    const at = performance.timeOrigin + performance.now();
    const now = shown();
    if ([...now].some((id) => !known.has(id))) window.__stripeSeen.push(at);
    known = new Set([...known, ...now]);
  }).observe(reader, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-ids', 'data-coding'],
  });
});
const latencies = [];
for (let i = 0; i < SAMPLES; i++) {
  await a.evaluate((n) => {
    // A passage of the first turns (in view in both browsers): a different word each time.
    const roots = [...document.querySelectorAll('[data-text-start]')].slice(0, 3);
    const root = roots[n % roots.length];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    // Text a reader can select: not the speaker label that opens a turn's text (hidden; the gutter shows it).
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      if (node.parentElement.checkVisibility()) nodes.push(node);
    // Heavily coded text is cut into short segments: take one of the longest text nodes.
    nodes.sort((x, y) => y.data.length - x.data.length);
    const node = nodes[Math.floor(n / roots.length) % Math.min(5, nodes.length)];
    const range = document.createRange();
    const start = (n * 3) % Math.max(1, node.data.length - 10);
    range.setStart(node, start);
    range.setEnd(node, Math.min(node.data.length, start + 8));
    if (!/\S/.test(range.toString())) range.setStart(node, 0);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    node.parentElement.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
  }, i);
  const picker = a.getByRole('combobox', { name: 'Code to apply' });
  await picker.waitFor();
  const seenBefore = await b.evaluate(() => window.__stripeSeen.length);
  const sentAt = await a.evaluate(() => {
    const input = document.querySelector('.picker [role="combobox"]');
    const at = performance.timeOrigin + performance.now();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: String(1 + ((at % 9) | 0)), bubbles: true }));
    return at;
  });
  await b.waitForFunction((n) => window.__stripeSeen.length > n, seenBefore);
  const seenAt = await b.evaluate((n) => window.__stripeSeen[n], seenBefore);
  latencies.push(seenAt - sentAt);
  await a.locator('.picker').waitFor({ state: 'detached' });
}

// 3. Scrolling B through the whole transcript, 120 px per frame: frame intervals and long tasks.
const scroll = await b.evaluate(
  () =>
    new Promise((resolve) => {
      const reader = document.querySelector('[data-testid="reader"]');
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask', buffered: false });
      reader.scrollTop = 0;
      // Work per scroll event: from a capturing listener (first) to a listener added after the virtualiser's
      // (last), which forces style and layout so that it is counted too. Paint and raster are not in it.
      const work = [];
      let began = 0;
      const begin = () => {
        began = performance.now();
      };
      const end = () => {
        void reader.offsetHeight;
        work.push(performance.now() - began);
      };
      reader.addEventListener('scroll', begin, { capture: true });
      reader.addEventListener('scroll', end);
      const frames = [];
      let last = performance.now();
      const step = () => {
        const now = performance.now();
        frames.push(now - last);
        last = now;
        if (reader.scrollTop + reader.clientHeight >= reader.scrollHeight - 1 || frames.length > 3000) {
          observer.disconnect();
          reader.removeEventListener('scroll', begin, { capture: true });
          reader.removeEventListener('scroll', end);
          resolve({ frames: frames.slice(1), work, longTasks, height: reader.scrollHeight });
          return;
        }
        reader.scrollTop += 120;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }),
);

await browser.close();
await server.close();
fs.rmSync(dataDir, { recursive: true, force: true });

const slow = scroll.frames.filter((f) => f > TARGET.frameMs + 0.5).length;
const lines = [
  `Accord client benchmark (Chromium ${CHROMIUM_PATH}, loopback)`,
  `  transcript: ${text.length} characters, ${turns.length} turns; 2000 codings from 4 coders; 30 codes`,
  '',
  `  first readable render (text on screen, warm, median of 4): ${fmt(median(firstText))}  target < ${TARGET.firstRenderMs} ms  ${verdict(median(firstText) < TARGET.firstRenderMs)}`,
  `    with coding stripes: ${fmt(median(firstStripes))} (max ${fmt(Math.max(...firstStripes))})  target < ${TARGET.firstCodingMs} ms  ${verdict(median(firstStripes) < TARGET.firstCodingMs)}`,
  `  coding shown in the other browser, ${SAMPLES} samples: p50 ${fmt(quantile(latencies, 0.5))}, p95 ${fmt(quantile(latencies, 0.95))}, max ${fmt(Math.max(...latencies))}  target p95 < ${TARGET.latencyP95Ms} ms  ${verdict(quantile(latencies, 0.95) < TARGET.latencyP95Ms)}`,
  `  scrolling ${scroll.height} px at 120 px/frame, ${scroll.frames.length} frames:`,
  `    main-thread work per scroll (script + style + layout): p50 ${fmt(quantile(scroll.work, 0.5))}, p95 ${fmt(quantile(scroll.work, 0.95))}, max ${fmt(Math.max(...scroll.work))}; over ${TARGET.frameMs} ms: ${scroll.work.filter((w) => w > TARGET.frameMs).length}  target < ${TARGET.frameMs} ms  ${verdict(quantile(scroll.work, 0.95) < TARGET.frameMs)} (p95)`,
  `    frame intervals (incl. software raster, no GPU): p50 ${fmt(quantile(scroll.frames, 0.5))}, p95 ${fmt(quantile(scroll.frames, 0.95))}, max ${fmt(Math.max(...scroll.frames))}; over ${TARGET.frameMs + 0.5} ms: ${slow}`,
  `    long tasks (> 50 ms) while scrolling: ${scroll.longTasks.length}${scroll.longTasks.length ? ` (longest ${fmt(Math.max(...scroll.longTasks))})` : ''}`,
];
console.log(lines.join('\n'));
