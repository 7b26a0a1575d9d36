// One server under test, run by run.mjs on its own core: `node server.mjs accord|reference|reference-leveldb`.
// Prints {"port":N} on stdout; GET /stats returns CPU time, RSS, heap and (for Accord) the engine's metrics.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const kind = process.argv[2];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `accord-bench-${kind}-`));
let onUpgrade;
let metrics = () => null;
let close = async () => {};

if (kind === 'accord-nolog') {
  // Diagnostic only (not in the default run): Accord with log appends dropped, to attribute costs to durability.
  const { FileStorage } = await import('../../server/dist/persistence/index.js');
  const load = FileStorage.prototype.load;
  FileStorage.prototype.load = async function (name) {
    const loaded = await load.call(this, name);
    loaded.log.append = () => {};
    return loaded;
  };
}
if (kind.startsWith('accord')) {
  const { createSyncEngine } = await import('../../server/dist/sync/index.js');
  const { createLogger } = await import('../../server/dist/log.js');
  const { FileStorage } = await import('../../server/dist/persistence/index.js');
  const logger = createLogger('warn');
  // As it runs in production: every update's content is checked against its document kind's schema.
  const engine = await createSyncEngine({ storage: await FileStorage.open({ dataDir, logger }), logger });
  metrics = () => engine.metrics();
  close = () => engine.close();
  onUpgrade = (req, socket, head) => {
    const docName = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]);
    engine.handleUpgrade(req, socket, head, {
      docName,
      user: { id: 'bench', name: 'Bench' },
      access: 'write',
      awareness: 'full',
    });
  };
} else {
  if (kind === 'reference-leveldb') process.env.YPERSISTENCE = dataDir;
  const { WebSocketServer } = await import('ws');
  const { setupWSConnection } = await import('@y/websocket-server/utils');
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws, req) =>
    setupWSConnection(ws, req, { docName: decodeURIComponent(req.url.slice(1).split('?')[0]) }),
  );
  onUpgrade = (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
}

// The same event-loop delay monitor for every server, read and reset by each /stats: the run between two reads.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const server = http.createServer((req, res) => {
  if (req.url === '/gc') globalThis.gc?.();
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      cpuMs: (cpu.user + cpu.system) / 1000,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      metrics: metrics(),
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    }),
  );
  loopDelay.reset();
});
server.on('upgrade', onUpgrade);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
const stop = async () => {
  await close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
