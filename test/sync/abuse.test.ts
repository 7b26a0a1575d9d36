import * as encoding from 'lib0/encoding';
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

const DOC = 'p/proj1/t/tr1/c/coder1';

function syncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

function awarenessMessage(clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  return encoding.toUint8Array(encoder);
}

describe('hostile input closes only the offender', () => {
  let server: EngineServer;
  const clients: Client[] = [];
  const raws: RawClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const raw of raws.splice(0)) raw.ws.terminate();
    await server?.close();
  });

  async function bystanders() {
    const a = connect(server.wsUrl, DOC, { user: 'alice' });
    const b = connect(server.wsUrl, DOC, { user: 'bob' });
    clients.push(a, b);
    await Promise.all([a.synced, b.synced]);
    return { a, b };
  }

  async function stillServing(a: Client, b: Client, marker: string) {
    a.doc.getMap('m').set(marker, true);
    await waitFor(() => b.doc.getMap('m').get(marker) === true, `bystanders still syncing (${marker})`);
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
  }

  function attacker(user = 'mallory'): RawClient {
    const raw = rawConnect(server.wsUrl, DOC, { 'x-user': user, 'x-access': 'write' });
    raws.push(raw);
    return raw;
  }

  it('garbage frames, text frames and unknown message types', async () => {
    server = await startEngineServer();
    const { a, b } = await bystanders();
    for (const frame of [
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
      Buffer.from([9]),
      Buffer.from([0, 1, 200]),
    ]) {
      const raw = attacker();
      await raw.opened;
      raw.ws.send(frame);
      expect((await raw.closed).code).toBe(1008);
    }
    const text = attacker();
    await text.opened;
    text.ws.send('hello');
    expect((await text.closed).code).toBe(1008);
    await stillServing(a, b, 'after-garbage');
    expect(server.engine.metrics().rejectedFrames).toBe(4);
  });

  it('oversize frames', async () => {
    server = await startEngineServer({ limits: { maxPayloadBytes: 64 * 1024 } });
    const { a, b } = await bystanders();
    const raw = attacker();
    await raw.opened;
    raw.ws.send(Buffer.alloc(100 * 1024, 1));
    expect((await raw.closed).code).toBe(1009);
    await stillServing(a, b, 'after-oversize');
  });

  it('an update with missing dependencies is neither stored nor broadcast', async () => {
    server = await startEngineServer();
    const { a, b } = await bystanders();
    const source = new Y.Doc();
    source.getText('t').insert(0, 'first');
    const before = Y.encodeStateVector(source);
    source.getText('t').insert(5, ' second');
    const dependent = Y.encodeStateAsUpdate(source, before);

    const raw = attacker();
    await raw.opened;
    raw.ws.send(syncUpdate(dependent));
    expect((await raw.closed).code).toBe(1008);
    expect(server.engine.metrics().rejectedByReason.missingDependencies).toBe(1);
    await stillServing(a, b, 'after-pending');
    expect(b.doc.getText('t').toString()).toBe('');
    const stored = await server.engine.withDoc(DOC, (doc) => ({
      text: doc.getText('t').toString(),
      pending: doc.store.pendingStructs,
    }));
    expect(stored).toEqual({ text: '', pending: null });
  });

  it('awareness spoofing another client id; states are stamped with the authenticated user', async () => {
    server = await startEngineServer();
    const { a, b } = await bystanders();
    a.provider.awareness.setLocalStateField('user', { name: 'Alice pretending to be Zed', colour: '#ff0000' });
    await waitFor(
      () => (b.provider.awareness.getStates().get(a.doc.clientID) as any)?.user?.colour === '#ff0000',
      'alice state',
    );
    const seen = b.provider.awareness.getStates().get(a.doc.clientID) as { user: { id: string; name: string } };
    expect(seen.user).toEqual({ id: 'alice', name: 'Name of alice', colour: '#ff0000' });

    const raw = attacker();
    await raw.opened;
    raw.ws.send(awarenessMessage(a.doc.clientID, 10_000, { user: { name: 'evil' }, cursor: 1 }));
    expect((await raw.closed).code).toBe(1008);
    expect(server.engine.metrics().rejectedByReason.awarenessSpoof).toBe(1);
    await stillServing(a, b, 'after-spoof');
    expect((b.provider.awareness.getStates().get(a.doc.clientID) as any).user.id).toBe('alice');

    const huge = attacker('trudy');
    await huge.opened;
    huge.ws.send(awarenessMessage(12345, 1, { blob: 'x'.repeat(20_000) }));
    expect((await huge.closed).code).toBe(1008);
  });

  it('a flood from one client', async () => {
    server = await startEngineServer({ limits: { messagesPerSecond: 100, messageBurst: 200 } });
    const { a, b } = await bystanders();
    const raw = attacker();
    await raw.opened;
    const source = new Y.Doc();
    for (let i = 0; i < 2000 && raw.ws.readyState === raw.ws.OPEN; i++) {
      const before = Y.encodeStateVector(source);
      source.getMap('m').set('flood', i);
      raw.ws.send(syncUpdate(Y.encodeStateAsUpdate(source, before)));
    }
    expect((await raw.closed).code).toBe(1008);
    expect(server.engine.metrics().rejectedByReason.rateLimited).toBe(1);
    await stillServing(a, b, 'after-flood');
  });
});

