import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type Client, connect, contentOf, waitFor } from '../../../test/sync/helpers.js';
import { encodeEnvelope } from '../../src/scaleout/wire.js';
import { type Instance, relayTestBed, SharedStorage, startInstance } from './harness.js';

/**
 * Two sync engines sharing one document storage (as instances share PostgreSQL) and one real redis-server, with
 * stock y-websocket clients: the relay's rules from docs/scale-out.md, one by one.
 */
describe('Redis relay between two sync engines', () => {
  const { redis, clients, instances } = relayTestBed();
  let storage: SharedStorage;
  let n = 0;

  const pair = async (options: { unloadGraceMs?: number; withStorageReads?: boolean } = {}) => {
    storage = new SharedStorage();
    const prefix = `t${++n}:`;
    const limits = options.unloadGraceMs === undefined ? undefined : { unloadGraceMs: options.unloadGraceMs };
    const readStored = options.withStorageReads === false ? undefined : (name: string) => storage.read(name);
    const common = { redisUrl: redis().url, prefix, limits, readStored };
    const a = await startInstance('a', { ...common, storage: storage.open() });
    const b = await startInstance('b', { ...common, storage: storage.open() });
    instances.push(a, b);
    return { a, b };
  };
  const open = (instance: Instance, docName: string, user: string, awareness: 'full' | 'presence' = 'full') => {
    const client = connect(instance.wsUrl, docName, { user, awareness });
    clients.push(client);
    return client;
  };
  /** Counts every closed connection of a client: the relay must never need a reconnect. */
  const closes = (client: Client) => {
    const counter = { count: 0 };
    client.provider.on('connection-close', () => counter.count++);
    return counter;
  };

  it('co-editing clients on two instances converge; each update is stored once, by the instance that took it', async () => {
    const { a, b } = await pair();
    const doc = 'p/one/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    const onB = open(b, doc, 'u2');
    await Promise.all([onA.synced, onB.synced]);

    onA.doc.getText('t').insert(0, 'from A. ');
    await waitFor(() => onB.doc.getText('t').toString() === 'from A. ', 'A to B');
    onB.doc.getMap('m').set('b', 1);
    await waitFor(() => onA.doc.getMap('m').get('b') === 1, 'B to A');

    // Interleaved, concurrent edits from both sides.
    for (let i = 0; i < 40; i++) {
      const client = i % 2 === 0 ? onA : onB;
      client.doc.getText('t').insert(client.doc.getText('t').length, `${i},`);
      if (i % 5 === 0) client.doc.getMap('m').set(`k${i}`, i);
    }
    await waitFor(() => contentOf(onA.doc) === contentOf(onB.doc), 'convergence');
    const edits = 2 + 40 + 8;
    await waitFor(() => storage.appended.get(doc) === edits, 'every edit stored');
    expect(contentOf(storage.state(doc))).toBe(contentOf(onA.doc));
    // Relayed updates were applied, not appended again (that would double the count), and none came back.
    expect(storage.appended.get(doc)).toBe(edits);
    expect(a.scaleOut.relay.stats.applied).toBeGreaterThan(0);
    expect(b.scaleOut.relay.stats.applied).toBeGreaterThan(0);
    expect(a.scaleOut.relay.stats.incomplete + b.scaleOut.relay.stats.incomplete).toBe(0);
  });

  it("awareness crosses instances, filtered by each receiver's policy, and leaves with its connection", async () => {
    const { a, b } = await pair();
    const doc = 'p/two/t/t1/c/u1';
    const writer = open(a, doc, 'u1');
    const full = open(b, doc, 'u2', 'full');
    const presence = open(b, doc, 'u3', 'presence');
    await Promise.all([writer.synced, full.synced, presence.synced]);

    writer.provider.awareness.setLocalState({ cursor: { anchor: 7 }, user: { colour: '#123456', name: 'forged' } });
    const writerId = writer.doc.clientID;
    await waitFor(() => full.provider.awareness.getStates().has(writerId), 'state on B (full)');
    await waitFor(() => presence.provider.awareness.getStates().has(writerId), 'state on B (presence)');
    // Stamped by the instance the writer is on: the server's word on who it is, not the client's.
    expect(full.provider.awareness.getStates().get(writerId)).toEqual({
      cursor: { anchor: 7 },
      user: { id: 'u1', name: 'Name of u1', colour: '#123456' },
    });
    expect(presence.provider.awareness.getStates().get(writerId)).toEqual({
      user: { id: 'u1', name: 'Name of u1', colour: '#123456' },
    });

    // A client joining B later gets the state at once, from B's copy of the awareness.
    const late = open(b, doc, 'u4');
    await late.synced;
    await waitFor(() => late.provider.awareness.getStates().has(writerId), 'state for a late joiner');

    // And states from B reach A.
    full.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
    await waitFor(
      () => (writer.provider.awareness.getStates().get(full.doc.clientID) as any)?.cursor?.anchor === 1,
      'B state on A',
    );

    writer.provider.disconnect();
    await waitFor(() => !full.provider.awareness.getStates().has(writerId), 'removed on B');
    await waitFor(() => !late.provider.awareness.getStates().has(writerId), 'removed for the late joiner');
  });

  it('Redis killed and restarted empty mid-session: every client converges within 10 s, none reconnects', async () => {
    const { a, b } = await pair();
    const doc = 'p/three/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    const onA2 = open(a, doc, 'u3');
    const onB = open(b, doc, 'u2');
    await Promise.all([onA.synced, onA2.synced, onB.synced]);
    const counters = [onA, onA2, onB].map(closes);
    onA.doc.getText('t').insert(0, 'before. ');
    await waitFor(() => onB.doc.getText('t').toString() === 'before. ', 'relayed before the outage');

    await redis().kill();
    await waitFor(() => !a.scaleOut.bus.connected && !b.scaleOut.bus.connected, 'both instances see the loss');
    // Edits on both sides, including a deletion (which no state vector shows) and text typed on both at once.
    onA.doc.getText('t').insert(0, 'A-outage. ');
    onB.doc.getText('t').delete(0, 'before. '.length);
    onB.doc.getText('t').insert(0, 'B-outage. ');
    onB.doc.getMap('m').set('during', 'B');
    // Within an instance, its own clients still see each other.
    await waitFor(() => onA2.doc.getText('t').toString().includes('A-outage'), 'A-local relay during the outage');
    // Both instances made their edits durable in the shared storage.
    await waitFor(() => (storage.appended.get(doc) ?? 0) >= 5, 'outage edits stored');
    expect(onA.doc.getText('t').toString()).not.toContain('B-outage');

    const recoveries = a.scaleOut.bus.recoveries + b.scaleOut.bus.recoveries;
    await redis().restart();
    const returned = Date.now();
    await waitFor(
      () => contentOf(onA.doc) === contentOf(onB.doc) && contentOf(onA2.doc) === contentOf(onB.doc),
      'convergence after the restart',
      10_000,
    );
    expect(Date.now() - returned).toBeLessThan(10_000);
    const text = onA.doc.getText('t').toString();
    expect(text).toContain('A-outage. ');
    expect(text).toContain('B-outage. ');
    expect(text).not.toContain('before. ');
    expect(onA.doc.getMap('m').get('during')).toBe('B');
    expect(counters.map((counter) => counter.count)).toEqual([0, 0, 0]);
    expect(a.scaleOut.bus.recoveries + b.scaleOut.bus.recoveries).toBe(recoveries + 2);

    // And the relay works again afterwards.
    onB.doc.getMap('m').set('after', 1);
    await waitFor(() => onA.doc.getMap('m').get('after') === 1, 'relay after the restart');
  });

  it('a document loaded only here catches up from storage what another instance wrote during the outage', async () => {
    const { a, b } = await pair({ unloadGraceMs: 50 });
    const doc = 'p/four/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    await onA.synced;
    onA.doc.getText('t').insert(0, 'A. ');
    await waitFor(() => storage.appended.get(doc) === 1, 'stored');

    await redis().kill();
    await waitFor(() => !a.scaleOut.bus.connected && !b.scaleOut.bus.connected, 'both instances see the loss');
    // B loads the document, a client edits it there and leaves, and B unloads it: only storage has the edit.
    const unloaded = b.engine.metrics().docsUnloaded;
    const onB = open(b, doc, 'u2');
    await onB.synced;
    onB.doc.getText('t').insert(3, 'B. ');
    await waitFor(() => storage.appended.get(doc) === 2, 'B edit stored');
    onB.provider.disconnect();
    await waitFor(() => b.engine.metrics().docsUnloaded > unloaded, 'B unloaded the document');
    const reads = a.scaleOut.relay.stats.storageReads;

    await redis().restart();
    await waitFor(() => onA.doc.getText('t').toString() === 'A. B. ', 'A caught up from storage', 10_000);
    expect(a.scaleOut.relay.stats.storageReads).toBeGreaterThan(reads);
  });

  it('an update that depends on one this copy missed is not applied; the document catches up whole', async () => {
    const { a } = await pair();
    const doc = 'p/five/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    await onA.synced;
    // Another instance ("ghost") accepted two updates and stored both, but its first publication was lost.
    const ghost = new Y.Doc();
    const updates: Uint8Array[] = [];
    ghost.on('update', (update: Uint8Array) => updates.push(update));
    ghost.getText('t').insert(0, 'one ');
    ghost.getText('t').insert(4, 'two');
    storage.docs.get(doc)!.push(...updates);
    const incomplete = a.scaleOut.relay.stats.incomplete;
    await a.scaleOut.bus.publish(
      `t${n}:doc:${doc}`,
      encodeEnvelope({ from: 'ghost', to: '', message: { kind: 'update', update: updates[1]!, seq: 2 } }),
    );
    await waitFor(() => onA.doc.getText('t').toString() === 'one two', 'caught up');
    expect(a.scaleOut.relay.stats.incomplete).toBe(incomplete + 1);
  });

  it('an update its instance never confirms durable is logged by the instance that applied it', async () => {
    // "ghost" accepted an update, published it at once and died before its commit: no confirmation ever comes.
    const { a } = await pair();
    const doc = 'p/lost/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    await onA.synced;
    const ghost = new Y.Doc();
    ghost.getText('t').insert(0, 'published before its commit');
    const update = Y.encodeStateAsUpdate(ghost);
    await a.scaleOut.bus.publish(
      `t${n}:doc:${doc}`,
      encodeEnvelope({ from: 'ghost', to: '', message: { kind: 'update', update, seq: 1 } }),
    );
    await waitFor(() => onA.doc.getText('t').toString() === 'published before its commit', 'applied on A');
    expect(storage.appended.get(doc) ?? 0).toBe(0);
    await waitFor(() => a.scaleOut.relay.stats.persistedUnconfirmed === 1, 'logged by A for want of a confirmation');
    await waitFor(() => storage.appended.get(doc) === 1, 'stored');
    expect(storage.state(doc).getText('t').toString()).toBe('published before its commit');
    expect(a.scaleOut.relay.heldUpdates()).toBe(0);
  });

  it('a confirmed update is released, never logged twice; confirmations cover every earlier update', async () => {
    const { a, b } = await pair();
    const doc = 'p/acked/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    const onB = open(b, doc, 'u2');
    await Promise.all([onA.synced, onB.synced]);
    // B's own updates: published at once, confirmed once durable; A releases each of them.
    for (let i = 0; i < 5; i++) onB.doc.getMap('m').set(`k${i}`, i);
    await waitFor(() => a.scaleOut.relay.stats.confirmed >= 1 && a.scaleOut.relay.heldUpdates() === 0, 'released');
    // A ghost's two updates, then one confirmation naming the second: both released.
    const ghost = new Y.Doc();
    const updates: Uint8Array[] = [];
    ghost.on('update', (update: Uint8Array) => updates.push(update));
    ghost.getText('g').insert(0, 'one ');
    ghost.getText('g').insert(4, 'two');
    const channel = `t${n}:doc:${doc}`;
    for (const [i, update] of updates.entries()) {
      await a.scaleOut.bus.publish(
        channel,
        encodeEnvelope({ from: 'ghost', to: '', message: { kind: 'update', update, seq: i + 1 } }),
      );
    }
    await waitFor(() => a.scaleOut.relay.heldUpdates() === 2, 'both held');
    const confirmed = a.scaleOut.relay.stats.confirmed;
    await a.scaleOut.bus.publish(
      channel,
      encodeEnvelope({ from: 'ghost', to: '', message: { kind: 'durable', seq: 2 } }),
    );
    await waitFor(() => a.scaleOut.relay.stats.confirmed === confirmed + 2, 'both confirmed');
    expect(a.scaleOut.relay.heldUpdates()).toBe(0);
    // Nothing is held, so nothing can be logged again: A stored only what it was given by its own client (none).
    expect(a.scaleOut.relay.stats.persistedUnconfirmed).toBe(0);
    expect(b.scaleOut.relay.stats.acks).toBeGreaterThan(0);
  });

  it('without a storage reader, a copy catches up from the other instances that have the document loaded', async () => {
    const { a, b } = await pair({ withStorageReads: false });
    const doc = 'p/six/t/t1/c/u1';
    const onA = open(a, doc, 'u1');
    const onB = open(b, doc, 'u2');
    await Promise.all([onA.synced, onB.synced]);
    await redis().kill();
    await waitFor(() => !a.scaleOut.bus.connected && !b.scaleOut.bus.connected, 'both instances see the loss');
    onA.doc.getMap('m').set('a', 1);
    onB.doc.getMap('m').set('b', 1);
    await redis().restart();
    await waitFor(
      () => onA.doc.getMap('m').get('b') === 1 && onB.doc.getMap('m').get('a') === 1,
      'exchange of step 1s after the restart',
      10_000,
    );
    expect(a.scaleOut.relay.stats.storageReads + b.scaleOut.relay.stats.storageReads).toBe(0);
  });

  it('a document one instance holds alone costs Redis nothing; another loading it gets everything, live', async () => {
    const { a, b } = await pair({ unloadGraceMs: 20 });
    const doc = 'p/alone/t/t1/c/u1';
    const relayA = a.scaleOut.relay;
    const onA = open(a, doc, 'u1');
    await onA.synced;
    // A's announcement (once subscribed, its step 1 and an awareness query) reached nobody else.
    await waitFor(() => !relayA.mayBeShared(doc), 'A knows it holds the document alone');
    const published = relayA.stats.published;
    const unshared = relayA.stats.unshared;
    for (let i = 0; i < 5; i++) onA.doc.getMap('m').set(`alone${i}`, i);
    onA.provider.awareness.setLocalStateField('cursor', { anchor: 3 });
    // Five updates and the awareness batch, none of them published (so there is nothing to confirm either): each
    // one is either published or counted here.
    await waitFor(() => relayA.stats.unshared === unshared + 6, 'updates and awareness kept here');
    await waitFor(() => storage.appended.get(doc) === 5, 'stored as ever');
    expect(relayA.stats.publishFailures).toBe(0);

    // B loads it: its step 1 tells A, whose answer carries what B lacks; from then on everything crosses live.
    const onB = open(b, doc, 'u2');
    await onB.synced;
    await waitFor(() => onB.doc.getMap('m').get('alone4') === 4, 'B has what A accepted alone');
    await waitFor(() => relayA.mayBeShared(doc), 'A heard of B');
    onA.doc.getMap('m').set('shared', 1);
    await waitFor(() => onB.doc.getMap('m').get('shared') === 1, 'A to B, relayed');
    onA.provider.awareness.setLocalStateField('cursor', { anchor: 9 });
    await waitFor(
      () => (onB.provider.awareness.getStates().get(onA.doc.clientID) as any)?.cursor?.anchor === 9,
      "A's cursor on B",
    );
    expect(relayA.stats.published).toBeGreaterThan(published);
    await waitFor(() => b.scaleOut.relay.heldUpdates() === 0, "B released A's update once A confirmed it");
    expect(b.scaleOut.relay.stats.persistedUnconfirmed).toBe(0);

    // B unloads it: A's next publication reaches only A, and A keeps the following ones here again.
    onB.destroy();
    await waitFor(() => b.engine.metrics().loadedDocs === 0, 'B unloaded the document');
    let i = 0;
    await waitFor(() => {
      onA.doc.getMap('m').set(`after${i++}`, i);
      return !relayA.mayBeShared(doc);
    }, 'A knows it is alone again');
    const unsharedAgain = relayA.stats.unshared;
    onA.doc.getMap('m').set('last', 1);
    await waitFor(() => relayA.stats.unshared > unsharedAgain, 'kept here');
    await waitFor(() => contentOf(storage.state(doc)) === contentOf(onA.doc), 'everything stored');
  });

  it('the control channel carries rechecks and ended sessions to the other instances, not back to the sender', async () => {
    const { a, b } = await pair();
    const heard: { instance: string; what: string }[] = [];
    for (const instance of [a, b]) {
      instance.scaleOut.control.handle({
        recheck: (project) => heard.push({ instance: instance.name, what: `recheck ${project ?? '*'}` }),
        sessionsEnded: (ids, reason) => heard.push({ instance: instance.name, what: `end ${ids.join(',')} ${reason}` }),
        resync: () => heard.push({ instance: instance.name, what: 'resync' }),
      });
    }
    await a.scaleOut.control.recheck('P1');
    await a.scaleOut.control.sessionsEnded(['h1', 'h2'], 'signed out');
    // Garbage on the channel is dropped, never thrown inside the subscriber.
    await a.scaleOut.bus.publish(`t${n}:control`, '{"v":1,"from":"x","type":"recheck","project":7}');
    await b.scaleOut.control.recheck();
    await waitFor(() => heard.length >= 3, 'messages heard');
    expect(heard).toEqual([
      { instance: 'b', what: 'recheck P1' },
      { instance: 'b', what: 'end h1,h2 signed out' },
      { instance: 'a', what: 'recheck *' },
    ]);

    heard.length = 0;
    await redis().restart();
    // Each instance resyncs itself when it recovers, and tells the others to.
    await waitFor(
      () => heard.some((entry) => entry.instance === 'a') && heard.some((entry) => entry.instance === 'b'),
      'resyncs after the restart',
      10_000,
    );
    expect(new Set(heard.map((entry) => entry.what))).toEqual(new Set(['resync']));
  });
});
