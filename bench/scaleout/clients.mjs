// Load-generator clients for `pnpm bench scale-out`: the clients of bench/sync/clients.mjs (a stock y-websocket
// provider; a light receiver speaking the same wire format without a Y.Doc), with what a real `accord serve` needs
// (the session cookie and the Origin on the upgrade request) and with the instance each socket landed on (nginx's
// X-Accord-Upstream header on the 101, or the instance's own address when connected straight), so that every
// delivery can be told same-instance or cross-instance.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { awarenessEcho, now, percentile, syncMessage, updateId } from '../sync/clients.mjs';

export { now, percentile };

/**
 * Delivery latencies: a writer's update is registered with the time taken just before Y.Map#set and the instance
 * its writer is on; every remote receipt of it (by its first struct id) is one delivery, on this process's clock.
 */
export class Deliveries {
  sent = new Map();
  pending = 0;
  all = [];
  cross = [];
  same = [];
  start = now();

  trackWriter(client) {
    client.doc.on('update', (update, origin) => {
      if (origin === client.provider) return;
      const id = updateId(update);
      if (id !== null) this.sent.set(id, { t: this.pending || now(), at: client.instance() });
    });
  }

  write(fn) {
    this.pending = now();
    fn();
    this.pending = 0;
  }

  received(update, receiver) {
    const sent = this.sent.get(updateId(update));
    if (sent === undefined) return;
    const latency = now() - sent.t;
    this.all.push(latency);
    (sent.at === receiver.instance() ? this.same : this.cross).push(latency);
  }

  reset() {
    this.all = [];
    this.cross = [];
    this.same = [];
    this.start = now();
    const cutoff = now() - 60_000;
    for (const [id, sent] of this.sent) {
      if (sent.t >= cutoff) break;
      this.sent.delete(id);
    }
  }

  summary() {
    const seconds = (now() - this.start) / 1000;
    const figures = (samples) => ({
      n: samples.length,
      p50: percentile(samples, 0.5),
      p99: percentile(samples, 0.99),
    });
    return {
      ...figures(this.all),
      perSec: this.all.length / seconds,
      cross: figures(this.cross),
      same: figures(this.same),
      samples: this.all.slice(),
      crossSamples: this.cross.slice(),
      sameSamples: this.same.slice(),
    };
  }
}

/** Where a socket is: `{ url, origin, cookie }` of an instance or of nginx; `direct` names the instance if straight. */
function socketOptions(target, cookie) {
  return { headers: { cookie, origin: target.origin }, perMessageDeflate: false };
}

/** The instance a socket's upgrade answer says it reached. */
function landingOf(target, response) {
  return target.direct ?? String(response.headers['x-accord-upstream'] ?? 'unknown');
}

/** A stock y-websocket provider with the cookie; `deliveries` (optional) timestamps the remote updates it applies. */
export function fullClient(target, room, cookie, deliveries) {
  const doc = new Y.Doc();
  let landed = target.direct ?? 'unknown';
  const options = socketOptions(target, cookie);
  const Polyfill = class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, options);
      this.on('upgrade', (response) => {
        landed = landingOf(target, response);
      });
    }
  };
  const provider = new WebsocketProvider(target.wsUrl, room, doc, { WebSocketPolyfill: Polyfill, disableBc: true });
  const synced = new Promise((resolve) => provider.once('synced', resolve));
  const client = {
    doc,
    provider,
    awareness: provider.awareness,
    synced,
    instance: () => landed,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
  if (deliveries) {
    doc.on('update', (update, origin) => {
      if (origin === provider) deliveries.received(update, client);
    });
  }
  return client;
}

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

function awarenessMessage(update) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/**
 * A receiver without a Y.Doc, as bench/sync/clients.mjs's lightClient (see there): sync step 1 with an empty state
 * vector, an empty step 2 in answer, every update timestamped by its first struct id, a real y-protocols Awareness
 * of its own, and remote awareness echoed back as y-websocket does.
 */
export function lightClient(target, room, cookie, deliveries) {
  const ws = new WebSocket(`${target.wsUrl}/${room}`, socketOptions(target, cookie));
  let landed = target.direct ?? 'unknown';
  ws.on('upgrade', (response) => {
    landed = landingOf(target, response);
  });
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  let resolveSynced;
  const synced = new Promise((resolve) => {
    resolveSynced = resolve;
  });
  const send = (message) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(message);
  };
  const client = {
    awareness,
    synced,
    instance: () => landed,
    destroy() {
      awareness.destroy();
      ws.close();
    },
  };
  awareness.on('update', ({ added, updated, removed }) => {
    send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, added.concat(updated, removed))));
  });
  ws.on('open', () => {
    send(syncMessage(0, EMPTY_STATE_VECTOR));
    if (awareness.getLocalState() !== null) {
      send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
    }
  });
  ws.on('message', (data) => {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === 0) {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === 0) send(syncMessage(1, EMPTY_UPDATE));
      else if (step === 1) resolveSynced();
      else if (deliveries) deliveries.received(payload, client);
    } else if (type === 1) {
      echoAwareness(decoding.readVarUint8Array(decoder));
    }
  });
  ws.on('error', () => {});
  const echoAwareness = awarenessEcho(awareness.clientID, send);
  return client;
}
