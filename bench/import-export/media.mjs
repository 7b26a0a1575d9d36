#!/usr/bin/env node
// A 1 GB recording upload (issue 25): it streams to disk with flat server memory, and other users' sync latency is
// unchanged while it runs. Spawns the real server (`accord serve`), signs in an owner and a coder, and measures:
// - the server process's RSS (/proc/<pid>/status VmRSS, sampled every 25 ms; VmHWM at the end), idle vs during the
//   upload: flat = peak growth < 64 MiB;
// - sync latency: the coder adds a coding every 10 ms on a transcript (a real y-websocket client), the owner, on
//   another connection, sees it arrive; p50/p95 before vs during the upload: unchanged = p95 during <= 2x before.
// The uploader stands for a browser on another machine. On this machine it is a thread of the bench that sends as
// fast as the server takes (hundreds of MiB/s on loopback), which costs a core of its own: run at normal priority it
// takes CPU from the server and the coders' clients that, in a real deployment, is the uploader's own computer's.
// So the upload runs twice: first with the uploader thread at the lowest priority (nice 19; it still sends as fast
// as the server takes when a core is free), then at normal priority (the bench's own contention on top); the target
// is checked on both.
// The body is a real, complete WAV file: a 44-byte RIFF header declaring ~1 GB of 16-bit PCM, then that many zero
// samples (silence), streamed from a generator with backpressure, so the bench process never holds it either.
// Runs on the built server (`npx tsc -b` first). Usage: node bench/import-export/media.mjs [--megabytes N]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

if (!isMainThread) {
  // The uploader thread: streams the WAV with backpressure and reports the server's answer.
  const { url, headers, header, pcmBytes, lowPriority } = workerData;
  // Linux: the calling thread's nice value (a thread is a task), not the whole bench's.
  if (lowPriority) os.setPriority(19);
  const zeros = Buffer.alloc(1024 * 1024);
  const answer = await new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('error', reject);
    (async () => {
      request.write(Buffer.from(header));
      for (let left = pcmBytes; left > 0; left -= zeros.length) {
        const chunk = left >= zeros.length ? zeros : zeros.subarray(0, left);
        if (!request.write(chunk)) await new Promise((resolve) => request.once('drain', resolve));
      }
      request.end();
    })().catch(reject);
  });
  parentPort.postMessage(answer);
  process.exit(0);
}

const { values } = parseArgs({ options: { megabytes: { type: 'string' } } });
const PCM_BYTES = Number(values.megabytes ?? 1000) * 1_000_000;
const TOTAL = 44 + PCM_BYTES;
/** Often enough for a few hundred samples during a 1 GB upload (p95 of fewer rests on a handful of them). */
const CODING_EVERY_MS = 10;

const shared = await import(new URL('../../shared/dist/index.js', import.meta.url).href);
const server = new URL('../../server/', import.meta.url);
const load = (module) => import(new URL(`dist/${module}`, server).href);
const { openContext } = await load('app.js');
const { resolveConfig } = await load('config.js');
const { createUser } = await load('accounts/users.js');
// The flags `accord serve` runs with in production (server/src/nodeFlags.ts says why).
const { SERVE_NODE_FLAGS } = await load('nodeFlags.js');

const PASSWORD = 'a long password';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-media-'));
const opened = await openContext(resolveConfig({ dataDir, logLevel: 'silent' }, {}), 'bench');
for (const [email, name] of [
  ['owner@example.org', 'Owner'],
  ['coder@example.org', 'Coder'],
]) {
  await createUser(opened.ctx.metadata, { email, name, password: PASSWORD, admin: false });
}
await opened.close();

const child = spawn(
  process.execPath,
  [
    ...SERVE_NODE_FLAGS,
    new URL('bin/accord.js', server).pathname,
    'serve',
    '--data',
    dataDir,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
  ],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ACCORD_LOG_LEVEL: 'info' } },
);
const url = await new Promise((resolve, reject) => {
  let out = '';
  const read = (chunk) => {
    out += chunk;
    const found = /"url":"(http:\/\/[^"]+)"/.exec(out);
    if (found) resolve(found[1]);
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  child.once('exit', (code) => reject(new Error(`accord serve exited (${code}): ${out}`)));
});
// The server's log (JSON lines) is not part of the report: keep reading it so that it never blocks.
child.stdout.resume();
child.stderr.resume();

const rss = () => {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)[1]);
  return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 };
};

