/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, addCoding, docName } from '@accord/shared';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

const TRANSCRIPTS = 40;
/** The pool's bound (`client/src/sync/pool.ts` MAX_LIVE). */
const MAX_LIVE = 24;
// A socket the client closed is counted by the server until its close frame arrives: a few in flight at most.
const IN_FLIGHT = 6;

/**
 * One tab reading many documents does not open a WebSocket per document: the codebook's counts over every coding
 * layer of a project with 40 transcripts x 4 coders and an owner (200 layers) load over at most 24 connections at a time,
 * counted both in the browser (its open sockets) and on the server (`ctx.sync.metrics().connections`).
 */
describe('document connections from one tab', () => {
  let test: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let seed: Awaited<ReturnType<typeof seedProject>>;

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    const codebook = docName({ kind: 'codebook', project: seed.project.id });
    let trust = '';
    await test.server.ctx.sync.withDoc(codebook, (doc) => {
      trust = addCode(doc, { name: 'Trust' });
    });
    const coders = [seed.coder.id, seed.coder2.id];
    for (const n of [3, 4]) {
      const user = await test.addUser(`coder${n}-${seed.project.id}@example.org`, `Coder ${n}`);
      const added = await seed.owner.client.post(`/api/projects/${seed.project.id}/members`, {
        email: user.email,
        role: 'coder',
      });
      expect(added.status).toBe(201);
      coders.push(user.id);
    }
    const transcripts = [seed.transcript.id];
    for (let i = 1; i < TRANSCRIPTS; i++) {
      const text = `Interviewer: Question ${i}?\nP${i}: Answer number ${i}.\n`;
      const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
        title: `Interview ${i}`,
        text,
      });
      expect(created.status).toBe(201);
      transcripts.push(created.body.transcript.id);
    }
    // Every coder coded "Trust" once in every transcript: 160 codings in 160 layers.
    for (const transcript of transcripts) {
      const textName = docName({ kind: 'text', project: seed.project.id, transcript });
      for (const coder of coders) {
        const layer = docName({ kind: 'codings', project: seed.project.id, transcript, coder });
        await test.server.ctx.sync.withDoc(textName, (text) =>
          test.server.ctx.sync.withDoc(layer, (doc) => {
            addCoding(doc, text, { code: trust, start: 0, end: 5 });
          }),
        );
      }
    }
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  it('counts codings over 200 layers with at most 24 sockets open', async () => {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(30_000);
    // Counts the page's open sockets: from their open event to their close event (whoever closed them).
    await context.addInitScript(() => {
      const Native = window.WebSocket;
      const counts = { open: 0, max: 0 };
      (window as unknown as { wsCounts: typeof counts }).wsCounts = counts;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener('open', () => {
            counts.open++;
            counts.max = Math.max(counts.max, counts.open);
            this.addEventListener('close', () => {
              counts.open--;
            });
          });
        }
      };
    });
    const page = await signIn(context, test.url, seed.owner.email);
    let maxServer = 0;
    page.on('websocket', () => {
      maxServer = Math.max(maxServer, test.server.ctx.sync.metrics().connections);
    });
    await page.goto(`${test.url}/p/${seed.project.id}/codebook`);
    const note = page.getByText(/Counts are over every coding layer you can see/);
    await note.waitFor();
    // 40 transcripts x 5 layers (the owner codes too): 200 documents.
    expect(await note.textContent()).toContain('(200');
    await expect.poll(() => note.textContent(), { timeout: 60_000, interval: 100 }).not.toContain('loading');
    // Every layer's coding is counted.
    await page.getByRole('row', { name: /Trust/ }).getByText('160').waitFor();
    await screenshot(page, 'codebook-many-layers');
    const maxOpen = await page.evaluate(() => (window as unknown as { wsCounts: { max: number } }).wsCounts.max);
    expect(maxOpen).toBeGreaterThan(1);
    // In the page, a socket counts until its close event, a round trip after the pool closed it.
    expect(maxOpen).toBeLessThanOrEqual(MAX_LIVE + IN_FLIGHT);
    expect(maxServer).toBeLessThanOrEqual(MAX_LIVE + IN_FLIGHT);
  }, 120_000);
});
