/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, selectPassage, signIn } from './browser.js';

const TEXT = [
  'Interviewer: How was the treatment for you, at the start?',
  'P1: Hard at first. I did not trust the clinic, and the waiting room felt like a place where everyone judged me.',
  'Interviewer: What changed?',
  'P1: A nurse who listened. After that I came back every week, even when the bus was late and it rained.',
  '',
].join('\n');

/**
 * Presence in an open phase, in real Chromium: a co-coder sees another's mouse selection (kept while the code
 * picker has the focus), keyboard selection and caret, tinted, with the coder's name.
 */
describe('presence of selections', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let transcript: string;

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    const lines = TEXT.split('\n').slice(0, 4);
    const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
      title: 'Interview P',
      text: TEXT,
      turns: lines.map((line) => ({ start: TEXT.indexOf(line), speaker: line.slice(0, line.indexOf(':')) })),
    });
    transcript = created.body.transcript.id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  const open = async (email: string) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, email);
    await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
    await page.getByText('A nurse who listened').waitFor();
    return page;
  };

  /** The others' selections a page draws: the name on each and the text under it. */
  const shown = (page: Page) =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.remote-selection, .remote-caret'))
        .filter((overlay) => overlay.querySelector('.remote-name'))
        .map((overlay) => ({
          kind: overlay.className,
          name: overlay.querySelector('.remote-name')!.textContent,
        })),
    );

  it('shows a co-coder’s mouse selection, keyboard selection and caret with their name', async () => {
    const a = await open(seed.coder.email);
    const b = await open(seed.coder2.email);

    // A selects with the mouse: the picker opens and takes the focus, the selection stays visible to B.
    await selectPassage(a, 'I did not trust the clinic');
    await a.getByRole('combobox', { name: 'Code to apply' }).waitFor();
    await expect.poll(() => shown(b)).toEqual([{ kind: 'remote-selection', name: 'Cody Coder' }]);
    // It lies over exactly the selected words.
    const box = await b.locator('.remote-selection').first().boundingBox();
    const words = await b.evaluate(() => {
      const turn = Array.from(document.querySelectorAll('article.block')).find((el) =>
        el.textContent?.includes('I did not trust the clinic'),
      )!;
      const walker = document.createTreeWalker(turn, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        const at = node.data.indexOf('I did not trust the clinic');
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 'I did not trust the clinic'.length);
        const rect = range.getClientRects()[0]!;
        return { x: rect.x, y: rect.y };
      }
      return null;
    });
    expect(Math.abs(box!.x - words!.x)).toBeLessThan(2);
    expect(Math.abs(box!.y - words!.y)).toBeLessThan(2);
    await screenshot(b, 'presence-selection');

    // Escape: the selection is gone for B too.
    await a.keyboard.press('Escape');
    await expect.poll(() => shown(b)).toEqual([]);

    // A keyboard selection, then a caret (a collapsed selection) in the text.
    const turn = a.locator('article.block', { hasText: 'A nurse who listened' });
    await turn.focus();
    await turn.press('Shift+ArrowRight');
    await turn.press('Shift+ArrowRight');
    await expect.poll(() => shown(b)).toEqual([{ kind: 'remote-selection', name: 'Cody Coder' }]);
    await a.evaluate(() => {
      const selection = window.getSelection()!;
      selection.collapseToEnd();
    });
    await expect.poll(() => shown(b)).toEqual([{ kind: 'remote-caret', name: 'Cody Coder' }]);
    await a.context().close();
    await b.context().close();
  }, 90_000);
});
