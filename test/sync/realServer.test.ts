import { anchorCoding } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { type Client, connect, rawConnect, waitFor } from './helpers.js';

/** The access scenarios end to end: real server, session cookies, the access function, the engine. */
describe('sync through the real server', () => {
  let test: TestServer;
  let cast: Awaited<ReturnType<typeof seedProject>>;
  const clients: Client[] = [];
  const open = (docName: string, cookie: string | undefined) => {
    const client = connect(test.wsUrl, docName, { user: '', headers: { cookie: cookie ?? '', origin: test.url } });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    test = await startTestServer();
    cast = await seedProject(test);
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await test?.close();
  });

  const codings = (coder: string) => `p/${cast.project.id}/t/${cast.transcript.id}/c/${coder}`;
  /** A coding as the model stores it (the server refuses anything else in a layer). */
  const coding = (code: string) => {
    const text = new Y.Doc();
    text.getText('text').insert(0, 'Interviewer: How was treatment?');
    return anchorCoding(text, { code, start: 0, end: 5 });
  };

  it('unauthenticated and forbidden joins get no data', async () => {
    const anonymous = rawConnect(test.wsUrl, codings(cast.coder.id), { origin: test.url });
    await expect(anonymous.opened).rejects.toThrow(/401/);
    const outsider = await test.addUser(`outsider-${Date.now()}@example.org`, 'Otto Outsider');
    const outsiderClient = await test.login(outsider.email);
    const forbidden = rawConnect(test.wsUrl, codings(cast.coder.id), {
      origin: test.url,
      cookie: outsiderClient.cookie!,
    });
    await expect(forbidden.opened).rejects.toThrow(/404/);
    expect(anonymous.received.length + forbidden.received.length).toBe(0);
  });

  it("a viewer's update never reaches others or disk; a role downgrade applies to the open connection", async () => {
    const doc = codings(cast.coder.id);
    const coder = open(doc, cast.coder.client.cookie);
    const viewer = open(doc, cast.viewer.client.cookie);
    const owner = open(doc, cast.owner.client.cookie);
    await Promise.all([coder.synced, viewer.synced, owner.synced]);

    coder.doc.getMap('codings').set('k1', coding('c1'));
    await waitFor(() => viewer.doc.getMap('codings').has('k1') && owner.doc.getMap('codings').has('k1'), 'fan-out');

    const sync = test.server.ctx.sync;
    const dropped = sync.metrics().droppedReadOnlyUpdates;
    viewer.doc.getMap('codings').set('forged', { code: 'x', start: 0, end: 1 });
    owner.doc.getMap('codings').set('owner-edit', 1);
    await waitFor(() => sync.metrics().droppedReadOnlyUpdates > dropped, 'viewer update dropped');
    coder.doc.getMap('codings').set('k2', coding('c2'));
    await waitFor(() => owner.doc.getMap('codings').has('k2'), 'later update');
    expect(owner.doc.getMap('codings').has('forged')).toBe(false);
    expect(coder.doc.getMap('codings').has('forged')).toBe(false);
    expect(await sync.withDoc(doc, (d) => d.getMap('codings').has('forged'))).toBe(false);

    // The owner makes the coder a viewer: the coder's open socket can no longer write.
    const changed = await cast.owner.client.patch(`/api/projects/${cast.project.id}/members/${cast.coder.id}`, {
      role: 'viewer',
    });
    expect(changed.status).toBe(200);
    const before = sync.metrics().droppedReadOnlyUpdates;
    coder.doc.getMap('codings').set('after-downgrade', 1);
    await waitFor(() => sync.metrics().droppedReadOnlyUpdates > before, 'downgraded write dropped');
    expect(coder.provider.wsconnected).toBe(true);
    expect(await sync.withDoc(doc, (d) => d.getMap('codings').has('after-downgrade'))).toBe(false);

    // Removal from the project closes it for good.
    const closed = new Promise<{ code: number }>((resolve) => coder.provider.once('closed', (event) => resolve(event)));
    await cast.owner.client.delete(`/api/projects/${cast.project.id}/members/${cast.coder.id}`);
    expect((await closed).code).toBe(4403);
  });
});
