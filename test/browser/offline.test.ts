/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, codingsMap, docName } from '@accord/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, selectPassage, signIn, stripes } from './browser.js';

const TEXT = 'Interviewer: How was treatment?\nP1: Hard at first. A nurse who listened made the difference.\n';

/**
 * Offline for real: a coding made offline is kept in the browser (IndexedDB, per user), survives closing the tab,
 * is shown with the number of changes waiting when the transcript is opened again, and reaches the server and
 * another coder once the connection is back. A document the server refuses for good is not kept.
 */
describe('offline coding kept in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test, TEXT);
    await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: seed.project.id }), (doc) => {
      addCode(doc, { name: 'Trust' });
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  const newContext = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  };
  const transcriptUrl = () => `${test.url}/p/${seed.project.id}/t/${seed.transcript.id}`;
  const layerOf = (coder: string) =>
    docName({ kind: 'codings', project: seed.project.id, transcript: seed.transcript.id, coder });
  const serverCodings = (coder: string) => test.server.ctx.sync.withDoc(layerOf(coder), (doc) => codingsMap(doc).size);
  const databases = (page: Page) =>
    page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? '').filter(Boolean));
  const badge = (page: Page) => page.locator('output[data-status]');
  /** Signing out from the header's account menu. */
  const signOut = async (page: Page) => {
    await page.getByRole('button', { name: /^Account: / }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
  };

  /** Keeps this context's WebSockets away from the server until `open` is called (the page itself loads). */
  const gateSockets = async (context: BrowserContext) => {
    let open = false;
    await context.routeWebSocket(/\/ws\//, (ws) => {
      if (open) ws.connectToServer();
      else ws.close({ code: 1001, reason: 'offline (test)' });
    });
    return () => {
      open = true;
    };
  };

  const codeOffline = async (page: Page) => {
    await page.context().setOffline(true);
    await page.locator('[data-status="offline"]').waitFor();
    const before = await stripes(page).count();
    await selectPassage(page, 'A nurse who listened');
    const picker = page.getByRole('combobox', { name: 'Code to apply' });
    await picker.fill('trust');
    await picker.press('Enter');
    await expect.poll(() => stripes(page).count()).toBe(before + 1);
    await expect.poll(async () => Number(await badge(page).getAttribute('data-pending'))).toBeGreaterThan(0);
  };

  it('keeps an offline coding through a closed tab, shows it waiting, and sends it on reconnect', async () => {
    const context = await newContext();
    const page = await signIn(context, test.url, seed.coder.email);
    await page.goto(transcriptUrl());
    await page.getByText('A nurse who listened').waitFor();
    await page.locator('[data-status="online"]').waitFor();

    await codeOffline(page);
    const waiting = Number(await badge(page).getAttribute('data-pending'));
    await expect
      .poll(() => badge(page).textContent())
      .toContain(`${waiting} ${waiting === 1 ? 'change' : 'changes'} waiting`);
    // Kept under this user's name only.
    const names = await databases(page);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((name) => name.startsWith(`accord:${seed.coder.id}:`))).toBe(true);
    await page.close();

    // A new tab in the same browser profile, its documents still unable to reach the server.
    const openSockets = await gateSockets(context);
    await context.setOffline(false);
    const again = await context.newPage();
    await again.goto(transcriptUrl());
    await again.getByText('A nurse who listened').waitFor();
    await expect.poll(() => stripes(again).count()).toBe(1);
    await expect
      .poll(() => badge(again).textContent())
      .toContain(`${waiting} ${waiting === 1 ? 'change' : 'changes'} waiting`);
    await again.locator('[data-status="offline"]').waitFor();
    await screenshot(again, 'offline-reopened');
    expect(await serverCodings(seed.coder.id)).toBe(0);

    // The connection is back: the coding reaches the server and the other coder, and nothing is waiting.
    openSockets();
    await again.locator('[data-status="online"][data-pending="0"]').waitFor();
    await expect.poll(() => serverCodings(seed.coder.id), { timeout: 10_000 }).toBe(1);
    const other = await signIn(await newContext(), test.url, seed.coder2.email);
    await other.goto(transcriptUrl());
    await other.locator('.seg.coded', { hasText: 'A nurse who listened' }).first().waitFor();
    await expect.poll(() => stripes(other).count()).toBe(1);

    // Signing out with nothing waiting forgets this browser's copies.
    await signOut(again);
    await again.getByLabel('Email').waitFor();
    await expect.poll(() => databases(again)).toEqual([]);
  }, 120_000);

  it('warns before signing out with changes waiting, and keeps them for the same account', async () => {
    const context = await newContext();
    const page = await signIn(context, test.url, seed.coder2.email);
    await page.goto(transcriptUrl());
    await page.getByText('A nurse who listened').waitFor();
    await page.locator('[data-status="online"]').waitFor();
    await codeOffline(page);
    const shown = await stripes(page).count();
    await page.close();
    const openSockets = await gateSockets(context);
    await context.setOffline(false);
    const page2 = await context.newPage();
    await page2.goto(transcriptUrl());
    await expect.poll(() => stripes(page2).count()).toBe(shown);
    await expect.poll(async () => Number(await badge(page2).getAttribute('data-pending'))).toBeGreaterThan(0);
    expect(await serverCodings(seed.coder2.id)).toBe(0);
    await signOut(page2);
    const dialog = page2.getByRole('alertdialog', { name: 'Changes not sent yet' });
    await dialog.waitFor();
    await screenshot(page2, 'signout-waiting');
    await dialog.getByRole('button', { name: 'Sign out anyway' }).click();
    await page2.getByLabel('Email').waitFor();
    expect((await databases(page2)).some((name) => name.startsWith(`accord:${seed.coder2.id}:`))).toBe(true);

    // Signing in again sends them without the transcript being opened.
    openSockets();
    const back = await signIn(context, test.url, seed.coder2.email);
    await back.locator('[data-status="online"][data-pending="0"]').waitFor();
    await expect.poll(() => serverCodings(seed.coder2.id), { timeout: 10_000 }).toBe(1);
  }, 120_000);

  it('discards the local copy of a document the server refuses for good', async () => {
    const viewerAsCoder = seed.viewer;
    const promoted = await seed.owner.client.patch(`/api/projects/${seed.project.id}/members/${viewerAsCoder.id}`, {
      role: 'coder',
    });
    expect(promoted.status).toBe(200);
    const context = await newContext();
    const page = await signIn(context, test.url, viewerAsCoder.email);
    await page.goto(transcriptUrl());
    await page.getByText('A nurse who listened').waitFor();
    await page.locator('[data-status="online"]').waitFor();
    await codeOffline(page);
    const layer = `accord:${viewerAsCoder.id}:${layerOf(viewerAsCoder.id)}`;
    expect(await databases(page)).toContain(layer);
    await page.close();

    // Removed from the project while away: the server refuses the layer, and the browser forgets it.
    const removed = await seed.owner.client.delete(`/api/projects/${seed.project.id}/members/${viewerAsCoder.id}`);
    expect(removed.status).toBe(204);
    await context.setOffline(false);
    const again = await context.newPage();
    await again.goto(`${test.url}/`);
    await again.getByRole('heading', { name: 'Your projects' }).waitFor();
    await expect.poll(() => databases(again), { timeout: 20_000 }).not.toContain(layer);
    await expect.poll(async () => Number(await badge(again).getAttribute('data-pending'))).toBe(0);
    expect(await serverCodings(viewerAsCoder.id)).toBe(0);
  }, 120_000);
});
