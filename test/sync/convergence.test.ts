import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncMessage, SYNC_STEP1, SYNC_UPDATE } from '../../server/src/sync/protocol.js';
import {
  type Client,
  connect,
  contentOf,
  type EngineServer,
  rawConnect,
  startEngineServer,
  waitFor,
} from './helpers.js';

const DOC = 'p/proj1/t/tr1/text';

describe('sync engine with stock y-websocket providers', () => {
  let server: EngineServer;
  const clients: Client[] = [];
  const open = (user: string, doc?: Y.Doc) => {
    const client = connect(server.wsUrl, DOC, { user, doc });
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.close();
  });

  it('converges N clients on random concurrent edits, and a late joiner gets the full state', async () => {
    server = await startEngineServer();
    const writers = Array.from({ length: 6 }, (_, i) => open(`u${i}`));
    await Promise.all(writers.map((c) => c.synced));
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 30; round++) {
      for (const [i, client] of writers.entries()) {
        const text = client.doc.getText('t');
        if (text.length > 0 && random() < 0.3) {
          const at = Math.floor(random() * text.length);
          text.delete(at, Math.min(3, text.length - at));
        } else {
          text.insert(Math.floor(random() * (text.length + 1)), `w${i}r${round};`);
        }
        client.doc.getMap('m').set(`k${Math.floor(random() * 10)}`, `${i}:${round}`);
      }
      if (round % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const same = () => writers.every((c) => contentOf(c.doc) === contentOf(writers[0]!.doc));
    await waitFor(same, 'convergence');
    expect(writers[0]!.doc.getText('t').length).toBeGreaterThan(100);

    const late = open('late');
    await late.synced;
    await waitFor(() => contentOf(late.doc) === contentOf(writers[0]!.doc), 'late joiner');
  });

  it("relays a writer's updates as sent, in order, and nothing sees the document without them", async () => {
    server = await startEngineServer();
    const bystander = open('bystander');
    await bystander.synced;
    const relayed: Uint8Array[] = [];
    bystander.provider.ws!.addEventListener('message', (event: MessageEvent) => {
      const bytes = new Uint8Array(event.data as ArrayBuffer);
      if (bytes[0] === 0 && bytes[1] === SYNC_UPDATE) relayed.push(bytes);
    });
    const writer = rawConnect(server.wsUrl, DOC, { 'x-user': 'writer', 'x-access': 'write' });
    await writer.opened;
    const source = new Y.Doc();
    const frames: Uint8Array[] = [];
    source.on('update', (update: Uint8Array) => frames.push(encodeSyncMessage(SYNC_UPDATE, update)));
    for (const word of ['each ', 'depends ', 'on the last'])
      source.getText('t').insert(source.getText('t').length, word);
    // One I/O turn, most likely one TCP segment: the second and third updates depend on the first being integrated,
    // and the sync step 1 right behind them must be answered from a document that holds all three.
    for (const frame of frames) writer.ws.send(frame);
    writer.ws.send(encodeSyncMessage(SYNC_STEP1, new Uint8Array([0])));
    await waitFor(() => writer.received.some((m) => m[0] === 0 && m[1] === 1), 'sync step 2 for the writer');
    const step2 = writer.received.find((m) => m[0] === 0 && m[1] === 1)!;
    const replica = new Y.Doc();
    Y.applyUpdate(replica, decoding.readVarUint8Array(decoding.createDecoder(step2.subarray(2))));
    expect(replica.getText('t').toString()).toBe('each depends on the last');
    expect(await server.engine.withDoc(DOC, (doc) => doc.getText('t').toString())).toBe('each depends on the last');
    expect(server.engine.metrics().rejectedFrames).toBe(0);
    await waitFor(() => relayed.length === 3, 'three relayed updates');
    expect(relayed.map((m) => Buffer.from(m).toString('hex'))).toEqual(
      frames.map((f) => Buffer.from(f).toString('hex')),
    );
    expect(bystander.doc.getText('t').toString()).toBe('each depends on the last');
    writer.ws.terminate();
  });

  it('merges offline edits on reconnect, both ways', async () => {
    server = await startEngineServer();
    const a = open('a');
    const b = open('b');
    await Promise.all([a.synced, b.synced]);
    a.doc.getText('t').insert(0, 'shared ');
    await waitFor(() => b.doc.getText('t').toString() === 'shared ', 'initial edit');

    a.provider.disconnect();
    a.doc.getText('t').insert(7, 'offline-a ');
    a.doc.getMap('m').set('a', 1);
    b.doc.getText('t').insert(0, 'online-b ');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.doc.getText('t').toString()).not.toContain('online-b');
    a.provider.connect();
    await waitFor(() => a.doc.getText('t').toString() === b.doc.getText('t').toString(), 'merge after reconnect');
    expect(b.doc.getText('t').toString()).toContain('offline-a');
    expect(b.doc.getText('t').toString()).toContain('online-b');
    expect(b.doc.getMap('m').get('a')).toBe(1);
  });

  it('keeps everything across a restart, and unloads idle docs without losing them', async () => {
    server = await startEngineServer({ limits: { unloadGraceMs: 50, compactMinLogBytes: 2048 } });
    const dataDir = server.dataDir;
    const a = open('a');
    await a.synced;
    for (let i = 0; i < 200; i++) a.doc.getText('t').insert(0, `line ${i}\n`);
    await waitFor(() => server.engine.metrics().storage.compactions > 0, 'a compaction');
    const expected = contentOf(a.doc);
    await waitFor(() => server.engine.metrics().storage.appendedRecords >= 200, 'records appended');
    a.destroy();
    clients.length = 0;
    await waitFor(() => server.engine.metrics().loadedDocs === 0, 'unload after grace');

    // Reloaded by a new peer in the same process, then again by a restarted engine on the same files.
    const b = open('b');
    await b.synced;
    expect(contentOf(b.doc)).toBe(expected);
    b.destroy();
    clients.length = 0;
    await server.close();
    server = await startEngineServer({ dataDir });
    const c = open('c');
    await c.synced;
    expect(contentOf(c.doc)).toBe(expected);
  });

  it('withDoc edits are persisted and broadcast; snapshots are immutable and verified', async () => {
    server = await startEngineServer();
    const a = open('a');
    await a.synced;
    await server.engine.withDoc(DOC, (doc) => doc.getText('t').insert(0, 'imported transcript'));
    await waitFor(() => a.doc.getText('t').toString() === 'imported transcript', 'server edit broadcast');
    const info = await server.engine.snapshot(DOC, 'round1');
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(server.engine.snapshot(DOC, 'round1')).rejects.toThrow();
    const frozen = new Y.Doc();
    Y.applyUpdate(frozen, await server.engine.readSnapshot(DOC, 'round1'));
    expect(frozen.getText('t').toString()).toBe('imported transcript');

    await server.engine.deletePrefix('p/proj1/');
    await expect(server.engine.readSnapshot(DOC, 'round1')).rejects.toThrow();
    const text = await server.engine.withDoc(DOC, (doc) => doc.getText('t').toString());
    expect(text).toBe('');
  });
});
