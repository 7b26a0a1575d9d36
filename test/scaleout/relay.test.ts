import fs from 'node:fs';
import { anchorCoding } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { editMetadata } from '../helpers/metadata.js';
import { ApiClient, seedProject, startTestServer, type TestServer, tempDataDir } from '../helpers/server.js';
import { startRedis, type TestRedis } from '../setup/redis.js';
import { type Client, connect, waitFor } from '../sync/helpers.js';

/**
 * Two real Accord servers sharing one real redis-server, with stock y-websocket clients authenticated by their
 * session cookies. Until the metadata and the documents live in PostgreSQL, each instance has its own data folder,
 * copied from one seeded folder (same accounts, sessions, project and transcript): the documents converge through
 * Redis alone, and the one access test that needs shared metadata changes both folders (see its comment).
 */
describe('two Accord instances sharing Redis', () => {
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  let cast: Awaited<ReturnType<typeof seedProject>>;
  const dirs: string[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const seedDir = tempDataDir();
    dirs.push(seedDir);
    const seeding = await startTestServer({ dataDir: seedDir });
    cast = await seedProject(seeding, 'Interviewer: How was treatment?\nP1: Hard at first.\n');
    await seeding.close();
    const copy = tempDataDir();
    dirs.push(copy);
    fs.cpSync(seedDir, copy, { recursive: true });
    const config = { redisUrl: redis.url };
    a = await startTestServer({ dataDir: seedDir, config });
    b = await startTestServer({ dataDir: copy, config });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await a?.close();
    await b?.close();
    await redis?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const layer = (coder: string) => `p/${cast.project.id}/t/${cast.transcript.id}/c/${coder}`;
  /** A socket of `who` on `server`, with its session cookie, from the server's own origin. */
  const open = (server: TestServer, docName: string, who: { client: ApiClient }) => {
    const client = connect(server.wsUrl, docName, {
      user: '',
      headers: { cookie: who.client.cookie!, origin: server.url },
    });
    clients.push(client);
    return client;
  };
  /** The same signed-in person talking to another instance (the session is valid on both). */
  const on = (server: TestServer, who: { client: ApiClient }) => {
    const client = new ApiClient(server.url);
    client.cookie = who.client.cookie;
    client.csrfToken = who.client.csrfToken;
    return client;
  };
  const coding = (code: string, start = 0, end = 5) => {
    const text = new Y.Doc();
    text.getText('text').insert(0, 'Interviewer: How was treatment?');
    return anchorCoding(text, { code, start, end });
  };
  const codings = (client: Client) => client.doc.getMap('codings');
  const keys = (client: Client) => [...codings(client).keys()].sort().join(',');
  const closedWith = (client: Client) =>
    new Promise<number>((resolve) => client.provider.once('connection-close', (event: any) => resolve(event?.code)));
  const reconnects = (client: Client) => {
    const counter = { count: 0 };
    client.provider.on('connection-close', () => counter.count++);
    return counter;
  };

  it('coders on different instances co-code one transcript and converge; presence crosses too', async () => {
    // The coder's layer open on both instances (two tabs), written from both; the second coder watches on B.
    const coderOnA = open(a, layer(cast.coder.id), cast.coder);
    const coderOnB = open(b, layer(cast.coder.id), cast.coder);
    const coder2OnB = open(b, layer(cast.coder2.id), cast.coder2);
    const coder2WatchingOnA = open(a, layer(cast.coder2.id), cast.coder);
    await Promise.all([coderOnA, coderOnB, coder2OnB, coder2WatchingOnA].map((client) => client.synced));

    for (let i = 0; i < 10; i++) {
      codings(coderOnA).set(`a${i}`, coding('c1', i, i + 3));
      codings(coderOnB).set(`b${i}`, coding('c2', i, i + 4));
    }
    codings(coder2OnB).set('x', coding('c3'));
    await waitFor(() => codings(coderOnA).size === 20 && keys(coderOnA) === keys(coderOnB), 'layer converged');
    await waitFor(() => codings(coder2WatchingOnA).has('x'), "coder 2's layer seen on A");

    // Presence: the second coder's selection on B reaches whoever has that layer open on A, stamped as theirs.
    coder2OnB.provider.awareness.setLocalStateField('selection', { from: 1, to: 4 });
    const id = coder2OnB.doc.clientID;
    await waitFor(() => coder2WatchingOnA.provider.awareness.getStates().has(id), 'awareness on A');
    expect(coder2WatchingOnA.provider.awareness.getStates().get(id)).toMatchObject({
      selection: { from: 1, to: 4 },
      user: { id: cast.coder2.id },
    });
    for (const client of [coderOnA, coderOnB, coder2OnB, coder2WatchingOnA]) client.destroy();
  });

  it('a member removed on A is cut on B at once', async () => {
    const watching = open(b, layer(cast.coder.id), cast.coder2);
    await watching.synced;
    const closed = closedWith(watching);
    // Until the metadata is shared, B learns of the removal through its own folder, silently: that alone closes
    // nothing (B re-decides sockets only when told), so the close below is the recheck that A sent through Redis.
    await editMetadata(b.server.ctx, (data) => {
      const project = data.projects.find((candidate) => candidate.id === cast.project.id)!;
      project.members = project.members.filter((member) => member.userId !== cast.coder2.id);
    });
    expect(watching.provider.wsconnected).toBe(true);
    const removed = await on(a, cast.owner).delete(`/api/projects/${cast.project.id}/members/${cast.coder2.id}`);
    expect(removed.status).toBe(204);
    expect(await closed).toBe(4403);
  });

  it('a sign-out on A closes the sockets its session opened on B (4401)', async () => {
    const viewerOnB = open(b, layer(cast.coder.id), cast.viewer);
    await viewerOnB.synced;
    const closed = closedWith(viewerOnB);
    const signedOut = await on(a, cast.viewer).post('/api/auth/logout');
    expect(signedOut.status).toBe(204);
    expect(await closed).toBe(4401);
  });

  it('the login limit is shared: ten failures spread over both instances lock the account on both', async () => {
    const email = `nobody-${Date.now()}@example.org`;
    for (let i = 0; i < 10; i++) {
      const server = i % 2 === 0 ? a : b;
      const answer = await new ApiClient(server.url).post('/api/auth/login', { email, password: 'wrong guess' });
      expect(answer.status, `attempt ${i + 1}`).toBe(401);
    }
    // Each instance has seen only five: alone, each would still allow five more.
    for (const server of [a, b]) {
      const answer = await new ApiClient(server.url).post('/api/auth/login', { email, password: 'wrong guess' });
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('Redis killed (kill -9) and restarted empty mid-session: every client converges within 10 s, none reconnects', async () => {
    const coderOnA = open(a, layer(cast.coder.id), cast.coder);
    const ownerOnB = open(b, layer(cast.coder.id), cast.owner);
    const coderOnB = open(b, layer(cast.coder.id), cast.coder);
    await Promise.all([coderOnA.synced, ownerOnB.synced, coderOnB.synced]);
    const counters = [coderOnA, ownerOnB, coderOnB].map(reconnects);
    codings(coderOnA).set('before', coding('c1'));
    await waitFor(() => codings(ownerOnB).has('before'), 'relayed before the outage');

    await redis.kill();
    // Edits on both instances while Redis is gone, a deletion among them.
    codings(coderOnA).set('during-a', coding('c2'));
    codings(coderOnB).set('during-b', coding('c3'));
    codings(coderOnB).delete('before');
    await waitFor(() => codings(ownerOnB).has('during-b') && !codings(ownerOnB).has('before'), 'B-local relay');

    await redis.restart();
    const returned = Date.now();
    await waitFor(
      () =>
        [coderOnA, ownerOnB, coderOnB].every(
          (client) =>
            keys(client) === keys(coderOnA) && codings(client).has('during-a') && codings(client).has('during-b'),
        ) && !codings(coderOnA).has('before'),
      'every client converged',
      10_000,
    );
    expect(Date.now() - returned).toBeLessThan(10_000);
    expect(counters.map((counter) => counter.count)).toEqual([0, 0, 0]);
    for (const client of [coderOnA, ownerOnB, coderOnB]) expect(client.provider.wsconnected).toBe(true);

    // And edits cross again (the owner only reads a coder's layer: the coder writes, on B).
    codings(coderOnB).set('after', coding('c4'));
    await waitFor(() => codings(coderOnA).has('after'), 'relay after the restart');
  });
});
