/// <reference lib="dom" />
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

const TEXT = 'Interviewer: How was treatment?\nP1: Hard at first. A nurse who listened made the difference.\n';
const NEW_PASSWORD = 'my own long passphrase 9';
// The client build the server serves (copied, so that a test can change it): a private build when one is named.
const CLIENT_DIST = process.env.ACCORD_TEST_CLIENT_DIR ?? fileURLToPath(new URL('../../client/dist', import.meta.url));
const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** Serious and critical WCAG 2 A/AA violations axe-core finds on the page, one line per node. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
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

/**
 * Issue 23 item 1 in the browser: an administrator manages accounts from the Accounts page (reached from the user
 * menu), an invited person signs up through the link in another browser, a deactivated person's open transcript
 * closes at once, and an owner adds a member by picking from accounts.
 */
describe('accounts and people, in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let adminEmail: string;
  let clientDir: string | undefined;

  const newContext = async (width = 1440, height = 900) => {
    const context = await browser.newContext({ viewport: { width, height } });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  };

  const openAccounts = async (page: Page) => {
    await page.getByRole('button', { name: /Account: / }).click();
    await page.getByRole('menuitem', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
  };

  beforeAll(async () => {
    // A private copy of the built client: other builds of client/dist during the run cannot pull it away.
    clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-client-'));
    fs.cpSync(CLIENT_DIST, clientDir, { recursive: true });
    test = await startTestServer({ config: { clientDir } });
    seed = await seedProject(test, TEXT);
    adminEmail = (await test.addUser('ada@example.org', 'Ada Admin', { admin: true })).email;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
    if (clientDir) fs.rmSync(clientDir, { recursive: true, force: true });
  });

  it('an administrator invites someone; the link signs them up and in, in another browser', async () => {
    const admin = await signIn(await newContext(), test.url, adminEmail);
    await openAccounts(admin);
    expect(new URL(admin.url()).pathname).toBe('/admin/accounts');
    await admin.getByRole('row', { name: new RegExp(seed.coder.email) }).waitFor();

    await admin.getByLabel('Email').first().fill('nina@example.org');
    await admin.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await admin.getByLabel('Link', { exact: true }).inputValue();
    expect(link).toMatch(/\/invite#[A-Za-z0-9_-]{43}$/);
    await admin
      .getByRole('row', { name: /nina@example\.org/ })
      .getByText('Waiting')
      .waitFor();
    await screenshot(admin, 'admin-accounts-1440');
    expect(await seriousViolations(admin)).toEqual([]);

    // The invited person, in a browser of their own.
    const invited = await (await newContext(1280, 800)).newPage();
    await invited.goto(link);
    await invited.getByRole('heading', { name: 'Welcome to Accord' }).waitFor();
    await invited.getByText('Ada Admin invited nina@example.org').waitFor();
    await screenshot(invited, 'admin-invite-1280');
    expect(await seriousViolations(invited)).toEqual([]);
    await invited.getByLabel('Your name').fill('Nina Newcomer');
    await invited.getByLabel('Password (at least 10 characters)').fill(NEW_PASSWORD);
    await invited.getByLabel('Repeat the password').fill(NEW_PASSWORD);
    await invited.getByRole('button', { name: 'Create my account' }).click();
    await invited.getByRole('heading', { name: 'Your projects' }).waitFor();
    // The token left the address bar.
    expect(invited.url()).not.toContain('#');
    await invited.getByRole('button', { name: /Account: Nina Newcomer/ }).waitFor();

    // The same link again, anywhere, is refused.
    const again = await (await newContext()).newPage();
    await again.goto(link);
    await again
      .getByText('This link was used already')
      .waitFor()
      .catch(async (error) => {
        throw new Error(`${error}\npage: ${await again.locator('body').textContent()}`);
      });

    await admin.reload();
    await admin
      .getByRole('row', { name: /nina@example\.org/ })
      .getByText('Used')
      .waitFor();
    await admin
      .getByRole('row', { name: /Nina Newcomer/ })
      .getByText('Active')
      .waitFor();
  }, 120_000);

  it('deactivating from the Accounts page closes the person’s open transcript, and they cannot sign in', async () => {
    const connections = () => test.server.ctx.sync.metrics().connections;
    const before = connections();
    const coderContext = await newContext(1280, 800);
    const coder = await signIn(coderContext, test.url, seed.coder2.email);
    await coder.goto(`${test.url}/p/${seed.project.id}/t/${seed.transcript.id}`);
    await coder.getByText('A nurse who listened').waitFor();
    await coder.locator('[data-status="online"]').waitFor();
    const open = connections();
    expect(open).toBeGreaterThan(before);

    const admin = await signIn(await newContext(), test.url, adminEmail);
    await openAccounts(admin);
    const row = admin.getByRole('row', { name: new RegExp(seed.coder2.email) });
    await row.getByRole('button', { name: 'Deactivate' }).click();
    const dialog = admin.getByRole('alertdialog', { name: /Deactivate Cora Coder/ });
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByText(/Deactivated/).waitFor();

    // Every socket of the coder closed (4401; the API test shows it is before the answer), and the page asks to
    // sign in again.
    await expect.poll(connections, { timeout: 2000 }).toBe(before);
    expect((await metadataOf(test.server.ctx)).sessions.some((session) => session.userId === seed.coder2.id)).toBe(
      false,
    );
    await coder.getByRole('alertdialog', { name: 'Your session has expired' }).waitFor();
    expect(connections()).toBe(before);
    const expired = coder.getByRole('alertdialog', { name: 'Your session has expired' });
    await expired.getByLabel('Password').fill(TEST_PASSWORD);
    await expired.getByRole('button', { name: 'Sign in' }).click();
    await expired.getByText('this account is deactivated; ask an administrator').waitFor();
    await screenshot(admin, 'admin-deactivated-1440');

    // Reactivated, they can sign in again.
    await row.getByRole('button', { name: 'Reactivate' }).click();
    await row.getByText('Active').waitFor();
  }, 120_000);

  it('an owner adds a member by picking from accounts', async () => {
    // An administrator who owns a project picks from every active account.
    const admin = await signIn(await newContext(), test.url, adminEmail);
    const project = (await (await test.login(adminEmail)).post('/api/projects', { name: 'Admin pilot' })).body.project;
    await admin.goto(`${test.url}/p/${project.id}/settings`);
    const picker = admin.getByRole('combobox', { name: 'Add an account' });
    await picker.fill('Nina');
    await admin.getByRole('option', { name: /Nina Newcomer/ }).click();
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByRole('cell', { name: 'nina@example.org' }).waitFor();
    await screenshot(admin, 'admin-members-picker-1440');

    // A plain owner sees the people they share a project with: the coder of the seeded project.
    const owner = await signIn(await newContext(1280, 800), test.url, seed.owner.email);
    const second = (await seed.owner.client.post('/api/projects', { name: 'Second study' })).body.project;
    await owner.goto(`${test.url}/p/${second.id}/settings`);
    const ownerPicker = owner.getByRole('combobox', { name: 'Add an account' });
    await ownerPicker.click();
    // ArrowDown opens the list whether or not the click's focus already did (React Aria opens on focus only once).
    await ownerPicker.press('ArrowDown');
    await owner.getByRole('option', { name: /Cody Coder/ }).waitFor();
    expect(await owner.getByRole('option', { name: /Nina Newcomer/ }).count()).toBe(0);
    await screenshot(owner, 'admin-members-picker-open-1280');
    await owner.getByRole('option', { name: /Cody Coder/ }).click();
    await owner.getByRole('button', { name: 'Add', exact: true }).click();
    await owner.getByRole('cell', { name: seed.coder.email }).waitFor();
    // Someone without an account: invited by email into the project, with a role; the link is shown to copy.
    await owner.getByRole('textbox', { name: 'Invite by email' }).fill('newbie@example.org');
    await owner.getByRole('form', { name: 'Invite by email' }).getByLabel('Role').selectOption('viewer');
    await owner.getByRole('button', { name: 'Invite', exact: true }).click();
    expect(await owner.getByLabel('Link', { exact: true }).inputValue()).toMatch(/\/invite#/);
    await owner.getByText(/newbie@example\.org as viewer/).waitFor();
    await screenshot(owner, 'admin-members-picker-1280');
    const pending = (await metadataOf(test.server.ctx)).invitations.find((i) => i.email === 'newbie@example.org');
    expect(pending?.project).toEqual({ id: second.id, role: 'viewer' });
    // (Checked with the list closed: while it is open React Aria hides the rest of the page, by design.)
    expect(await seriousViolations(owner)).toEqual([]);
  }, 120_000);
});
