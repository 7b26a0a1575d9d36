import net from 'node:net';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomAwareness } from '../../src/sync/awareness.js';
import { TokenBucket } from '../../src/sync/limits.js';
import { KeyedMutex } from '../../src/sync/mutex.js';
import {
  decodeClientMessage,
  encodeAwarenessMessage,
  encodeSyncMessage,
  ProtocolError,
} from '../../src/sync/protocol.js';
import { SendBatcher } from '../../src/sync/sendBatcher.js';
import { isSelfContained } from '../../src/sync/updates.js';

describe('protocol', () => {
  it('builds sync messages byte for byte like y-protocols (lib0 varints) at every length boundary', () => {
    for (const length of [0, 1, 127, 128, 129, 16_383, 16_384, 2_097_152]) {
      const payload = new Uint8Array(length).map((_, i) => i & 0xff);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      encoding.writeVarUint(encoder, 2);
      encoding.writeVarUint8Array(encoder, payload);
      expect(Buffer.from(encodeSyncMessage(2, payload)).equals(Buffer.from(encoding.toUint8Array(encoder)))).toBe(true);
    }
  });

  it('decodes the y-websocket messages and rejects anything else', () => {
    expect(decodeClientMessage(encodeSyncMessage(0, new Uint8Array([0])))).toEqual({
      type: 'syncStep1',
      stateVector: new Uint8Array([0]),
    });
    expect(decodeClientMessage(new Uint8Array([3]))).toEqual({ type: 'queryAwareness' });
    const awareness = encodeAwarenessMessage([{ clientId: 7, clock: 2, state: '{"a":1}' }]);
    expect(decodeClientMessage(awareness)).toEqual({
      type: 'awareness',
      entries: [{ clientId: 7, clock: 2, state: '{"a":1}' }],
    });
    for (const bad of [[], [0], [0, 9, 0], [0, 2, 5, 1], [2], [1, 1, 255], [3, 0]]) {
      expect(() => decodeClientMessage(new Uint8Array(bad)), JSON.stringify(bad)).toThrow(ProtocolError);
    }
  });
});

describe('isSelfContained', () => {
  it('accepts updates whose dependencies exist and rejects those that would stay pending', () => {
    const source = new Y.Doc();
    source.getText('t').insert(0, 'abc');
    const first = Y.encodeStateAsUpdate(source);
    const sv = Y.encodeStateVector(source);
    source.getText('t').insert(1, 'X');
    const second = Y.encodeStateAsUpdate(source, sv);
    const sv2 = Y.encodeStateVector(source);
    source.getText('t').delete(0, 2);
    const deletion = Y.encodeStateAsUpdate(source, sv2);

    const server = new Y.Doc();
    expect(isSelfContained(server, second)).toBe(false);
    expect(isSelfContained(server, first)).toBe(true);
    expect(isSelfContained(server, Y.mergeUpdates([first, second]))).toBe(true);
    Y.applyUpdate(server, first);
    expect(isSelfContained(server, second)).toBe(true);

    // Another client's insert next to content the server has not seen yet.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(source));
    const before = Y.encodeStateVector(other);
    other.getText('t').insert(1, 'Z');
    const dependent = Y.encodeStateAsUpdate(other, before);
    expect(isSelfContained(server, dependent)).toBe(false);
    expect(isSelfContained(server, deletion)).toBe(false);
    expect(() => isSelfContained(server, new Uint8Array([5, 5, 5]))).toThrow();
  });
});

