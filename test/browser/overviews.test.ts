/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCodesTree, codePassages } from '../analysis/helpers.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, SCREENSHOTS, screenshot, signIn } from './browser.js';

const T1 =
  'Interviewer: How was treatment?\nP1: Hard at first. The fees were high and I felt alone.\n' +
  'My sister. She paid the fees.\n';
const T2 = 'Interviewer: And for you?\nP2: Care was far away. My sister drove me. The fees were fine.\n';
const more = (n: number) => `Interviewer: Tell me more.\nP${n}: It was fine, mostly. Money was tight.\n`;

/**
 * The Statistics tab's visual overviews in Chromium against a real server, on a project coded only in open coding
 * (two coders' layers, no consensus, no round): what the analysis counts by default. The code matrix opens the
 * right segments by mouse and by keyboard, the co-occurrence heat map drills down, the comparison by attribute
 * opens a group's segments, the exports are a valid SVG, PNG and CSV, and a wide matrix scrolls inside itself with
 * sticky headers instead of clipping.
 */
describe('visual overviews in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  const contexts: BrowserContext[] = [];
  /** Enough transcripts that the matrix is wider than a 1280 px window. */
  const N = 24;
  const titles = Array.from({ length: N }, (_, i) => `Interview ${i + 1}`);
  const rest = (value: string) => Array(N - 2).fill(value);

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test, T1);
    const p = seed.project.id;
    await seed.owner.client.patch(`/api/projects/${p}/transcripts/${seed.transcript.id}`, {
      attributes: { age: '18-30' },
    });
    const add = async (title: string, participant: string, text: string, age: string) =>
      (
        await seed.owner.client.post(`/api/projects/${p}/transcripts`, {
          title,
          participant,
          attributes: { age },
          text,
          turns: [
            { start: 0, speaker: 'Interviewer' },
            { start: text.indexOf(`${participant}:`), speaker: participant },
          ],
        })
      ).body.transcript.id as string;
    const t2 = await add('Interview 2', 'P2', T2, '31-50');
    const others: string[] = [];
    for (let n = 3; n <= N; n++) others.push(await add(`Interview ${n}`, `P${n}`, more(n), n % 2 ? '18-30' : '31-50'));
    const codes = await addCodesTree(test, p, [
      { key: 'care', name: 'Care' },
      { key: 'cost', name: 'Cost', parent: 'care' },
      { key: 'family', name: 'Family' },
      { key: 'mood', name: 'Mood' },
      { key: 'stigma', name: '=Stigma' },
    ]);
    await codePassages(test, p, seed.transcript.id, seed.coder.id, [
      { code: codes.cost!, text: 'The fees were high' },
      { code: codes.family!, text: 'My sister. She paid' },
      { code: codes.cost!, text: 'She paid the fees' },
    ]);
    await codePassages(test, p, seed.transcript.id, seed.coder2.id, [
      { code: codes.cost!, text: 'The fees were high' },
      { code: codes.mood!, text: 'I felt alone' },
    ]);
    await codePassages(test, p, t2, seed.coder2.id, [
      { code: codes.care!, text: 'Care was far away' },
      { code: codes.family!, text: 'My sister drove me' },
      { code: codes.cost!, text: 'The fees were fine' },
    ]);
    for (const t of others)
      await codePassages(test, p, t, seed.coder2.id, [{ code: codes.mood!, text: 'It was fine' }]);
    await codePassages(test, p, others[0]!, seed.coder2.id, [{ code: codes.stigma!, text: 'Money was tight' }]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  const open = async (width: number, height: number, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme, acceptDownloads: true });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, seed.owner.email);
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${test.url}/p/${seed.project.id}/analysis/statistics`);
    await page.getByTestId('frequency-table').waitFor();
    return page;
  };

  const matrix = (page: Page) => page.getByRole('grid', { name: /^Code matrix/ });
  const panelTexts = (page: Page) => page.getByTestId('overview-segment').locator('blockquote').allTextContents();
  const focusedLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');

  it('counts open coding by default and opens a cell’s segments with the mouse', async () => {
    const page = await open(1440, 900);
    expect(await page.getByLabel('Analyse').inputValue()).toBe('all');
    expect(await page.getByTestId('counted').first().textContent()).toMatch(
      /^Counted: all coding you can see .*layers read: Cody Coder, Cora Coder/,
    );
    const grid = matrix(page);
    expect(await grid.locator('thead th').allTextContents()).toEqual(['Code', ...titles, 'Total']);
    // Tree order, parents first; Care counts its subcode Cost; the passage both coders coded is one segment.
    expect(await grid.locator('tbody th').allTextContents()).toEqual(['Care', 'Cost', 'Family', 'Mood', '=Stigma']);
    const row = (code: string) => grid.locator(`tr[data-code="${code}"] td`).allTextContents();
    expect(await row('Care')).toEqual(['2', '2', ...rest(''), '4']);
    expect(await row('Care › Cost')).toEqual(['2', '1', ...rest(''), '3']);
    expect(await row('Mood')).toEqual(['1', '', ...rest('1'), String(N - 1)]);

    await grid.getByRole('button', { name: 'Care in Interview 1: 2 segments' }).click();
    const panel = page.getByTestId('overview-segments');
    await expect.poll(() => panelTexts(page)).toEqual(['The fees were high', 'She paid the fees']);
    expect(await panel.getByRole('heading').textContent()).toBe('Care (with subcodes) in Interview 1: 2 segments');
    expect(await panel.getByTestId('overview-segment').first().textContent()).toContain('Cody Coder & Cora Coder');
    await screenshot(page, 'overviews-1440');
    await page
      .locator('#overview-frequencies')
      .screenshot({ path: path.join(SCREENSHOTS, 'overviews-frequencies.png') });

    // Frequencies: the bars' numbers as a table, open coding counted there too.
    await page.getByText('The numbers as a table').click();
    const numbers = page.getByTestId('frequency-numbers');
    expect((await numbers.locator('tr[data-code="Mood"] td').allTextContents()).slice(0, 2)).toEqual([
      `${N - 1}`,
      `${N - 1} of ${N}`,
    ]);
    expect((await numbers.locator('tr[data-code="Care"] td').allTextContents()).slice(0, 2)).toEqual([
      '4',
      `2 of ${N}`,
    ]);

    // Parents without their subcodes: Care counts only its own segment, and retrieves only it.
    await page.getByLabel('Subcodes count for their parents').uncheck();
    await expect.poll(() => row('Care')).toEqual(['', '1', ...rest(''), '1']);
    await grid.getByRole('button', { name: 'Care in Interview 2: 1 segments' }).click();
    await expect.poll(() => panelTexts(page)).toEqual(['Care was far away']);
    await page.getByLabel('Subcodes count for their parents').check();

    // The scope and the filters apply to the overviews as to retrieval: one coder's layer, then one age group.
    await page.getByLabel('Analyse').selectOption({ label: 'Cora Coder' });
    await expect.poll(() => row('Care')).toEqual(['1', '2', ...rest(''), '3']);
    await page.getByLabel('Analyse').selectOption('all');
    const age = page.getByRole('form', { name: 'Filters' }).getByRole('group', { name: 'age' });
    await age.getByLabel('31-50').check();
    await expect
      .poll(() => grid.locator('thead th').allTextContents())
      .toEqual(['Code', ...titles.filter((_, i) => i % 2 === 1), 'Total']);
    await age.getByLabel('31-50').uncheck();
    await expect.poll(() => grid.locator('thead th').count()).toBe(N + 2);

    // The coverage measure: the share of the transcript's characters that the code's segments cover.
    await page
      .locator('[data-overview="matrix"]')
      .getByLabel('Show')
      .selectOption({ label: '% of the transcript coded' });
    const share = (('The fees were high'.length + 'She paid the fees'.length) / T1.length) * 100;
    await expect.poll(() => row('Care › Cost').then((cells) => cells[0])).toBe(`${Math.round(share)}%`);
    // The whole tab in one picture, for review.
    await page.setViewportSize({ width: 1440, height: 2600 });
    await screenshot(page, 'overviews-1440-all');
  });

  it('moves through the matrix with the arrow keys and opens a cell with Enter', async () => {
    const page = await open(1280, 800);
    const grid = matrix(page);
    // One tab stop: the grid's active cell.
    expect(await grid.locator('button[tabindex="0"]').count()).toBe(1);
    await page.getByLabel('Subcodes count for their parents').focus();
    await page.keyboard.press('Tab');
    // The nav links and the checkbox come before; tab until the grid's cell has focus.
    for (let i = 0; i < 10 && !(await focusedLabel(page)).includes(' in Interview'); i++)
      await page.keyboard.press('Tab');
    expect(await focusedLabel(page)).toBe('Care in Interview 1: 2 segments');
    await page.keyboard.press('ArrowDown');
    expect(await focusedLabel(page)).toBe('Care › Cost in Interview 1: 2 segments');
    await page.keyboard.press('ArrowRight');
    expect(await focusedLabel(page)).toBe('Care › Cost in Interview 2: 1 segments');
    await page.keyboard.press('Enter');
    await expect.poll(() => panelTexts(page)).toEqual(['The fees were fine']);
    // Focus stays in the grid, so the next cell is one key away.
    expect(await focusedLabel(page)).toBe('Care › Cost in Interview 2: 1 segments');
    await page.keyboard.press('End');
    expect(await focusedLabel(page)).toBe(`Care › Cost in Interview ${N}: 0 segments`);
    await page.keyboard.press('Control+End');
    expect(await focusedLabel(page)).toBe(`=Stigma in Interview ${N}: 0 segments`);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    await expect.poll(() => panelTexts(page)).toEqual(['It was fine']);
    expect(await page.getByTestId('overview-segments').getByRole('heading').textContent()).toBe(
      `Mood in Interview ${N}: 1 segment`,
    );
    await page.keyboard.press('Control+Home');
    expect(await focusedLabel(page)).toBe('Care in Interview 1: 2 segments');
    expect(await grid.locator('button[tabindex="0"]').count()).toBe(1);
  });

  it('scrolls a wide matrix inside itself at 1280 px, its headers sticky, the page never wider than the window', async () => {
    const page = await open(1280, 800);
    const scroller = page.locator('.heat-scroll').first();
    const sizes = await scroller.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    const widths = await page.evaluate(() => {
      const main = document.querySelector('.page')!;
      return { document: document.documentElement.scrollWidth, page: main.scrollWidth, pageBox: main.clientWidth };
    });
    expect(widths.document).toBeLessThanOrEqual(1280);
    expect(widths.page).toBeLessThanOrEqual(widths.pageBox);
    const box = (await scroller.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    const rowHeader = matrix(page).locator('tbody th').first();
    const before = (await rowHeader.boundingBox())!.x;
    await scroller.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    await expect.poll(async () => (await rowHeader.boundingBox())!.x).toBe(before);
    expect(await page.getByRole('columnheader', { name: 'Total' }).first().isVisible()).toBe(true);
    await screenshot(page, 'overviews-1280');
  });

  it('drills down from the co-occurrence heat map and compares codes by attribute', async () => {
    const page = await open(1280, 800, 'dark');
    const heat = page.getByRole('grid', { name: /^Code co-occurrence/ });
    await heat.getByRole('button', { name: 'Family and Care › Cost: 1' }).click();
    const pairs = page.getByTestId('cell-segments');
    await expect.poll(() => pairs.locator('blockquote').allTextContents()).toEqual(['She paid']);
    expect(await pairs.getByRole('heading').textContent()).toBe('Family × Care › Cost: 1 overlapping pair');
    // The diagonal is each code's own count and opens nothing.
    const diagonal = heat.getByRole('button', { name: 'Family: 2 segments' });
    expect(await diagonal.getAttribute('aria-disabled')).toBe('true');

    const groups = page.getByRole('grid', { name: /^Codes by age/ });
    expect(await groups.locator('thead th').allTextContents()).toEqual([
      'Code',
      `18-30 (n=${N / 2})`,
      `31-50 (n=${N / 2})`,
      'All segments',
    ]);
    // Mood occurs in every transcript aged 18-30 (Interview 1 among them) and in all but one aged 31-50.
    const all = Math.round(((N / 2 - 1) / (N / 2)) * 100);
    expect(await groups.locator('tr[data-code="Mood"] td').allTextContents()).toEqual(['100%', `${all}%`, `${N - 1}`]);
    await groups.locator('tr[data-code="Family"] td button').nth(1).click();
    await expect.poll(() => panelTexts(page)).toEqual(['My sister drove me']);
    expect(await page.getByTestId('overview-segments').getByRole('heading').textContent()).toBe(
      'Family in age 31-50: 1 segment',
    );
    await page.locator('#overview-cooccurrence').scrollIntoViewIfNeeded();
    await screenshot(page, 'overviews-dark-1280');
    await page.setViewportSize({ width: 1280, height: 2600 });
    await screenshot(page, 'overviews-dark-1280-all');
  });

  it('exports the matrix as a valid SVG, PNG and formula-safe CSV, and the other overviews alike', async () => {
    const page = await open(1440, 900);
    const download = async (item: string): Promise<{ file: Download; bytes: Buffer }> => {
      await page.getByRole('button', { name: 'Export code matrix' }).click();
      const started = page.waitForEvent('download');
      await page.getByRole('menuitem', { name: item }).click();
      const file = await started;
      return { file, bytes: fs.readFileSync((await file.path())!) };
    };

    const svg = await download('SVG image');
    expect(svg.file.suggestedFilename()).toBe('code-matrix.svg');
    const text = svg.bytes.toString('utf8');
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: root.nodeName,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        texts: Array.from(doc.querySelectorAll('text')).map((t) => t.lastChild?.textContent ?? ''),
      };
    }, text);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    expect(parsed.texts).toContain('Code matrix: segments');
    expect(parsed.texts).toEqual(expect.arrayContaining(['Care', 'Cost', '=Stigma', `Interview ${N}`, 'Total']));
    expect(text).toContain('Counted: all coding you can see');

    const png = await download('PNG image');
    expect(png.file.suggestedFilename()).toBe('code-matrix.png');
    expect(png.bytes.subarray(1, 4).toString()).toBe('PNG');
    // IHDR: the image is the SVG drawn at twice its size.
    expect(png.bytes.readUInt32BE(16)).toBe(parsed.width * 2);
    expect(png.bytes.readUInt32BE(20)).toBe(parsed.height * 2);
    fs.writeFileSync(path.join(SCREENSHOTS, 'overviews-export-matrix.png'), png.bytes);

    const csv = await download('CSV table');
    expect(csv.file.suggestedFilename()).toBe('code-matrix.csv');
    const lines = csv.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lines[0]).toBe(`code (segments),${titles.join(',')},total`);
    expect(lines[1]).toBe(['Care', 2, 2, ...rest('0'), 4].join(','));
    expect(lines[2]).toBe(['Care > Cost', 2, 1, ...rest('0'), 3].join(','));
    expect(lines[4]).toBe(['Mood', 1, 0, ...rest('1'), N - 1].join(','));
    // A code name a spreadsheet would run as a formula reaches it as text.
    expect(lines[5]).toBe(["'=Stigma", 0, 0, 1, ...Array(N - 3).fill(0), 1].join(','));
    expect(lines[6]).toBe(['(any of these codes)', 4, 3, 2, ...Array(N - 3).fill(1), 4 + 3 + 2 + N - 3].join(','));
    expect(lines[7]).toBe('');

    // The other overviews export the same way.
    await page.getByRole('button', { name: 'Export code frequencies' }).click();
    const chart = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'PNG image' }).click();
    const chartFile = await chart;
    expect(chartFile.suggestedFilename()).toBe('code-frequencies.png');
    expect(
      fs
        .readFileSync((await chartFile.path())!)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    await page.getByRole('button', { name: 'Export code co-occurrence' }).click();
    const heat = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'CSV table' }).click();
    const heatLines = fs
      .readFileSync((await (await heat).path())!, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(heatLines[0]).toBe("code,Care,Care > Cost,Family,Mood,'=Stigma");
    expect(heatLines[3]).toBe('Family,0,1,2,0,0');
    await page.getByRole('button', { name: 'Export group comparison' }).click();
    const groups = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'SVG image' }).click();
    const groupsFile = await groups;
    expect(groupsFile.suggestedFilename()).toBe('codes-by-age.svg');
    expect(fs.readFileSync((await groupsFile.path())!, 'utf8')).toContain(`31-50 (n=${N / 2})`);
  });
});
