import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCodesTree, codePassages } from '../analysis/helpers.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

const T1 =
  'Interviewer: How was treatment?\nP1: Hard at first. The fees were high and I felt alone.\n' +
  'My sister. She paid the fees.\n';
const T2 = 'Interviewer: And for you?\nP2: Care was far away. My sister drove me. The fees were fine.\n';

/**
 * The analysis views in Chromium against a real server: retrieval narrowed by filters, statistics and open
 * coding by default. The theme board, its finalisation gate and the theme map have their own file
 * (themeBoard.test.ts).
 */
describe('analysis in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test, T1);
    const p = seed.project.id;
    await seed.owner.client.patch(`/api/projects/${p}/transcripts/${seed.transcript.id}`, {
      attributes: { age: '18-30' },
    });
    const t2 = (
      await seed.owner.client.post(`/api/projects/${p}/transcripts`, {
        title: 'Interview 2',
        participant: 'P2',
        attributes: { age: '31-50' },
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
    ]);
    await codePassages(test, p, seed.transcript.id, 'consensus', [
      { code: codes.cost!, text: 'The fees were high' },
      { code: codes.family!, text: 'My sister. She paid' },
      { code: codes.cost!, text: 'She paid the fees' },
    ]);
    await codePassages(test, p, t2, 'consensus', [
      { code: codes.care!, text: 'Care was far away' },
      { code: codes.family!, text: 'My sister drove me' },
    ]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  const open = async (email: string, acceptDownloads = false): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, email);
    page.on('pageerror', (error) => console.error(`[${email}] page error:`, error));
    return page;
  };

  const segmentCount = (page: Page) => page.getByTestId('segment').count();

  it('retrieves segments and narrows them with the code, attribute and text filters', async () => {
    const page = await open(seed.coder.email);
    await page.goto(`${test.url}/p/${seed.project.id}`);
    await page.getByRole('link', { name: 'Analysis' }).click();
    await page.getByRole('heading', { name: 'Analysis' }).waitFor();
    await expect.poll(() => segmentCount(page)).toBe(5);

    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByRole('listbox', { name: 'Codes' }).selectOption({ label: 'Care' });
    await expect.poll(() => segmentCount(page)).toBe(3);
    await filters.getByLabel('Include subcodes').uncheck();
    await expect.poll(() => segmentCount(page)).toBe(1);
    await filters.getByLabel('Include subcodes').check();
    await filters.getByRole('group', { name: 'age' }).getByLabel('18-30').check();
    await expect.poll(() => segmentCount(page)).toBe(2);
    const texts = await page.getByTestId('segment').locator('blockquote').allTextContents();
    expect(texts).toEqual(['The fees were high', 'She paid the fees']);
    await expect.poll(() => page.getByTestId('segment-count').textContent()).toBe('(2)');
    expect(await page.getByTestId('segment').first().textContent()).toContain('age: 18-30');
    await filters.getByLabel('Segment contains').fill('paid');
    await expect.poll(() => segmentCount(page)).toBe(1);
    const csv = page.getByRole('link', { name: 'Export CSV' });
    expect(await csv.getAttribute('href')).toMatch(/attr=age%3D18-30.*contains=paid.*format=csv/);
    await screenshot(page, 'analysis-retrieval');

    const search = page.getByRole('form', { name: 'Search the transcripts' });
    await search.getByLabel('Search text').fill('sister');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('hit').count()).toBe(1);
    expect(await page.getByTestId('hit').locator('mark').textContent()).toBe('sister');
  });

  it('shows code frequencies and opens the segments behind a co-occurrence cell', async () => {
    const page = await open(seed.viewer.email);
    await page.goto(`${test.url}/p/${seed.project.id}/analysis/statistics`);
    const table = page.getByTestId('frequency-table');
    await table.waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual(['Code', 'Interview 1', 'Interview 2', 'Total']);
    await expect.poll(() => table.locator('tr[data-code="Family"] td').allTextContents()).toEqual(['1', '1', '2']);
    const cell = page.getByRole('button', { name: 'Family and Care › Cost: 1' });
    await cell.click();
    const segments = page.getByTestId('cell-segments');
    await segments.waitFor();
    expect(await segments.locator('blockquote').allTextContents()).toEqual(['She paid']);
    await screenshot(page, 'analysis-statistics');
  });

  it('shows open coding by default in retrieval, statistics and the final report, and says what it counted', async () => {
    // A second project coded only in coders' layers: no round, no consensus (the usual start of an analysis).
    const open2 = await seedProject(test, T1);
    const p = open2.project.id;
    const codes = await addCodesTree(test, p, [
      { key: 'fees', name: 'Fees' },
      { key: 'alone', name: 'Loneliness' },
    ]);
    await codePassages(test, p, open2.transcript.id, open2.coder.id, [
      { code: codes.fees!, text: 'The fees were high' },
      { code: codes.alone!, text: 'I felt alone' },
    ]);
    await codePassages(test, p, open2.transcript.id, open2.coder2.id, [
      { code: codes.fees!, text: 'The fees were high' },
    ]);
    const page = await open(open2.owner.email);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${test.url}/p/${p}/analysis`);
    await expect.poll(() => segmentCount(page)).toBe(2);
    expect(await page.getByLabel('Analyse').inputValue()).toBe('all');
    const merged = page.getByTestId('segment').filter({ hasText: 'The fees were high' });
    expect(await merged.getByTestId('segment-layers').textContent()).toMatch(
      /Cody Coder & Cora Coder|Cora Coder & Cody Coder/,
    );
    expect(await page.getByTestId('counted').textContent()).toMatch(/^Counted: all coding you can see/);
    await screenshot(page, 'analysis-open-coding-retrieval');
    // One coder: the scope applies to every view.
    await page.getByLabel('Analyse').selectOption({ label: 'Cora Coder' });
    await expect.poll(() => segmentCount(page)).toBe(1);
    await page.getByLabel('Analyse').selectOption('all');

    await page.getByRole('link', { name: 'Statistics' }).click();
    const table = page.getByTestId('frequency-table');
    await table.waitFor();
    await expect.poll(() => table.locator('tr[data-code="Fees"] td').allTextContents()).toEqual(['1', '1']);
    await expect.poll(() => table.locator('tr[data-code="Loneliness"] td').allTextContents()).toEqual(['1', '1']);
    await screenshot(page, 'analysis-open-coding-statistics');

    await page.getByRole('link', { name: 'Final report' }).click();
    const report = page.getByRole('region', { name: 'Final report' });
    await report.waitFor();
    expect(await report.getByTestId('counted').textContent()).toMatch(/layers read: Cody Coder, Cora Coder/);
    expect(await report.textContent()).toContain('Fees: 1 coding, 1 transcript');
    await screenshot(page, 'analysis-open-coding-report');
  });
});