async function login(email) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login ${email}: ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken, user } = await response.json();
  const call = async (method, route, body) => {
    const answer = await fetch(`${url}${route}`, {
      method,
      headers: { cookie, origin: url, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await answer.json();
    if (!answer.ok) throw new Error(`${method} ${route}: ${answer.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  return { id: user.id, cookie, csrfToken, call };
}

function connect(who, name) {
  const WebSocketPolyfill = class extends WebSocket {
    constructor(address, protocols) {
      super(address, protocols, { headers: { cookie: who.cookie, origin: url } });
    }
  };
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/ws`, name, doc, {
    WebSocketPolyfill,
    disableBc: true,
  });
  const synced = new Promise((resolve) => provider.once('sync', resolve));
  return { doc, provider, synced };
}

const quantile = (samples, q) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const MiB = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

let exitCode = 1;
try {
  const owner = await login('owner@example.org');
  const coder = await login('coder@example.org');
  const { project } = await owner.call('POST', '/api/projects', { name: 'Recordings' });
  const coderId = coder.id;
  await owner.call('POST', `/api/projects/${project.id}/members`, { email: 'coder@example.org', role: 'coder' });
  const text = 'Interviewer: How was treatment?\n\nP1: Hard at first, then a nurse listened and it got better.\n';
  const { transcript } = await owner.call('POST', `/api/projects/${project.id}/transcripts`, { title: 'One', text });

  const ref = { project: project.id, transcript: transcript.id };
  const textDoc = connect(coder, shared.docName({ kind: 'text', ...ref }));
  const layerName = shared.docName({ kind: 'codings', ...ref, coder: coderId });
  const writer = connect(coder, layerName);
  const reader = connect(owner, layerName);
  await Promise.all([textDoc.synced, writer.synced, reader.synced]);

  // Sync latency: the time from the coder's Y.Map#set to the owner's document seeing the coding.
  const sent = new Map();
  let samples = [];
  shared.codingsMap(reader.doc).observe((event) => {
    const at = performance.now();
    for (const key of event.keysChanged) {
      const t0 = sent.get(key);
      if (t0 !== undefined) samples.push(at - t0);
    }
  });
  let serial = 0;
  const code = '0c0de000-0000-4000-8000-000000000001';
  const codeOne = () => {
    serial += 1;
    const id = `c0d10000-0000-4000-8000-${String(serial).padStart(12, '0')}`;
    sent.set(id, performance.now());
    shared.addCoding(writer.doc, textDoc.doc, { code, start: 40, end: 60 }, id);
  };
  const codeFor = async (stop) => {
    while (!stop()) {
      codeOne();
      await new Promise((resolve) => setTimeout(resolve, CODING_EVERY_MS));
    }
  };

  // Memory sampler.
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rss().rss);
  }, 25);

  // Before: idle server (warmed up by the setup above), 8 s of coding.
  const deadline = performance.now() + 8000;
  peak = 0;
  await codeFor(() => performance.now() > deadline);
  const before = { samples, peak, hwm: rss().hwm };
  samples = [];
  peak = 0;

  // During: the upload, with the same coding going on.
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + PCM_BYTES, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(96_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(PCM_BYTES, 40);
  const uploadWhileCoding = async (lowPriority) => {
    samples = [];
    peak = 0;
    let uploading = true;
    const started = performance.now();
    const uploader = new Worker(new URL(import.meta.url), {
      workerData: {
        url: `${url}/api/projects/${project.id}/transcripts/${transcript.id}/media?name=silence.wav`,
        headers: {
          cookie: owner.cookie,
          origin: url,
          'x-csrf-token': owner.csrfToken,
          'content-type': 'audio/wav',
          'content-length': String(TOTAL),
        },
        header,
        pcmBytes: PCM_BYTES,
        lowPriority,
      },
    });
    const upload = new Promise((resolve, reject) => {
      uploader.once('message', resolve);
      uploader.once('error', reject);
    });
    const coding = codeFor(() => !uploading);
    const answer = await upload.finally(() => {
      uploading = false;
    });
    const seconds = (performance.now() - started) / 1000;
    await coding;
    if (answer.status !== 201) throw new Error(`upload: ${answer.status} ${answer.body}`);
    const stored = JSON.parse(answer.body).media;
    if (stored.bytes !== TOTAL) throw new Error(`stored ${stored.bytes} bytes, sent ${TOTAL}`);
    return { samples, peak, hwm: rss().hwm, seconds };
  };
  const during = await uploadWhileCoding(true);
  const contended = await uploadWhileCoding(false);
  clearInterval(sampler);
  const seconds = during.seconds;

  // Memory over both uploads.
  during.peak = Math.max(during.peak, contended.peak);
  during.hwm = Math.max(during.hwm, contended.hwm);
  const growth = during.peak - before.peak;
  const p = (s, q) => quantile(s, q).toFixed(1);
  const ratio = quantile(during.samples, 0.95) / quantile(before.samples, 0.95);
  const line = (label, value, target) => `${label.padEnd(68)}${value}${target ? `   (target ${target})` : ''}`;
  console.log(`media upload benchmark, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]}`);
  console.log(
    line(
      `upload ${(TOTAL / 1e9).toFixed(2)} GB WAV (stored byte for byte)`,
      `${seconds.toFixed(1)} s, ${(TOTAL / 1024 / 1024 / seconds).toFixed(0)} MiB/s`,
    ),
  );
  console.log(line('server RSS peak, idle', MiB(before.peak)));
  console.log(
    line(
      'server RSS peak during the uploads (growth)',
      `${MiB(during.peak)} (${growth >= 0 ? '+' : ''}${MiB(growth)}; VmHWM ${MiB(during.hwm)})`,
      'flat: growth < 64 MiB',
    ),
  );
  console.log(
    line(
      `sync latency before the upload, p50/p95`,
      `${p(before.samples, 0.5)} / ${p(before.samples, 0.95)} ms (${before.samples.length} codings)`,
    ),
  );
  const contendedRatio = quantile(contended.samples, 0.95) / quantile(before.samples, 0.95);
  for (const [label, run, r] of [
    ['during the upload (uploader niced)', during, ratio],
    ['during the upload (uploader not niced)', contended, contendedRatio],
  ]) {
    console.log(
      line(
        `sync latency ${label}`,
        `${p(run.samples, 0.5)} / ${p(run.samples, 0.95)} ms (p95 ratio ${r.toFixed(2)}; ${run.samples.length} codings; ` +
          `${(TOTAL / 1024 / 1024 / run.seconds).toFixed(0)} MiB/s)`,
        'unchanged: p95 ratio <= 2',
      ),
    );
  }
  exitCode = growth < 64 * 1024 * 1024 && ratio <= 2 && contendedRatio <= 2 ? 0 : 1;
  for (const client of [textDoc, writer, reader]) client.provider.destroy();
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exitCode = exitCode;
