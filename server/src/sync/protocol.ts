import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The y-websocket wire protocol (y-protocols/sync and /awareness), decoded strictly at the edge: a frame is one
 * message, fully consumed, or it is rejected. Outgoing messages are encoded once and shared by every recipient.
 */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The JSON text as sent; `'null'` removes the client's state. */
  state: string;
}

export type ClientMessage =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  | { type: 'syncStep2' | 'update'; update: Uint8Array }
  | { type: 'awareness'; entries: AwarenessEntry[] }
  | { type: 'queryAwareness' };

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Awareness entries one message may carry; a client sends its own and, at most, echoes of the others it knows. */
const MAX_AWARENESS_ENTRIES = 1024;

export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(frame);
    const message = readMessage(decoder);
    if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes');
    return message;
  } catch (error) {
    throw error instanceof ProtocolError ? error : new ProtocolError((error as Error).message);
  }
}

function readMessage(decoder: decoding.Decoder): ClientMessage {
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MESSAGE_SYNC: {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === SYNC_STEP1) return { type: 'syncStep1', stateVector: payload };
      if (step === SYNC_STEP2) return { type: 'syncStep2', update: payload };
      if (step === SYNC_UPDATE) return { type: 'update', update: payload };
      throw new ProtocolError(`unknown sync step ${step}`);
    }
    case MESSAGE_AWARENESS:
      return { type: 'awareness', entries: readAwarenessUpdate(decoding.readVarUint8Array(decoder)) };
    case MESSAGE_QUERY_AWARENESS:
      return { type: 'queryAwareness' };
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

function readAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > MAX_AWARENESS_ENTRIES) throw new ProtocolError('too many awareness entries');
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    entries.push({ clientId, clock, state });
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing awareness bytes');
  return entries;
}

function message(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * A sync message, built straight into one Buffer (type and step are single-byte varints): it is encoded once per
 * update and sent as is to every peer, so neither an encoder's growing buffers nor a copy per send are made.
 */
export function encodeSyncMessage(step: number, payload: Uint8Array): Buffer {
  let lengthBytes = 1;
  for (let n = payload.length; n > 0x7f; n = Math.floor(n / 0x80)) lengthBytes++;
  const out = Buffer.allocUnsafe(2 + lengthBytes + payload.length);
  out[0] = MESSAGE_SYNC;
  out[1] = step;
  let offset = 2;
  let n = payload.length;
  while (n > 0x7f) {
    out[offset++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 0x80);
  }
  out[offset++] = n;
  out.set(payload, offset);
  return out;
}

export function encodeAwarenessMessage(entries: readonly AwarenessEntry[]): Uint8Array {
  return message((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, entries.length);
    for (const entry of entries) {
      encoding.writeVarUint(inner, entry.clientId);
      encoding.writeVarUint(inner, entry.clock);
      encoding.writeVarString(inner, entry.state);
    }
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  });
}
