import { describe, expect, it } from 'vitest';
import { type RedisConnection, Sharing, type SharingTicket } from '../../src/scaleout/sharing.js';

/**
 * The rule by which an instance decides that no other holds a document (and stops publishing for it), as a table:
 * each row is a sequence of events on one document, and whether it may be shared afterwards. `take` takes a ticket
 * before a publication, `answer N` reads Redis's answer to it (N subscribers received it).
 */
type Step = 'subscribed' | 'take' | `answer ${number}` | 'heard' | 'lost' | 'back' | 'recovered' | 'reload';

const rows: [string, Step[], boolean][] = [
  ['loaded, nothing known yet', [], true],
  ['subscribed, and the first broadcast reached only this instance', ['subscribed', 'take', 'answer 1'], false],
  [
    'an answer of 1 before the own subscription is confirmed may be another instance',
    ['take', 'answer 1', 'subscribed'],
    true,
  ],
  ['two subscribers: another instance holds it', ['subscribed', 'take', 'answer 2'], true],
  ['alone, then a message from another instance', ['subscribed', 'take', 'answer 1', 'heard'], true],
  [
    'an answer of 1 older than a message heard meanwhile tells nothing',
    ['subscribed', 'take', 'heard', 'answer 1'],
    true,
  ],
  ['alone, then a broadcast that reached two again', ['subscribed', 'take', 'answer 1', 'take', 'answer 2'], true],
  [
    'shared, then the other left: the next broadcast reached one',
    ['subscribed', 'take', 'answer 2', 'take', 'answer 1'],
    false,
  ],
  ['an answer of 0 (own subscription gone) changes nothing', ['subscribed', 'take', 'answer 0'], true],
  ['Redis lost while the answer was under way', ['subscribed', 'take', 'lost', 'answer 1'], true],
  ['Redis lost and recovered while the answer was under way', ['subscribed', 'take', 'lost', 'back', 'answer 1'], true],
  ['no ticket while Redis is lost', ['subscribed', 'lost', 'take', 'back', 'answer 1'], true],
  ['alone, then Redis recovered: unknown again', ['subscribed', 'take', 'answer 1', 'lost', 'back', 'recovered'], true],
  ['after a recovery, the subscriptions are confirmed', ['lost', 'back', 'recovered', 'take', 'answer 1'], false],
  [
    'unloaded and loaded again: an answer for the old copy tells nothing',
    ['subscribed', 'take', 'reload', 'subscribed', 'answer 1'],
    true,
  ],
];

describe('Sharing: whether another instance may hold a document', () => {
  it.each(rows)('%s', (_name, steps, expected) => {
    const sharing = new Sharing();
    const connection: { connected: boolean; recoveries: number } & RedisConnection = { connected: true, recoveries: 0 };
    sharing.track('d');
    let ticket: SharingTicket | null = null;
    for (const step of steps) {
      if (step === 'subscribed') sharing.subscribed('d');
      else if (step === 'take') ticket = sharing.ticket('d', connection);
      else if (step.startsWith('answer ')) sharing.published(ticket, Number(step.slice(7)), connection);
      else if (step === 'heard') sharing.heard('d');
      else if (step === 'lost') connection.connected = false;
      else if (step === 'back') {
        connection.connected = true;
        connection.recoveries++;
      } else if (step === 'recovered') sharing.recovered();
      else if (step === 'reload') {
        sharing.forget('d');
        sharing.track('d');
      }
    }
    expect(sharing.mayBeShared('d')).toBe(expected);
  });

  it('a document not tracked counts as shared; events for it change nothing', () => {
    const sharing = new Sharing();
    sharing.subscribed('x');
    sharing.heard('x');
    expect(sharing.ticket('x', { connected: true, recoveries: 0 })).toBeNull();
    expect(sharing.mayBeShared('x')).toBe(true);
  });
});
