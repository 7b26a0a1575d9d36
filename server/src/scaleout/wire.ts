import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { RelayedAwarenessEntry } from '../sync/hooks.js';

/**
 * What instances say to each other on a document's channel, in binary (lib0 encoding): a version, the sender's
 * instance id, the instance it is meant for ('' for every one), then one message. Every subscriber of the channel
 * receives every message; each drops its own and those meant for another instance.
 */
export const WIRE_VERSION = 2;

export type RelayMessage =
  /**
   * An update the sender accepted, published at once; `seq` (increasing per sender) is what a later `durable`
   * confirms.
   */
  | { kind: 'update'; update: Uint8Array; seq: number }
  /** Every update the sender published on this channel up to `seq` is durable in the shared storage. */
  | { kind: 'durable'; seq: number }
  /** The sender's state vector; `reply`: answer with your own state vector too (the sender just (re)joined). */
  | { kind: 'step1'; stateVector: Uint8Array; reply: boolean }
  /** What the sender has that a step 1 lacked (durable before it was sent). */
  | { kind: 'step2'; update: Uint8Array }
  /** Awareness states of the sender's connections. */
  | { kind: 'awareness'; entries: RelayedAwarenessEntry[] }
  /** Asks every instance for the awareness states of its connections. */
  | { kind: 'queryAwareness' };

export interface Envelope {
  from: string;
  to: string;
  message: RelayMessage;
}

const KIND = { update: 0, step1: 1, step2: 2, awareness: 3, queryAwareness: 4, durable: 5 } as const;

export function encodeEnvelope({ from, to, message }: Envelope): Buffer {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, WIRE_VERSION);
  encoding.writeVarString(encoder, from);
  encoding.writeVarString(encoder, to);
  encoding.writeVarUint(encoder, KIND[message.kind]);
  switch (message.kind) {
    case 'update':
      encoding.writeVarUint8Array(encoder, message.update);
      encoding.writeVarUint(encoder, message.seq);
      break;
    case 'step2':
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'durable':
      encoding.writeVarUint(encoder, message.seq);
      break;
    case 'step1':
      encoding.writeVarUint8Array(encoder, message.stateVector);
      encoding.writeVarUint(encoder, message.reply ? 1 : 0);
      break;
    case 'awareness':
      encoding.writeVarUint(encoder, message.entries.length);
      for (const entry of message.entries) {
        encoding.writeVarUint(encoder, entry.clientId);
        encoding.writeVarUint(encoder, entry.clock);
        encoding.writeVarString(encoder, entry.userId);
        const present = entry.full !== null && entry.presence !== null;
        encoding.writeVarUint(encoder, present ? 1 : 0);
        if (present) {
          encoding.writeVarString(encoder, entry.full!);
          encoding.writeVarString(encoder, entry.presence!);
        }
      }
      break;
    case 'queryAwareness':
      break;
  }
  return Buffer.from(encoding.toUint8Array(encoder));
}

/** Only the header: enough to drop a message that is not for this instance without decoding the rest. */
export function readHeader(data: Uint8Array): { from: string; to: string; decoder: decoding.Decoder } | null {
  const decoder = decoding.createDecoder(data);
  if (decoding.readVarUint(decoder) !== WIRE_VERSION) return null;
  const from = decoding.readVarString(decoder);
  const to = decoding.readVarString(decoder);
  return { from, to, decoder };
}

/** The message after `readHeader`; throws on bytes that are not one (the caller logs and drops them). */
export function readMessage(decoder: decoding.Decoder): RelayMessage {
  const kind = decoding.readVarUint(decoder);
  switch (kind) {
    case KIND.update: {
      const update = decoding.readVarUint8Array(decoder);
      return { kind: 'update', update, seq: decoding.readVarUint(decoder) };
    }
    case KIND.durable:
      return { kind: 'durable', seq: decoding.readVarUint(decoder) };
    case KIND.step2:
      return { kind: 'step2', update: decoding.readVarUint8Array(decoder) };
    case KIND.step1:
      return {
        kind: 'step1',
        stateVector: decoding.readVarUint8Array(decoder),
        reply: decoding.readVarUint(decoder) === 1,
      };
    case KIND.awareness: {
      const count = decoding.readVarUint(decoder);
      const entries: RelayedAwarenessEntry[] = [];
      for (let i = 0; i < count; i++) {
        const clientId = decoding.readVarUint(decoder);
        const clock = decoding.readVarUint(decoder);
        const userId = decoding.readVarString(decoder);
        const present = decoding.readVarUint(decoder) === 1;
        const full = present ? decoding.readVarString(decoder) : null;
        const presence = present ? decoding.readVarString(decoder) : null;
        entries.push({ clientId, clock, userId, full, presence });
      }
      return { kind: 'awareness', entries };
    }
    case KIND.queryAwareness:
      return { kind: 'queryAwareness' };
    default:
      throw new Error(`unknown relay message kind ${kind}`);
  }
}
