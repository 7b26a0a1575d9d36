// Side-by-side benchmark of Accord's sync engine and @y/websocket-server 0.1.1 (in memory and with LevelDB), with
// the same stock y-websocket client workload. Servers run pinned to core 0, this load generator to core 1.
//   node bench/sync/run.mjs [--quick] [--only session,fanout,ceiling,churn,heap]
// Prints p50/p99 latency, deliveries/s, server CPU and RSS per workload and server, and Accord/reference ratios.
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only')
  ? args[args.indexOf('--only') + 1].split(',')
  : ['session', 'fanout', 'ceiling', 'churn', 'heap'];
const SERVERS = ['accord', 'reference', 'reference-leveldb'];
const scale = quick ? 0.4 : 1;

function pin(pid, core) {
  try {
    execFileSync('taskset', ['-cp', String(core), String(pid)], { stdio: 'ignore' });
  } catch {}
}
pin(process.pid, 1);
// Every WebsocketProvider adds a process 'exit' listener.
process.setMaxListeners(0);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function startServer(kind) {
  const child = spawn('taskset', ['-c', '0', process.execPath, '--expose-gc', path.join(here, 'server.mjs'), kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    // The reference server logs to stdout too: wait for the line with the port.
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) resolve(JSON.parse(line).port);
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited ${code}`)));
  });
  const stats = async (gc = false) => (await fetch(`http://127.0.0.1:${port}/${gc ? 'gc' : 'stats'}`)).json();
  return {
    kind,
    url: `ws://127.0.0.1:${port}`,
    stats,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

function client(server, room) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(server.url, room, doc, { WebSocketPolyfill: WebSocket, disableBc: true });
  const synced = new Promise((resolve) => provider.once('synced', resolve));
  const destroy = () => {
    provider.destroy();
    doc.destroy();
  };
  return { doc, provider, synced, destroy };
}

/** Latency samples: a write carries its send time; every remote receipt of it is one delivery. */
class Recorder {
  samples = [];
  start = now();
  observe(c, mapName = 'm') {
    c.doc.getMap(mapName).observe((event) => {
      if (event.transaction.local) return;
      const t = now();
      for (const key of event.keysChanged) {
        const value = event.target.get(key);
        if (value && typeof value.t === 'number') this.samples.push(t - value.t);
      }
    });
  }
  reset() {
    this.samples = [];
    this.start = now();
  }
  summary() {
    const sorted = Float64Array.from(this.samples).sort();
    const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : Number.NaN);
    return { n: sorted.length, p50: at(0.5), p99: at(0.99), perSec: sorted.length / ((now() - this.start) / 1000) };
  }
}

async function measure(server, run) {
  const before = await server.stats();
  const t0 = now();
  const result = await run();
  const after = await server.stats();
  return { ...result, cpu: (after.cpuMs - before.cpuMs) / (now() - t0), rss: after.rss };
}

const codingValue = (i) => ({ code: `code${i % 30}`, start: 'AAE', end: 'AAF', createdAt: Date.now(), t: now() });

async function session(server) {
  const transcripts = 25;
  const coders = 4;
  const clients = [];
  const writers = [];
  const recorder = new Recorder();
  for (let tr = 0; tr < transcripts; tr++) {
    for (let coder = 0; coder < coders; coder++) {
      const text = client(server, `p/bench/t/tr${tr}/text`);
      clients.push(text);
      for (let other = 0; other < coders; other++) {
        const c = client(server, `p/bench/t/tr${tr}/c/coder${other}`);
        clients.push(c);
        if (other === coder) writers.push({ c, text });
        else recorder.observe(c, 'codings');
      }
    }
  }
  await Promise.all(clients.map((c) => c.synced));
  const timers = writers.map(({ c, text }, i) => {
    let n = 0;
    const write = setInterval(() => c.doc.getMap('codings').set(`k${i}-${n++}`, codingValue(n)), 2000);
    const aware = setInterval(
      () => text.provider.awareness.setLocalStateField('cursor', { anchor: n, head: n + 5 }),
      1000,
    );
    return [write, aware];
  });
  await sleep(3000);
  return measure(server, async () => {
    recorder.reset();
    await sleep(20_000 * scale);
    const summary = recorder.summary();
    for (const pair of timers) pair.forEach(clearInterval);
    for (const c of clients) c.destroy();
    return summary;
  });
}

async function fanout(server) {
  const clients = [];
  const recorder = new Recorder();
  for (let i = 0; i < 200; i++) {
    const c = client(server, 'p/bench/t/fan/text');
    clients.push(c);
    if (i > 0) recorder.observe(c);
  }
  await Promise.all(clients.map((c) => c.synced));
  let n = 0;
  const write = setInterval(() => clients[0].doc.getMap('m').set(`k${n++ % 100}`, { t: now() }), 50);
  const aware = clients.map((c, i) =>
    setTimeout(
      () => {
        aware[i] = setInterval(
          () => c.provider.awareness.setLocalStateField('cursor', { anchor: n, head: n + 3 }),
          1000,
        );
      },
      (i * 5) % 1000,
    ),
  );
  await sleep(3000);
  return measure(server, async () => {
    recorder.reset();
    await sleep(15_000 * scale);
    const summary = recorder.summary();
    clearInterval(write);
    for (const t of aware) clearInterval(t);
    for (const c of clients) c.destroy();
    return summary;
  });
}

/** Pairs (writer, reader) on separate docs; the aggregate rate doubles until p99 passes 100 ms. */
async function ceiling(server) {
  const pairs = [];
  const recorder = new Recorder();
  for (let d = 0; d < 80; d++) {
    const writer = client(server, `p/bench/ceil${d}/codebook`);
    const reader = client(server, `p/bench/ceil${d}/codebook`);
    recorder.observe(reader);
    pairs.push({ writer, reader });
  }
  await Promise.all(pairs.flatMap((p) => [p.writer.synced, p.reader.synced]));
  const steps = [];
  let best = 0;
  for (const rate of [500, 1000, 2000, 3000, 4000, 6000, 8000, 12000]) {
    const perTick = rate / 100;
    let carry = 0;
    let n = 0;
    const tick = setInterval(() => {
      carry += perTick;
      for (; carry >= 1; carry--) pairs[n++ % pairs.length].writer.doc.getMap('m').set(`k${n % 50}`, { t: now() });
    }, 10);
    await sleep(1000);
    const step = await measure(server, async () => {
      recorder.reset();
      await sleep(4000 * scale);
      return recorder.summary();
    });
    clearInterval(tick);
    await sleep(1500);
    steps.push({ rate, ...step });
    const ok = step.p99 <= 100 && step.perSec >= rate * 0.9;
    if (!ok) break;
    best = rate;
  }
  for (const p of pairs) {
    p.writer.destroy();
    p.reader.destroy();
  }
  const last = steps.at(-1);
  return { ceiling: best, p50: last.p50, p99: last.p99, perSec: last.perSec, cpu: last.cpu, rss: last.rss, steps };
}

/** 10,000 connect / edit / disconnect cycles, then RSS after the docs unloaded, against a warmed-up baseline. */
async function churn(server) {
  const cycles = Math.round(10_000 * scale);
  const cycle = async (i) => {
    const c = client(server, `p/bench/churn${i % 200}/codebook`);
    await c.synced;
    c.doc.getMap('m').set(`k${i}`, { t: now() });
    await sleep(5);
    c.destroy();
  };
  const run = async (count) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (next < count) await cycle(next++);
      }),
    );
  };
  await run(500);
  await sleep(12_000);
  await server.stats(true);
  const baseline = (await server.stats()).rss;
  const t0 = now();
  await run(cycles);
  const seconds = (now() - t0) / 1000;
  const peak = (await server.stats()).rss;
  await sleep(12_000);
  await server.stats(true);
  const after = (await server.stats()).rss;
  return { cycles, seconds, baselineMB: baseline / 2 ** 20, peakMB: peak / 2 ** 20, afterMB: after / 2 ** 20 };
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');

