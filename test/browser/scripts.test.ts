/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, addCoding, docName } from '@accord/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, screenshot, signIn } from './browser.js';

/** An Arabic interview with one English turn: each turn takes its own direction. */
const ARABIC_LINES = [
  'المحاور: كيف كانت تجربتك مع العيادة في البداية؟',
  'م١: كانت صعبة في البداية. لم أثق بالعيادة، وكانت غرفة الانتظار مزدحمة دائماً.',
  'Interviewer: And what changed after that?',
  'م١: ممرضة استمعت إليّ. بعد ذلك كنت أرسل رسالة WhatsApp كل أسبوع، 3 مرات أحياناً.',
];
/**
 * A Chinese interview with full-width colons after the speakers, a turn long enough to wrap over several lines,
 * and a character outside the Basic Multilingual Plane (😊, two UTF-16 code units) before a coded passage.
 */
const CHINESE_LINES = [
  '访谈者：你第一次去诊所的时候感觉怎么样？',
  '受访者：我们都说没事。没有人受伤！所以我以为我们是无敌的？是的。后来护士每个星期都给我打电话，问我睡得好不好，吃得好不好，有没有按时吃药。我觉得😊有人关心我，这让我愿意继续去诊所，即使公共汽车经常晚点，天气也不好，我还是每个星期都去。',
  '访谈者：后来呢？',
  '受访者：后来我妹妹陪我一起去。没有她，我可能早就放弃了。',
];
const ARABIC = `${ARABIC_LINES.join('\n')}\n`;
const CHINESE = `${CHINESE_LINES.join('\n')}\n`;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The reader in scripts other than Latin, in real Chromium: an Arabic transcript reads right to left turn by turn
 * (gutter on the right, margin and brackets on the left, an English turn among them left to right), a Chinese one
 * breaks its lines by CJK rules; in both, a passage coded with the mouse and one coded with the keyboard are
 * stored at exactly the selected words (read back through the REST API, UTF-16 offsets), the highlight covers the
 * selected text and the bracket sits beside it on the turn's margin side.
 */
