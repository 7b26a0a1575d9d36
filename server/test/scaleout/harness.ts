import http from 'node:http';
import type { AwarenessPolicy } from '@accord/shared';
import { afterAll, afterEach, beforeAll } from 'vitest';
import * as Y from 'yjs';
import { startRedis, type TestRedis } from '../../../test/setup/redis.js';
import type { Client } from '../../../test/sync/helpers.js';
import { createLogger } from '../../src/log.js';
import {
  type DocLog,
  emptyStorageStats,
  type LoadedDoc,
  type SnapshotInfo,
  type Storage,
} from '../../src/persistence/index.js';
import { type ScaleOut, type StoredUpdatesReader, startScaleOut } from '../../src/scaleout/index.js';
import { createSyncEngine, type PeerContext, type SyncEngine, type SyncLimits } from '../../src/sync/index.js';

/**
 * A document storage that several engines share, as instances share PostgreSQL: appends become visible to every
 * engine at the end of the turn (their "commit"). Compaction only replaces the records it has read, so that one
 * engine's compaction never drops another's appends. `read` is the relay's storage catch-up.
 */
export class SharedStorage {
  readonly docs = new Map<string, Uint8Array[]>();
  /** Records appended, per document (an update relayed to another engine must not be appended again there). */
  readonly appended = new Map<string, number>();

  open(): Storage {
    return new SharedStorageView(this);
  }

  async read(docName: string): Promise<Uint8Array[]> {
    return [...(this.docs.get(docName) ?? [])];
  }

  /** The stored state of a document, merged. */
  state(docName: string): Y.Doc {
    const doc = new Y.Doc();
    for (const update of this.docs.get(docName) ?? []) Y.applyUpdate(doc, update);
    return doc;
  }
}

class SharedStorageView implements Storage {
  readonly stats = emptyStorageStats();

  constructor(private readonly shared: SharedStorage) {}

  async load(docName: string): Promise<LoadedDoc> {
    const records = this.shared.docs.get(docName) ?? [];
    this.shared.docs.set(docName, records);
    return { updates: [...records], log: new SharedLog(this.shared, docName, this.stats), recoveredTailBytes: 0 };
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.shared.docs.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const name of await this.list(prefix)) this.shared.docs.delete(name);
  }

  async writeSnapshot(): Promise<SnapshotInfo> {
    throw new Error('not used in these tests');
  }

  async readSnapshot(): Promise<Uint8Array> {
    throw new Error('not used in these tests');
  }

  onLogFailure(): void {}

  async close(): Promise<void> {}
}

class SharedLog implements DocLog {
  private pending: Uint8Array[] = [];
  private scheduled: Promise<void> | null = null;
  snapshotBytes = 0;
  logBytes = 0;

  constructor(
    private readonly shared: SharedStorage,
    private readonly docName: string,
    private readonly stats: ReturnType<typeof emptyStorageStats>,
  ) {}

  append(update: Uint8Array): void {
    this.pending.push(update.slice());
    this.logBytes += update.length;
    this.stats.appendedRecords++;
    this.scheduled ??= new Promise((resolve) =>
      setImmediate(() => {
        this.write();
        resolve();
      }),
    );
  }

  async flush(): Promise<void> {
    await this.scheduled;
    this.write();
  }

  async compact(state: () => Uint8Array): Promise<void> {
    await this.flush();
    const records = this.shared.docs.get(this.docName);
    if (!records) return;
    const read = records.length;
    const merged = Y.mergeUpdates([...records.slice(0, read), state()]);
    records.splice(0, read, merged);
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private write(): void {
    this.scheduled = null;
    if (this.pending.length === 0) return;
    const records = this.shared.docs.get(this.docName);
    records?.push(...this.pending);
    this.shared.appended.set(this.docName, (this.shared.appended.get(this.docName) ?? 0) + this.pending.length);
    this.pending = [];
  }
}

/** One instance: a sync engine over the shared storage, the Redis relay as its hooks, behind a plain HTTP server. */
export interface Instance {
  name: string;
  engine: SyncEngine;
  scaleOut: ScaleOut;
  wsUrl: string;
  close(): Promise<void>;
}

export async function startInstance(
  name: string,
  options: {
    redisUrl: string;
    /** This instance's view of the storage every instance shares. */
    storage: Storage;
    /** The storage catch-up; none: catching up relies on the other instances alone. */
    readStored?: StoredUpdatesReader;
    limits?: Partial<SyncLimits>;
    prefix: string;
  },
): Promise<Instance> {
  const logger = createLogger(process.env.ACCORD_TEST_LOG === '1' ? 'debug' : 'silent', { instance: name });
  const scaleOut = await startScaleOut({
    url: options.redisUrl,
    logger,
    prefix: options.prefix,
    instanceId: name,
    readStored: options.readStored,
    checkIntervalMs: 500,
    recoveryWindowMs: 5_000,
    confirmWithinMs: 300,
  });
  const engine = await createSyncEngine({
    storage: options.storage,
    logger,
    limits: options.limits,
    contentSchema: () => null,
    hooks: scaleOut.relay,
  });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const match = /^\/ws\/(.+)$/.exec(req.url ?? '');
    const user = req.headers['x-user'];
    if (!match || typeof user !== 'string') {
      socket.end('HTTP/1.1 401 Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const ctx: PeerContext = {
      docName: match[1]!,
      user: { id: user, name: `Name of ${user}` },
      access: req.headers['x-access'] === 'read' ? 'read' : 'write',
      awareness: (req.headers['x-awareness'] as AwarenessPolicy | undefined) ?? 'full',
      sessionId: typeof req.headers['x-session'] === 'string' ? req.headers['x-session'] : undefined,
    };
    engine.handleUpgrade(req, socket, head, ctx);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    name,
    engine,
    scaleOut,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    close: async () => {
      await engine.close();
      await scaleOut.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The hooks of a describe block of relay tests: one redis-server for the block, and the clients and instances a test
 * pushes closed after it (clients first). `redis()` is valid from the first test on.
 */
export function relayTestBed(): { redis: () => TestRedis; clients: Client[]; instances: Instance[] } {
  let redis: TestRedis | undefined;
  const clients: Client[] = [];
  const instances: Instance[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const instance of instances.splice(0)) await instance.close();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return {
    redis: () => {
      if (!redis) throw new Error('redis-server is started before the first test');
      return redis;
    },
    clients,
    instances,
  };
}
