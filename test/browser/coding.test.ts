/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, docName } from '@accord/shared';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, selectPassage, signIn, stripes } from './browser.js';

const TEXT = [
  'Interviewer: How was the treatment for you, at the start?',
  'P1: Hard at first. I did not trust the clinic, and the waiting room felt like a place where everyone judged me.',
  'Interviewer: What changed?',
  'P1: A nurse who listened. After that I came back every week, even when the bus was late and it rained.',
  '',
].join('\n');

/**
 * Two coders in two browser contexts against a real server (temporary data directory): live coding both ways,
 * coding offline and syncing on reconnect, and a viewer who cannot code.
 */
describe('coding in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let transcript: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    // A transcript with one turn per line, a timestamp on each, and participant attributes.
    const lines = TEXT.split('\n').slice(0, 4);
    const turns = lines.map((line, i) => ({
      start: TEXT.indexOf(line),
      speaker: line.slice(0, line.indexOf(':')),
      time: i * 42,
    }));
    const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
      title: 'Interview 2',
      participant: 'P1',
      attributes: { age: '34', site: 'North clinic' },
      text: TEXT,
      turns,
    });
    expect(created.status).toBe(201);
    transcript = created.body.transcript.id;
    await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: seed.project.id }), (doc) => {
      const barriers = addCode(doc, { name: 'Barriers', definition: 'What made care harder.' });
      addCode(doc, { name: 'Stigma', parent: barriers, definition: 'Feeling judged.' });
      addCode(doc, { name: 'Trust', definition: 'Trust in staff or services.' });
      addCode(doc, { name: 'Turning point' });
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  const open = async (email: string) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, email);
    page.on('pageerror', (error) => console.error(`[${email}] page error:`, error));
    await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
    await page.getByText('A nurse who listened').waitFor();
    return { context, page };
  };

  it('shows a coding by A to B live, and B’s offline coding to A after reconnecting; a viewer cannot code', async () => {
    const a = await open(seed.coder.email);
    const b = await open(seed.coder2.email);
    await screenshot(a.page, 'transcript-empty');

    // A codes a passage with the picker: type to filter, Enter to apply.
    await selectPassage(a.page, 'I did not trust the clinic');
    const picker = a.page.getByRole('combobox', { name: 'Code to apply' });
    await picker.waitFor();
    await picker.fill('trus');
    await screenshot(a.page, 'picker');
    await picker.press('Enter');
    await expect.poll(() => stripes(a.page).count()).toBe(1);
    await b.page.locator('.seg.coded', { hasText: 'I did not trust the clinic' }).waitFor();
    await expect.poll(() => stripes(b.page).count()).toBe(1);

    // B goes offline and codes with the keyboard only: focus a turn, extend the selection by words, Enter.
    await b.context.setOffline(true);
    await b.page.locator('[data-status="offline"]').waitFor();
    const turn = b.page.locator('article.block', { hasText: 'A nurse who listened' });
    await turn.focus();
    for (let i = 0; i < 4; i++) await turn.press('Shift+ArrowRight');
    await turn.press('Enter');
    const bPicker = b.page.getByRole('combobox', { name: 'Code to apply' });
    await bPicker.fill('turning');
    await bPicker.press('Enter');
    await expect.poll(() => stripes(b.page).count()).toBe(2);
    await screenshot(b.page, 'offline-coding');

    await b.context.setOffline(false);
    await b.page.locator('[data-status="online"]').waitFor();
    await expect.poll(() => stripes(a.page).count(), { timeout: 10_000 }).toBe(2);
    await a.page.locator('.seg.coded', { hasText: 'A nurse' }).first().waitFor();
    await screenshot(a.page, 'transcript-two-coders');

    // The viewer sees both codings but gets no picker.
    const viewer = await open(seed.viewer.email);
    await expect.poll(() => stripes(viewer.page).count()).toBe(2);
    await viewer.page.getByText('You can read this transcript but not code it').waitFor();
    await selectPassage(viewer.page, 'even when the bus was late');
    await viewer.page.evaluate(() => new Promise(requestAnimationFrame));
    expect(await viewer.page.locator('.picker').count()).toBe(0);
    await screenshot(viewer.page, 'viewer');
  }, 90_000);

  it('lets the owner manage members and merge codes, saying how many codings a merge touches', async () => {
    const owner = await open(seed.owner.email);
    await owner.page.goto(`${test.url}/p/${seed.project.id}/settings`);
    await owner.page.getByRole('table').getByText('Vic Viewer').waitFor();
    await screenshot(owner.page, 'settings');
    await owner.page.goto(`${test.url}/p/${seed.project.id}/codebook`);
    await owner.page.getByRole('row', { name: /^Trust/ }).click();
    await owner.page.getByLabel('Merge into').selectOption({ label: 'Barriers' });
    // Escape leaves the confirmation and changes nothing.
    await owner.page.getByRole('button', { name: 'Merge…' }).click();
    const confirmation = owner.page.getByRole('alertdialog', { name: 'Merge “Trust” into “Barriers”?' });
    await confirmation.waitFor();
    await owner.page.keyboard.press('Escape');
    await confirmation.waitFor({ state: 'detached' });
    expect(await owner.page.getByRole('row', { name: /^Trust/ }).count()).toBe(1);
    await owner.page.getByRole('button', { name: 'Merge…' }).click();
    // A coded "Trust" once in the first test; the count is over every layer the owner may read.
    await owner.page.getByTestId('impact').getByText('1 coding will be recoded as “Barriers”').waitFor();
    await screenshot(owner.page, 'codebook-merge');
    await owner.page.getByRole('button', { name: 'Merge', exact: true }).click();
    await expect.poll(() => owner.page.getByRole('row', { name: /^Trust/ }).count()).toBe(0);
  }, 60_000);
  it.each(['light', 'dark'] as const)(
    'shows the picker and the codebook tree at 1440x900 and 1280x800 (%s): screenshots',
    async (scheme) => {
      for (const viewport of [
        { width: 1440, height: 900 },
        { width: 1280, height: 800 },
      ]) {
        const context = await browser.newContext({ viewport, colorScheme: scheme });
        contexts.push(context);
        context.setDefaultTimeout(15_000);
        const page = await signIn(context, test.url, seed.coder.email);
        await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
        await page.getByText('A nurse who listened').waitFor();
        const suffix = `${viewport.width}x${viewport.height}-${scheme}`;
        // The picker over a selection, filtered, with a code highlighted and the codebook beside it.
        await selectPassage(page, 'the bus was late and it rained');
        const picker = page.getByRole('combobox', { name: 'Code to apply' });
        await picker.waitFor();
        await picker.pressSequentially('t');
        await page.locator('.picker [role="option"][data-focused]').waitFor();
        await screenshot(page, `picker-open-${suffix}`);
        await picker.press('Escape');
        await page.locator('.picker').waitFor({ state: 'detached' });
        // The codebook tree with a code selected and its details.
        const tree = page.getByRole('treegrid', { name: 'Codes' });
        await tree.getByRole('row', { name: /^Stigma/ }).click();
        await page.getByRole('heading', { name: 'Stigma', level: 3 }).waitFor();
        await screenshot(page, `codebook-panel-${suffix}`);
        await context.close();
      }
    },
    90_000,
  );
});
