import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { anchorCoding } from '@accord/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createPool } from '../../server/src/db/index.js';
import { silentLogger } from '../../server/src/log.js';
import { ApiClient, TEST_PASSWORD } from '../helpers/server.js';
import {
  type ClusterCast,
  type ClusterInstance,
  login,
  type Person,
  seedCluster,
  signedInAt,
  startCluster,
  type TestCluster,
} from '../setup/cluster.js';
import { UPSTREAM_HEADER } from '../setup/nginx.js';
import { DOCUMENTED_SITE, siteConfig } from '../setup/nginxSite.mjs';
import { rawConnect, sleep, waitFor, whenSynced } from '../sync/helpers.js';

/**
 * The multi-instance deployment of docs/deploy.md, for real and on loopback: a throwaway PostgreSQL and Redis from
 * the Debian packages, three `accord serve --postgres URL --redis URL` processes (the built CLI) sharing nothing
 * else, and nginx in front with the documented site (REST by round robin without stickiness, each document's
 * WebSockets to one instance, WebSocket upgrades, TLS; a test-only plain listener spreads WebSockets by round robin).
 * Clients are stock y-websocket providers with real session cookies, connected straight to chosen instances (to
 * know where each one is) or through nginx (as browsers are; nginx names the instance that answered in a header).
 *
 * The tests run in order and share the cluster; the two that break something (an instance killed -9, Redis killed
 * -9 and restarted empty) come last.
 */
/** What the instances answer `/api/health` with their details to (the relay's counters among them). */
const METRICS_TOKEN = 'cluster-test-metrics-token-0123456789';

