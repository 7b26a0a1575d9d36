/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, docName, readCodings } from '@accord/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

const TEXT = [
  'Interviewer: How was the treatment for you, at the start?',
  'P1: Hard at first. I did not trust the clinic, and the waiting room felt like a place where everyone judged me.',
  'Interviewer: What changed?',
  'P1: A nurse who listened. After that I came back every week, even when the bus was late and it rained.',
  '',
].join('\n');

/**
 * Keyboard-only coding in real Chromium, no mouse at all: Tab into the reader lands on a turn, arrows and j/k
 * move between turns, Shift+arrows select, Enter opens the picker and Enter in it codes and hands the focus back
 * to the text, digits and quick repeat code the next selection directly. Every coding is read back from the
 * server's copy of the coder's layer.
 */
describe('keyboard-only coding', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let transcript: string;
  const codes: Record<string, string> = {};

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    const lines = TEXT.split('\n').slice(0, 4);
    const turns = lines.map((line, i) => ({
      start: TEXT.indexOf(line),
      speaker: line.slice(0, line.indexOf(':')),
      time: i * 42,
    }));
    const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
      title: 'Interview K',
      text: TEXT,
      turns,
    });
    expect(created.status).toBe(201);
    transcript = created.body.transcript.id;
    await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: seed.project.id }), (doc) => {
      codes.barriers = addCode(doc, { name: 'Barriers', order: 0 });
      codes.distrust = addCode(doc, { name: 'Distrust', parent: codes.barriers, order: 0 });
      codes.trust = addCode(doc, { name: 'Trust', order: 1 });
      codes.turning = addCode(doc, { name: 'Turning point', order: 2 });
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  /** A coder's codings as the server holds them: code id and coded text. */
  const codingsOf = async (coder: string) => {
    const project = seed.project.id;
    return test.server.ctx.sync.withDoc(docName({ kind: 'text', project, transcript }), (textDoc) =>
      test.server.ctx.sync.withDoc(docName({ kind: 'codings', project, transcript, coder }), (layer) =>
        readCodings(layer, textDoc).map((c) => ({ code: c.code, text: TEXT.slice(c.start, c.end) })),
      ),
    );
  };
  const serverCodings = () => codingsOf(seed.coder.id);

  /** Where the keyboard focus is: the turn's index, the picker, or the element's tag. */
  const focus = (page: Page) =>
    page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null;
      if (!active || active === document.body) return 'body';
      if (active.matches('article.block')) return `turn ${active.dataset.index}`;
      if (active.closest('.picker')) return 'picker';
      return active.tagName.toLowerCase();
    });

  it('codes from Tab to a coding and on to the next turn, focus always back in the text', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, seed.coder.email);
    await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
    await page.getByText('A nurse who listened').waitFor();

    // Tab from the top of the page: the first stop inside the reader is a turn (not a stripe, not its wrapper).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let tabs = 0;
    for (; tabs < 40; tabs++) {
      await page.keyboard.press('Tab');
      const inReader = await page.evaluate(
        () => !!document.activeElement?.closest('[data-testid="reader"]') || document.activeElement === document.body,
      );
      if (inReader) break;
    }
    expect(tabs).toBeLessThan(40);
    expect(await focus(page)).toBe('turn 0');

    // ↓ and j go down a turn, ↑ and k up.
    await page.keyboard.press('ArrowDown');
    expect(await focus(page)).toBe('turn 1');
    await page.keyboard.press('j');
    expect(await focus(page)).toBe('turn 2');
    await page.keyboard.press('k');
    expect(await focus(page)).toBe('turn 1');

    // Select three words of turn 1 (after the speaker label), Enter opens the picker, Enter there codes.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Enter');
    expect(await focus(page)).toBe('picker');
    await page.keyboard.type('trus');
    await page.keyboard.press('Enter');
    await expect.poll(serverCodings).toEqual([{ code: codes.trust, text: 'Hard at first' }]);
    await page.locator('.picker').waitFor({ state: 'detached' });
    expect(await focus(page)).toBe('turn 1');

    // Next turn; a digit codes the keyboard selection at once with the code on that key (4: Turning point).
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focus(page)).toBe('turn 3');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('4');
    await expect
      .poll(async () => (await serverCodings()).find((c) => c.code === codes.turning)?.text)
      .toBe('A nurse who listened');
    expect(await focus(page)).toBe('turn 3');

    // Quick repeat (r) applies the last code again, here to the whole turn above (nothing selected).
    await page.keyboard.press('ArrowUp');
    expect(await focus(page)).toBe('turn 2');
    await page.keyboard.press('r');
    await expect
      .poll(async () => (await serverCodings()).filter((c) => c.code === codes.turning).map((c) => c.text))
      .toEqual(['What changed?', 'A nurse who listened']);
    expect(await focus(page)).toBe('turn 2');

    // Escape in the picker closes it and the focus is back on the turn as well; Ctrl+Home/End go to the ends.
    await page.keyboard.press('c');
    expect(await focus(page)).toBe('picker');
    await page.keyboard.press('Escape');
    expect(await focus(page)).toBe('turn 2');
    await page.keyboard.press('Control+End');
    expect(await focus(page)).toBe('turn 3');
    await page.keyboard.press('Control+Home');
    expect(await focus(page)).toBe('turn 0');
    expect(await page.locator('.stripe').count()).toBe(3);
    await screenshot(page, 'keyboard-coding');
    await context.close();
  }, 90_000);

  it('covers every other key docs/client.md lists', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, seed.coder2.email);
    await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
    await page.getByText('A nurse who listened').waitFor();
    const theirs = () => codingsOf(seed.coder2.id);
    const selected = () => page.evaluate(() => window.getSelection()?.toString() ?? '');
    const turn = (i: number) => page.locator(`article.block[data-index="${i}"]`);

    // Shift+Alt+→ extends by characters; Shift+Enter in the picker applies and stays open, Enter applies and closes.
    await turn(1).focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+Alt+ArrowRight');
    expect(await selected()).toBe('Hard');
    await page.keyboard.press('Enter');
    await page.keyboard.type('trus');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(theirs).toEqual([{ code: codes.trust, text: 'Hard' }]);
    expect(await focus(page)).toBe('picker');
    expect(await page.getByRole('combobox', { name: 'Code to apply' }).inputValue()).toBe('');
    await page.keyboard.type('barr');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await theirs()).map((c) => c.code).sort())
      .toEqual([codes.barriers, codes.trust].sort());
    expect(await focus(page)).toBe('turn 1');

    // Shift+↓ extends by lines, Shift+← by words back; Esc clears the selection and keeps the focus.
    await page.keyboard.press('Shift+ArrowDown');
    expect((await selected()).length).toBeGreaterThan(20);
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Escape');
    expect(await selected()).toBe('');
    expect(await focus(page)).toBe('turn 1');

    // Ctrl+A selects the turn's spoken text (not its speaker label); "." repeats the last code on it.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+a');
    expect(await selected()).toBe(TEXT.split('\n')[3]!.slice('P1: '.length));
    await page.keyboard.press('.');
    const whole = TEXT.split('\n')[3]!.slice('P1: '.length);
    await expect.poll(async () => (await theirs()).find((c) => c.text === whole)?.code).toBe(codes.barriers);
    expect(await focus(page)).toBe('turn 3');

    // Tab reaches the turn's coding stripes; Enter on one opens the coding's details, Esc closes them.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('stripe');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: '1 coding here' }).waitFor();
    await screenshot(page, 'coding-details');
    await page.keyboard.press('Escape');
    await page.locator('.details').waitFor({ state: 'detached' });
    // The focus is back in the text, on the turn (restored once the popover has closed).
    await expect.poll(() => focus(page)).toBe('turn 3');

    // Cmd+Z (macOS) undoes like Ctrl+Z, Cmd+Shift+Z redoes.
    await page.keyboard.press('Meta+z');
    await expect.poll(async () => (await theirs()).some((c) => c.text === whole)).toBe(false);
    await page.keyboard.press('Meta+Shift+z');
    await expect.poll(async () => (await theirs()).some((c) => c.text === whole)).toBe(true);

    // ↓ in the picker moves to the next match ("trust": Trust, the better match, then Distrust); Shift+Tab leaves the picker for the
    // codebook panel, where Enter on a code applies it to the passage the picker holds.
    await turn(2).focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Enter');
    await page.keyboard.type('trust');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+Enter');
    const changed = 'What changed?';
    const codesOn = async (text: string) =>
      (await theirs())
        .filter((c) => c.text === text)
        .map((c) => c.code)
        .sort();
    await expect.poll(() => codesOn(changed)).toEqual([codes.distrust]);
    const inTree = () => page.evaluate(() => !!document.activeElement?.matches('[role="treegrid"] [role="row"]'));
    for (let i = 0; i < 30 && !(await inTree()); i++) await page.keyboard.press('Shift+Tab');
    expect(await inTree()).toBe(true);
    expect(await page.locator('.picker').count()).toBe(1);
    const focused = () => page.evaluate(() => document.activeElement?.querySelector('.code-name')?.textContent);
    await page.keyboard.press('End');
    await expect.poll(focused).toBe('Turning point');
    await page.keyboard.press('Enter');
    await expect.poll(() => codesOn(changed)).toEqual([codes.distrust, codes.turning].sort());

    // The codebook tree (a React Aria treegrid): ↓/↑, End/Home move; ← collapses a code with subcodes, → expands
    // it and, once expanded, goes to its first subcode; ← on a subcode goes to its parent.
    const tree = page.getByRole('treegrid', { name: 'Codes' });
    await tree.getByRole('row').first().focus();
    const current = () => page.evaluate(() => document.activeElement?.querySelector('.code-name')?.textContent);
    expect(await current()).toBe('Barriers');
    // The tree moves the focus on the next frame.
    await page.keyboard.press('ArrowDown');
    await expect.poll(current).toBe('Distrust');
    // The code moved to is selected: its details show.
    await page.getByRole('heading', { name: 'Distrust', level: 3 }).waitFor();
    await page.keyboard.press('ArrowUp');
    await expect.poll(current).toBe('Barriers');
    await page.keyboard.press('End');
    await expect.poll(current).toBe('Turning point');
    await page.keyboard.press('Home');
    await expect.poll(current).toBe('Barriers');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tree.getByRole('row', { name: /Distrust/ }).count()).toBe(0);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tree.getByRole('row', { name: /Distrust/ }).count()).toBe(1);
    expect(await current()).toBe('Barriers');
    await page.keyboard.press('ArrowRight');
    await expect.poll(current).toBe('Distrust');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(current).toBe('Barriers');
    // Enter with no passage being coded shows the code's details; shortcut keys are shown on the codes.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Barriers', level: 3 }).waitFor();
    expect(
      await tree
        .getByRole('row', { name: /^Trust/ })
        .locator('kbd')
        .textContent(),
    ).toBe('3');
    // Typing a code's first letters moves to it; Enter shows it.
    await page.keyboard.type('tu');
    await expect.poll(current).toBe('Turning point');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Turning point', level: 3 }).waitFor();
    await context.close();
  }, 90_000);
});
