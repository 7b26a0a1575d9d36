/// <reference lib="dom" />
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';
import { type Study, seedStudy } from './pages.js';

/**
 * Issue 26 item 3's evidence: with the browser's language set to German, every main page speaks German: no string
 * of the English catalogue that German translates is left visible (text, labels, tooltips, placeholders, options),
 * `<html lang>` says `de`, and dates and numbers are written the German way. An English browser can switch to
 * German in the user menu, and the choice stays with the account, in any browser it signs in with.
 */

const catalogue = (tag: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(new URL(`../../client/src/i18n/messages/${tag}.json`, import.meta.url), 'utf8'));

/** English messages German translates differently, as patterns that match the whole of a shown string. */
function englishPatterns(): { id: string; pattern: RegExp }[] {
  const patterns: { id: string; pattern: RegExp }[] = [];
  const english = catalogue('en');
  const german = catalogue('de');
  // An English word that is also German (“Analyse”) tells nothing about which language shows.
  const germanTexts = new Set(Object.values(german));
  for (const [id, message] of Object.entries(english)) {
    if (germanTexts.has(message) || id.startsWith('error.')) continue;
    // Plurals and selects are left out (their English forms are covered by the fixed texts around them).
    if (/,\s*(plural|select|selectordinal)\s*,/.test(message)) continue;
    const literal = message.replace(/\{[^}]*\}/g, '');
    if ((literal.match(/\p{L}/gu) ?? []).length < 3) continue;
    const source = message
      .split(/(\{[^}]*\})/)
      .map((part) => (part.startsWith('{') ? '.+?' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('');
    patterns.push({ id, pattern: new RegExp(`^${source.trim()}$`, 'u') });
  }
  return patterns;
}

/** Every string the page shows a person or reads out: visible text, names, tooltips, placeholders, options. */
function shownStrings(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const shown = new Set<string>();
    const visible = (element: Element) =>
      element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) ||
      // Read out though drawn 1px wide and clipped.
      element.closest('.visually-hidden') !== null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node as Text).data.replace(/\s+/g, ' ').trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest('script, style, template')) continue;
      if (parent.closest('option') ? visible(parent.closest('select')!) : visible(parent)) shown.add(text);
    }
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      if (!visible(element)) continue;
      for (const name of ['aria-label', 'title', 'placeholder', 'aria-valuetext', 'alt']) {
        const value = element.getAttribute(name)?.replace(/\s+/g, ' ').trim();
        if (value) shown.add(value);
      }
      // A labelled SVG chart's <title> is its tooltip.
      if (element.tagName.toLowerCase() === 'title' && element.parentElement?.closest('svg')) {
        const text = element.textContent?.trim();
        if (text) shown.add(text);
      }
    }
    return [...shown];
  });
}

interface Visit {
  name: string;
  path: string;
  ready: (page: Page) => Promise<unknown>;
  open?: (page: Page) => Promise<unknown>;
}

