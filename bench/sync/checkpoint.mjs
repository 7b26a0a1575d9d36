// The cost of one write-ahead log checkpoint on the server's event loop: `node bench/sync/checkpoint.mjs`.
// 250 document logs fill a 15.6 MiB segment with 175 000 records of 40 bytes (the ceiling workload's shape), then a
// checkpoint copies them into the logs. Run twice in one process: the first checkpoint runs the walk before the JIT
// has optimized it, the second is what a running server sees. Prints the walk's slices (the event loop's longest
// waits on it) and the wall time of the walk and of the whole checkpoint (the walk plus 250 writes and fdatasyncs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const { FileStorage } = await import('../../server/dist/persistence/index.js');
const { LogFile } = await import('../../server/dist/persistence/fileLog.js');
const { silentLogger } = await import('../../server/dist/log.js');

const ENTRIES = 175_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-checkpoint-'));
const storage = await FileStorage.open({ dataDir, logger: silentLogger });
const logs = [];
for (let i = 0; i < 250; i++) logs.push((await storage.load(`p/bench/ceil${i}/codebook`)).log);

// The walk yields with setImmediate between slices and ends where the first log write starts.
let walkEnd = null;
let sliceStart = null;
const slices = [];
const writeRecords = LogFile.prototype.writeRecords;
LogFile.prototype.writeRecords = function (...args) {
  walkEnd ??= performance.now();
  return writeRecords.apply(this, args);
};
const setImmediateOriginal = globalThis.setImmediate;
globalThis.setImmediate = (callback, ...args) => {
  if (sliceStart !== null && walkEnd === null) slices.push(performance.now() - sliceStart);
  return setImmediateOriginal(() => {
    sliceStart = performance.now();
    callback(...args);
  });
};

const payload = Buffer.alloc(40, 7);
const ms = (x) => `${x.toFixed(2)} ms`;
for (const run of ['first (cold)', 'second (warm)']) {
  // Just under the 16 MiB at which the log would start a checkpoint by itself.
  for (let appended = 0; appended < ENTRIES; appended += 1000) {
    for (let k = 0; k < 1000; k++) logs[(appended + k) % logs.length].append(payload);
    await storage.wal.flush();
  }
  walkEnd = null;
  sliceStart = null;
  slices.length = 0;
  const start = performance.now();
  await storage.wal.checkpoint();
  const end = performance.now();
  const sorted = [...slices].sort((a, b) => a - b);
  console.log(
    `checkpoint ${run.padEnd(13)} ${ENTRIES} entries: walk slices ${slices.length}, median ${ms(sorted[sorted.length >> 1])}, ` +
      `p99 ${ms(sorted[Math.floor(sorted.length * 0.99)])}, max ${ms(sorted.at(-1))}; ` +
      `switch + read + walk ${ms(walkEnd - start)} (${(((walkEnd - start) * 1e6) / ENTRIES).toFixed(0)} ns an entry), ` +
      `whole checkpoint ${ms(end - start)}`,
  );
}
globalThis.setImmediate = setImmediateOriginal;
for (const log of logs) await log.close();
await storage.close();
fs.rmSync(dataDir, { recursive: true, force: true });