async function main() {
  const results = {};
  console.log(
    `# Accord sync benchmark (${quick ? 'quick' : 'full'}), node ${process.version}, ${new Date().toISOString()}`,
  );
  for (const workload of ['session', 'fanout', 'ceiling']) {
    if (!only.includes(workload)) continue;
    results[workload] = {};
    for (const kind of SERVERS) {
      const server = await startServer(kind);
      try {
        const r = await { session, fanout, ceiling }[workload](server);
        results[workload][kind] = r;
        const extra =
          workload === 'ceiling'
            ? `  ceiling ${r.ceiling}/s  steps ${r.steps.map((s) => `${s.rate}:${s.p99.toFixed(0)}ms`).join(' ')}`
            : '';
        console.log(
          `${workload.padEnd(8)} ${kind.padEnd(18)} p50 ${ms(r.p50).padStart(9)}  p99 ${ms(r.p99).padStart(9)}  ` +
            `deliveries ${r.perSec.toFixed(0).padStart(6)}/s  server CPU ${(r.cpu * 100).toFixed(0).padStart(3)}%  RSS ${mb(r.rss)}${extra}`,
        );
      } finally {
        await server.stop();
      }
    }
    const a = results[workload].accord;
    const ref = results[workload].reference;
    if (a && ref) {
      const ratio =
        workload === 'ceiling'
          ? `ceiling x${(a.ceiling / ref.ceiling).toFixed(2)}`
          : `p99 x${(a.p99 / ref.p99).toFixed(2)}`;
      console.log(
        `${workload.padEnd(8)} accord / reference (in memory): ${ratio}, CPU x${(a.cpu / ref.cpu).toFixed(2)}, RSS x${(a.rss / ref.rss).toFixed(2)}`,
      );
    }
  }
  if (only.includes('churn')) {
    const server = await startServer('accord');
    try {
      const r = await churn(server);
      console.log(
        `churn    accord             ${r.cycles} connect/edit/disconnect cycles in ${r.seconds.toFixed(0)} s: RSS baseline ${r.baselineMB.toFixed(0)} MB, ` +
          `peak ${r.peakMB.toFixed(0)} MB, after unload ${r.afterMB.toFixed(0)} MB (x${(r.afterMB / r.baselineMB).toFixed(2)})`,
      );
    } finally {
      await server.stop();
    }
  }
  if (only.includes('heap')) {
    const out = execFileSync(process.execPath, ['--expose-gc', path.join(here, 'heap.mjs')], { encoding: 'utf8' });
    process.stdout.write(out);
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