describe('access', () => {
  let server: EngineServer;
  const clients: Client[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.close();
  });
  const open = (user: string, access: 'read' | 'write', awareness: 'full' | 'presence' = 'full') => {
    const client = connect(server.wsUrl, DOC, { user, access, awareness });
    clients.push(client);
    return client;
  };

  it('a reader receives updates, but its own never reach others or disk; recheck downgrades and revokes', async () => {
    server = await startEngineServer();
    const writer = open('coder1', 'write');
    const viewer = open('viewer', 'read');
    const other = open('coder2', 'write');
    await Promise.all([writer.synced, viewer.synced, other.synced]);
    writer.doc.getMap('m').set('coding', 'c1');
    await waitFor(() => viewer.doc.getMap('m').get('coding') === 'c1', 'viewer receives');

    viewer.doc.getMap('m').set('forged', true);
    await waitFor(() => server.engine.metrics().droppedReadOnlyUpdates >= 1, 'drop counted');
    writer.doc.getMap('m').set('after', 1);
    await waitFor(() => other.doc.getMap('m').get('after') === 1, 'later write');
    expect(other.doc.getMap('m').has('forged')).toBe(false);
    expect(await server.engine.withDoc(DOC, (doc) => doc.getMap('m').has('forged'))).toBe(false);

    // Role downgrade on the open connection: the same socket stays, its writes stop counting.
    server.engine.recheck((ctx) => ({ access: ctx.user.id === 'coder2' ? 'read' : ctx.access, awareness: 'full' }));
    const dropped = server.engine.metrics().droppedReadOnlyUpdates;
    other.doc.getMap('m').set('after-downgrade', true);
    await waitFor(() => server.engine.metrics().droppedReadOnlyUpdates > dropped, 'downgraded write dropped');
    expect(writer.doc.getMap('m').has('after-downgrade')).toBe(false);
    expect(other.provider.wsconnected).toBe(true);

    // Revocation closes with a code y-websocket does not reconnect after.
    const closed = new Promise<{ code: number }>((resolve) =>
      viewer.provider.once('closed', (event) => resolve(event)),
    );
    server.engine.recheck((ctx) => ({ access: ctx.user.id === 'viewer' ? 'none' : ctx.access, awareness: 'full' }));
    expect((await closed).code).toBe(4403);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.engine.metrics().connections).toBe(2);
  });

  it('presence policy drops cursors and selections of others', async () => {
    server = await startEngineServer();
    const coder = open('coder1', 'write');
    const blind = open('coder2', 'write', 'presence');
    await Promise.all([coder.synced, blind.synced]);
    coder.provider.awareness.setLocalState({
      user: { colour: '#00ff00' },
      cursor: { anchor: 1, head: 5 },
      selection: [1, 5],
    });
    await waitFor(
      () => (blind.provider.awareness.getStates().get(coder.doc.clientID) as any)?.user?.colour === '#00ff00',
      'presence',
    );
    expect(blind.provider.awareness.getStates().get(coder.doc.clientID)).toEqual({
      user: { id: 'coder1', name: 'Name of coder1', colour: '#00ff00' },
    });
  });
});