describe('the reader in every script', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  const transcripts: Record<'arabic' | 'chinese', string> = { arabic: '', chinese: '' };
  const codes: Record<string, string> = {};

  beforeAll(async () => {
    test = await startTestServer();
    seed = await seedProject(test);
    const create = async (title: string, text: string, lines: readonly string[], colon: string) => {
      const created = await seed.owner.client.post(`/api/projects/${seed.project.id}/transcripts`, {
        title,
        participant: 'P1',
        text,
        turns: lines.map((line, i) => ({
          start: text.indexOf(line),
          speaker: line.slice(0, line.indexOf(line.includes(colon) ? colon : ':')),
          time: 12 + i * 40,
        })),
      });
      expect(created.status).toBe(201);
      return created.body.transcript.id as string;
    };
    transcripts.arabic = await create('مقابلة ٣ (العيادة)', ARABIC, ARABIC_LINES, ':');
    transcripts.chinese = await create('访谈 4（诊所）', CHINESE, CHINESE_LINES, '：');
    await sync().withDoc(docName({ kind: 'codebook', project: seed.project.id }), (doc) => {
      ['Trust', 'Stigma', 'Access', 'Family', 'ثقة'].forEach((name, order) => {
        codes[name] = addCode(doc, { name, order });
      });
    });
    // A co-coder's codings beforehand: the margin's labels (one code named in Arabic), and a passage of mixed
    // Arabic, Latin and digits.
    const code = (transcript: string, text: string, items: [string, string][]) =>
      sync().withDoc(docName({ kind: 'text', project: seed.project.id, transcript }), (textDoc) =>
        sync().withDoc(
          docName({ kind: 'codings', project: seed.project.id, transcript, coder: seed.coder2.id }),
          (layer) => {
            for (const [name, passage] of items) {
              const start = text.indexOf(passage);
              addCoding(layer, textDoc, { code: codes[name]!, start, end: start + passage.length });
            }
          },
        ),
      );
    await code(transcripts.arabic, ARABIC, [
      ['Stigma', 'غرفة الانتظار مزدحمة دائماً'],
      ['ثقة', 'كانت صعبة في البداية'],
      ['Access', 'رسالة WhatsApp كل أسبوع، 3 مرات'],
      ['Trust', 'what changed'],
    ]);
    await code(transcripts.chinese, CHINESE, [
      ['Stigma', '我们都说没事'],
      ['Access', '即使公共汽车经常晚点'],
    ]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  const sync = () => test.server.ctx.sync;

  /** The coder's codings of a transcript as the REST API retrieves them: code, offsets and text. */
  const stored = async (transcript: string) => {
    const response = await seed.coder.client.get(
      `/api/projects/${seed.project.id}/analysis/segments?coder=${seed.coder.id}`,
    );
    expect(response.status).toBe(200);
    return (response.body.segments as { transcript: string; code: string; start: number; end: number; text: string }[])
      .filter((segment) => segment.transcript === transcript)
      .map(({ code, start, end, text }) => ({ code, start, end, text }));
  };

  const open = async (transcript: string, waitFor: string) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, seed.coder.email);
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
    await page.getByText(waitFor).first().waitFor();
    await page.locator('.stripe').first().waitFor();
    return page;
  };

  /** The on-screen box of the first occurrence of `words` in the reader (one line: a drag's start and end). */
  const wordsBox = (page: Page, words: string) =>
    page.evaluate((wanted) => {
      const reader = document.querySelector('[data-testid="reader"]')!;
      const walker = document.createTreeWalker(reader, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        const at = node.data.indexOf(wanted);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + wanted.length);
        const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
        const box = range.getBoundingClientRect();
        return { lines: rects.length, box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom } };
      }
      throw new Error(`not in the reader: ${wanted}`);
    }, words);

  /**
   * Drags the mouse over `words` from their first character to their last, as a reader would: in a right-to-left
   * line from the right edge leftwards.
   */
  const drag = async (page: Page, words: string, dir: 'ltr' | 'rtl') => {
    const { lines, box } = await wordsBox(page, words);
    expect(lines).toBe(1);
    const y = (box.top + box.bottom) / 2;
    const [from, to] = dir === 'rtl' ? [box.right - 1, box.left + 1] : [box.left + 1, box.right - 1];
    await page.mouse.move(from, y);
    await page.mouse.down();
    await page.mouse.move((from + to) / 2, y, { steps: 4 });
    await page.mouse.move(to, y, { steps: 4 });
    await page.mouse.up();
    return box;
  };

  /** Applies a code through the picker (opened by the selection): its name, then Enter. */
  const apply = async (page: Page, name: string) => {
    const picker = page.getByRole('combobox', { name: 'Code to apply' });
    await picker.waitFor();
    await page.keyboard.type(name);
    await page.keyboard.press('Enter');
    await page.locator('.picker').waitFor({ state: 'detached' });
  };

  /** Where a coding is drawn: its highlighted text and the box around it, its bracket, and its turn's text column. */
  const drawn = (page: Page, start: number) =>
    page.evaluate((offset) => {
      const box = (r: DOMRect) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom });
      const article = Array.from(document.querySelectorAll<HTMLElement>('article.block')).find(
        (a) => Number(a.dataset.blockStart) <= offset && offset < Number(a.dataset.blockEnd),
      )!;
      const textRoot = article.querySelector<HTMLElement>('[data-text-start]')!;
      // The coding that starts at `offset` in this turn: the segment there carries its id, the one before not.
      let at = Number(textRoot.dataset.textStart);
      let id: string | undefined;
      let before: string[] = [];
      for (const span of Array.from(textRoot.children) as HTMLElement[]) {
        const ids = span.dataset.ids?.split(' ') ?? [];
        if (at === offset) id = ids.find((candidate) => !before.includes(candidate));
        before = ids;
        at += span.textContent!.length;
      }
      if (!id) throw new Error(`no coding starts at ${offset}`);
      const spans = Array.from(textRoot.querySelectorAll<HTMLElement>('[data-ids]')).filter((s) =>
        s.dataset.ids!.split(' ').includes(id!),
      );
      const rects = spans.map((s) => s.getBoundingClientRect());
      const stripe = article.querySelector<HTMLElement>(`[data-coding="${id}"]`)!;
      return {
        dir: article.dir,
        text: spans.map((s) => s.textContent).join(''),
        highlighted: spans.every(
          (s) =>
            getComputedStyle(s).backgroundImage !== 'none' ||
            getComputedStyle(s).backgroundColor !== 'rgba(0, 0, 0, 0)',
        ),
        highlight: {
          left: Math.min(...rects.map((r) => r.left)),
          right: Math.max(...rects.map((r) => r.right)),
          top: Math.min(...rects.map((r) => r.top)),
          bottom: Math.max(...rects.map((r) => r.bottom)),
        },
        stripe: box(stripe.getBoundingClientRect()),
        body: box(article.querySelector('.block-body')!.getBoundingClientRect()),
        gutter: box(article.querySelector('.turn-gutter')!.getBoundingClientRect()),
      };
    }, start);

  /** The highlight covers the selected words, and the bracket sits beside the text on the turn's margin side. */
  const expectDrawn = (shown: Awaited<ReturnType<typeof drawn>>, words: string, selected: Box) => {
    expect(shown.text).toBe(words);
    expect(shown.highlighted).toBe(true);
    for (const side of ['left', 'right', 'top', 'bottom'] as const)
      expect(Math.abs(shown.highlight[side] - selected[side])).toBeLessThan(1.5);
    // The bracket spans the highlighted line(s).
    expect(shown.stripe.top).toBeLessThanOrEqual(shown.highlight.top + 1);
    expect(shown.stripe.bottom).toBeGreaterThanOrEqual(shown.highlight.bottom - 1);
    if (shown.dir === 'rtl') {
      expect(shown.gutter.left).toBeGreaterThanOrEqual(shown.body.right);
      const gap = shown.body.left - shown.stripe.right;
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThan(24);
    } else {
      expect(shown.gutter.right).toBeLessThanOrEqual(shown.body.left);
      const gap = shown.stripe.left - shown.body.right;
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThan(24);
    }
  };

  const selectedText = (page: Page) => page.evaluate(() => window.getSelection()?.toString() ?? '');
  /** The passage the code picker (open after a mouse selection) is about to code, as it quotes it. */
  const excerpt = (page: Page) => page.locator('.picker .excerpt').textContent();

  it('reads Arabic right to left turn by turn; mouse and keyboard codings land on the selected words', async () => {
    const page = await open(transcripts.arabic, 'لم أثق بالعيادة');
    // Each turn's direction from its own text; the speaker once, in the gutter on the turn's start side.
    expect(await page.locator('article.block').evaluateAll((turns) => turns.map((t) => t.getAttribute('dir')))).toEqual(
      ['rtl', 'rtl', 'ltr', 'rtl'],
    );
    expect(await page.locator('article.block[data-index="1"] .speaker').textContent()).toBe('م١');
    // biome-ignore lint/performance/useDomNodeTextContent: the text as shown, without the hidden speaker label
    expect(await page.locator('article.block[data-index="1"]').innerText()).not.toContain('م١:');

    // The co-coder's passage of Arabic, Latin and digits is highlighted exactly; the English turn's margin is on
    // the right.
    const mixed = 'رسالة WhatsApp كل أسبوع، 3 مرات';
    const mixedShown = await drawn(page, ARABIC.indexOf(mixed));
    expect(mixedShown.text).toBe(mixed);
    expect(mixedShown.stripe.right).toBeLessThanOrEqual(mixedShown.body.left);
    const english = await drawn(page, ARABIC.indexOf('what changed'));
    expect(english.dir).toBe('ltr');
    expect(english.stripe.left).toBeGreaterThanOrEqual(english.body.right);
    // Labels read in their turn's direction, code name first, each part whole (a code named in Arabic, Latin
    // initials).
    const label = page.locator('.stripe-label', { hasText: 'ثقة' });
    expect(await label.evaluate((l) => getComputedStyle(l).direction)).toBe('rtl');
    const [name, initials] = await label
      .locator('bdi')
      .evaluateAll((parts) =>
        parts.map((part) => ({ text: part.textContent, right: part.getBoundingClientRect().right })),
      );
    expect([name?.text, initials?.text]).toEqual(['ثقة', 'Cora C.']);
    expect(name!.right).toBeGreaterThan(initials!.right);

    // "+k" (labels that do not fit a one-line turn) at the margin's far end, the left, away from the brackets.
    const crowded = await page.locator('article.block[data-index="1"]').evaluate((article) => {
      const more = article.querySelector('.more-codings')!.getBoundingClientRect();
      const brackets = Array.from(article.querySelectorAll('.stripe')).map((s) => s.getBoundingClientRect().left);
      return { moreRight: more.right, bracketsLeft: Math.min(...brackets) };
    });
    expect(crowded.moreRight).toBeLessThan(crowded.bracketsLeft);

    // With the mouse: a drag from the first word's right edge to the last word's left edge.
    const words = 'لم أثق بالعيادة';
    const selected = await drag(page, words, 'rtl');
    expect(await excerpt(page)).toBe(`“${words}”`);
    await apply(page, 'Trust');
    const start = ARABIC.indexOf(words);
    await expect
      .poll(() => stored(transcripts.arabic))
      .toEqual([{ code: codes.Trust, start, end: start + words.length, text: words }]);
    expectDrawn(await drawn(page, start), words, selected);

    // With the keyboard: on the last turn, Shift+← twice selects its first two words (the text starts at the
    // right, so ← reads on), Enter opens the picker.
    await page.locator('article.block[data-index="3"]').focus();
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    const keyed = 'ممرضة استمعت';
    expect((await selectedText(page)).trim()).toBe(keyed);
    const keyedBox = (await wordsBox(page, keyed)).box;
    await page.keyboard.press('Enter');
    await apply(page, 'Access');
    const keyedStart = ARABIC.indexOf(keyed);
    await expect
      .poll(async () => (await stored(transcripts.arabic)).find((c) => c.code === codes.Access))
      .toEqual({ code: codes.Access, start: keyedStart, end: keyedStart + keyed.length, text: keyed });
    expectDrawn(await drawn(page, keyedStart), keyed, keyedBox);
    await page.locator('.stripe-label', { hasText: 'Access · Cody C.' }).waitFor();
    await screenshot(page, 'reader-arabic-1440');
    await page.context().close();
  }, 90_000);

  it('breaks Chinese lines by CJK rules; mouse and keyboard codings land on the selected words', async () => {
    const page = await open(transcripts.chinese, '有人关心我');
    expect(await page.locator('article.block').evaluateAll((turns) => turns.map((t) => t.getAttribute('dir')))).toEqual(
      ['ltr', 'ltr', 'ltr', 'ltr'],
    );
    // The full-width colon after the speaker is part of the label shown once, in the gutter.
    expect(await page.locator('article.block[data-index="1"] .speaker').textContent()).toBe('受访者');
    // biome-ignore lint/performance/useDomNodeTextContent: the text as shown, without the hidden speaker label
    expect(await page.locator('article.block[data-index="1"]').innerText()).not.toContain('受访者：');
    expect(await page.locator('.reader-inner').getAttribute('lang')).toBe('zh');

    // The long turn wraps inside its column, between characters, and no line starts with closing punctuation.
    const lines = await page.locator('article.block[data-index="1"] [data-text-start]').evaluate((root) => {
      const starts: string[] = [];
      let lastTop = Number.NEGATIVE_INFINITY;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        if (!node.parentElement!.checkVisibility()) continue;
        for (let i = 0; i < node.data.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width === 0) continue;
          if (rect.top > lastTop + 4) starts.push(node.data[i]!);
          lastTop = rect.top;
        }
      }
      return { starts, overflow: root.scrollWidth - root.clientWidth };
    });
    expect(lines.starts.length).toBeGreaterThanOrEqual(3);
    expect(lines.overflow).toBeLessThanOrEqual(0);
    for (const first of lines.starts) expect('。，、！？；：）」』》…').not.toContain(first);

    // With the mouse, after a character of two UTF-16 code units: the offsets count it as two.
    const words = '有人关心我';
    const selected = await drag(page, words, 'ltr');
    expect(await excerpt(page)).toBe(`“${words}”`);
    await apply(page, 'Trust');
    const start = CHINESE.indexOf(words);
    expect(CHINESE.slice(start - 2, start)).toBe('😊');
    await expect
      .poll(() => stored(transcripts.chinese))
      .toEqual([{ code: codes.Trust, start, end: start + words.length, text: words }]);
    expectDrawn(await drawn(page, start), words, selected);

    // With the keyboard: Shift+→ selects the last turn's first word (by the browser's Chinese word breaking).
    await page.locator('article.block[data-index="3"]').focus();
    await page.keyboard.press('Shift+ArrowRight');
    const keyed = (await selectedText(page)).trim();
    expect(keyed).toBe('后来');
    const keyedBox = (await wordsBox(page, '后来我妹妹')).box;
    await page.keyboard.press('Enter');
    await apply(page, 'Family');
    const keyedStart = CHINESE.indexOf('后来我妹妹');
    await expect
      .poll(async () => (await stored(transcripts.chinese)).find((c) => c.code === codes.Family))
      .toEqual({ code: codes.Family, start: keyedStart, end: keyedStart + keyed.length, text: keyed });
    const shown = await drawn(page, keyedStart);
    expect(shown.text).toBe(keyed);
    expect(Math.abs(shown.highlight.left - keyedBox.left)).toBeLessThan(1.5);
    expect(shown.stripe.left).toBeGreaterThanOrEqual(shown.body.right);
    await page.locator('.stripe-label', { hasText: 'Family · Cody C.' }).waitFor();
    await screenshot(page, 'reader-chinese-1440');
    await page.context().close();
  }, 90_000);
});
