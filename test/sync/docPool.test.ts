/// <reference lib="dom" />
// The pool is client code: it sees the DOM types (it runs in Node here, without IndexedDB).
import { addCoding, codingsMap, docName, transcriptText } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DocPool } from '../../client/src/sync/pool.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The tab's document pool against the real server (real y-websocket, real sockets): an open round's dashboard over
 * 40 transcripts x 4 coders reads 200 documents, and the pool must not open 200 WebSockets for it. The server's
 * own connection count (`ctx.sync.metrics().connections`) is the measure.
 */
const TRANSCRIPTS = 40;
const MAX_LIVE = 24;
// A socket the client closed is counted by the server until its close frame arrives, which may be after the next
// socket's upgrade: allow those few in flight, nowhere near one per document.
const IN_FLIGHT = 6;

describe('document connections are bounded', () => {
  let test: TestServer;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  const names: string[] = [];
  const pools: DocPool[] = [];

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    const coders = [seed.coder, seed.coder2];
    for (const n of [3, 4]) {
      const user = await test.addUser(`coder${n}-${seed.project.id}@example.org`, `Coder ${n}`);
      const added = await seed.owner.client.post(`/api/projects/${seed.project.id}/members`, {
        email: user.email,
        role: 'coder',
      });
      expect(added.status).toBe(201);
      coders.push({ ...user, name: `Coder ${n}`, client: await test.login(user.email) } as (typeof coders)[0]);
    }
    const transcripts = [seed.transcript.id];
    for (let i = 1; i < TRANSCRIPTS; i++) {
      const text = `Interviewer: Question ${i}?\nP${i}: Answer number ${i}.\n`;
      const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
        title: `Interview ${i}`,
        participant: `P${i}`,
        text,
        turns: [
          { start: 0, speaker: 'Interviewer' },
          { start: text.indexOf(`P${i}:`), speaker: `P${i}` },
        ],
      });
      expect(created.status).toBe(201);
      transcripts.push(created.body.transcript.id);
    }
    for (const transcript of transcripts) {
      const textName = docName({ kind: 'text', project: seed.project.id, transcript });
      names.push(textName);
      for (const coder of coders) {
        const layer = docName({ kind: 'codings', project: seed.project.id, transcript, coder: coder.id });
        names.push(layer);
        // One coding per layer, so every layer read from the server can be checked.
        await test.server.ctx.sync.withDoc(textName, (text) =>
          test.server.ctx.sync.withDoc(layer, (doc) => {
            addCoding(doc, text, { code: `code-${coder.id}`, start: 0, end: 5 }, `c-${transcript}-${coder.id}`);
          }),
        );
      }
    }
    expect(names.length).toBe(TRANSCRIPTS * 5);
  }, 120_000);

  afterAll(async () => {
    for (const pool of pools) pool.closeAll();
    await test?.close();
  });

  const poolAs = (options: { maxLive?: number; turnMs?: number } = {}, client = seed.owner.client) => {
    const cookie = client.cookie!;
    const origin = test.url;
    const Authed = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie, origin } });
      }
    };
    const pool = new DocPool(test.wsUrl, {
      ...options,
      WebSocketPolyfill: Authed as unknown as typeof globalThis.WebSocket,
    });
    pools.push(pool);
    return pool;
  };

  it('reads 200 documents in the background over at most 24 sockets, and keeps them following the server', async () => {
    const pool = poolAs({ maxLive: MAX_LIVE, turnMs: 150 });
    let maxServer = 0;
    let maxPool = 0;
    const measure = () => {
      maxServer = Math.max(maxServer, test.server.ctx.sync.metrics().connections);
      maxPool = Math.max(maxPool, pool.liveCount);
    };
    // The transcript being looked at is shown (foreground) while the dashboard reads everything in the background.
    const shown = pool.acquire(names[0]!);
    const open = names.map((name) => pool.acquireBackground(name));
    for (const entry of open) {
      entry.provider.on('status', measure);
      entry.provider.on('sync', measure);
    }
    await expect.poll(() => open.filter((entry) => entry.loaded).length, { timeout: 60_000, interval: 50 }).toBe(200);
    measure();
    expect(maxPool).toBeLessThanOrEqual(MAX_LIVE);
    expect(maxServer).toBeLessThanOrEqual(MAX_LIVE + IN_FLIGHT);
    expect(maxServer).toBeGreaterThan(0);

    // Every document holds what the server has.
    const layers = open.filter((entry) => codingsMap(entry.doc).size > 0);
    const texts = open.filter((entry) => transcriptText(entry.doc).length > 0);
    expect(layers.length).toBe(TRANSCRIPTS * 4);
    expect(texts.length).toBe(TRANSCRIPTS);

    // The shown document stays connected throughout, and a change on the server to a background document that is
    // not connected now reaches the pool when its turn comes.
    expect(shown.provider.wsconnected).toBe(true);
    const idle = open.find((entry) => codingsMap(entry.doc).size > 0 && !entry.provider.wsconnected)!;
    expect(idle).toBeDefined();
    await test.server.ctx.sync.withDoc(idle.name, (doc) => {
      codingsMap(doc).delete([...codingsMap(doc).keys()][0]!);
    });
    await expect.poll(() => codingsMap(idle.doc).size, { timeout: 30_000, interval: 50 }).toBe(0);
    measure();
    expect(maxPool).toBeLessThanOrEqual(MAX_LIVE);
    expect(maxServer).toBeLessThanOrEqual(MAX_LIVE + IN_FLIGHT);

    for (const entry of open) pool.releaseBackground(entry.name);
    pool.release(names[0]!);
  }, 120_000);

  it('counts changes the server has not been sent, until the sync that sends them', async () => {
    // The first coder's own layer of the first transcript: theirs to write.
    const pool = poolAs({}, seed.coder.client);
    const layer = names[1]!;
    const text = pool.acquire(names[0]!);
    await expect.poll(() => text.provider.synced, { timeout: 10_000 }).toBe(true);
    const open = pool.acquire(layer);
    // Made before the pool has even connected the layer (an empty local doc, as offline): waiting.
    addCoding(open.doc, text.doc, { code: 'offline', start: 0, end: 3 }, 'offline-1');
    expect(pool.pendingCount()).toBe(1);
    expect(pool.hasPending).toBe(true);
    await expect.poll(() => pool.pendingCount(), { timeout: 10_000 }).toBe(0);
    const onServer = (id: string) => test.server.ctx.sync.withDoc(layer, (doc) => codingsMap(doc).has(id));
    await expect.poll(() => onServer('offline-1'), { timeout: 10_000 }).toBe(true);
    // Once synced, a change goes straight out and is not counted.
    addCoding(open.doc, text.doc, { code: 'online', start: 0, end: 3 }, 'online-1');
    expect(pool.pendingCount()).toBe(0);
    await expect.poll(() => onServer('online-1'), { timeout: 10_000 }).toBe(true);
    pool.release(layer);
    pool.release(names[0]!);
  });

  it('keeps every document live while they fit', async () => {
    const pool = poolAs({ maxLive: MAX_LIVE });
    const open = names.slice(0, 10).map((name) => pool.acquireBackground(name));
    await expect.poll(() => open.every((entry) => entry.provider.synced), { timeout: 20_000 }).toBe(true);
    expect(pool.liveCount).toBe(10);
    for (const entry of open) pool.releaseBackground(entry.name);
  });
});
