import { addCode, docName } from '@accord/shared';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ApiClient, TestServer } from '../helpers/server.js';

/** A real y-websocket provider signed in as `client` (cookie and Origin at the upgrade, as a browser sends them). */
export function connect(test: TestServer, client: ApiClient, name: string, doc = new Y.Doc()) {
  const cookie = client.cookie!;
  const origin = test.url;
  const WebSocketPolyfill = class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie, origin } });
    }
  };
  const provider = new WebsocketProvider(test.wsUrl, name, doc, {
    WebSocketPolyfill: WebSocketPolyfill as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const synced = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sync on ${name}`)), 5000);
    provider.once('sync', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  // A refused join never syncs; callers that expect that never await it.
  synced.catch(() => {});
  return { doc, provider, synced, destroy: () => provider.destroy() };
}

/** The HTTP status of a raw WebSocket upgrade: 101 when it was accepted. */
export function upgradeStatus(test: TestServer, client: ApiClient, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${test.wsUrl}/${name}`, { headers: { cookie: client.cookie!, origin: test.url } });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => {
      if (!String(error).includes('Unexpected server response')) reject(error);
    });
  });
}

/** Resolves when the provider's socket closes (an access change), or rejects after the timeout. */
export function closed(provider: WebsocketProvider, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connection was not closed')), timeoutMs);
    provider.on('connection-close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 3000, what = 'condition') => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Codes added to the live codebook on the server (test set-up, not what is under test). */
export async function addCodes(test: TestServer, projectId: string, names: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: projectId }), (doc) => {
    for (const name of names) ids[name] = addCode(doc, { name });
  });
  return ids;
}

export const names = (projectId: string, transcriptId: string) => ({
  text: docName({ kind: 'text', project: projectId, transcript: transcriptId }),
  layer: (coder: string) => docName({ kind: 'codings', project: projectId, transcript: transcriptId, coder }),
  consensus: docName({ kind: 'consensus', project: projectId, transcript: transcriptId }),
});
