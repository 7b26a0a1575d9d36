import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type Client,
  connect,
  type EngineServer,
  type RawClient,
  rawConnect,
  startEngineServer,
  waitFor,
} from './helpers.js';

const DOC = 'p/proj1/memos/m1';

/** Applies every sync message a raw client received to a fresh doc. */
function replay(received: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const frame of received) {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== 0) continue;
    if (decoding.readVarUint(decoder) === 0) continue;
    Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  }
  return doc;
}

describe('a slow peer', () => {
  let server: EngineServer;
  const clients: Client[] = [];
  let raw: RawClient | undefined;
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    raw?.ws.terminate();
    await server?.close();
  });

  it('stops receiving increments past the high-water mark and catches up with one diff', async () => {
    server = await startEngineServer({ limits: { highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024 } });
    const writer = connect(server.wsUrl, DOC, { user: 'w' });
    clients.push(writer);
    await writer.synced;
    raw = rawConnect(server.wsUrl, DOC, { 'x-user': 'slow', 'x-access': 'read' });
    await raw.opened;
    await waitFor(() => server.engine.metrics().connections === 2, 'slow peer joined');
    // Stop reading: the kernel buffers fill, then ws buffers on the server side.
    const socket = (raw.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();

    const text = writer.doc.getText('t');
    for (let i = 0; i < 400 && server.engine.metrics().laggingPeers === 0; i++) {
      text.insert(text.length, `${i}:${'x'.repeat(20_000)}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await waitFor(() => server.engine.metrics().laggingPeers === 1, 'peer marked lagging');
    for (let i = 0; i < 20; i++) text.insert(0, `late ${i}\n`);
    text.delete(0, 5);

    socket.resume();
    await waitFor(() => server.engine.metrics().catchUps === 1, 'catch-up sent');
    await waitFor(() => replay(raw!.received).getText('t').toString() === text.toString(), 'slow peer converged');
    expect(server.engine.metrics().laggingPeers).toBe(0);
    expect(server.engine.metrics().slowPeersClosed).toBe(0);
  });
});
