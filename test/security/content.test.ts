import {
  addCode,
  addCoding,
  addTheme,
  CODES_KEY,
  codesMap,
  codingsMap,
  consensusCodings,
  consensusDecisions,
  docName,
  themesMap,
  transcriptText,
  transcriptTurns,
} from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodes, connect, names, until } from '../rounds/helpers.js';

/**
 * Issue 21 item 9: what a client writes is checked against the document kind's schema before it is relayed or
 * stored (a refused update closes the socket with 4422, which y-websocket does not retry); and whatever bad entry
 * is already stored (written before validation, or by a bug) is skipped by every reader instead of failing it.
 */
const TEXT =
  'Interviewer: How was treatment?\nP1: Hard at first. I felt alone and nobody called me back.\n' +
  'Interviewer: What helped?\nP1: My sister. She came every week and we talked about it.\n';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.close();
});

type Cast = Awaited<ReturnType<typeof seedProject>>;

/** Resolves with the close code the provider's socket gets next. */
function closeCode(provider: ReturnType<typeof connect>['provider']): Promise<number> {
  return new Promise((resolve) => {
    provider.on('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0));
  });
}

const serverDoc = <T>(name: string, read: (doc: Y.Doc) => T) => test.server.ctx.sync.withDoc(name, read);

describe('content validation on the sync path', () => {
  let cast: Cast;
  let n: ReturnType<typeof names>;
  let codes: Record<string, string>;
  beforeAll(async () => {
    cast = await seedProject(test, TEXT);
    n = names(cast.project.id, cast.transcript.id);
    codes = await addCodes(test, cast.project.id, ['isolation']);
  });

  it("refuses the issue's coding with 4422, relays and stores nothing of it; the coder's next session works", async () => {
    const rejectedBefore = test.server.ctx.sync.metrics().rejectedByReason.invalidContent;
    const layer = connect(test, cast.coder.client, n.layer(cast.coder.id));
    const observer = connect(test, cast.coder2.client, n.layer(cast.coder.id));
    await Promise.all([layer.synced, observer.synced]);
    const closing = closeCode(layer.provider);
    codingsMap(layer.doc).set('bad', { code: 'c1', start: 'junk', end: 42 } as never);
    expect(await closing).toBe(4422);
    // y-websocket gives up on 44xx: it would otherwise resend the same update on every reconnect.
    layer.destroy();

    // Barrier: a good coding from a fresh session reaches the observer; the bad one, sent earlier, would be before it.
    const text = connect(test, cast.coder.client, n.text);
    const again = connect(test, cast.coder.client, n.layer(cast.coder.id));
    await Promise.all([text.synced, again.synced]);
    const good = addCoding(again.doc, text.doc, { code: codes.isolation!, start: 41, end: 60 });
    await until(() => codingsMap(observer.doc).has(good), 3000, 'the good coding at the observer');
    expect(codingsMap(observer.doc).has('bad')).toBe(false);
    expect(await serverDoc(n.layer(cast.coder.id), (doc) => [...codingsMap(doc).keys()])).toEqual([good]);
    expect(test.server.ctx.sync.metrics().rejectedByReason.invalidContent).toBe(rejectedBefore + 1);
    for (const client of [text, again, observer]) client.destroy();
  });

  it('refuses a codebook colour that is not #rrggbb, even on an existing code', async () => {
    const codebook = docName({ kind: 'codebook', project: cast.project.id });
    const owner = connect(test, cast.owner.client, codebook);
    const watcher = connect(test, cast.coder.client, codebook);
    await Promise.all([owner.synced, watcher.synced]);
    const closing = closeCode(owner.provider);
    codesMap(owner.doc).get(codes.isolation!)!.set('colour', 'red;background:url(javascript:alert(1))');
    expect(await closing).toBe(4422);
    owner.destroy();
    const again = connect(test, cast.owner.client, codebook);
    await again.synced;
    const fresh = addCode(again.doc, { name: 'support', colour: '#00aa00' });
    await until(() => codesMap(watcher.doc).has(fresh), 3000, 'the new code at the watcher');
    expect(codesMap(watcher.doc).get(codes.isolation!)!.get('colour')).toMatch(/^#[0-9a-f]{6}$/);
    expect(await serverDoc(codebook, (doc) => codesMap(doc).get(codes.isolation!)!.get('colour'))).toMatch(
      /^#[0-9a-f]{6}$/,
    );
    again.destroy();
    watcher.destroy();
  });
});

describe('readers skip a bad stored entry instead of failing the request', () => {
  let cast: Cast;
  let n: ReturnType<typeof names>;
  let codes: Record<string, string>;
  const good: string[] = [];

  beforeAll(async () => {
    cast = await seedProject(test, TEXT);
    n = names(cast.project.id, cast.transcript.id);
    codes = await addCodes(test, cast.project.id, ['isolation', 'support']);
    const sync = test.server.ctx.sync;
    const textDoc = new Y.Doc();
    Y.applyUpdate(textDoc, await sync.withDoc(n.text, (doc) => Y.encodeStateAsUpdate(doc)));
    // Server-side writes are trusted and unchecked: exactly how a bad entry of an older version would be stored.
    for (const [coder, codings] of [
      [cast.coder.id, [{ code: codes.isolation!, start: 41, end: 60 }]],
      [cast.coder2.id, [{ code: codes.isolation!, start: 41, end: 60 }]],
    ] as const) {
      await sync.withDoc(n.layer(coder), (doc) => {
        for (const coding of codings) good.push(addCoding(doc, textDoc, coding));
        codingsMap(doc).set('bad1', { code: 'c1', start: 'junk', end: 42 } as never);
        codingsMap(doc).set('bad2', null as never);
        codingsMap(doc).set('bad3', { code: codes.support!, start: new Uint8Array([9, 9]), end: 1 } as never);
      });
    }
    await sync.withDoc(n.text, (doc) => {
      transcriptTurns(doc).push([{ at: 'junk', speaker: 7 } as never]);
    });
    await sync.withDoc(docName({ kind: 'codebook', project: cast.project.id }), (doc) => {
      codesMap(doc).set('junkcode', 'not a map' as never);
      const odd = new Y.Map<unknown>();
      codesMap(doc).set('oddcode', odd);
      odd.set('name', 42);
      odd.set('colour', '<script>');
      doc.getMap('redirects').set('gone', 5);
      themesMap(doc).set('junktheme', 3 as never);
      const theme = addTheme(doc, { name: 'Support' });
      (themesMap(doc).get(theme)!.get('quotes') as Y.Map<unknown>).set('q', { text: 'no anchors' });
      themesMap(doc).get(theme)!.set('finalisedWith', { nonsense: true });
    });
    await sync.withDoc(n.consensus, (doc) => {
      consensusCodings(doc).set('bad', { code: 'x' } as never);
      consensusDecisions(doc).set('bad', 'junk' as never);
    });
    expect(await sync.withDoc(n.text, (doc) => transcriptText(doc).length)).toBe(TEXT.length);
  });

  it('analysis: segments, frequency, co-occurrence and the final report', async () => {
    const base = `/api/projects/${cast.project.id}/analysis`;
    // Each coder's layer on its own: merged, the two identical codings would be one segment.
    let ids = '';
    for (const coder of [cast.coder.id, cast.coder2.id]) {
      const segments = await cast.owner.client.get(`${base}/segments?format=json&scope=coder:${coder}`);
      expect(segments.status).toBe(200);
      ids += JSON.stringify(segments.body);
    }
    for (const id of good) expect(ids).toContain(id);
    expect(ids).not.toContain('bad1');
    for (const path of ['segments?format=csv', 'frequency', 'cooccurrence', 'report?format=json', 'report']) {
      expect(
        (await cast.owner.client.get(`${base}/${path}${path.includes('?') ? '&' : '?'}scope=coder:${cast.coder.id}`))
          .status,
        path,
      ).toBe(200);
      expect((await cast.owner.client.get(`${base}/${path}`)).status, path).toBe(200);
    }
    const options = await cast.owner.client.get(`${base}/options`);
    expect(options.status).toBe(200);
  });

  it('export in every format', async () => {
    for (const format of ['qdpx', 'qdc', 'csv', 'codebook-csv', 'codebook-html']) {
      const response = await cast.owner.client.get(`/api/projects/${cast.project.id}/export?format=${format}`);
      if (response.status === 400) continue; // a format this build does not have
      expect(response.status, format).toBe(200);
    }
    const csv = await cast.owner.client.get(`/api/projects/${cast.project.id}/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(String(csv.body)).not.toContain('<script>');
  });

  it('a round: dashboard, agreement, reveal, report, disagreements, consensus', async () => {
    const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
      name: 'Round 1',
      mode: 'open',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(created.status).toBe(201);
    const base = `/api/projects/${cast.project.id}/rounds/${created.body.round.id}`;
    const dashboard = await cast.owner.client.get(base);
    expect(dashboard.status).toBe(200);
    const mine = await cast.coder.client.get(base);
    expect(mine.status).toBe(200);
    expect(mine.body.round.myAssignments[0].codings).toBe(1);
    const agreement = await cast.owner.client.get(`${base}/agreement`);
    expect(agreement.status).toBe(200);
    expect(agreement.body.agreement).toBeDefined();
    expect((await cast.owner.client.post(`${base}/reveal`, { force: true })).status).toBe(200);
    for (const path of ['agreement', 'report?format=json', 'report?format=csv', 'disagreements', 'consensus']) {
      expect((await cast.owner.client.get(`${base}/${path}`)).status, path).toBe(200);
    }
    expect((await cast.owner.client.get(`/api/projects/${cast.project.id}/agreement-history`)).status).toBe(200);
  });

  it('the stored bad entries are still there (skipped, not deleted)', async () => {
    expect(await serverDoc(n.layer(cast.coder.id), (doc) => codingsMap(doc).has('bad1'))).toBe(true);
    expect(
      await serverDoc(docName({ kind: 'codebook', project: cast.project.id }), (doc) =>
        doc.getMap(CODES_KEY).has('junkcode'),
      ),
    ).toBe(true);
  });
});