/** The main pages, each with a sign that its content is there that does not depend on the language. */
function visits(study: Study): Visit[] {
  const p = `/p/${study.project.id}`;
  return [
    { name: 'projects', path: '/', ready: (page) => page.getByRole('link', { name: study.project.name }).waitFor() },
    { name: 'account', path: '/account', ready: (page) => page.locator('.account-facts').waitFor() },
    { name: 'project', path: p, ready: (page) => page.getByRole('link', { name: 'Interview 2' }).waitFor() },
    {
      name: 'project-codebook',
      path: `${p}/codebook`,
      ready: (page) => page.locator('.code-row', { hasText: 'Self-censorship' }).first().waitFor(),
    },
    { name: 'project-memo', path: `${p}/memo`, ready: (page) => page.locator('.memo-text:not([readonly])').waitFor() },
    {
      name: 'project-settings',
      path: `${p}/settings`,
      ready: (page) => page.getByText('Cody Coder').first().waitFor(),
    },
    {
      name: 'reader',
      path: `${p}/t/${study.transcript.id}`,
      ready: (page) => page.locator('.stripe').first().waitFor({ state: 'attached' }),
    },
    { name: 'rounds', path: `${p}/rounds`, ready: (page) => page.getByText('Pilot round').first().waitFor() },
    {
      name: 'round',
      path: `${p}/rounds/${study.round}`,
      ready: (page) => page.locator('table.progress td[data-done]').first().waitFor(),
    },
    {
      name: 'round-dashboard',
      path: `${p}/rounds/${study.round}/agreement`,
      ready: async (page) => {
        await page.locator('tr[data-code-name="Self-censorship"]').waitFor();
        // The history across rounds comes last.
        await page.locator('.dashboard > table.agreement-table').waitFor();
      },
    },
    {
      name: 'round-review',
      path: `${p}/rounds/${study.round}/review`,
      ready: (page) => page.locator('li.disagreement').first().waitFor(),
    },
    {
      name: 'analysis-retrieval',
      path: `${p}/analysis`,
      ready: (page) => page.getByTestId('counted').first().waitFor(),
    },
    {
      name: 'analysis-statistics',
      path: `${p}/analysis/statistics`,
      ready: async (page) => {
        await page.getByTestId('frequency-table').waitFor();
        await page.getByTestId('cooccurrence-grid').waitFor();
        await page.getByTestId('groups-grid').waitFor();
      },
    },
    {
      name: 'analysis-themes',
      path: `${p}/analysis/themes`,
      ready: (page) => page.getByTestId('theme-board-columns').waitFor(),
    },
    { name: 'analysis-report', path: `${p}/analysis/report`, ready: (page) => page.locator('.final-report').waitFor() },
    {
      name: 'import-wizard',
      path: p,
      ready: (page) => page.getByRole('link', { name: 'Interview 2' }).waitFor(),
      open: async (page) => {
        await page.locator('.import-export button[aria-controls]').first().click();
        await page.getByTestId('drop-zone').waitFor();
        await page.locator('.import-export button[aria-controls]').nth(1).click();
        await page.locator('.export-menu').waitFor();
      },
    },
    {
      name: 'user-menu',
      path: '/',
      ready: (page) => page.getByRole('link', { name: study.project.name }).waitFor(),
      open: async (page) => {
        await page.locator('.user-menu-trigger').click();
        await page.getByRole('menu').waitFor();
      },
    },
  ];
}

async function signInGerman(context: BrowserContext, baseUrl: string, email: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('E-Mail').fill(email);
  await page.getByLabel('Passwort').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { name: 'Ihre Projekte' }).waitFor();
  return page;
}

