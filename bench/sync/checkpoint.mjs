// The cost of one write-ahead log checkpoint to the server's event loop: `node bench/sync/checkpoint.mjs`.
// 250 document logs fill a 15.6 MiB segment with 175 000 records of 40 bytes (the ceiling workload's shape), then a
// checkpoint copies them into the logs on its worker thread. Run twice in one process: the first checkpoint starts
// the worker and runs its walk before the JIT has optimized it, the second is what a running server sees. Prints the
// lateness of a 1 ms timer while the checkpoint runs (how long the event loop waited on it), the time
// the server's thread was busy in it, and the checkpoint's wall time (read, walk, 250 writes and fdatasyncs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const { FileStorage } = await import('../../server/dist/persistence/index.js');
const { silentLogger } = await import('../../server/dist/log.js');

const ENTRIES = 175_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-checkpoint-'));
const storage = await FileStorage.open({ dataDir, logger: silentLogger });
const logs = [];
for (let i = 0; i < 250; i++) logs.push((await storage.load(`p/bench/ceil${i}/codebook`)).log);

const payload = Buffer.alloc(40, 7);
const ms = (x) => `${x.toFixed(2)} ms`;
for (const run of ['first (cold)', 'second (warm)']) {
  // Just under the 16 MiB at which the log would start a checkpoint by itself.
  for (let appended = 0; appended < ENTRIES; appended += 1000) {
    for (let k = 0; k < 1000; k++) logs[(appended + k) % logs.length].append(payload);
    await storage.wal.flush();
  }
  // A timer every millisecond, as a relay's traffic would wake the loop: how late it fires is how long it waited.
  const lateness = [];
  let running = true;
  let due = performance.now() + 1;
  const tick = () => {
    const now = performance.now();
    lateness.push(now - due);
    due = now + 1;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const eluBefore = performance.eventLoopUtilization();
  const start = performance.now();
  await storage.wal.checkpoint();
  const end = performance.now();
  const busy = performance.eventLoopUtilization(eluBefore).active;
  running = false;
  const sorted = lateness.sort((a, b) => a - b);
  console.log(
    `checkpoint ${run.padEnd(13)} ${ENTRIES} entries: timer lateness over ${lateness.length} ticks: max ${ms(sorted.at(-1))}, ` +
      `p99 ${ms(sorted[Math.floor(sorted.length * 0.99)])}; server thread busy ${ms(busy)} of ${ms(end - start)} (whole checkpoint)`,
  );
}
for (const log of logs) await log.close();
await storage.close();
fs.rmSync(dataDir, { recursive: true, force: true });
