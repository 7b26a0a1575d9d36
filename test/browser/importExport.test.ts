/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import fs from 'node:fs';
import { docName, transcriptText } from '@accord/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCodesTree, codePassages } from '../analysis/helpers.js';
import { metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

const fixture = (path: string) => new URL(`../fixtures/transcripts/${path}`, import.meta.url).pathname;
const DOCX = fixture('qualcoder-examples/ID1.docx');
const VTT = fixture('vtt/zoom_meeting001_transcript.vtt');
const ZOOM = 'zoom_meeting001_transcript';
/** Near the end of the Zoom transcript, so that opening at it must scroll the virtualised reader. */
const PASSAGE = 'give liberty, a virtual you know Round of applause';

/**
 * The owner's import and export in Chromium against a real server: a Word file and a Zoom VTT are uploaded, a
 * detected speaker is renamed in the preview, the import is confirmed and the transcript shows the new name; a CSV
 * export downloads; a retrieval link opens the transcript scrolled to the coded passage, highlighted.
 */
describe('import and export in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    page = await signIn(context, test.url, seed.owner.email);
    page.on('pageerror', (error) => console.error('page error:', error));
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  it('imports a .docx and a Zoom .vtt with a renamed speaker', async () => {
    await page.goto(`${test.url}/p/${seed.project.id}`);
    await page.getByRole('button', { name: 'Import…' }).click();
    const wizard = page.getByRole('region', { name: 'Import' });
    await wizard.getByLabel('Choose files to import').setInputFiles([DOCX, VTT]);

    // Both previews: the Word file has no speakers; the Zoom file has five, with their turn counts.
    await wizard.getByText('No speakers detected').waitFor();
    const speakers = wizard.getByRole('table', { name: `Speakers detected in ${ZOOM}` });
    await speakers.waitFor();
    expect(await speakers.getByRole('rowheader').allTextContents()).toEqual(
      expect.arrayContaining(['Andrew Knight', 'Paul McCartney', 'George Harrison', 'John Lennon', 'Ringo Starr']),
    );
    expect(await wizard.getByLabel(`Start of ${ZOOM}`).textContent()).toMatch(/^Andrew Knight: Okay, so we're/);

    // Rename a speaker; the preview says what the transcript will have.
    const rename = wizard.getByLabel(`New name for Andrew Knight in ${ZOOM}`);
    await rename.fill('Andrew Knight (host)');
    await expect
      .poll(() => wizard.getByTestId('speakers-after').textContent())
      .toMatch(/^After import: Andrew Knight \(host\) \(\d+\)/);
    await screenshot(page, 'import-preview');

    // A file Accord does not read is named, and blocks the import until it is removed.
    await wizard.getByLabel('Choose files to import').setInputFiles({
      name: 'notes.rtf',
      mimeType: 'application/rtf',
      buffer: Buffer.from('{\\rtf1 notes}'),
    });
    await expect
      .poll(() => wizard.getByRole('alert').first().textContent())
      .toMatch(/^notes\.rtf: Accord does not import/);
    const confirm = wizard.getByRole('button', { name: /^Import 2 items$/ });
    expect(await confirm.isDisabled()).toBe(true);
    await wizard.getByRole('button', { name: 'Remove notes.rtf' }).click();

    await confirm.click();
    await expect.poll(() => wizard.locator('output').textContent()).toMatch(/^Imported 2 transcripts/);
    // The transcript list refreshes.
    await page.getByRole('link', { name: 'ID1' }).waitFor();
    await page.getByRole('link', { name: ZOOM }).click();
    await page.getByRole('heading', { name: ZOOM }).waitFor();
    const labels = page.locator('[data-testid="reader"] .speaker');
    await labels.first().waitFor();
    expect(await labels.first().textContent()).toBe('Andrew Knight (host)');
    expect(await labels.allTextContents()).not.toContain('Andrew Knight');
  });

  it('downloads the coded segments as CSV', async () => {
    const zoom = (await metadataOf(test.server.ctx)).transcripts.find((t) => t.title === ZOOM)!;
    const codes = await addCodesTree(test, seed.project.id, [{ key: 'applause', name: 'Applause' }]);
    await codePassages(test, seed.project.id, zoom.id, 'consensus', [{ code: codes.applause!, text: PASSAGE }]);
    await codePassages(test, seed.project.id, zoom.id, seed.owner.id, [{ code: codes.applause!, text: PASSAGE }]);

    await page.goto(`${test.url}/p/${seed.project.id}`);
    await page.getByRole('button', { name: 'Export…' }).click();
    const menu = page.getByRole('region', { name: 'Export' });
    await menu.getByRole('radio', { name: /Coded segments \(CSV\)/ }).check();
    await menu.getByRole('combobox', { name: 'Transcript' }).selectOption({ label: ZOOM });
    // A coder without codings: the error is shown, nothing is saved.
    await menu.getByRole('combobox', { name: 'Coder' }).selectOption({ label: 'Cody Coder' });
    await menu.getByRole('button', { name: 'Download' }).click();
    await expect.poll(() => menu.getByRole('alert').textContent()).toMatch(/has no codings/);
    await menu.getByRole('combobox', { name: 'Coder' }).selectOption({ label: 'Olive Owner' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      menu.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^Study_\w+\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain(PASSAGE);
    expect(csv).toContain('Applause');
    expect(csv).not.toContain('Interview 1');
    await expect.poll(() => menu.locator('output').textContent()).toMatch(/^Downloaded Study_\w+\.csv$/);
  });

  it('opens the transcript from a retrieval link scrolled to the passage and highlights it', async () => {
    const zoom = (await metadataOf(test.server.ctx)).transcripts.find((t) => t.title === ZOOM)!;
    const text = await test.server.ctx.sync.withDoc(
      docName({ kind: 'text', project: seed.project.id, transcript: zoom.id }),
      (doc) => transcriptText(doc).toString(),
    );
    const start = text.indexOf(PASSAGE);
    expect(start).toBeGreaterThan(text.length * 0.9);

    await page.goto(`${test.url}/p/${seed.project.id}/analysis`);
    const segment = page.getByTestId('segment').filter({ hasText: PASSAGE }).first();
    const link = segment.getByRole('link', { name: ZOOM });
    expect(await link.getAttribute('href')).toBe(
      `/p/${seed.project.id}/t/${zoom.id}?at=${start}-${start + PASSAGE.length}`,
    );
    await link.click();
    const reader = page.getByTestId('reader');
    await expect.poll(() => reader.getAttribute('data-jump')).toBe(`${start}-${start + PASSAGE.length}`);
    const measure = () =>
      page.evaluate((wanted) => {
        const root = document.querySelector<HTMLElement>('[data-testid="reader"]')!;
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
          const at = node.data.indexOf(wanted.slice(0, 12));
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 12);
          const rect = range.getBoundingClientRect();
          const box = root.getBoundingClientRect();
          return {
            scrolled: root.scrollTop,
            inView: rect.top >= box.top && rect.bottom <= box.bottom,
            highlighted: (CSS.highlights as unknown as Map<string, unknown>).has('accord-jump'),
            outlined: document.querySelectorAll('.block-slot.jumped').length,
            focused: document.activeElement?.closest('.block-slot.jumped') !== null,
          };
        }
        return null;
      }, PASSAGE);
    await expect
      .poll(measure)
      .toEqual({ scrolled: expect.any(Number), inView: true, highlighted: true, outlined: 1, focused: true });
    expect((await measure())!.scrolled).toBeGreaterThan(1000);
    await screenshot(page, 'jump-to-passage');
    // The highlight is brief.
    await expect.poll(() => reader.getAttribute('data-jump'), { timeout: 6000 }).toBeNull();
  });
  /** A second browser, signed in as `email`, with the seeded transcript open. */
  async function openTranscriptAs(email: string) {
    const coder = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    coder.setDefaultTimeout(15_000);
    const other = await signIn(coder, test.url, email);
    await other.goto(`${test.url}/p/${seed.project.id}/t/${seed.transcript.id}`);
    await other.getByText('Hard at first.').waitFor();
    return { coder, other };
  }

  it('tells a coder whose access was revoked, instead of reconnecting forever', async () => {
    const { coder, other } = await openTranscriptAs(seed.coder.email);
    try {
      const removed = await seed.owner.client.delete(`/api/projects/${seed.project.id}/members/${seed.coder.id}`);
      expect(removed.status).toBe(204);
      const notice = other.getByTestId('access-notice');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/Your access to .+ changed/);
      // The page stays usable: the notice is not a dialog, and the closed documents do not count as offline.
      expect(await other.getByRole('alertdialog').count()).toBe(0);
      await expect
        .poll(() => other.locator('[data-status]').getAttribute('data-status'), { timeout: 15_000 })
        .not.toBe('offline');
      await screenshot(other, 'access-lost');
      await notice.getByRole('button', { name: 'Dismiss' }).click();
      await expect.poll(() => notice.count()).toBe(0);
    } finally {
      await coder.close();
    }
  });

  it('tells a coder whose access was revoked while not connected, instead of reconnecting forever', async () => {
    const { coder, other } = await openTranscriptAs(seed.coder2.email);
    try {
      // Offline, the documents are not connected when the removal happens: the server closes nothing, and refuses
      // the reconnections at the upgrade, with a status the browser does not pass on.
      await coder.setOffline(true);
      await expect.poll(() => other.locator('[data-status]').getAttribute('data-status')).toBe('offline');
      const removed = await seed.owner.client.delete(`/api/projects/${seed.project.id}/members/${seed.coder2.id}`);
      expect(removed.status).toBe(204);
      await coder.setOffline(false);
      const notice = other.getByTestId('access-notice');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/Your access to .+ changed/);
      await expect
        .poll(() => other.locator('[data-status]').getAttribute('data-status'), { timeout: 15_000 })
        .not.toBe('offline');
    } finally {
      await coder.close();
    }
  });
});
