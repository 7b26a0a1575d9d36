/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, addCoding, codesMap, docName, memoText, readCodings, updateCode } from '@accord/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, selectPassage, signIn } from './browser.js';

const TEXT = [
  'Interviewer: How was the treatment for you, at the start?',
  'P1: Hard at first. I did not trust the clinic, and the waiting room felt like a place where everyone judged me.',
  'Interviewer: What changed?',
  'P1: A nurse who listened. After that I came back every week, even when the bus was late and it rained.',
  '',
].join('\n');

/**
 * Undo and redo in real Chromium, every action undone and redone and checked in the server's copy: coding,
 * recoding, a coding's memo, removing a coding, a codebook edit and a shared memo. Between the actions a co-coder
 * codes and the owner edits the codebook; those changes reach the tab and are never undone by it.
 */
describe('undo and redo', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let transcript: string;
  const codes: Record<string, string> = {};

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    const lines = TEXT.split('\n').slice(0, 4);
    const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
      title: 'Interview U',
      text: TEXT,
      turns: lines.map((line) => ({ start: TEXT.indexOf(line), speaker: line.slice(0, line.indexOf(':')) })),
    });
    expect(created.status).toBe(201);
    transcript = created.body.transcript.id;
    await sync().withDoc(codebookName(), (doc) => {
      codes.barriers = addCode(doc, { name: 'Barriers', order: 0 });
      codes.trust = addCode(doc, { name: 'Trust', order: 1 });
      codes.stigma = addCode(doc, { name: 'Stigma', order: 2 });
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  const sync = () => test.server.ctx.sync;
  const codebookName = () => docName({ kind: 'codebook', project: seed.project.id });
  const textName = () => docName({ kind: 'text', project: seed.project.id, transcript });
  const layerName = (coder: string) => docName({ kind: 'codings', project: seed.project.id, transcript, coder });

  /** A coder's codings on the server: code, coded text, memo. */
  const codingsOf = (coder: string) =>
    sync().withDoc(textName(), (textDoc) =>
      sync().withDoc(layerName(coder), (layer) =>
        readCodings(layer, textDoc).map((c) => ({
          code: c.code,
          text: TEXT.slice(c.start, c.end),
          ...(c.memo ? { memo: c.memo } : {}),
        })),
      ),
    );
  const mine = () => codingsOf(seed.coder.id);
  const codeName = (id: string) =>
    sync().withDoc(codebookName(), (doc) => codesMap(doc).get(id)?.get('name') as string | undefined);

  const undo = (page: Page) => page.keyboard.press('Control+z');
  const redo = (page: Page, how: 'Control+Shift+z' | 'Control+y' = 'Control+Shift+z') => page.keyboard.press(how);

  it('undoes and redoes each action, never a co-coder’s or the owner’s work', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, seed.coder.email);
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
    await page.getByText('A nurse who listened').waitFor();
    const undoButton = page.getByRole('button', { name: 'Undo' });
    const redoButton = page.getByRole('button', { name: 'Redo' });
    expect(await undoButton.isDisabled()).toBe(true);
    expect(await redoButton.isDisabled()).toBe(true);

    // 1. Coding.
    await selectPassage(page, 'I did not trust the clinic');
    const picker = page.getByRole('combobox', { name: 'Code to apply' });
    await picker.fill('trust');
    await picker.press('Enter');
    const coded = { code: codes.trust, text: 'I did not trust the clinic' };
    await expect.poll(mine).toEqual([coded]);
    expect(await undoButton.isDisabled()).toBe(false);

    // In between: the co-coder codes (their own layer) and the owner renames a code (the shared codebook).
    await sync().withDoc(textName(), (textDoc) =>
      sync().withDoc(layerName(seed.coder2.id), (layer) => {
        const start = TEXT.indexOf('A nurse');
        addCoding(layer, textDoc, { code: codes.barriers!, start, end: start + 'A nurse who listened'.length });
      }),
    );
    await sync().withDoc(codebookName(), (doc) => updateCode(doc, codes.barriers!, { name: 'Obstacles' }));
    await expect.poll(() => page.locator('.stripe').count()).toBe(2);
    await page.getByText('Obstacles').first().waitFor();

    await undo(page);
    await expect.poll(mine).toEqual([]);
    await redo(page);
    await expect.poll(mine).toEqual([coded]);
    // Undo with the button, redo with Ctrl+Y.
    await undoButton.click();
    await expect.poll(mine).toEqual([]);
    await redo(page, 'Control+y');
    await expect.poll(mine).toEqual([coded]);
    // Nothing of theirs was touched.
    expect(await codingsOf(seed.coder2.id)).toEqual([{ code: codes.barriers, text: 'A nurse who listened' }]);
    expect(await codeName(codes.barriers!)).toBe('Obstacles');

    // 2. Recoding, 3. a coding's memo, 4. removing: in the coding's details.
    const openDetails = async () => {
      await page.locator('.seg.coded', { hasText: 'I did not trust the clinic' }).click();
      await page.getByLabel('Recode as').first().waitFor();
    };
    await openDetails();
    await page.getByLabel('Recode as').first().selectOption({ label: 'Stigma' });
    await expect.poll(mine).toEqual([{ ...coded, code: codes.stigma }]);
    await page.getByLabel('Memo', { exact: true }).first().fill('Distrust of the institution');
    await page.getByLabel('Recode as').first().focus();
    await expect.poll(mine).toEqual([{ ...coded, code: codes.stigma, memo: 'Distrust of the institution' }]);
    await page.getByRole('button', { name: 'Close' }).click();
    await undo(page);
    await expect.poll(mine).toEqual([{ ...coded, code: codes.stigma }]);
    await undo(page);
    await expect.poll(mine).toEqual([coded]);
    await redo(page);
    await redo(page);
    await expect.poll(mine).toEqual([{ ...coded, code: codes.stigma, memo: 'Distrust of the institution' }]);

    await openDetails();
    await page.getByRole('button', { name: 'Remove coding' }).first().click();
    await expect.poll(mine).toEqual([]);
    await page.keyboard.press('Escape');
    await undo(page);
    await expect.poll(mine).toEqual([{ ...coded, code: codes.stigma, memo: 'Distrust of the institution' }]);
    await redo(page);
    await expect.poll(mine).toEqual([]);
    await undo(page);
    await expect.poll(mine).toEqual([{ ...coded, code: codes.stigma, memo: 'Distrust of the institution' }]);

    // 5. A codebook edit: rename Trust in the codebook panel.
    const tree = page.getByRole('treegrid', { name: 'Codes' });
    await tree.getByRole('row', { name: /^Trust/ }).click();
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('Trust in staff');
    await name.press('Enter');
    await expect.poll(() => codeName(codes.trust!)).toBe('Trust in staff');
    await tree.getByRole('row', { name: /^Stigma/ }).focus();
    await undo(page);
    await expect.poll(() => codeName(codes.trust!)).toBe('Trust');
    await redo(page);
    await expect.poll(() => codeName(codes.trust!)).toBe('Trust in staff');
    expect(await codeName(codes.barriers!)).toBe('Obstacles');

    // 6. A shared memo: typing is undone in steps of the tab's own typing, in the memo itself.
    await page.getByRole('tab', { name: 'Memos' }).click();
    const memo = page.getByLabel('Transcript memo');
    await memo.click();
    await memo.pressSequentially('First thought.');
    const memoName = docName({ kind: 'memo', project: seed.project.id, memo: `t-${transcript}` });
    const memoOnServer = () => sync().withDoc(memoName, (doc) => memoText(doc).toString());
    await expect.poll(memoOnServer).toBe('First thought.');
    await undo(page);
    await expect.poll(memoOnServer).toBe('');
    expect(await memo.inputValue()).toBe('');
    await redo(page);
    await expect.poll(memoOnServer).toBe('First thought.');
    expect(await memo.inputValue()).toBe('First thought.');
    await screenshot(page, 'undo');

    // The co-coder's coding survived every step.
    expect(await codingsOf(seed.coder2.id)).toEqual([{ code: codes.barriers, text: 'A nurse who listened' }]);
    await context.close();
  }, 120_000);
  it('undoes and redoes codebook edits on the project’s Codebook tab', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, seed.owner.email);
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${test.url}/p/${seed.project.id}/codebook`);
    const tree = page.getByRole('treegrid', { name: 'Codes' });
    await tree.getByRole('row', { name: /^Stigma/ }).waitFor();
    const undoButton = page.getByRole('button', { name: 'Undo' });
    const redoButton = page.getByRole('button', { name: 'Redo' });
    expect(await undoButton.isDisabled()).toBe(true);

    // Rename Stigma in its details, then Ctrl+Z and Ctrl+Shift+Z from the tree.
    await tree.getByRole('row', { name: /^Stigma/ }).click();
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('Felt stigma');
    await name.press('Enter');
    await expect.poll(() => codeName(codes.stigma!)).toBe('Felt stigma');
    await tree.getByRole('row', { name: /^Felt stigma/ }).focus();
    await undo(page);
    await expect.poll(() => codeName(codes.stigma!)).toBe('Stigma');
    await tree.getByRole('row', { name: /^Stigma/ }).waitFor();
    expect(await redoButton.isDisabled()).toBe(false);
    await redo(page);
    await expect.poll(() => codeName(codes.stigma!)).toBe('Felt stigma');
    // Ctrl+Y redoes too, and the buttons do the same as the keys.
    await undoButton.click();
    await expect.poll(() => codeName(codes.stigma!)).toBe('Stigma');
    await tree.getByRole('row', { name: /^Stigma/ }).focus();
    await redo(page, 'Control+y');
    await expect.poll(() => codeName(codes.stigma!)).toBe('Felt stigma');
    await screenshot(page, 'undo-project-codebook');
    await context.close();
  }, 60_000);
});
