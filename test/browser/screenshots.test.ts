import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';
import { type Study, seedStudy, studyPages } from './pages.js';

const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1280, height: 800 },
] as const;

/**
 * Issue 22's evidence: the main pages at 1440x900 and 1280x800, light and dark, in test/artifacts/screenshots/
 * (`<page>-<width>x<height>-<theme>.png`), to be looked at. Each also checks that nothing is cut off sideways: the
 * page itself never scrolls horizontally (wide tables scroll inside their own region).
 */
describe('screenshots of the main pages', () => {
  let test: TestServer;
  let browser: Browser;
  let study: Study;

  beforeAll(async () => {
    test = await startTestServer();
    study = await seedStudy(test);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  for (const viewport of VIEWPORTS) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`at ${viewport.width}x${viewport.height}, ${scheme}`, async () => {
        const context = await browser.newContext({ viewport, colorScheme: scheme });
        context.setDefaultTimeout(15_000);
        try {
          const suffix = `${viewport.width}x${viewport.height}-${scheme}`;
          const login = await context.newPage();
          await login.goto(`${test.url}/login`);
          await login.getByRole('button', { name: 'Sign in' }).waitFor();
          await screenshot(login, `login-${suffix}`);
          await login.close();
          const page = await signIn(context, test.url, study.owner.email);
          page.on('pageerror', (error) => console.error('page error:', error));
          const overflowing: string[] = [];
          for (const visit of studyPages(study)) {
            await page.goto(`${test.url}${visit.path}`);
            await visit.ready(page);
            await visit.open?.(page);
            // Charts and late data settle; fonts are loaded.
            await page.evaluate(() => document.fonts.ready);
            await page.waitForTimeout(150);
            await screenshot(page, `${visit.name}-${suffix}`);
            const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
            if (wide) overflowing.push(visit.name);
          }
          expect(overflowing, 'pages wider than the window').toEqual([]);
        } finally {
          await context.close();
        }
      }, 180_000);
    }
  }
});
