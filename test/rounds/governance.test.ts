import { addCode, codesMap, docName } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { connect, until } from './helpers.js';

/**
 * A blind round codes against its frozen codebook: while one runs, coders may not change the live codebook (owners
 * may; their changes are recorded), so "the codebook as frozen" in the report means what it says.
 */
let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
let codebook: string;
beforeAll(async () => {
  test = await startTestServer();
  cast = await seedProject(test, 'Interviewer: Hi\nP1: Hello.\n');
  codebook = docName({ kind: 'codebook', project: cast.project.id });
});
afterAll(async () => {
  await test.close();
});

const serverCodes = () =>
  test.server.ctx.sync.withDoc(codebook, (doc) => [...codesMap(doc).values()].map((code) => code.get('name')));
const access = async (who: 'coder' | 'owner') => {
  const { body } = await cast[who].client.get(`/api/projects/${cast.project.id}/docs`);
  return body.docs.find((doc: any) => doc.name === codebook)?.access;
};

describe('the live codebook during a blind round', () => {
  it('is read-only for coders (their edits are dropped), writable for owners, and unlocked at reveal', async () => {
    const coder = connect(test, cast.coder.client, codebook);
    await coder.synced;
    addCode(coder.doc, { name: 'Before the round' });
    await until(async () => (await serverCodes()).includes('Before the round'), 3000, 'the coder’s code');
    expect(await access('coder')).toBe('write');

    const round = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
      name: 'Blind',
      mode: 'blind',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(round.status, JSON.stringify(round.body)).toBe(201);
    expect(await access('coder')).toBe('read');
    expect(await access('owner')).toBe('write');

    // The open connection was narrowed to read: the coder's new code is dropped by the server (counted).
    const dropped = test.server.ctx.sync.metrics().droppedReadOnlyUpdates;
    addCode(coder.doc, { name: 'During the round' });
    await until(() => test.server.ctx.sync.metrics().droppedReadOnlyUpdates > dropped, 3000, 'the dropped update');
    expect(await serverCodes()).not.toContain('During the round');

    const owner = connect(test, cast.owner.client, codebook);
    await owner.synced;
    addCode(owner.doc, { name: 'Owner during the round' });
    await until(async () => (await serverCodes()).includes('Owner during the round'), 3000, 'the owner’s code');

    const base = `/api/projects/${cast.project.id}/rounds/${round.body.round.id}`;
    expect((await cast.owner.client.post(`${base}/reveal`, { force: true })).status).toBe(200);
    expect(await access('coder')).toBe('write');
    coder.destroy();
    const again = connect(test, cast.coder.client, codebook);
    await again.synced;
    addCode(again.doc, { name: 'After reveal' });
    await until(async () => (await serverCodes()).includes('After reveal'), 3000, 'the coder’s code after reveal');
    again.destroy();
    owner.destroy();
  });
});