describe('the interface in German', () => {
  let test: TestServer;
  let browser: Browser;
  let study: Study;
  const patterns = englishPatterns();

  beforeAll(async () => {
    test = await startTestServer();
    study = await seedStudy(test);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('follows a German browser: no English left on the main pages, <html lang>, German dates and numbers', async () => {
    expect(patterns.length).toBeGreaterThan(500);
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(20_000);
    try {
      const page = await signInGerman(context, test.url, study.owner.email);
      page.on('pageerror', (error) => console.error('page error:', error));
      const left: string[] = [];
      for (const visit of visits(study)) {
        await page.goto(`${test.url}${visit.path}`);
        await visit.ready(page);
        await visit.open?.(page);
        expect(await page.evaluate(() => document.documentElement.lang), visit.name).toBe('de');
        for (const text of await shownStrings(page)) {
          const english = patterns.find(({ pattern }) => pattern.test(text));
          if (english) left.push(`${visit.name}: “${text}” (${english.id})`);
        }
        if (
          ['project', 'project-settings', 'reader', 'round-dashboard', 'analysis-statistics', 'user-menu'].includes(
            visit.name,
          )
        ) {
          await screenshot(page, `i18n-de-${visit.name}`);
        }
      }
      expect(left, 'English strings left on German pages').toEqual([]);

      // Dates and numbers the German way: the round's reveal date (06.12.2026, 16:45) and kappas with a comma.
      await page.goto(`${test.url}/p/${study.project.id}/rounds/${study.round}`);
      await expect
        .poll(() => page.locator('h1 + p.muted').textContent())
        .toMatch(/aufgedeckt \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
      await page.goto(`${test.url}/p/${study.project.id}/rounds/${study.round}/agreement`);
      const kappa = page.locator('tr[data-code-name="Stereotyped outgroups"] td.kappa');
      await kappa.waitFor();
      const value = Number(await page.locator('tr[data-code-name="Stereotyped outgroups"]').getAttribute('data-kappa'));
      expect(await kappa.textContent()).toBe(
        new Intl.NumberFormat('de', {
          minimumFractionDigits: 3,
          maximumFractionDigits: 3,
          signDisplay: 'negative',
        }).format(value),
      );
      expect(await kappa.textContent()).toMatch(/^-?\d,\d{3}$/);
      await page.getByText(/unter 0,6 → besprechen; α unter 0,667 → nicht reliabel/).waitFor();

      // A server error in German, translated by its code: the only owner cannot stop being one (409 last_owner).
      await page.goto(`${test.url}/p/${study.project.id}/settings`);
      await page.getByLabel('Rolle von Olive Owner').selectOption('coder');
      await expect
        .poll(() => page.locator('.settings [role="alert"]').textContent())
        .toBe(
          'Ein Projekt braucht mindestens eine Eigentümerin oder einen Eigentümer; machen Sie zuerst jemand anderen dazu.',
        );

      // The project's language for exports and reports, set in its settings: the printable report says it.
      await page.getByLabel('Sprache der Exporte und Berichte').selectOption('de');
      await page.getByText('Sprache der Exporte und Berichte gespeichert').waitFor();
      const report = await page.request.get(
        `${test.url}/api/projects/${study.project.id}/rounds/${study.round}/report?format=html&unit=character`,
      );
      expect(await report.text()).toContain('<html lang="de">');
    } finally {
      await context.close();
    }
  }, 240_000);

  it('switches an English browser to German from the user menu, per account, in every browser', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    context.setDefaultTimeout(15_000);
    try {
      const page = await signIn(context, test.url, study.owner.email);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      // The check of the German pages sees English where there is some: here, on the English page, plenty.
      await page.getByRole('link', { name: study.project.name }).waitFor();
      const english = (await shownStrings(page)).filter((text) => patterns.some(({ pattern }) => pattern.test(text)));
      expect(english).toEqual(expect.arrayContaining(['Your projects', 'New project', 'Create', 'Skip to content']));
      await page.locator('.user-menu-trigger').click();
      const saved = page.waitForResponse(
        (response) => response.url().endsWith('/api/users/me') && response.request().method() === 'PATCH',
      );
      await page.getByRole('menuitemradio', { name: 'Language: Deutsch' }).click();
      await page.getByRole('heading', { name: 'Ihre Projekte' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
      // The choice is saved on the account: another browser (a fresh context, English, nothing stored) that signs
      // in as the same person starts in German.
      expect((await (await saved).json()).user.locale).toBe('de');
      const elsewhere = await browser.newContext({ locale: 'en-US' });
      elsewhere.setDefaultTimeout(15_000);
      try {
        const other = await elsewhere.newPage();
        await other.goto(`${test.url}/login`);
        await other.getByLabel('Email').fill(study.owner.email);
        await other.getByLabel('Password').fill(TEST_PASSWORD);
        await other.getByRole('button', { name: 'Sign in' }).click();
        await other.getByRole('heading', { name: 'Ihre Projekte' }).waitFor();
        expect(await other.evaluate(() => document.documentElement.lang)).toBe('de');
        expect(await other.evaluate(() => localStorage.getItem('accord.locale'))).toBe('de');
      } finally {
        await elsewhere.close();
      }
      // A page of the shell in German too: accounts, which only administrators manage.
      await page.goto(`${test.url}/admin/accounts`);
      await page.getByRole('heading', { name: 'Konten' }).waitFor();
      await page.getByText('Nur Administratoren verwalten Konten.').waitFor();

      // The choice stays with the account after a reload...
      await page.reload();
      await page.getByRole('heading', { name: 'Konten' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');

      // ...and is not another account's: a coder signing in on this browser gets the browser's English.
      await page.locator('.user-menu-trigger').click();
      await page.getByRole('menuitem', { name: 'Abmelden' }).click();
      await page.getByRole('button', { name: 'Anmelden' }).waitFor();
      await page.getByLabel('E-Mail').fill(study.coder.email);
      await page.getByLabel('Passwort').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Anmelden' }).click();
      await page.getByRole('heading', { name: 'Your projects' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

      // Back to the browser's language for the owner: "Language: browser’s (English)".
      await page.locator('.user-menu-trigger').click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.getByLabel('Email').fill(study.owner.email);
      await page.getByLabel('Password').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Ihre Projekte' }).waitFor();
      await page.locator('.user-menu-trigger').click();
      await page.getByRole('menuitemradio', { name: 'Sprache: die des Browsers (English)' }).click();
      await page.getByRole('heading', { name: 'Your projects' }).waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);
});