describe('RoomAwareness', () => {
  const owner = (userId: string) => ({ userId, userName: `N ${userId}`, awarenessClientId: null as number | null });

  it('binds a connection to its client id, stamps states, filters presence and throttles renewals', () => {
    const room = new RoomAwareness(1000, 10_000);
    const alice = owner('alice');
    expect(
      room.apply(
        alice,
        [{ clientId: 1, clock: 1, state: '{"cursor":3,"user":{"name":"Eve","colour":"#ff0000","admin":true}}' }],
        0,
      ),
    ).toBe('ok');
    expect(alice.awarenessClientId).toBe(1);
    const batch = room.takeBatch(0)!;
    expect(decodeClientMessage(batch.full)).toEqual({
      type: 'awareness',
      entries: [
        { clientId: 1, clock: 1, state: '{"cursor":3,"user":{"id":"alice","name":"N alice","colour":"#ff0000"}}' },
      ],
    });
    expect(decodeClientMessage(batch.presence)).toMatchObject({
      entries: [{ state: '{"user":{"id":"alice","name":"N alice","colour":"#ff0000"}}' }],
    });

    // Renewal of an unchanged state: relayed only after the renewal interval.
    room.apply(
      alice,
      [{ clientId: 1, clock: 2, state: '{"cursor":3,"user":{"name":"Eve","colour":"#ff0000","admin":true}}' }],
      1000,
    );
    expect(room.takeBatch(1000)).toBeNull();
    room.apply(
      alice,
      [{ clientId: 1, clock: 3, state: '{"cursor":3,"user":{"name":"Eve","colour":"#ff0000","admin":true}}' }],
      20_000,
    );
    expect(room.takeBatch(20_000)).not.toBeNull();

    const bob = owner('bob');
    expect(room.apply(bob, [{ clientId: 1, clock: 2, state: 'null' }], 0)).toBe('ok'); // a stale echo: ignored
    expect(room.apply(bob, [{ clientId: 1, clock: 9, state: '{}' }], 0)).toBe('spoof');
    expect(room.apply(owner('carol'), [{ clientId: 5, clock: 1, state: '[1]' }], 0)).toBe('invalid');
    expect(room.apply(owner('dave'), [{ clientId: 6, clock: 1, state: 'x'.repeat(2000) }], 0)).toBe('invalid');

    room.removeOwner(alice);
    expect(decodeClientMessage(room.takeBatch(0)!.full)).toMatchObject({
      entries: [{ clientId: 1, clock: 3, state: 'null' }],
    });
    expect(room.snapshot('full')).toBeNull();
  });
});

describe('awareness user', () => {
  const stamped = (user: unknown) => {
    const room = new RoomAwareness(1000, 10_000);
    const owner = { userId: 'u1', userName: 'Real Name', awarenessClientId: null as number | null };
    expect(room.apply(owner, [{ clientId: 1, clock: 1, state: JSON.stringify({ user, x: 1 }) }], 0)).toBe('ok');
    const full = decodeClientMessage(room.takeBatch(0)!.full);
    return full.type === 'awareness' ? JSON.parse(full.entries[0]!.state).user : null;
  };

  it.each([
    [
      { id: 'x', admin: true, name: 'Boss', evil: '<script>' },
      { id: 'u1', name: 'Real Name' },
    ],
    [
      { id: 'x', name: 'Boss', colour: '#a1B2c3' },
      { id: 'u1', name: 'Real Name', colour: '#a1B2c3' },
    ],
    [{ colour: 'red' }, { id: 'u1', name: 'Real Name' }],
    [{ colour: '#fff' }, { id: 'u1', name: 'Real Name' }],
    [{ colour: '#123456;background:url(x)' }, { id: 'u1', name: 'Real Name' }],
    [{ colour: { toString: '#123456' } }, { id: 'u1', name: 'Real Name' }],
    [{ color: '#123456' }, { id: 'u1', name: 'Real Name' }],
    ['a string', { id: 'u1', name: 'Real Name' }],
    [['#123456'], { id: 'u1', name: 'Real Name' }],
    [null, { id: 'u1', name: 'Real Name' }],
    [undefined, { id: 'u1', name: 'Real Name' }],
  ])('a claimed user %j is relayed as %j', (claimed, relayed) => {
    expect(stamped(claimed)).toEqual(relayed);
  });
});

describe('limits and mutex', () => {
  it('a token bucket allows its burst, then refuses', () => {
    const bucket = new TokenBucket(1, 3);
    expect([bucket.take(1), bucket.take(1), bucket.take(1), bucket.take(1)]).toEqual([true, true, true, false]);
  });

  it('runs tasks of one key one at a time, in order, surviving failures', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const slow = mutex.run('a', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('a1');
      throw new Error('boom');
    });
    const next = mutex.run('a', () => order.push('a2'));
    const other = mutex.run('b', () => order.push('b1'));
    await expect(slow).rejects.toThrow('boom');
    await Promise.all([next, other]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });
});

describe('SendBatcher', () => {
  it("holds a socket's writes of one tick and releases them together, in order, at the end of the tick", async () => {
    const received: Buffer[] = [];
    const server = net.createServer((conn) => conn.on('data', (chunk) => received.push(chunk)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const batcher = new SendBatcher();
    for (const part of ['one ', 'two ', 'three']) {
      batcher.hold(socket);
      socket.write(part);
    }
    expect(socket.writableCorked).toBe(1);
    expect(socket.writableLength).toBe('one two three'.length);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(socket.writableCorked).toBe(0);
    batcher.hold(socket);
    socket.write(' four');
    expect(socket.writableCorked).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Buffer.concat(received).toString()).toBe('one two three four');
    socket.destroy();
    server.close();
  });
});
