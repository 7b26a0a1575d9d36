import { createRequire } from 'node:module';
import { addCodeToTheme, addTheme, docName, readThemes } from '@accord/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { wav } from '../media/mediaFiles.js';
import { launchChromium, selectPassage, signIn } from './browser.js';
import { type Study, seedStudy, studyPages } from './pages.js';

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2 A and AA rules) on the page; the serious and critical violations, one line per node. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations as Violation[];
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.impact} ${violation.id} (${violation.help}) at ${node.target.join(' ')}: ${node.failureSummary ?? ''}`,
      ),
    );
}

/**
 * Issue 22 item 7: axe-core finds no serious or critical WCAG 2 A/AA violation on any page, in the light and in the
 * dark theme (contrast is checked against each theme's real colours).
 */
describe('accessibility (axe-core) on every page', () => {
  let test: TestServer;
  let browser: Browser;
  let study: Study;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    test = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  const newContext = async (colorScheme: 'light' | 'dark') => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    return context;
  };

  it.each(['light', 'dark'] as const)(
    'the first-run setup and sign-in pages (%s)',
    async (scheme) => {
      const context = await newContext(scheme);
      const page = await context.newPage();
      if (!study) {
        // Before any account exists the app asks to set up the first administrator.
        await page.goto(`${test.url}/`);
        await page.getByRole('button', { name: /Create/ }).waitFor();
        expect(await seriousViolations(page), 'setup page').toEqual([]);
        study = await seedStudy(test);
      }
      await page.goto(`${test.url}/login`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await seriousViolations(page), 'login page').toEqual([]);
    },
    60_000,
  );

  it.each(['light', 'dark'] as const)(
    'every signed-in page (%s)',
    async (scheme) => {
      const context = await newContext(scheme);
      const page = await signIn(context, test.url, study.owner.email);
      page.on('pageerror', (error) => console.error('page error:', error));
      const failures: string[] = [];
      for (const visit of studyPages(study)) {
        await page.goto(`${test.url}${visit.path}`);
        await visit.ready(page);
        await visit.open?.(page);
        for (const line of await seriousViolations(page)) failures.push(`${visit.name}: ${line}`);
      }
      expect(failures).toEqual([]);
    },
    180_000,
  );

  it.each(['light', 'dark'] as const)(
    'the theme board with a sub-theme, the side sheet and a card menu (%s)',
    async (scheme) => {
      await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: study.project.id }), (doc) => {
        if (readThemes(doc).length > 0) return;
        const theme = addTheme(doc, { name: 'Silencing dissent', definition: 'How doubts were kept quiet.' });
        addCodeToTheme(doc, theme, study.codes.selfCensorship!);
        addCodeToTheme(doc, addTheme(doc, { name: 'Pressure', parent: theme }), study.codes.pressure!);
        addTheme(doc, { name: 'Outsiders' });
      });
      const context = await newContext(scheme);
      const page = await signIn(context, test.url, study.owner.email);
      await page.goto(`${test.url}/p/${study.project.id}/analysis/themes`);
      await page.getByRole('grid', { name: 'Codes of Pressure' }).waitFor();
      await page.getByTestId('code-count').first().waitFor();
      expect(await seriousViolations(page), 'theme board').toEqual([]);
      await page.getByRole('button', { name: 'Silencing dissent: details and memo' }).click();
      await page.getByTestId('theme-details').getByLabel('Definition').waitFor();
      await page.getByRole('button', { name: 'Move Self-censorship' }).click();
      await page.getByRole('menu').waitFor();
      expect(await seriousViolations(page), 'theme details and a card menu').toEqual([]);
    },
    60_000,
  );

  it.each(['light', 'dark'] as const)(
    'the code picker and the codebook tree (%s)',
    async (scheme) => {
      const context = await newContext(scheme);
      const page = await signIn(context, test.url, study.owner.email);
      await page.goto(`${test.url}/p/${study.project.id}/t/${study.second}`);
      await page.getByText('people went quiet').first().waitFor();
      await selectPassage(page, 'people went quiet');
      const picker = page.getByRole('combobox', { name: 'Code to apply' });
      await picker.pressSequentially('ill');
      await page.locator('.picker [role="option"][data-focused]').waitFor();
      expect(await seriousViolations(page), 'picker').toEqual([]);
      await picker.press('Escape');
      await page
        .getByRole('treegrid', { name: 'Codes' })
        .getByRole('row', { name: /^Self-censorship/ })
        .click();
      await page.getByRole('heading', { name: 'Self-censorship', level: 3 }).waitFor();
      expect(await seriousViolations(page), 'codebook tree').toEqual([]);
      // The details of a coding, opened from its highlight.
      await page.locator('.seg.coded', { hasText: 'people went quiet' }).first().click();
      await page.getByRole('dialog', { name: /codings? here/ }).waitFor();
      expect(await seriousViolations(page), 'coding details').toEqual([]);
    },
    60_000,
  );

  it.each(['light', 'dark'] as const)(
    'the statistics overviews with cells opened and the export menu (%s)',
    async (scheme) => {
      const context = await newContext(scheme);
      const page = await signIn(context, test.url, study.owner.email);
      await page.goto(`${test.url}/p/${study.project.id}/analysis/statistics`);
      const matrix = page.getByRole('grid', { name: /^Code matrix/ });
      await matrix.getByRole('button', { name: /^Self-censorship in Interview 1: [1-9]/ }).click();
      await page.getByTestId('overview-segment').first().waitFor();
      const heat = page.getByRole('grid', { name: /^Code co-occurrence/ });
      await heat.getByRole('button', { name: /^Self-censorship and Illusion of invulnerability: [1-9]/ }).click();
      await page.getByTestId('cell-segments').locator('blockquote').first().waitFor();
      await page.getByRole('grid', { name: /^Codes by/ }).waitFor();
      expect(await seriousViolations(page), 'overviews').toEqual([]);
      await page.getByRole('button', { name: 'Export code matrix' }).click();
      await page.getByRole('menu').waitFor();
      expect(await seriousViolations(page), 'export menu').toEqual([]);
    },
    60_000,
  );

  it('the user menu and its theme switch', async () => {
    const context = await newContext('light');
    const page = await signIn(context, test.url, study.owner.email);
    await page.getByRole('button', { name: /Account:/ }).click();
    const menu = page.getByRole('menu');
    await menu.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await menu.getByRole('menuitemradio', { name: 'Theme: dark' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    // Remembered across a reload, applied before the app renders.
    await page.reload();
    await page.getByRole('heading', { name: 'Your projects' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background).toBe('rgb(17, 18, 21)');
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it.each(['light', 'dark'] as const)(
    'the player beside a recorded transcript, its highlighted turn and hand alignment (%s)',
    async (scheme) => {
      const p = study.project.id;
      const owner = study.owner.client;
      let recorded = (await owner.get(`/api/projects/${p}/transcripts`)).body.transcripts.find(
        (t: { title: string }) => t.title === 'Recorded interview',
      )?.id as string | undefined;
      if (!recorded) {
        const text =
          'Interviewer: How did it start?\nP3: Slowly, with a letter.\nInterviewer: And then?\nP3: A call.\n';
        const turns = text
          .split('\n')
          .slice(0, 4)
          .map((line, i) => ({ start: text.indexOf(line), speaker: line.slice(0, line.indexOf(':')), time: i * 2 }));
        recorded = (await owner.post(`/api/projects/${p}/transcripts`, { title: 'Recorded interview', text, turns }))
          .body.transcript.id as string;
        const attached = await fetch(`${test.url}/api/projects/${p}/transcripts/${recorded}/media?name=tone.wav`, {
          method: 'POST',
          headers: { cookie: owner.cookie!, 'x-csrf-token': owner.csrfToken!, 'content-type': 'audio/wav' },
          body: new Uint8Array(wav(10)),
        });
        expect(attached.status).toBe(201);
      }
      const context = await newContext(scheme);
      const page = await signIn(context, test.url, study.owner.email);
      await page.goto(`${test.url}/p/${p}/t/${recorded}`);
      await page.waitForFunction(
        () => (document.querySelector<HTMLMediaElement>('[data-testid="player-media"]')?.readyState ?? 0) >= 1,
      );
      // Turn 2 being heard, and every turn offering "Set start".
      await page.getByRole('button', { name: 'Play from 0:02 (turn 2)' }).click();
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.locator('article.block[aria-current="time"]').waitFor();
      await page.getByRole('button', { name: 'Set turn starts' }).click();
      await page.getByRole('button', { name: /^Set start of turn 1/ }).waitFor();
      expect(await seriousViolations(page), 'player').toEqual([]);
    },
    60_000,
  );

  it('resizes the reader side panel by pointer and by keyboard, and remembers its width', async () => {
    const context = await newContext('light');
    const page = await signIn(context, test.url, study.owner.email);
    await page.goto(`${test.url}/p/${study.project.id}/t/${study.transcript.id}`);
    // The header's breadcrumb names the project the page belongs to.
    await page
      .getByRole('navigation', { name: 'Where you are' })
      .getByRole('link', { name: study.project.name })
      .waitFor();
    const handle = page.getByRole('separator', { name: 'Resize Side panel' });
    await handle.waitFor();
    const before = Number(await handle.getAttribute('aria-valuenow'));
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 100, box.y + 200, { steps: 5 });
    await page.mouse.up();
    // Dragged 100 px toward the text: the panel is 100 px wider, and really that wide on screen.
    await expect.poll(async () => Number(await handle.getAttribute('aria-valuenow'))).toBe(before + 100);
    const panel = page.getByRole('complementary', { name: 'Side panel' });
    expect(Math.round((await panel.boundingBox())!.width)).toBe(before + 100);
    await handle.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await handle.getAttribute('aria-valuenow'))).toBe(before + 84);
    await page.reload();
    await handle.waitFor();
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(before + 84);
  }, 60_000);
});