describe('three Accord instances on PostgreSQL and Redis behind nginx', () => {
  let cluster: TestCluster;
  let cast: ClusterCast;
  let instances: ClusterInstance[];
  const tabs: Tab[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ instances: 3, env: { ACCORD_METRICS_TOKEN: METRICS_TOKEN } });
    instances = cluster.instances;
    cast = await seedCluster(instances[0]!.url);
  }, 240_000);
  afterEach(() => {
    for (const tab of tabs.splice(0)) tab.destroy();
  });
  afterAll(async () => {
    for (const tab of tabs.splice(0)) tab.destroy();
    await cluster?.stop();
  }, 120_000);

  /** A browser tab: a stock provider with the person's session cookie, from the origin of the address it uses. */
  interface Tab {
    doc: Y.Doc;
    provider: WebsocketProvider;
    synced: Promise<void>;
    /** The instance each of its sockets landed on (from nginx's header; the instance itself when direct). */
    landings: string[];
    /** Close codes of its sockets, in order. */
    closes: number[];
    destroy(): void;
  }

  const open = (
    via: ClusterInstance | 'nginx',
    docName: string,
    who: Person,
    options: { tls?: boolean; maxBackoffTime?: number } = {},
  ): Tab => {
    const nginx = cluster.nginx;
    const base = via === 'nginx' ? (options.tls ? nginx.wssUrl : nginx.wsUrl) : via.wsUrl;
    const origin = via === 'nginx' ? (options.tls ? nginx.httpsUrl : nginx.url) : via.url;
    const landings: string[] = [];
    const closes: number[] = [];
    const headers = { cookie: who.client.cookie!, origin };
    const Polyfill = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers, ...(options.tls ? { ca: nginx.ca } : {}) });
        this.on('upgrade', (response) => {
          // nginx lists every upstream it tried ("dead:port, live:port"): the last one answered.
          landings.push(via === 'nginx' ? String(response.headers[UPSTREAM_HEADER]).split(', ').at(-1)! : via.address);
        });
      }
    };
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(base, docName, doc, {
      WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: options.maxBackoffTime ?? 300,
    });
    provider.on('connection-close', (event: CloseEvent | null) => closes.push(event?.code ?? 0));
    const synced = whenSynced(provider);
    const tab: Tab = {
      doc,
      provider,
      synced,
      landings,
      closes,
      destroy: () => {
        provider.destroy();
        doc.destroy();
      },
    };
    tabs.push(tab);
    return tab;
  };

  const layer = (coder: Person) => `p/${cast.project.id}/t/${cast.transcript.id}/c/${coder.id}`;
  const textDoc = () => `p/${cast.project.id}/t/${cast.transcript.id}/text`;
  const codebook = () => `p/${cast.project.id}/codebook`;
  const codings = (tab: Tab) => tab.doc.getMap('codings');
  const keys = (tab: Tab) => [...codings(tab).keys()].sort().join(',');
  const coding = (code: string, start = 0, end = 5) => {
    const text = new Y.Doc();
    text.getText('text').insert(0, 'Interviewer: How was treatment?');
    return anchorCoding(text, { code, start, end });
  };
  /** Two tabs hold the same document state (same state vector, same content). */
  const same = (a: Tab, b: Tab) =>
    Buffer.from(Y.encodeStateVector(a.doc)).equals(Buffer.from(Y.encodeStateVector(b.doc))) && keys(a) === keys(b);
  const closedWith = (tab: Tab) =>
    new Promise<number>((resolve) =>
      tab.provider.once('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)),
    );
  /** The status of a WebSocket handshake (101 when it opened), with the person's cookie. */
  const handshake = async (instance: ClusterInstance, docName: string, who: Person): Promise<number> => {
    const raw = rawConnect(instance.wsUrl, docName, { cookie: who.client.cookie!, origin: instance.url });
    try {
      await raw.opened;
      return 101;
    } catch (error) {
      return Number(/refused with (\d+)/.exec(String(error))?.[1] ?? 0);
    } finally {
      raw.ws.terminate();
    }
  };

  it('runs the nginx site docs/deploy.md shows, with this cluster in it', () => {
    const deploy = fs.readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    expect(deploy).toContain(siteConfig(DOCUMENTED_SITE));
    for (const instance of instances) expect(cluster.nginx.config).toContain(`server ${instance.address} max_fails`);
  });

  it('spreads requests over every instance without stickiness; a session made on one is valid on all', async () => {
    const viaNginx = signedInAt(cluster.nginx.url, cast.coder);
    const answeredBy = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const answer = await viaNginx.get('/api/session');
      expect(answer.status).toBe(200);
      expect(answer.body.user.id).toBe(cast.coder.id);
      answeredBy.add(answer.headers.get(UPSTREAM_HEADER)!);
    }
    expect([...answeredBy].sort()).toEqual(instances.map((instance) => instance.address).sort());

    // Signed in on instance 1, used on 0 and 2; signed out on 2, refused on 0 and 1.
    const signedIn = await login(instances[1]!.url, cast.coder2.email);
    for (const instance of instances) {
      const other = new ApiClient(instance.url);
      other.cookie = signedIn.cookie;
      expect((await other.get('/api/session')).body.user.id).toBe(cast.coder2.id);
    }
    const onTwo = new ApiClient(instances[2]!.url);
    onTwo.cookie = signedIn.cookie;
    onTwo.csrfToken = signedIn.csrfToken;
    expect((await onTwo.post('/api/auth/logout')).status).toBe(204);
    for (const instance of instances.slice(0, 2)) {
      const other = new ApiClient(instance.url);
      other.cookie = signedIn.cookie;
      expect((await other.get('/api/session')).status).toBe(401);
    }
  });

  it('coders on different instances co-code one transcript and converge, straight and through nginx', async () => {
    // The coder's layer in a tab on each instance, the second coder's on instance 2, watchers through nginx.
    const coderTabs = instances.map((instance) => open(instance, layer(cast.coder), cast.coder));
    const coder2Tab = open(instances[2]!, layer(cast.coder2), cast.coder2);
    const watchers = Array.from({ length: 6 }, (_, i) =>
      open('nginx', layer(cast.coder), i % 2 === 0 ? cast.owner : cast.coder2),
    );
    const coder2Watcher = open('nginx', layer(cast.coder2), cast.coder);
    await Promise.all([...coderTabs, coder2Tab, ...watchers, coder2Watcher].map((tab) => tab.synced));
    // Round robin put the watchers on every instance (nginx says where).
    const landed = new Set(watchers.map((tab) => tab.landings[0]));
    expect([...landed].sort()).toEqual(instances.map((instance) => instance.address).sort());

    for (let i = 0; i < 10; i++) {
      coderTabs.forEach((tab, n) => {
        codings(tab).set(`i${n}-${i}`, coding(`c${n}`, i, i + 3));
      });
    }
    // A deletion made on instance 1 of a coding made on instance 0.
    await waitFor(() => codings(coderTabs[1]!).has('i0-0'), 'a coding from instance 0 on instance 1');
    codings(coderTabs[1]!).delete('i0-0');
    codings(coder2Tab).set('x', coding('c9'));
    const everyone = [...coderTabs, ...watchers];
    await waitFor(
      () => codings(coderTabs[0]!).size === 29 && everyone.every((tab) => same(tab, coderTabs[0]!)),
      'the coder layer converged on every tab',
      15_000,
    );
    expect(codings(watchers[0]!).has('i0-0')).toBe(false);
    await waitFor(() => codings(coder2Watcher).has('x'), "the second coder's layer reached a watcher through nginx");

    // Presence crosses instances too, stamped with the authenticated user.
    coder2Tab.provider.awareness.setLocalStateField('selection', { from: 1, to: 4 });
    const id = coder2Tab.doc.clientID;
    await waitFor(() => coder2Watcher.provider.awareness.getStates().has(id), 'awareness through nginx');
    expect(coder2Watcher.provider.awareness.getStates().get(id)).toMatchObject({
      selection: { from: 1, to: 4 },
      user: { id: cast.coder2.id },
    });

    // Each instance's relay counters (docs/scale-out.md, "Operating Redis"): it published its coder's edits and
    // applied the others'.
    for (const instance of instances) {
      const response = await fetch(`${instance.url}/api/health`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      const { storage } = (await response.json()) as { storage: { relay: Record<string, number> } };
      expect(storage.relay.published).toBeGreaterThan(0);
      expect(storage.relay.applied).toBeGreaterThan(0);
      expect(Object.keys(storage.relay).sort()).toEqual(
        [
          'acks',
          'answered',
          'applied',
          'catchUps',
          'checks',
          'confirmed',
          'incomplete',
          'persistedUnconfirmed',
          'publishFailures',
          'published',
          'received',
          'storageReads',
          'unshared',
        ].sort(),
      );
    }
  });

  it('a blind round created on one instance closes other layers on all; revealed there, it opens them on all', async () => {
    const url = `/api/projects/${cast.project.id}/rounds`;
    // Before the round the coder watches the second coder's layer on instances 1 and 2.
    const peeking = [
      open(instances[1]!, layer(cast.coder2), cast.coder),
      open(instances[2]!, layer(cast.coder2), cast.coder),
    ];
    await Promise.all(peeking.map((tab) => tab.synced));
    const cut = peeking.map(closedWith);
    const created = await signedInAt(instances[0]!.url, cast.owner).post(url, {
      name: 'Blind pass',
      mode: 'blind',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const round = created.body.round;
    expect(await Promise.all(cut)).toEqual([4403, 4403]);

    // While it runs, no instance lets the coder open the second coder's layer (404, as for a missing document).
    const own = open(instances[2]!, layer(cast.coder2), cast.coder2);
    await own.synced;
    codings(own).set('blind', coding('c1'));
    for (const instance of instances) expect(await handshake(instance, layer(cast.coder2), cast.coder)).toBe(404);

    const revealed = await signedInAt(instances[0]!.url, cast.owner).post(`${url}/${round.id}/reveal`, {
      force: true,
    });
    expect(revealed.status, JSON.stringify(revealed.body)).toBe(200);
    // At once, on every instance: the layer opens (read only) and holds what was coded blind.
    const readers = instances.map((instance) => open(instance, layer(cast.coder2), cast.coder));
    await Promise.all(readers.map((tab) => tab.synced));
    for (const reader of readers) await waitFor(() => codings(reader).has('blind'), 'the revealed layer');
  });

  it('a member removed on one instance is cut on every instance (4403), REST included', async () => {
    const viewerTabs = instances.map((instance) => open(instance, layer(cast.coder), cast.viewer));
    const viewerText = open('nginx', textDoc(), cast.viewer);
    await Promise.all([...viewerTabs, viewerText].map((tab) => tab.synced));
    const cut = [...viewerTabs, viewerText].map(closedWith);
    const removed = await signedInAt(instances[1]!.url, cast.owner).delete(
      `/api/projects/${cast.project.id}/members/${cast.viewer.id}`,
    );
    expect(removed.status).toBe(204);
    expect(await Promise.all(cut)).toEqual([4403, 4403, 4403, 4403]);
    for (const instance of instances) {
      expect((await signedInAt(instance.url, cast.viewer).get(`/api/projects/${cast.project.id}`)).status).toBe(404);
      expect(await handshake(instance, layer(cast.coder), cast.viewer)).toBe(404);
    }
  });

  it('the login limit is shared: ten failures spread over the instances lock the account on every one', async () => {
    const email = `nobody-${Date.now()}@example.org`;
    for (let i = 0; i < 10; i++) {
      const answer = await new ApiClient(instances[i % 3]!.url).post('/api/auth/login', { email, password: 'wrong' });
      expect(answer.status, `attempt ${i + 1}`).toBe(401);
    }
    // No instance saw more than four: alone, each would allow six more.
    for (const base of [...instances.map((instance) => instance.url), cluster.nginx.url]) {
      const answer = await new ApiClient(base).post('/api/auth/login', { email, password: 'wrong' });
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('TLS at nginx: a Secure session cookie, wss, and the Host with its port for the origin check', async () => {
    const nginx = cluster.nginx;
    // Sign-in over TLS: nginx says the scheme (X-Forwarded-Proto), the instance trusts it and marks the cookie Secure.
    const signIn = await httpsRequest(nginx.httpsUrl, '/api/auth/login', nginx.ca, {
      method: 'POST',
      body: JSON.stringify({ email: cast.coder.email, password: TEST_PASSWORD }),
      headers: { 'content-type': 'application/json', origin: nginx.httpsUrl },
    });
    expect(signIn.status).toBe(200);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/;\s*Secure/i);
    const cookie = setCookie.split(';')[0]!;
    const tlsCoder: Person = { ...cast.coder, client: Object.assign(new ApiClient(nginx.httpsUrl), { cookie }) };

    const overTls = open('nginx', layer(cast.coder), tlsCoder, { tls: true });
    await overTls.synced;
    codings(overTls).set('over-tls', coding('c2'));
    const direct = open(instances[0]!, layer(cast.coder), cast.coder);
    await waitFor(() => codings(direct).has('over-tls'), 'an edit made over wss');

    // The same handshake through a proxy that passes `$host` (the port dropped) fails the origin check: 403.
    const badHost = rawConnect(`${nginx.hostWithoutPortUrl.replace('http', 'ws')}/ws`, layer(cast.coder), {
      cookie: cast.coder.client.cookie!,
      origin: nginx.hostWithoutPortUrl,
    });
    await expect(badHost.opened).rejects.toThrow('refused with 403');
    badHost.ws.terminate();
    // And a foreign origin is refused through the real listener too.
    const foreign = rawConnect(nginx.wsUrl, layer(cast.coder), {
      cookie: cast.coder.client.cookie!,
      origin: 'https://elsewhere.example',
    });
    await expect(foreign.opened).rejects.toThrow('refused with 403');
    foreign.ws.terminate();

    // The plain listener of the documented site only redirects to TLS.
    const redirected = await fetch(`${nginx.redirectUrl}/projects`, { redirect: 'manual' });
    expect(redirected.status).toBe(301);
    expect(redirected.headers.get('location')).toMatch(/^https:\/\/127\.0\.0\.1\/projects$/);
  });

  it('X-Forwarded-For: an instance records the address nginx saw, not one the client claims', async () => {
    // The client connects from 127.0.0.2 and claims another address; nginx appends the one it saw.
    const answer = await httpRequest(cluster.nginx.url, '/api/auth/login', {
      method: 'POST',
      localAddress: '127.0.0.2',
      body: JSON.stringify({ email: cast.owner.email, password: TEST_PASSWORD }),
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(answer.status).toBe(200);
    const rows = await cluster.postgres.query<{ details: unknown }>(
      `SELECT details FROM audit_log WHERE action = 'login' AND actor = $1 ORDER BY seq DESC LIMIT 1`,
      [cast.owner.id],
      new URL(cluster.databaseUrl).pathname.slice(1),
    );
    expect(JSON.stringify(rows[0]?.details)).toContain('"ip":"127.0.0.2"');
  });

  it('an update relayed before its commit outlives its instance: killed -9 uncommitted, another instance logs it', async () => {
    // Updates cross instances as soon as they are accepted, in parallel with their commit (scaleout/relay.ts). Here
    // the victim's commit is held by a lock on the updates table, the update reaches the witness, the victim is
    // killed -9 and its waiting INSERT terminated: the update was never committed by its instance. The witness, not
    // hearing it confirmed durable, logs it itself; the stored rows then hold it with nobody connected.
    const [witness, victim] = [instances[1]!, instances[2]!];
    const database = new URL(cluster.databaseUrl).pathname.slice(1);
    const writer = open(victim, codebook(), cast.owner);
    const watcher = open(witness, codebook(), cast.owner);
    await Promise.all([writer.synced, watcher.synced]);
    const pool = createPool({ url: cluster.databaseUrl, logger: silentLogger, maxConnections: 1 });
    const locker = await pool.connect();
    try {
      await locker.query('BEGIN');
      // SHARE mode: reads go on, INSERTs wait for the lock.
      await locker.query('LOCK TABLE document_updates IN SHARE MODE');
      writer.doc.getMap('redirects').set('relayed-early', 'kept');
      await waitFor(() => watcher.doc.getMap('redirects').has('relayed-early'), 'the update on the witness');
      const waitingInserts = () =>
        cluster.postgres.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'
             AND query LIKE 'INSERT INTO document_updates%'`,
          [database],
          database,
        );
      let waiting: { pid: number }[] = [];
      await waitFor(async () => {
        waiting = await waitingInserts();
        return waiting.length > 0;
      }, "the victim's INSERT waiting");
      await victim.kill();
      writer.destroy();
      // A dead client's INSERT would still run once the lock is free: end it, as a crash before the commit does.
      for (const { pid } of waiting) await cluster.postgres.query('SELECT pg_terminate_backend($1)', [pid], database);
      await waitFor(() => witness.log().includes('relay.unconfirmed_logged'), 'the witness logging the update', 10_000);
      await locker.query('COMMIT');
    } finally {
      locker.release();
      await pool.end();
    }
    watcher.destroy();
    // What the database holds for the document (its base and its updates since), read with no instance involved.
    const stored = new Y.Doc();
    await waitFor(async () => {
      const [document] = await cluster.postgres.query<{ base: Buffer | null }>(
        'SELECT base FROM documents WHERE name = $1',
        [codebook()],
        database,
      );
      const updates = await cluster.postgres.query<{ payload: Buffer }>(
        'SELECT payload FROM document_updates WHERE doc_name = $1 ORDER BY id',
        [codebook()],
        database,
      );
      for (const payload of [document?.base, ...updates.map((row) => row.payload)]) {
        if (payload) Y.applyUpdate(stored, new Uint8Array(payload));
      }
      return stored.getMap('redirects').get('relayed-early') === 'kept';
    }, 'the update in the stored rows');
    await victim.restart();
  }, 90_000);

  it('kill -9 of an instance mid-session: nothing accepted 100 ms before is lost; its clients reconnect through nginx and sync within 15 s', async () => {
    // Coders' tabs through nginx (some land on the victim), writing all along; a reference tab straight on instance 0.
    const coderTabs = Array.from({ length: 6 }, () =>
      open('nginx', layer(cast.coder), cast.coder, { maxBackoffTime: 2500 }),
    );
    await Promise.all(coderTabs.map((tab) => tab.synced));
    const victim = instances.find(
      (instance) => instance !== instances[0] && coderTabs.some((tab) => tab.landings[0] === instance.address),
    )!;
    expect(victim).toBeDefined();
    const reference = open(instances[0]!, layer(cast.coder), cast.owner);
    await reference.synced;
    const onVictim = coderTabs.filter((tab) => tab.landings[0] === victim.address);

    // Durability: writers straight on the victim, an observer there marks when each update was accepted (relayed).
    const writers = Array.from({ length: 4 }, () => open(victim, codebook(), cast.owner));
    const observer = open(victim, codebook(), cast.owner);
    await Promise.all([...writers, observer].map((tab) => tab.synced));
    const accepted = new Map<string, number>();
    observer.doc.getMap('redirects').observe((event) => {
      const now = Date.now();
      for (const key of event.keysChanged) if (!accepted.has(key)) accepted.set(key, now);
    });
    let seq = 0;
    const writing = writers.map((writer, i) =>
      setInterval(() => writer.doc.getMap('redirects').set(`w${i}-${seq++}`, String(Date.now())), 10),
    );
    const coding_ = coderTabs.map((tab, i) =>
      setInterval(() => codings(tab).set(`k${i}-${seq++}`, coding(`c${i}`)), 50),
    );
    await sleep(1500);
    const killedAt = Date.now();
    await victim.kill();
    for (const timer of writing) clearInterval(timer);
    // The writers and the observer must not resend after the restart: what counts is what the instances kept.
    for (const tab of [...writers, observer]) tab.destroy();
    // The coders keep coding through the outage; their tabs on the victim reconnect through nginx elsewhere.
    await waitFor(
      () => onVictim.every((tab) => tab.landings.length >= 2 && tab.provider.wsconnected),
      'the victim’s tabs reconnected through nginx',
      15_000,
    );
    for (const tab of onVictim) expect(tab.landings.at(-1)).not.toBe(victim.address);
    await sleep(200);
    for (const timer of coding_) clearInterval(timer);
    await waitFor(
      () => coderTabs.every((tab) => same(tab, reference)),
      'every coder tab in sync with the reference',
      Math.max(1000, 15_000 - (Date.now() - killedAt)),
    );
    expect(Date.now() - killedAt).toBeLessThan(15_000);

    // Restart the victim; a fresh reader there sees everything accepted up to 100 ms before the kill.
    await victim.restart();
    const reader = open(victim, codebook(), cast.owner);
    await reader.synced;
    const kept = new Set(reader.doc.getMap('redirects').keys());
    const missing = [...accepted].filter(([key, at]) => at <= killedAt && !kept.has(key));
    const oldestMissing = missing.length === 0 ? 0 : killedAt - Math.min(...missing.map(([, at]) => at));
    console.log(
      `instance kill -9: ${accepted.size} updates accepted on it, ${missing.length} missing after restart; ` +
        `oldest missing accepted ${oldestMissing} ms before the kill; ${onVictim.length} tabs moved`,
    );
    expect(accepted.size).toBeGreaterThan(100);
    expect(oldestMissing).toBeLessThanOrEqual(100);
  }, 90_000);

  it('the documented site sends every socket of a document to one instance; killed, its tabs move and sync', async () => {
    // A transcript of its own, so that no other test's instance holds its documents.
    const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/transcripts`, {
      title: 'Interview routed by document',
      text: 'Interviewer: How was treatment? P1: Hard at first.',
    });
    expect(created.status).toBe(201);
    const docName = `p/${cast.project.id}/t/${created.body.transcript.id}/c/${cast.coder.id}`;
    const relay = async (instance: ClusterInstance) => {
      const response = await fetch(`${instance.url}/api/health`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      return ((await response.json()) as { storage: { relay: Record<string, number> } }).storage.relay;
    };
    const before = await Promise.all(instances.map(relay));

    // Tabs through the documented TLS listener: the coder's in two, the owner's in two.
    const people = [cast.coder, cast.coder, cast.owner, cast.owner];
    const routed = people.map((who) => open('nginx', docName, who, { tls: true, maxBackoffTime: 1000 }));
    await Promise.all(routed.map((tab) => tab.synced));
    const home = routed[0]!.landings[0]!;
    expect(routed.map((tab) => tab.landings[0])).toEqual(people.map(() => home));
    // Its instance announced it once subscribed (a step 1 and an awareness query); their answers said nobody else
    // holds it.
    const homeAt = instances.findIndex((instance) => instance.address === home);
    await waitFor(
      async () => (await relay(instances[homeAt]!)).published - before[homeAt]!.published >= 2,
      'the document announced on its channel',
    );
    const writers = routed.slice(0, 2);
    writers.forEach((tab, n) => {
      for (let i = 0; i < 10; i++) codings(tab).set(`r${n}-${i}`, coding(`c${n}`, i, i + 3));
    });
    await waitFor(
      () => routed.every((tab) => codings(tab).size === 20 && same(tab, routed[0]!)),
      'the routed tabs converged',
    );
    // No other instance holds the document: its edits were not published, and no other instance applied any.
    const after = await Promise.all(instances.map(relay));
    instances.forEach((instance, i) => {
      if (instance.address === home) expect(after[i]!.unshared - before[i]!.unshared).toBeGreaterThanOrEqual(20);
      else expect(after[i]!.applied - before[i]!.applied).toBe(0);
    });

    // The instance holding it is killed: nginx skips it, and every tab lands on one other instance, in sync.
    const victim = instances.find((instance) => instance.address === home)!;
    await victim.kill();
    try {
      codings(writers[0]!).set('during', coding('c9'));
      await waitFor(
        () => routed.every((tab) => tab.landings.length >= 2 && tab.provider.wsconnected),
        'the routed tabs reconnected',
        15_000,
      );
      const moved = routed[0]!.landings.at(-1)!;
      expect(moved).not.toBe(home);
      expect(routed.map((tab) => tab.landings.at(-1))).toEqual(people.map(() => moved));
      codings(writers[1]!).set('after', coding('c8'));
      await waitFor(
        () => routed.every((tab) => codings(tab).size === 22 && same(tab, routed[0]!)),
        'the routed tabs converged on another instance',
        15_000,
      );
    } finally {
      await victim.restart();
    }
  }, 90_000);

  it('Redis killed -9 and restarted empty mid-session: within 10 s every instance and tab converged, none reconnected', async () => {
    const direct = instances.map((instance) => open(instance, layer(cast.coder), cast.coder));
    const viaNginx = Array.from({ length: 3 }, () => open('nginx', layer(cast.coder), cast.owner));
    const everyone = [...direct, ...viaNginx];
    await Promise.all(everyone.map((tab) => tab.synced));
    const closesBefore = everyone.map((tab) => tab.closes.length);
    codings(direct[0]!).set('before-redis', coding('c1'));
    await waitFor(() => everyone.every((tab) => codings(tab).has('before-redis')), 'relayed before the outage');

    await cluster.redis.kill();
    // Edits on every instance while Redis is gone, a deletion among them; each reaches its own instance's tabs.
    direct.forEach((tab, i) => {
      codings(tab).set(`during-${i}`, coding(`c${i}`));
    });
    codings(direct[2]!).delete('before-redis');
    await waitFor(() => !codings(direct[2]!).has('before-redis') && codings(direct[1]!).has('during-1'), 'local edits');

    await cluster.redis.restart();
    const returned = Date.now();
    await waitFor(
      () =>
        everyone.every((tab) => same(tab, direct[0]!)) &&
        [0, 1, 2].every((i) => codings(direct[0]!).has(`during-${i}`)) &&
        !codings(direct[0]!).has('before-redis'),
      'every tab converged after Redis returned',
      10_000,
    );
    expect(Date.now() - returned).toBeLessThan(10_000);
    expect(everyone.map((tab) => tab.closes.length)).toEqual(closesBefore);
    for (const tab of everyone) expect(tab.provider.wsconnected).toBe(true);

    // And edits cross instances again.
    codings(direct[1]!).set('after-redis', coding('c4'));
    await waitFor(() => everyone.every((tab) => codings(tab).has('after-redis')), 'relay after the restart');
  }, 60_000);
});

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function httpsRequest(
  base: string,
  path: string,
  ca: string,
  options: { method: string; body?: string; headers?: Record<string, string> },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request(`${base}${path}`, { method: options.method, headers: options.headers, ca }, (res) =>
      collect(res, resolve),
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

function httpRequest(
  base: string,
  path: string,
  options: { method: string; body?: string; headers?: Record<string, string>; localAddress?: string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}${path}`,
      { method: options.method, headers: options.headers, localAddress: options.localAddress },
      (res) => collect(res, resolve),
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

function collect(res: http.IncomingMessage, resolve: (answer: RawAnswer) => void): void {
  let body = '';
  res.on('data', (chunk) => {
    body += chunk;
  });
  res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
}
