import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCodesTree, codePassages } from '../analysis/helpers.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

const T1 =
  'Interviewer: How was treatment?\nP1: Hard at first. The fees were high and I felt alone.\n' +
  'My sister. She paid the fees. Nobody else called.\n';
const T2 = 'Interviewer: And for you?\nP2: Care was far away. My sister drove me. The fees were fine.\n';

/**
 * Issue 23 item 4: the theme board in Chromium against a real server. Themes are columns, codes are cards counted
 * in the analysis scope (by default all coding the user may see, so open coding in coders' layers counts), codes
 * move between themes, sub-themes and the unassigned tray by mouse and by keyboard alone, definitions and memos
 * are edited in the side sheet, a co-researcher sees each change live, undo takes back one's own step, and the
 * finalisation gate works as before.
 */
describe('the theme board', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let url: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test, T1);
    const p = seed.project.id;
    const t2 = (
      await seed.owner.client.post(`/api/projects/${p}/transcripts`, {
        title: 'Interview 2',
        participant: 'P2',
        text: T2,
        turns: [
          { start: 0, speaker: 'Interviewer' },
          { start: T2.indexOf('P2:'), speaker: 'P2' },
        ],
      })
    ).body.transcript.id as string;
    const codes = await addCodesTree(test, p, [
      { key: 'care', name: 'Care' },
      { key: 'cost', name: 'Cost', parent: 'care' },
      { key: 'family', name: 'Family' },
      { key: 'isolation', name: 'Isolation' },
      { key: 'distance', name: 'Distance' },
    ]);
    // Open coding only: no round, no consensus. Both coders coded "My sister drove me" alike: one segment.
    await codePassages(test, p, seed.transcript.id, seed.coder.id, [
      { code: codes.cost!, text: 'The fees were high' },
      { code: codes.cost!, text: 'She paid the fees' },
      { code: codes.isolation!, text: 'I felt alone' },
    ]);
    await codePassages(test, p, t2, seed.coder.id, [{ code: codes.family!, text: 'My sister drove me' }]);
    await codePassages(test, p, t2, seed.coder2.id, [
      { code: codes.family!, text: 'My sister drove me' },
      { code: codes.distance!, text: 'Care was far away' },
    ]);
    await codePassages(test, p, seed.transcript.id, seed.coder2.id, [
      { code: codes.isolation!, text: 'Nobody else called' },
    ]);
    browser = await launchChromium();
    url = `${test.url}/p/${p}/analysis/themes`;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  const open = async (email: string, width = 1440, height = 900): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, email);
    page.on('pageerror', (error) => console.error(`[${email}] page error:`, error));
    await page.goto(url);
    await page.getByRole('region', { name: 'Theme board' }).waitFor();
    return page;
  };

  const grid = (page: Page, name: string) => page.getByRole('grid', { name, exact: true });
  const cardNames = (list: Locator) =>
    list.locator('.code-card').evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.code));
  const column = (page: Page, name: string) => page.getByTestId(`theme-${name}`);

  /** Presses Tab until the focused element is inside `target` (at most `max` times). */
  const tabInto = async (page: Page, target: Locator, max = 40) => {
    const handle = await target.elementHandle();
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((element) => element?.contains(document.activeElement) ?? false, handle)) return;
    }
    throw new Error('Tab never reached the target');
  };
  const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

  it('builds themes and sub-themes by mouse, live in a co-researcher’s browser, counting open coding', async () => {
    const owner = await open(seed.owner.email);
    const coder = await open(seed.coder.email);

    // Every code starts unassigned, counted over all coding the owner may see (coders' layers, merged).
    const tray = grid(owner, 'Unassigned codes');
    await expect.poll(() => cardNames(tray)).toEqual(['Care', 'Cost', 'Family', 'Isolation', 'Distance']);
    await expect.poll(() => tray.locator('[data-code="Cost"] [data-testid="code-count"]').textContent()).toMatch(/^2/);
    expect(await tray.locator('[data-code="Family"] [data-testid="code-count"]').textContent()).toMatch(/^1/);
    expect(await owner.getByTestId('counted').textContent()).toMatch(/all coding you can see/);
    // The scope chosen above the views applies to the board too.
    const count = (code: string) => tray.locator(`[data-code="${code}"] [data-testid="code-count"]`).textContent();
    await owner.getByLabel('Analyse').selectOption({ label: 'Cora Coder' });
    await expect.poll(() => count('Cost')).toMatch(/^0/);
    expect(await count('Isolation')).toMatch(/^1/);
    expect(await owner.getByTestId('counted').textContent()).toMatch(/Cora Coder/);
    await owner.getByLabel('Analyse').selectOption('all');
    await expect.poll(() => count('Cost')).toMatch(/^2/);

    await owner.getByLabel('New theme name').fill('Money worries');
    await owner.getByRole('button', { name: 'Add theme' }).click();
    await owner.getByLabel('New theme name').fill('Being alone');
    await owner.keyboard.press('Enter');
    await column(coder, 'Money worries').waitFor();
    await column(coder, 'Being alone').waitFor();

    // Drag a card from the tray onto a theme's column.
    await tray.locator('[data-code="Cost"]').dragTo(grid(owner, 'Codes of Money worries'));
    await expect.poll(() => cardNames(grid(coder, 'Codes of Money worries'))).toEqual(['Cost']);
    expect(await cardNames(grid(coder, 'Unassigned codes'))).not.toContain('Cost');

    // A sub-theme: its name is asked for in the side sheet.
    await column(owner, 'Money worries').getByRole('button', { name: 'Add a sub-theme to Money worries' }).click();
    const sheet = owner.getByTestId('theme-details');
    const name = sheet.getByLabel('Name');
    await expect.poll(() => name.evaluate((element) => element === document.activeElement)).toBe(true);
    await name.fill('Who pays');
    await owner.keyboard.press('Enter');
    const subTheme = column(coder, 'Money worries').getByTestId('theme-Who pays');
    await subTheme.waitFor();
    await tray.locator('[data-code="Family"]').dragTo(grid(owner, 'Codes of Who pays'));
    await expect.poll(() => cardNames(subTheme.getByRole('grid', { name: 'Codes of Who pays' }))).toEqual(['Family']);

    // Definition and memo of the theme, in the sheet; the co-researcher sees both.
    await column(owner, 'Money worries').getByRole('button', { name: 'Money worries: details and memo' }).click();
    await sheet.getByLabel('Definition').fill('Paying for care, and who pays');
    await sheet.getByLabel('Memo').click();
    await expect
      .poll(() => column(coder, 'Money worries').locator('.theme-definition').first().textContent())
      .toBe('Paying for care, and who pays');
    await owner.keyboard.type('Fees come up in every interview.');
    await column(coder, 'Money worries').getByRole('button', { name: 'Money worries: details and memo' }).click();
    await expect
      .poll(() => coder.getByTestId('theme-details').getByLabel('Memo').inputValue())
      .toBe('Fees come up in every interview.');

    // A card moves back out to the tray, and undo brings it back (the owner's own step only).
    await grid(owner, 'Codes of Money worries').locator('[data-code="Cost"]').dragTo(tray);
    await expect.poll(() => cardNames(grid(coder, 'Codes of Money worries'))).toEqual([]);
    await owner.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => cardNames(grid(coder, 'Codes of Money worries'))).toEqual(['Cost']);

    await screenshot(owner, 'themeboard-1440');
    await owner.setViewportSize({ width: 1280, height: 800 });
    await screenshot(owner, 'themeboard-1280');
    // Nothing is cut off sideways: the columns scroll inside the board, not the page.
    const overflow = await owner.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('moves codes with the keyboard alone: drag and drop, and the card’s menu', async () => {
    const owner = await open(seed.owner.email);
    const coder = await open(seed.coder.email);
    const tray = grid(owner, 'Unassigned codes');
    await expect.poll(() => cardNames(tray)).toContain('Isolation');

    // Tab into the tray, arrow down to a card, into its drag handle, Enter, Tab to a theme, Enter.
    await owner.getByLabel('New theme name').focus();
    await tabInto(owner, tray);
    for (let i = 0; i < 10 && !(await focusedText(owner)).includes('Isolation'); i++) {
      await owner.keyboard.press('ArrowDown');
    }
    expect(await focusedText(owner)).toContain('Isolation');
    await owner.keyboard.press('ArrowRight');
    expect(await owner.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Drag Isolation');
    await owner.keyboard.press('Enter');
    await tabInto(owner, grid(owner, 'Codes of Being alone'));
    await owner.keyboard.press('Enter');
    await expect.poll(() => cardNames(grid(coder, 'Codes of Being alone'))).toEqual(['Isolation']);

    // The card's menu: Cost from Money worries into the sub-theme Who pays.
    const cost = grid(owner, 'Codes of Money worries').locator('[data-code="Cost"]');
    await tabInto(owner, grid(owner, 'Codes of Money worries'));
    expect(await focusedText(owner)).toContain('Cost');
    await owner.keyboard.press('ArrowRight');
    await owner.keyboard.press('ArrowRight');
    expect(await owner.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move Cost');
    await owner.keyboard.press('Enter');
    const menu = owner.getByRole('menu');
    await menu.waitFor();
    for (let i = 0; i < 10 && !(await focusedText(owner)).startsWith('Money worries › Who pays'); i++) {
      await owner.keyboard.press('ArrowDown');
    }
    await owner.keyboard.press('Enter');
    await expect.poll(() => cardNames(grid(coder, 'Codes of Who pays'))).toEqual(['Family', 'Cost']);
    expect(await cost.count()).toBe(0);
  });

  const columnOrder = (page: Page) =>
    page
      .locator('.theme-column')
      .evaluateAll((columns) => columns.map((column) => column.querySelector('.theme-title')?.textContent));

  it('reorders columns, deletes and restores a theme, and finalises through the gate as before', async () => {
    const owner = await open(seed.owner.email);
    const coder = await open(seed.coder.email);
    await expect.poll(() => columnOrder(coder)).toEqual(['Money worries', 'Being alone']);
    await column(owner, 'Being alone').getByRole('button', { name: 'Actions for Being alone' }).click();
    await owner.getByRole('menuitem', { name: 'Move left' }).click();
    await expect.poll(() => columnOrder(coder)).toEqual(['Being alone', 'Money worries']);

    // Deleting asks first; its code goes back to the tray; undo brings the theme back with its code.
    await column(owner, 'Being alone').getByRole('button', { name: 'Actions for Being alone' }).click();
    await owner.getByRole('menuitem', { name: 'Delete…' }).click();
    await owner.getByRole('alertdialog').getByRole('button', { name: 'Delete theme' }).click();
    await expect.poll(() => columnOrder(coder)).toEqual(['Money worries']);
    await expect.poll(() => cardNames(grid(coder, 'Unassigned codes'))).toContain('Isolation');
    await owner.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => columnOrder(coder)).toEqual(['Being alone', 'Money worries']);
    expect(await cardNames(grid(coder, 'Codes of Being alone'))).toEqual(['Isolation']);

    // The gate, on the sub-theme that has the codes: codes never double-coded warn, finalising needs the
    // acknowledgement, and the co-researcher sees the theme final.
    const menu = owner.getByRole('button', { name: 'Actions for Who pays' });
    const whoPays = column(coder, 'Money worries').getByTestId('theme-Who pays');
    await menu.click();
    await owner.getByRole('menuitem', { name: 'Mark reviewed' }).click();
    await expect.poll(() => whoPays.getAttribute('data-status')).toBe('reviewed');
    await menu.click();
    await owner.getByRole('menuitem', { name: 'Mark final…' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByTestId('gate-warning').waitFor();
    expect(await dialog.locator('tr[data-reliability="neverDoubleCoded"]').count()).toBe(2);
    const finalise = dialog.getByRole('button', { name: 'Finalise theme' });
    expect(await finalise.isDisabled()).toBe(true);
    await screenshot(owner, 'themeboard-gate');
    await dialog.getByLabel('I have discussed this and want to finalise anyway').check();
    await finalise.click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => whoPays.getAttribute('data-status')).toBe('final');
    expect(await whoPays.getByTestId('finalised-with').textContent()).toContain('warnings acknowledged');
  });

  it('shows a viewer the board and its counts, with nothing to drag or edit', async () => {
    const viewer = await open(seed.viewer.email);
    await expect.poll(() => columnOrder(viewer)).toEqual(['Being alone', 'Money worries']);
    await expect.poll(() => cardNames(grid(viewer, 'Unassigned codes'))).toEqual(['Care', 'Distance']);
    expect(await viewer.getByLabel('New theme name').count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /^Drag / }).count()).toBe(0);
    expect(await viewer.locator('.code-card[draggable="true"]').count()).toBe(0);
    await column(viewer, 'Money worries').getByRole('button', { name: 'Money worries: details and memo' }).click();
    const sheet = viewer.getByTestId('theme-details');
    expect(await sheet.getByLabel('Definition').getAttribute('readonly')).not.toBeNull();
    await expect.poll(() => sheet.getByLabel('Memo').inputValue()).toBe('Fees come up in every interview.');
  });

  it('draws the theme map and exports it as a PNG', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    contexts.push(context);
    const page = await signIn(context, test.url, seed.coder.email);
    await page.goto(url);
    const map = page.getByTestId('theme-map');
    await expect.poll(() => map.locator('[data-node="theme"]').count()).toBe(3);
    expect(await map.locator('[data-node="code"]').count()).toBe(3);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export as PNG' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('theme-map.png');
    const stream = await file.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(1, 4).toString()).toBe('PNG');
  });

  it('looks right in the dark theme', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    contexts.push(context);
    const page = await signIn(context, test.url, seed.owner.email);
    await page.goto(url);
    await grid(page, 'Codes of Who pays').waitFor();
    await screenshot(page, 'themeboard-1440-dark');
  });
});
