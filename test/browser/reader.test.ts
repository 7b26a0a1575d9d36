/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, addCoding, docName, readCodings, transcriptText } from '@accord/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, selectPassage, signIn } from './browser.js';

const TEXT = [
  'Interviewer: How was the treatment for you, at the start?',
  'P1: Hard at first. I did not trust the clinic, and the waiting room felt like a place where everyone judged me. The nurses were kind but rushed, and nobody explained what the tests were for.',
  'Interviewer: What changed?',
  'P1: A nurse who listened. After that I came back every week, even when the bus was late and it rained.',
  'Interviewer: Anything else?',
  'P1: My sister came with me. Without her I would have stopped going, honestly, by the third month.',
  '',
].join('\n');

/**
 * The reader as a document, in real Chromium: the speaker once per turn, turn numbers and times in a gutter,
 * labelled brackets right beside the text with a "+k" for crowded turns, "Correct text" as an owner's mode, and
 * the coding tools around it (drag a code onto a selection, fixed shortcut keys the user assigns). Screenshots at
 * 1440x900 and 1280x800 with codings from two coders.
 */
describe('the reader', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let transcript: string;
  const codes: Record<string, string> = {};
  const crowded = 'My sister came with me';

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    const lines = TEXT.split('\n').slice(0, 6);
    const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
      title: 'Interview 3 (clinic)',
      participant: 'P1',
      attributes: { site: 'North clinic' },
      text: TEXT,
      turns: lines.map((line, i) => ({
        start: TEXT.indexOf(line),
        speaker: line.slice(0, line.indexOf(':')),
        time: 30 + i * 47,
      })),
    });
    expect(created.status).toBe(201);
    transcript = created.body.transcript.id;
    await sync().withDoc(docName({ kind: 'codebook', project: seed.project.id }), (doc) => {
      const names = ['Barriers', 'Trust', 'Stigma', 'Turning point', 'Family', 'Access', 'Time', 'Waiting'];
      names.forEach((name, order) => {
        codes[name] = addCode(doc, { name, order });
      });
    });
    const code = (coder: string, items: [string, string][]) =>
      sync().withDoc(docName({ kind: 'text', project: seed.project.id, transcript }), (textDoc) =>
        sync().withDoc(docName({ kind: 'codings', project: seed.project.id, transcript, coder }), (layer) => {
          for (const [name, passage] of items) {
            const start = TEXT.indexOf(passage);
            addCoding(layer, textDoc, { code: codes[name]!, start, end: start + passage.length });
          }
        }),
      );
    await code(seed.coder.id, [
      ['Trust', 'I did not trust the clinic'],
      ['Stigma', 'the waiting room felt like a place where everyone judged me'],
      ['Turning point', 'A nurse who listened'],
      ...Object.keys(codes).map((name): [string, string] => [name, crowded]),
    ]);
    await code(seed.coder2.id, [
      ['Barriers', 'Hard at first. I did not trust the clinic'],
      ['Access', 'even when the bus was late and it rained'],
    ]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  const sync = () => test.server.ctx.sync;
  const open = async (email: string, width = 1440, height = 900) => {
    const context = await browser.newContext({ viewport: { width, height } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, email);
    page.on('pageerror', (error) => console.error(`[${email}] page error:`, error));
    await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
    await page.getByText('A nurse who listened').waitFor();
    await page.locator('.stripe-label', { hasText: 'Trust' }).first().waitFor();
    return page;
  };
  const turn = (page: Page, text: string) => page.locator('article.block', { hasText: text });
  const mine = () =>
    sync().withDoc(docName({ kind: 'text', project: seed.project.id, transcript }), (textDoc) =>
      sync().withDoc(
        docName({ kind: 'codings', project: seed.project.id, transcript, coder: seed.coder.id }),
        (layer) => {
          // The owner's correction above moved the offsets: the coded text is read from the current text.
          const text = transcriptText(textDoc).toString();
          return readCodings(layer, textDoc).map((c) => ({ code: c.code, text: text.slice(c.start, c.end) }));
        },
      ),
    );

  it('reads like a document: speaker once, gutter, labelled brackets beside the text, +k when crowded', async () => {
    for (const [width, height] of [
      [1440, 900],
      [1280, 800],
    ] as const) {
      const page = await open(seed.coder.email, width, height);
      const second = turn(page, 'I did not trust the clinic');
      // The speaker once: in the gutter, not again at the start of the text (which keeps it, hidden).
      expect(await second.locator('.speaker').textContent()).toBe('P1');
      expect(await second.innerText()).not.toContain('P1:');
      expect(await second.locator('.turn-number').textContent()).toBe('2');
      expect(await second.locator('.time').textContent()).toBe('1:17');
      // Brackets sit right beside the text column, and carry the code and the coder's initials.
      const gap = await second.evaluate((article) => {
        const text = article.querySelector('.block-body')!.getBoundingClientRect();
        const stripes = Array.from(article.querySelectorAll('.stripe')).map((s) => s.getBoundingClientRect().left);
        return Math.min(...stripes) - text.right;
      });
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThan(24);
      const labels = await second.locator('.stripe-label').allTextContents();
      // Cody Coder and Cora Coder share initials: their first names tell them apart.
      expect(labels.sort()).toEqual(['Barriers · Cora C.', 'Stigma · Cody C.', 'Trust · Cody C.']);
      await screenshot(page, `transcript-${width}`);
      await page.context().close();
    }

    // A turn with eight overlapping codings shows six lanes and "+k" (brackets or labels that do not fit), which
    // expands to all eight with every label.
    const page = await open(seed.coder.email);
    const busy = turn(page, crowded);
    const visibleStripes = () =>
      busy.evaluate(
        (article) => Array.from(article.querySelectorAll<HTMLElement>('.stripe')).filter((s) => s.offsetParent).length,
      );
    expect(await visibleStripes()).toBe(6);
    await busy.getByRole('button', { name: /^\+\d+ codings in this turn$/ }).click();
    expect(await visibleStripes()).toBe(8);
    expect(await busy.locator('.stripe-label:visible').count()).toBe(8);
    await screenshot(page, 'reader-expanded');
    await busy.getByRole('button', { name: /Fewer/ }).click();
    expect(await visibleStripes()).toBe(6);
    // A coder has no text correction at all.
    expect(await page.getByRole('button', { name: 'Correct text' }).count()).toBe(0);
    await page.context().close();
  }, 120_000);

  it('makes correcting text an owner’s mode, not a button on every turn', async () => {
    const page = await open(seed.owner.email);
    const edit = page.getByRole('button', { name: /Correct the text of turn/ });
    expect(await edit.count()).toBe(0);
    await page.getByRole('button', { name: 'Correct text' }).click();
    await expect.poll(() => edit.count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Correct the text of turn 3' }).click();
    const area = page.getByLabel('Corrected text of this turn');
    await area.fill('Interviewer: What changed for you?\n');
    await page.getByRole('button', { name: 'Save correction' }).click();
    await expect
      .poll(() =>
        sync().withDoc(docName({ kind: 'text', project: seed.project.id, transcript }), (doc) =>
          transcriptText(doc).toString().includes('What changed for you?'),
        ),
      )
      .toBe(true);
    await page.getByRole('button', { name: 'Done correcting' }).click();
    expect(await edit.count()).toBe(0);
    await page.context().close();
  }, 60_000);

  it('codes by dragging a code onto the selection, and by keys the user assigns', async () => {
    const page = await open(seed.coder.email);
    const before = (await mine()).length;

    // Drag "Family" from the codebook panel onto the selected passage (the picker is open meanwhile).
    await selectPassage(page, 'After that I came back every week');
    await page.getByRole('combobox', { name: 'Code to apply' }).waitFor();
    await page
      .getByRole('row', { name: /Family/ })
      .dragTo(page.locator('.seg', { hasText: 'After that I came back every week' }).first());
    await expect
      .poll(async () => (await mine()).filter((c) => c.text === 'After that I came back every week'))
      .toEqual([{ code: codes.Family, text: 'After that I came back every week' }]);

    // Put "Waiting" on key 1 in the code's details; the picker and the tree show it, and 1 applies it.
    await page.getByRole('row', { name: /Waiting/ }).click();
    await page.getByLabel('Shortcut key').selectOption('0');
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /Waiting/ })
          .locator('kbd')
          .textContent(),
      )
      .toBe('1');
    // Barriers, which had key 1, takes Waiting's key 8 in exchange; nothing else moved.
    expect(
      await page
        .getByRole('row', { name: /Barriers/ })
        .locator('kbd')
        .textContent(),
    ).toBe('8');
    expect(
      await page
        .getByRole('row', { name: /^Trust/ })
        .locator('kbd')
        .textContent(),
    ).toBe('2');
    await selectPassage(page, 'the bus was late');
    const picker = page.getByRole('combobox', { name: 'Code to apply' });
    await picker.waitFor();
    expect(await page.locator('.picker .option', { hasText: 'Waiting' }).locator('kbd').textContent()).toBe('1');
    await picker.press('1');
    await expect
      .poll(async () => (await mine()).filter((c) => c.text === 'the bus was late'))
      .toEqual([{ code: codes.Waiting, text: 'the bus was late' }]);

    // Coding more never re-ranks the keys, and the assignment survives a reload.
    await page.reload();
    await page.getByText('A nurse who listened').waitFor();
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /Waiting/ })
          .locator('kbd')
          .textContent(),
      )
      .toBe('1');
    expect(
      await page
        .getByRole('row', { name: /^Trust/ })
        .locator('kbd')
        .textContent(),
    ).toBe('2');
    expect(
      await page
        .getByRole('row', { name: /Barriers/ })
        .locator('kbd')
        .textContent(),
    ).toBe('8');
    expect((await mine()).length).toBe(before + 2);
    await page.context().close();
  }, 60_000);
});
