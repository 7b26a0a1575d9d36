import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metadata } from '../../server/src/metadata/repositories.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { openDoc } from './helpers.js';

/**
 * Access decisions read the metadata asynchronously (server/src/metadata/repositories.ts). A WebSocket upgrade
 * whose decision read the rounds before a blind round was created, and finished after the round's recheck looked at
 * every open socket, must not open with the access from before: it is decided again (server/src/http/upgrade.ts).
 * The race is made certain, not hoped for: the upgrade's read of the rounds is held until the round exists.
 */
let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;

beforeAll(async () => {
  test = await startTestServer();
  cast = await seedProject(test);
});
afterAll(async () => {
  await test.close();
});

/** Holds the next read of a project's rounds, after it has read them, until `release()`; `reached` when it waits. */
function holdNextRoundsRead(ctx: { metadata: Metadata }) {
  const real = ctx.metadata;
  let reached!: () => void;
  let release!: () => void;
  const isReached = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let armed = true;
  const rounds: Metadata['rounds'] = {
    ...real.rounds,
    listByProject: async (projectId) => {
      const value = await real.rounds.listByProject(projectId);
      if (armed) {
        armed = false;
        reached();
        await released;
      }
      return value;
    },
  };
  ctx.metadata = Object.create(real, { rounds: { value: rounds } }) as Metadata;
  return { reached: isReached, release, restore: () => (ctx.metadata = real) };
}

describe('asynchronous access decisions', () => {
  it('a socket decided before a blind round, accepted after its recheck, is decided again and refused', async () => {
    const layer = `p/${cast.project.id}/t/${cast.transcript.id}/c/${cast.coder.id}`;
    // Before any round, a coder reads another coder's layer.
    const before = openDoc(test.wsUrl, layer, cast.coder2.client.cookie!, test.url);
    await before.opened;
    before.ws.close();

    const hold = holdNextRoundsRead(test.server.ctx);
    try {
      const racing = openDoc(test.wsUrl, layer, cast.coder2.client.cookie!, test.url);
      await hold.reached;
      // The decision in flight has read no round; now a blind round over the transcript starts (and rechecks).
      const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
        name: 'Blind',
        mode: 'blind',
        transcripts: { ids: [cast.transcript.id] },
        coders: [cast.coder.id, cast.coder2.id],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      hold.release();
      await expect(racing.opened).rejects.toThrow('refused with 404');
    } finally {
      hold.restore();
    }
    // And without a race, the same socket is refused too: the round hides the layer.
    await expect(openDoc(test.wsUrl, layer, cast.coder2.client.cookie!, test.url).opened).rejects.toThrow(
      'refused with 404',
    );
  });
});
