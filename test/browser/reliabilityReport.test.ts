import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codePassages } from '../analysis/helpers.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodes } from '../rounds/helpers.js';
import { launchChromium, screenshot, signIn } from './browser.js';

const text = (i: number) =>
  `Interviewer: How was it, ${i}?\nP${i}: Hard at first. I felt alone and nobody called me back.\n` +
  `Interviewer: What helped?\nP${i}: My sister. She came every week and we talked about it.\n`;

/**
 * In Chromium against a real server: a round of six transcripts, revealed, one of its disagreements resolved. The
 * dashboard shows the same interval as the reliability report for the same code, and the printable report, opened
 * mid-review, states how many disagreements remain unresolved and shows the decision in words.
 */
describe('the reliability report in the browser', () => {
  let test: TestServer;
  let browser: Browser;
  let cast: Awaited<ReturnType<typeof seedProject>>;
  let base: string;
  let roundId: string;

  beforeAll(async () => {
    test = await startTestServer();
    cast = await seedProject(test, text(0));
    const p = cast.project.id;
    const codes = await addCodes(test, p, ['isolation', 'support']);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const created = await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
        title: `Interview ${i + 1}`,
        participant: `P${i + 1}`,
        text: text(i + 1),
      });
      ids.push(created.body.transcript.id);
    }
    const round = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Pilot',
      mode: 'blind',
      transcripts: { ids },
      coders: [cast.coder.id, cast.coder2.id],
    });
    roundId = round.body.round.id;
    for (const [i, t] of ids.entries()) {
      await codePassages(test, p, t, cast.coder.id, [
        { code: codes.isolation!, text: 'I felt alone' },
        { code: codes.support!, text: i % 2 ? 'She came every week' : 'My sister. She came every week' },
        ...(i % 3 === 0 ? [{ code: codes.isolation!, text: 'Hard at first' }] : []),
      ]);
      await codePassages(test, p, t, cast.coder2.id, [
        { code: codes.isolation!, text: i === 1 ? 'I felt alone and nobody called me back' : 'I felt alone' },
        { code: codes.support!, text: 'She came every week' },
      ]);
    }
    base = `/api/projects/${p}/rounds/${roundId}`;
    expect((await cast.owner.client.post(`${base}/reveal`, { force: true })).status).toBe(200);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('shows the report’s interval on the dashboard, and a mid-review report states what is unresolved', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, cast.owner.email);
    await page.goto(`${test.url}/p/${cast.project.id}/rounds/${roundId}/agreement`);
    const row = page.locator('tr[data-code-name="support"]');
    await row.waitFor();
    const shown = (await row.locator('td.interval').textContent())!.trim();
    const report = (await cast.owner.client.get(`${base}/report`)).body;
    const support = report.codes.find((c: any) => c.name === 'support');
    const [low, high] = support.intervals.kappa.ci95 as [number, number];
    expect(shown).toBe(`[${low.toFixed(2)}, ${high.toFixed(2)}] *`);
    await screenshot(page, 'round-dashboard-intervals');

    const { body } = await cast.owner.client.get(`${base}/disagreements`);
    const total = body.disagreements.length as number;
    const first = body.disagreements[0];
    await cast.owner.client.post(`${base}/consensus`, {
      transcriptId: first.transcriptId,
      disagreement: first.id,
      choice: 'keepB',
      memo: 'the visits',
    });
    await page.goto(`${test.url}${base}/report?format=html`);
    expect(await page.locator('p', { hasText: 'Review:' }).textContent()).toBe(
      `Review: ${total} disagreements: 1 resolved (Olive Owner: 1), ${total - 1} unresolved.`,
    );
    expect(await page.locator('.method').textContent()).toContain(`${total - 1} remained unresolved`);
    expect(await page.locator('td', { hasText: 'kept Cora Coder’s coding' }).count()).toBe(1);
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshot(page, 'reliability-report');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.noprint').isVisible()).toBe(false);
    await context.close();
  });

  it('lets the owner set the project’s thresholds and change a code definition during review, recorded', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, cast.owner.email);
    await page.goto(`${test.url}/p/${cast.project.id}/rounds/${roundId}/agreement`);
    const support = page.locator('tr[data-code-name="support"]');
    await support.waitFor();
    expect(await support.locator('.tag').allTextContents()).toEqual([]);
    const form = page.getByRole('form', { name: 'Project thresholds' });
    await form.getByLabel('Kappa threshold').fill('0.9');
    await form.getByRole('button', { name: 'Save thresholds' }).click();
    await expect.poll(() => support.locator('.tag').allTextContents()).toEqual(['discuss']);
    const project = (await cast.owner.client.get(`/api/projects/${cast.project.id}`)).body.project;
    expect(project.settings.kappaThreshold).toBe(0.9);
    await page.reload();
    await page.locator('tr[data-code-name="support"] .tag', { hasText: 'discuss' }).waitFor();

    await page.getByRole('link', { name: 'Review' }).click();
    const change = page.getByRole('region', { name: 'Code definitions changed in this review' });
    await change.getByLabel('Code').selectOption({ label: 'support' });
    await change.getByLabel('New definition').fill('Someone who visits or helps in person.');
    await change.getByLabel('Why (recorded with the round)').fill('the disagreements were about visits');
    await change.getByRole('button', { name: 'Change definition' }).click();
    await change.getByTestId('codebook-changes').getByText('support: definition changed').waitFor();
    const round = (await cast.owner.client.get(base)).body.round;
    expect(round.codebookChanges).toEqual([
      expect.objectContaining({ memo: 'the disagreements were about visits', by: cast.owner.id }),
    ]);
    const report = (await cast.owner.client.get(`${base}/report`)).body;
    expect(report.method).toContain('During review, 1 code definition was changed');
    expect(report.codes.find((c: any) => c.name === 'support').flags).toEqual(['discuss']);
    await screenshot(page, 'round-review-definition-change');
    await context.close();
  });
});
