import { docName } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodes, connect, until } from '../rounds/helpers.js';

/**
 * Issue 21 item 12, awareness: the codebook document (every member's lobby, where presence says who is on which
 * transcript) relays only who is there while a blind round runs; and the `user` of every relayed state is the
 * server's record of the user (id and name) plus a colour only if it is one, whatever the client claimed.
 */
let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.close();
});

type Open = ReturnType<typeof connect>;

/**
 * Barrier: resolves once `observer` holds `publisher`'s awareness state at the publisher's current clock (or
 * later), i.e. once every earlier state of the publisher has been relayed and superseded; no sleeping.
 */
async function seenCurrent(observer: Open, publisher: Open): Promise<Record<string, unknown>> {
  const id = publisher.doc.clientID;
  const clock = publisher.provider.awareness.meta.get(id)!.clock;
  await until(
    () =>
      (observer.provider.awareness.meta.get(id)?.clock ?? -1) >= clock &&
      observer.provider.awareness.getStates().has(id),
    5000,
    `awareness clock ${clock} of ${id}`,
  );
  return observer.provider.awareness.getStates().get(id) as Record<string, unknown>;
}

const where = (title: string) => ({ location: { transcript: 'x', title }, cursor: { anchor: 3, head: 9 }, custom: 1 });

describe('awareness on the codebook during a blind round', () => {
  it('relays location, cursors and custom fields before the round, only the user during it', async () => {
    const cast = await seedProject(test);
    await addCodes(test, cast.project.id, ['a']);
    const codebook = docName({ kind: 'codebook', project: cast.project.id });
    const observer = connect(test, cast.coder.client, codebook);
    const publisher = connect(test, cast.coder2.client, codebook);
    await Promise.all([observer.synced, publisher.synced]);
    const user = { id: cast.coder2.id, name: 'Cora Coder', colour: '#56b4e9' };

    publisher.provider.awareness.setLocalState({ user: { colour: '#56b4e9' }, ...where('Interview 1') });
    expect(await seenCurrent(observer, publisher)).toEqual({ user, ...where('Interview 1') });

    const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
      name: 'Blind',
      mode: 'blind',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(created.status).toBe(201);

    publisher.provider.awareness.setLocalState({ user: { colour: '#56b4e9' }, ...where('Interview 1, line 3') });
    expect(await seenCurrent(observer, publisher)).toEqual({ user });

    // Someone joining during the round gets the filtered snapshot too.
    const late = connect(test, cast.viewer.client, codebook);
    await late.synced;
    expect(await seenCurrent(late, publisher)).toEqual({ user });

    // The publisher still has its own full state; only what others receive is filtered.
    expect(publisher.provider.awareness.getLocalState()).toMatchObject(where('Interview 1, line 3'));
    for (const client of [observer, publisher, late]) client.destroy();
  });
});

describe('the user field of an awareness state', () => {
  it('reaches others as the server record of the user, with a colour only if it is #rrggbb', async () => {
    const cast = await seedProject(test);
    const codebook = docName({ kind: 'codebook', project: cast.project.id });
    const observer = connect(test, cast.coder2.client, codebook);
    const forger = connect(test, cast.coder.client, codebook);
    await Promise.all([observer.synced, forger.synced]);

    forger.provider.awareness.setLocalState({
      user: { id: 'x', admin: true, name: 'Boss', evil: '<script>', colour: '#123456' },
      location: { transcript: null, title: 'Codebook' },
    });
    expect(await seenCurrent(observer, forger)).toEqual({
      user: { id: cast.coder.id, name: 'Cody Coder', colour: '#123456' },
      location: { transcript: null, title: 'Codebook' },
    });

    forger.provider.awareness.setLocalState({ user: { id: 'x', name: 'Boss', colour: 'red;background:url(x)' } });
    expect(await seenCurrent(observer, forger)).toEqual({ user: { id: cast.coder.id, name: 'Cody Coder' } });

    forger.provider.awareness.setLocalState({ user: 'Boss', step: 3 });
    expect(await seenCurrent(observer, forger)).toEqual({ user: { id: cast.coder.id, name: 'Cody Coder' }, step: 3 });
    observer.destroy();
    forger.destroy();
  });
});
