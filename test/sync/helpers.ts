import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AwarenessPolicy } from '@accord/shared';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createLogger } from '../../server/src/log.js';
import { FileStorage } from '../../server/src/persistence/index.js';
import { createSyncEngine, type PeerContext, type SyncEngine, type SyncLimits } from '../../server/src/sync/index.js';

/**
 * The sync engine behind a plain HTTP server, standing in for the lead's upgrade path: the test says who the
 * caller is and what access it has through headers (x-user, x-access, x-awareness), the way the real server
 * derives them from the session cookie and the access function.
 */
export interface EngineServer {
  url: string;
  wsUrl: string;
  dataDir: string;
  engine: SyncEngine;
  close(): Promise<void>;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'accord-sync-'));
}

export async function startEngineServer(
  options: { dataDir?: string; limits?: Partial<SyncLimits> } = {},
): Promise<EngineServer> {
  const dataDir = options.dataDir ?? tempDir();
  const logger = createLogger(process.env.ACCORD_TEST_LOG === '1' ? 'debug' : 'silent');
  const engine = await createSyncEngine({
    storage: await FileStorage.open({ dataDir, logger }),
    logger,
    limits: options.limits,
    // These tests sync generic content (roots 'm', 't') under model document names: no content schema.
    contentSchema: () => null,
  });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const match = /^\/ws\/(.+)$/.exec(req.url ?? '');
    const user = req.headers['x-user'];
    const access = req.headers['x-access'] ?? 'write';
    if (!match || typeof user !== 'string' || access === 'none') {
      socket.end(
        `HTTP/1.1 ${typeof user === 'string' ? 404 : 401} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    const ctx: PeerContext = {
      docName: match[1]!,
      user: { id: user, name: `Name of ${user}` },
      access: access === 'read' ? 'read' : 'write',
      awareness: (req.headers['x-awareness'] as AwarenessPolicy | undefined) ?? 'full',
    };
    engine.handleUpgrade(req, socket, head, ctx);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    dataDir,
    engine,
    close: async () => {
      await engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  synced: Promise<void>;
  destroy(): void;
}

/** Resolves once the provider has synced with the server (at once if it has). */
export function whenSynced(provider: WebsocketProvider): Promise<void> {
  return new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    else
      provider.on('sync', function onSync(isSynced: boolean) {
        if (!isSynced) return;
        provider.off('sync', onSync);
        resolve();
      });
  });
}

/** A stock y-websocket provider, authenticating through headers as a Node client passes its cookie. */
export function connect(
  wsUrl: string,
  docName: string,
  options: {
    user: string;
    access?: 'read' | 'write' | 'none';
    awareness?: AwarenessPolicy;
    doc?: Y.Doc;
    headers?: Record<string, string>;
  },
): Client {
  const doc = options.doc ?? new Y.Doc();
  const headers: Record<string, string> = {
    'x-user': options.user,
    'x-access': options.access ?? 'write',
    'x-awareness': options.awareness ?? 'full',
    ...options.headers,
  };
  const WebSocketPolyfill = class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
  const provider = new WebsocketProvider(wsUrl, docName, doc, {
    WebSocketPolyfill: WebSocketPolyfill as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  return {
    doc,
    provider,
    synced: whenSynced(provider),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Polls until `check` holds; bounded, so a failure shows as a timeout with a message instead of a hang. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw WebSocket speaking bytes, for the abuse tests. */
export interface RawClient {
  ws: WebSocket;
  received: Uint8Array[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

export function rawConnect(
  wsUrl: string,
  docName: string,
  headers: Record<string, string>,
  options: { maxPayload?: number } = {},
): RawClient {
  const ws = new WebSocket(`${wsUrl}/${docName}`, { headers, ...options });
  const received: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
  ws.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { ws, received, opened, closed };
}

/** The test content of a doc as a canonical string (map keys sorted: insertion order differs between replicas). */
export function contentOf(doc: Y.Doc): string {
  const map = doc.getMap('m').toJSON();
  const sorted = Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((key) => [key, map[key]]),
  );
  return JSON.stringify({ text: doc.getText('t').toString(), map: sorted });
}
