import { addCode, docName } from '@accord/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
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
 * A blind round end to end in Chromium against a real server: the owner creates it, two coders code the same
 * transcript without seeing each other, the owner reveals, the dashboard's kappa equals `accord agreement` on the
 * round's exported spans, and an adjudicator's decision shows in the consensus layer.
 */
describe('a blind round in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let trust: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test, TEXT);
    await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: seed.project.id }), (doc) => {
      trust = addCode(doc, { name: 'Trust', definition: 'Trust in staff or services.' });
      addCode(doc, { name: 'Turning point' });
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await test?.close();
  });

  const open = async (email: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, email);
    page.on('pageerror', (error) => console.error(`[${email}] page error:`, error));
    return page;
  };

  const codePassage = async (page: Page, passage: string, code: string) => {
    await selectPassage(page, passage);
    const picker = page.getByRole('combobox', { name: 'Code to apply' });
    await picker.fill(code);
    await picker.press('Enter');
  };

  it('keeps coders blind, reveals, matches accord agreement, and records a consensus decision', async () => {
    const owner = await open(seed.owner.email);
    const rounds = `${test.url}/p/${seed.project.id}/rounds`;
    await owner.goto(`${test.url}/p/${seed.project.id}`);
    await owner.getByRole('link', { name: 'Rounds' }).click();
    await owner.getByRole('heading', { name: 'Rounds' }).waitFor();
    const form = owner.getByRole('form', { name: 'New round' });
    await form.getByLabel('Name').fill('Pilot round');
    await form.getByLabel('Interview 1').check();
    const coderBoxes = form.getByRole('group', { name: /Coders/ });
    await coderBoxes.getByLabel('Cody Coder').check();
    await coderBoxes.getByLabel('Cora Coder').check();
    await form.getByRole('button', { name: 'Create round' }).click();
    await owner.getByRole('heading', { name: /Pilot round/ }).waitFor();
    const roundId = /rounds\/([a-z0-9]+)/.exec(owner.url())![1]!;
    await screenshot(owner, 'round-created');

    // Two coders code the same transcript, blind.
    const a = await open(seed.coder.email);
    const b = await open(seed.coder2.email);
    for (const page of [a, b]) {
      await page.goto(`${test.url}/p/${seed.project.id}/t/${seed.transcript.id}`);
      await page.getByText('A nurse who listened').waitFor();
    }
    await codePassage(a, 'I did not trust the clinic', 'trust');
    await codePassage(a, 'A nurse who listened', 'turning');
    await codePassage(b, 'I did not trust the clinic, and the waiting room', 'trust');
    await expect.poll(() => stripes(a).count()).toBe(2);
    await expect.poll(() => stripes(b).count()).toBe(1);
    // Give any leak time to arrive, then check again: each sees only their own codings.
    await a.waitForTimeout(800);
    expect(await stripes(a).count()).toBe(2);
    expect(await stripes(b).count()).toBe(1);
    await screenshot(b, 'round-blind-coder');

    // Each marks the transcript done on the round page.
    for (const page of [a, b]) {
      await page.goto(`${rounds}/${roundId}`);
      await page.getByRole('heading', { name: 'Your assignments' }).waitFor();
      await page.getByLabel('Done').click();
      await expect.poll(() => page.getByLabel('Done').isChecked()).toBe(true);
    }

    // The owner sees done flags only, then reveals.
    await owner.reload();
    await expect.poll(() => owner.locator('td[data-done="yes"]').count()).toBe(2);
    await owner.getByRole('button', { name: 'Reveal round' }).click();
    await owner
      .getByText(/revealed/)
      .first()
      .waitFor();
    await expect.poll(async () => (await owner.locator('h1 .tag').allTextContents()).includes('revealed')).toBe(true);

    // After reveal B sees A's codings on the transcript.
    await b.goto(`${test.url}/p/${seed.project.id}/t/${seed.transcript.id}`);
    await expect.poll(() => stripes(b).count(), { timeout: 10_000 }).toBe(3);

    // The dashboard's kappa for Trust equals accord agreement on the round's exported spans.
    await owner.getByRole('link', { name: 'Agreement' }).click();
    const row = owner.locator('tr[data-code-name="Trust"]');
    await row.waitFor();
    const shown = Number(await row.getAttribute('data-kappa'));
    await screenshot(owner, 'round-dashboard');
    const spans = await seed.owner.client.get(`/api/projects/${seed.project.id}/rounds/${roundId}/spans`);
    const cli = await runCli(['agreement', '-'], { stdin: JSON.stringify(spans.body) });
    expect(cli.code).toBe(0);
    const computed = JSON.parse(cli.stdout).codes.find((c: any) => c.code === trust).pairs[0].pooled.cohen_kappa.value;
    expect(shown).toBe(computed);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(1);

    // An adjudicator (the owner) resolves the boundary disagreement; the consensus layer shows it.
    await owner.getByRole('link', { name: 'Review' }).click();
    const card = owner.locator('li.disagreement[data-kind="differentBoundaries"]');
    await card.waitFor();
    await card.getByRole('button', { name: 'Jump to passage' }).click();
    await card.locator('mark').waitFor();
    await card.getByLabel('Decision memo').fill('A stops where the distrust stops');
    await card.getByRole('button', { name: 'Keep A' }).click();
    await card.locator('.tag.resolved', { hasText: /^kept .+’s coding$/ }).waitFor();
    const consensus = owner.getByTestId(`consensus-${seed.transcript.id}`);
    const kept = consensus.locator('tr[data-decision="keepA"]', { hasText: 'A stops where the distrust stops' });
    await kept.waitFor();
    expect(await kept.textContent()).toMatch(/kept .+’s coding/);
    expect(await kept.textContent()).not.toContain('keepA');
    await screenshot(owner, 'round-consensus');
  }, 120_000);

  it("updates an open round's dashboard live as people code", async () => {
    const second = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
      title: 'Interview 2',
      text: TEXT,
    });
    const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/rounds`, {
      name: 'Open round',
      mode: 'open',
      transcripts: { ids: [second.body.transcript.id] },
      coders: [seed.coder.id, seed.coder2.id],
    });
    expect(created.status).toBe(201);
    const owner = await open(seed.owner.email);
    await owner.goto(`${test.url}/p/${seed.project.id}/rounds/${created.body.round.id}/agreement`);
    await owner.getByText('No codings yet.').waitFor();
    const coder = await open(seed.coder.email);
    await coder.goto(`${test.url}/p/${seed.project.id}/t/${second.body.transcript.id}`);
    await coder.getByText('A nurse who listened').waitFor();
    await codePassage(coder, 'A nurse who listened', 'turning');
    const row = owner.locator('tr[data-code-name="Turning point"]');
    await row.waitFor({ timeout: 10_000 });
    await expect
      .poll(() => owner.getByTestId('dashboard-source').textContent())
      .toMatch(/Live: .*recomputed in \d+ ms/);
    await screenshot(owner, 'round-open-live');
  }, 90_000);
});
