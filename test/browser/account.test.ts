/// <reference lib="dom" />
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

const TEXT = 'Interviewer: How was treatment?\nP1: Hard at first. A nurse who listened made the difference.\n';
const NEW_PASSWORD = 'a passphrase of my own 7';
const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** Serious and critical WCAG 2 A/AA violations axe-core finds on the page, one line per node. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation) => violation.nodes.map((node) => `${violation.id} at ${node.target.join(' ')}`));
  });
}

const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

/** What `GET /api/session` answers with this page's cookie. */
const sessionOf = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch('/api/session');
    return { status: response.status, body: await response.json() };
  });

/**
 * "Your account": a signed-in person changes their display name and their password in the browser, from the user
 * menu, against the real server; a password change ends every session, this tab's too, and lands on the sign-in page
 * with a message rather than the "session expired" dialog.
 */
describe('your account, in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let adminEmail: string;

  const newContext = async (colorScheme: 'light' | 'dark' = 'light', width = 1280, height = 800) => {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  };

  const openAccount = async (page: Page) => {
    await page.getByRole('button', { name: /Account: / }).click();
    await page.getByRole('menuitem', { name: 'Your account' }).click();
    await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
  };

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test, TEXT);
    adminEmail = (await test.addUser('ada@example.org', 'Ada Admin', { admin: true })).email;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  it('a coder changes their display name: the header shows it and the server answers it', async () => {
    const page = await signIn(await newContext(), test.url, seed.coder.email);
    await openAccount(page);
    expect(new URL(page.url()).pathname).toBe('/account');
    await page.getByText(seed.coder.email, { exact: true }).waitFor();
    await page.getByText('Member', { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Manage accounts' }).count()).toBe(0);
    const name = page.getByLabel('Display name');
    expect(await name.inputValue()).toBe('Cody Coder');
    expect(await name.getAttribute('autocomplete')).toBe('name');

    // An empty name: the server refuses it (400), and the page says so next to the field.
    await name.fill('   ');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Enter a display name of 1 to 200 characters.').waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect((await sessionOf(page)).body.user.name).toBe('Cody Coder');

    await name.fill('Cody C. Coder');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('status').getByText('Saved. Your team now sees you as “Cody C. Coder”.').waitFor();
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    // The header, at once, and the server, for this session and any other.
    await page.getByRole('button', { name: /Account: Cody C\. Coder/ }).waitFor();
    expect((await sessionOf(page)).body.user.name).toBe('Cody C. Coder');
    expect((await seed.coder.client.get('/api/session')).body.user.name).toBe('Cody C. Coder');
    await page.reload();
    await page.getByRole('button', { name: /Account: Cody C\. Coder/ }).waitFor();
    expect(await page.getByLabel('Display name').inputValue()).toBe('Cody C. Coder');
  }, 60_000);

  it('refuses a wrong current password, differing or short new ones next to their field; the session goes on', async () => {
    const page = await signIn(await newContext('dark'), test.url, seed.coder.email);
    await openAccount(page);
    let changes = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/api/users/me/password')) changes++;
    });
    const current = page.getByLabel('Current password');
    const password = page.getByLabel('New password', { exact: true });
    const repeat = page.getByLabel('Repeat the new password');
    expect(await current.getAttribute('autocomplete')).toBe('current-password');
    expect(await password.getAttribute('autocomplete')).toBe('new-password');
    expect(await repeat.getAttribute('autocomplete')).toBe('new-password');
    const submit = page.getByRole('button', { name: 'Change password' });

    // Two different new passwords: checked here, nothing is sent.
    await current.fill(TEST_PASSWORD);
    await password.fill(NEW_PASSWORD);
    await repeat.fill(`${NEW_PASSWORD}!`);
    await submit.click();
    await page.getByText('The two new passwords differ.').waitFor();
    expect(await repeat.getAttribute('aria-invalid')).toBe('true');
    expect(await isFocused(repeat)).toBe(true);
    expect(changes).toBe(0);

    // A wrong current password: 401 bad_credentials, shown next to that field, which takes the focus.
    await current.fill('not my password at all');
    await repeat.fill(NEW_PASSWORD);
    const refused = page.waitForResponse((response) => response.url().endsWith('/api/users/me/password'));
    await submit.click();
    expect((await refused).status()).toBe(401);
    await page.getByText('The current password is wrong.').waitFor();
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    expect(await current.getAttribute('aria-describedby')).toContain('current-error');
    expect(await isFocused(current)).toBe(true);
    await screenshot(page, 'account-wrong-password-dark');
    expect(await seriousViolations(page)).toEqual([]);

    // The server's rule for a new password (at least 10 characters): its message, next to the new password.
    await current.fill(TEST_PASSWORD);
    await password.fill('too short');
    await repeat.fill('too short');
    await submit.click();
    await page.getByText('a password needs at least 10 characters').waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(changes).toBe(2);

    // Still signed in, with the old password: nothing asked to sign in again.
    expect((await sessionOf(page)).status).toBe(200);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect((await test.login(seed.coder.email, TEST_PASSWORD)).cookie).toBeDefined();
  }, 60_000);

  it('after too many wrong current passwords, says when to try again, as the sign-in page does', async () => {
    const page = await signIn(await newContext(), test.url, seed.viewer.email);
    await openAccount(page);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    const attempt = async (expected: number) => {
      await page.getByLabel('Current password').fill('a guess that is wrong');
      const answered = page.waitForResponse((response) => response.url().endsWith('/api/users/me/password'));
      await page.getByRole('button', { name: 'Change password' }).click();
      expect((await answered).status()).toBe(expected);
    };
    // The same per-account limit as signing in: 10 wrong passwords in 15 minutes.
    for (let i = 0; i < 10; i++) await attempt(401);
    await attempt(429);
    await page
      .getByRole('alert')
      .getByText(/^too many wrong passwords; try again in \d+ s$/)
      .waitFor();
    expect(await page.getByText('The current password is wrong.').count()).toBe(0);
    expect((await sessionOf(page)).status).toBe(200);
  }, 60_000);

  it('from the keyboard: the user menu opens the page, fields and buttons follow in order, Enter saves', async () => {
    const page = await signIn(await newContext(), test.url, adminEmail);
    const trigger = page.getByRole('button', { name: /Account: / });
    await trigger.focus();
    await page.keyboard.press('ArrowDown');
    const item = page.getByRole('menuitem', { name: 'Your account' });
    await item.waitFor();
    // The first item, next to the administrator's Accounts.
    await expect.poll(() => isFocused(item)).toBe(true);
    await page.getByRole('menuitem', { name: 'Accounts' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
    await page.getByText('Administrator', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Manage accounts' }).waitFor();

    const order = [
      page.getByLabel('Display name'),
      page.getByRole('button', { name: 'Save name' }),
      page.getByLabel('Current password'),
      page.getByLabel('New password', { exact: true }),
      page.getByLabel('Repeat the new password'),
      page.getByRole('button', { name: 'Change password' }),
    ];
    await page.getByRole('link', { name: 'Manage accounts' }).focus();
    for (const next of order) {
      await page.keyboard.press('Tab');
      expect(await isFocused(next)).toBe(true);
    }

    await order[0]!.focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Ada Lovelace');
    await page.keyboard.press('Enter');
    await page.getByText('Saved. Your team now sees you as “Ada Lovelace”.').waitFor();
    await page.getByRole('button', { name: /Account: Ada Lovelace/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it('a password change ends every session and lands on the sign-in page; only the new password signs in', async () => {
    const context = await newContext();
    const page = await signIn(context, test.url, seed.coder.email);
    const elsewhere = await test.login(seed.coder.email);
    // A transcript open just before (its socket still open while the pool keeps it) closes with the session.
    await page.goto(`${test.url}/p/${seed.project.id}/t/${seed.transcript.id}`);
    await page.getByText('A nurse who listened').waitFor();
    await page.locator('[data-status="online"]').waitFor();
    await openAccount(page);
    const connections = () => test.server.ctx.sync.metrics().connections;
    expect(connections()).toBeGreaterThan(0);
    // Whatever the order in which the socket's close and the answer arrive, no "session expired" dialog shows.
    await page.evaluate(() => {
      const seen = window as unknown as { expiredDialogShown: boolean };
      seen.expiredDialogShown = false;
      new MutationObserver(() => {
        if (document.querySelector('[role="alertdialog"]')) seen.expiredDialogShown = true;
      }).observe(document.body, { childList: true, subtree: true });
    });

    await page.getByLabel('Current password').fill(TEST_PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    const changed = page.waitForResponse((response) => response.url().endsWith('/api/users/me/password'));
    await page.getByRole('button', { name: 'Change password' }).click();
    expect((await changed).status()).toBe(204);

    await page.getByRole('alert').getByText('Your password was changed. Sign in with the new one.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.evaluate(() => (window as unknown as { expiredDialogShown: boolean }).expiredDialogShown)).toBe(
      false,
    );
    await expect.poll(connections).toBe(0);
    expect(await page.getByLabel('Email').inputValue()).toBe(seed.coder.email);
    // The email is filled in: the cursor waits in the password field.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('autocomplete')))
      .toBe('current-password');
    await screenshot(page, 'account-password-changed');
    expect(await seriousViolations(page)).toEqual([]);
    // Every session of the account ended: this browser's and the other one.
    expect((await sessionOf(page)).status).toBe(401);
    expect((await elsewhere.get('/api/session')).status).toBe(401);

    // The old password no longer signs in; the new one does.
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('wrong email or password').waitFor();
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your projects' }).waitFor();
    await page.getByRole('button', { name: /Account: Cody C\. Coder/ }).waitFor();
    expect((await sessionOf(page)).status).toBe(200);
  }, 60_000);
});
