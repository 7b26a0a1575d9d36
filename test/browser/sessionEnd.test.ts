/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, codingsMap, docName } from '@accord/shared';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, selectPassage, signIn, stripes } from './browser.js';

const TEXT = 'Interviewer: How was treatment?\nP1: Hard at first. A nurse who listened made the difference.\n';
const NEW_PASSWORD = 'a brand new passphrase 42';

/**
 * The server closes a session's sockets the moment the session ends (4401). The web client must not treat that as
 * lost access: it asks the user to sign in again over the page, keeps what was coded meanwhile, and reconnects.
 */
describe('a session ended elsewhere, in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let seed: Awaited<ReturnType<typeof seedProject>>;

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test, TEXT);
    await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: seed.project.id }), (doc) => {
      addCode(doc, { name: 'Trust' });
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  it('asks to sign in again after a password change elsewhere, then reconnects the open documents', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, seed.coder.email);
    await page.goto(`${test.url}/p/${seed.project.id}/t/${seed.transcript.id}`);
    await page.getByText('A nurse who listened').waitFor();
    await page.locator('[data-status="online"]').waitFor();

    // The coder changes the password from another device: every session of the account ends.
    const changed = await seed.coder.client.post('/api/users/me/password', {
      currentPassword: TEST_PASSWORD,
      password: NEW_PASSWORD,
    });
    expect(changed.status).toBe(204);
    await page.getByRole('alertdialog', { name: 'Your session has expired' }).waitFor();
    expect(await page.getByTestId('access-notice').count()).toBe(0);
    await screenshot(page, 'session-ended');

    const layer = docName({
      kind: 'codings',
      project: seed.project.id,
      transcript: seed.transcript.id,
      coder: seed.coder.id,
    });
    const dialog = page.getByRole('alertdialog', { name: 'Your session has expired' });
    await dialog.getByLabel('Password').fill(NEW_PASSWORD);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-status="online"]').waitFor();

    // Reconnected under the new session: a coding now reaches the server.
    await selectPassage(page, 'A nurse who listened');
    const picker = page.getByRole('combobox', { name: 'Code to apply' });
    await picker.fill('trust');
    await picker.press('Enter');
    await expect.poll(() => stripes(page).count()).toBe(1);
    await expect
      .poll(() => test.server.ctx.sync.withDoc(layer, (doc) => codingsMap(doc).size), { timeout: 10_000 })
      .toBe(1);
  }, 90_000);
});
