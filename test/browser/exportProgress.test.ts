/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

/**
 * A running export shows what it is doing: its name and an indeterminate bar while the server prepares the file,
 * with a way to cancel it; a cancelled export saves nothing and says so; a failed one says why. The export
 * request is held at the browser's network layer (a barrier, not a sleep) so that "while it runs" is observable;
 * the answer itself comes from the real server.
 */
describe('export progress in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let context: BrowserContext;
  let page: Page;
  let downloads = 0;

  /** Holds the next export request until `release` is called; `reached` resolves once the browser sent it. */
  async function holdExport() {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reach!: () => void;
    const reached = new Promise<void>((resolve) => {
      reach = resolve;
    });
    const pattern = `**/api/projects/${seed.project.id}/export?*`;
    const handler = async (route: Route) => {
      reach();
      await released;
      // The page may have given up on it (cancelled): then there is nobody to answer.
      await route.continue().catch(() => {});
    };
    await page.route(pattern, handler, { times: 1 });
    return { reached, release };
  }

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    page = await signIn(context, test.url, seed.owner.email);
    page.on('pageerror', (error) => console.error('page error:', error));
    page.on('download', () => {
      downloads++;
    });
    await page.goto(`${test.url}/p/${seed.project.id}`);
    await page.getByRole('button', { name: 'Export…' }).click();
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  const menu = () => page.getByRole('region', { name: 'Export' });

  it('names the running export with an indeterminate bar while the server prepares it, then downloads', async () => {
    await menu()
      .getByRole('radio', { name: /Whole project \(REFI-QDA \.qdpx\)/ })
      .check();
    const held = await holdExport();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await menu().getByRole('button', { name: 'Download' }).click();
        await held.reached;
        const progress = menu().getByTestId('export-progress');
        await progress.waitFor();
        expect(await progress.textContent()).toContain('Preparing Whole project (REFI-QDA .qdpx)…');
        // No measure of how far the server is: the bar is indeterminate (no value).
        const bar = progress.getByRole('progressbar');
        expect(await bar.getAttribute('value')).toBeNull();
        expect(await bar.getAttribute('aria-label')).toBe('Preparing Whole project (REFI-QDA .qdpx)…');
        expect(await menu().getByRole('button', { name: 'Preparing…' }).isDisabled()).toBe(true);
        await screenshot(page, 'export-progress');
        // The same at 1440x900 in the dark theme.
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
        await screenshot(page, 'export-progress-dark-1440');
        await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));
        await page.setViewportSize({ width: 1280, height: 800 });
        held.release();
      })(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^Study_\w+\.qdpx$/);
    await expect.poll(() => menu().locator('output').textContent()).toMatch(/^Downloaded Study_\w+\.qdpx$/);
    expect(await menu().getByTestId('export-progress').count()).toBe(0);
  });

  it('cancels a running export: nothing is saved and the menu says so', async () => {
    const before = downloads;
    const held = await holdExport();
    await menu().getByRole('button', { name: 'Download' }).click();
    await held.reached;
    await menu().getByRole('button', { name: 'Cancel the export of Whole project (REFI-QDA .qdpx)' }).click();
    await expect.poll(() => menu().locator('output').textContent()).toBe('Export cancelled.');
    expect(await menu().getByRole('alert').count()).toBe(0);
    expect(await menu().getByTestId('export-progress').count()).toBe(0);
    // The held request is let go only now: an answer after the cancel must not become a download.
    held.release();
    // A second export goes through on the same page: the cancelled one's answer was dropped.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      menu().getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.qdpx$/);
    expect(downloads).toBe(before + 1);
  });

  it('says why an export failed, as an alert', async () => {
    await menu()
      .getByRole('radio', { name: /Coded segments \(CSV\)/ })
      .check();
    // The real server refuses a coder without codings.
    await menu().getByRole('combobox', { name: 'Coder' }).selectOption({ label: 'Cody Coder' });
    await menu().getByRole('button', { name: 'Download' }).click();
    await expect.poll(() => menu().getByRole('alert').textContent()).toMatch(/^The export failed: .*has no codings/);
    expect(await menu().getByTestId('export-progress').count()).toBe(0);
  });
});
