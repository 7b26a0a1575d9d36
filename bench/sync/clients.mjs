// Load-generator clients for bench/sync/run.mjs, the same for every server under test.
//
// - fullClient: the stock y-websocket WebsocketProvider with a Y.Doc (what the Accord web client runs). Writers are
//   always full clients, so every update the servers see is a real Yjs update made by Y.Map#set, and every awareness
//   message of a writer comes from y-protocols' Awareness.
// - lightClient: a receiver that speaks the same y-protocols wire format without a Y.Doc. It sends sync step 1
//   (empty state vector), answers the server's step 1 with an empty step 2, and for every sync update frame decodes
//   message type, sync step and the update bytes, then reads the update's first struct id (client, clock) to
//   timestamp it. Its own awareness is a real y-protocols Awareness (set at the workload's rate, renewed every 15 s
//   by y-protocols itself, removed on close). It does what y-websocket does with remote awareness, minus JSON.parse:
//   it keeps each remote client's clock and echoes back every entry y-protocols would count as "updated" (newer
//   clock, or a removal at the same clock), exactly as y-websocket's awareness 'update' handler rebroadcasts them, so
//   the servers receive the same echo traffic as from stock providers. It does not apply updates to a document.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export const now = () => performance.now();

/** The id of an update's first struct, `client:clock` (Yjs update v1: #clients, then #structs, client, clock). */
export function updateId(update) {
  const decoder = decoding.createDecoder(update);
  if (decoding.readVarUint(decoder) === 0) return null;
  decoding.readVarUint(decoder);
  const client = decoding.readVarUint(decoder);
  const clock = decoding.readVarUint(decoder);
  return `${client}:${clock}`;
}

/**
 * Latency samples. A writer's update is registered with the time taken just before Y.Map#set; every remote receipt
 * of that update (by id) is one delivery, latency = receipt - send on this process's clock.
 */
export class Recorder {
  samples = [];
  full = [];
  start = now();
  sent = new Map();
  pending = 0;

  /** Registers the updates a full client's doc emits for its own (local) changes. */
  trackWriter(c) {
    c.doc.on('update', (update, origin) => {
      if (origin === c.provider) return;
      const id = updateId(update);
      if (id !== null) this.sent.set(id, this.pending || now());
    });
  }

  /** Registers an update the caller is about to send itself (a pre-made frame, see the ceiling workload). */
  sending(id) {
    this.sent.set(id, now());
  }

  write(fn) {
    this.pending = now();
    fn();
    this.pending = 0;
  }

  received(update, isFull = false) {
    const t0 = this.sent.get(updateId(update));
    if (t0 === undefined) return;
    const latency = now() - t0;
    this.samples.push(latency);
    if (isFull) this.full.push(latency);
  }

  reset() {
    this.samples = [];
    this.full = [];
    this.start = now();
    // Keep the table bounded: every delivery of an update older than a minute has long arrived or never will.
    const cutoff = now() - 60_000;
    for (const [id, t] of this.sent) {
      if (t >= cutoff) break;
      this.sent.delete(id);
    }
  }

  /** The figures so far; `samples` is a copy, since deliveries keep arriving until the next reset. */
  summary() {
    return {
      n: this.samples.length,
      p50: percentile(this.samples, 0.5),
      p99: percentile(this.samples, 0.99),
      fullN: this.full.length,
      fullP99: percentile(this.full, 0.99),
      perSec: this.samples.length / ((now() - this.start) / 1000),
      samples: this.samples.slice(),
    };
  }
}

export function percentile(values, q) {
  const sorted = Float64Array.from(values).sort();
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : Number.NaN;
}

/** A stock y-websocket provider; `recorder` (optional) timestamps the remote updates its doc applies. */
export function fullClient(server, room, recorder) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(server.url, room, doc, { WebSocketPolyfill: WebSocket, disableBc: true });
  const synced = new Promise((resolve) => provider.once('synced', resolve));
  if (recorder) {
    doc.on('update', (update, origin) => {
      if (origin === provider) recorder.received(update, true);
    });
  }
  return {
    doc,
    provider,
    awareness: provider.awareness,
    synced,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());
const NULL_STATE = Buffer.from('null');

/** A y-protocols sync message: step 0 (state vector), 1 (reply) or 2 (update), as the stock provider frames it. */
export function syncMessage(step, payload) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

function awarenessMessage(update) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** A receiver without a Y.Doc (see the header); `recorder` timestamps the updates it receives. */
export function lightClient(server, room, recorder) {
  const ws = new WebSocket(`${server.url}/${room}`, { perMessageDeflate: false });
  // A real y-protocols Awareness for this client's own state (its doc is never written to).
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  let resolveSynced;
  const synced = new Promise((resolve) => {
    resolveSynced = resolve;
  });
  const send = (message) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(message);
  };
  awareness.on('update', ({ added, updated, removed }) => {
    const changed = added.concat(updated, removed);
    send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, changed)));
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
      else if (recorder) recorder.received(payload);
    } else if (type === 1) {
      echoAwareness(decoding.readVarUint8Array(decoder));
    }
  });
  ws.on('error', () => {});
  const echoAwareness = awarenessEcho(awareness.clientID, send);
  return {
    awareness,
    synced,
    destroy() {
      awareness.destroy();
      ws.close();
    },
  };
}

/**
 * What applyAwarenessUpdate + y-websocket's rebroadcast do, on the raw entries: a light client's handler for an
 * incoming awareness update that sends back the entries new to it (its own excepted), as a real client would.
 */
export function awarenessEcho(ownClientId, send) {
  const clocks = new Map();
  const present = new Set();
  return (update) => {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const echo = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state = decoding.readVarUint8Array(decoder);
      if (clientId === ownClientId) continue;
      const isNull = state.length === 4 && NULL_STATE.equals(state);
      const current = clocks.get(clientId) ?? 0;
      if (current < clock || (current === clock && isNull && present.has(clientId))) {
        clocks.set(clientId, clock);
        if (isNull) present.delete(clientId);
        else present.add(clientId);
        echo.push(clientId, clock, state);
      }
    }
    if (echo.length === 0) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, echo.length / 3);
    for (let i = 0; i < echo.length; i += 3) {
      encoding.writeVarUint(encoder, echo[i]);
      encoding.writeVarUint(encoder, echo[i + 1]);
      encoding.writeVarUint8Array(encoder, echo[i + 2]);
    }
    send(awarenessMessage(encoding.toUint8Array(encoder)));
  };
}
