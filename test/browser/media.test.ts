/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import { addCode, codesMap, docName, readTurns } from '@accord/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codePassages } from '../analysis/helpers.js';
import { type ApiClient, seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { wav } from '../media/mediaFiles.js';
import { launchChromium, screenshot, selectPassage, signIn } from './browser.js';

/** Thirty turns a second apart (0:00 to 0:29), long enough that the reader scrolls. */
const TURNS = Array.from({ length: 30 }, (_, i) => ({
  speaker: i % 2 === 0 ? 'Interviewer' : 'P1',
  line:
    i % 2 === 0
      ? `Question ${i + 1}: what happened next, and who was there when it did?`
      : `Answer ${i + 1}: we waited in the corridor for a long time, and nobody told us what the delay was about. ` +
        'Later the nurse explained it, but by then most of us had given up on the appointment.',
}));
const TIMED_TEXT = `${TURNS.map((turn) => `${turn.speaker}: ${turn.line}`).join('\n')}\n`;
const UNTIMED_TEXT =
  'Interviewer: Tell me about the first visit.\n' +
  'P2: It was cold, and the waiting room was full.\n' +
  'Interviewer: And the second?\n' +
  'P2: Better. Someone said hello.\n';

/** A 32-second tone: longer than the last turn's time, so every turn can be heard. */
const RECORDING = Buffer.from(wav(32));
/** The server's limit in this test (ACCORD_MAX_MEDIA_BYTES): the recording fits, a 70-second one does not. */
const LIMIT = 1024 * 1024;

/** A hard-wrapped transcript with line numbers, as text copied out of a PDF. */
const NUMBERED = [
  '1 Interviewer: When the group met, how were decisions',
  '2 made in the end, and who had the last word on the',
  '3 plan?',
  '4 P1: Honestly, nobody wanted to be the one who',
  '5 disagreed. We all assumed the plan would work because',
  '6 the lead had done it before.',
  '7 Interviewer: Did anyone check the figures?',
  '8 P1: Not really. We trusted the numbers because they',
  '9 came from our own team.',
  '',
].join('\n');

/**
 * Issue 25, synced reading, in real Chromium against a real server: an owner attaches a recording (with upload
 * progress, and the server's refusals explained); a turn's timestamp plays from there; the playback position drives
 * the highlighted turn, which the reader follows unless Follow is off; the player's keys; hand alignment writes a
 * turn's start time that survives a reload and is undone like coding; whoever may not open the transcript cannot
 * fetch the recording; the import preview cleans up line-numbered, hard-wrapped text.
 */
describe('listening while coding', () => {
  let test: TestServer;
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedProject>>;
  let timed: string;
  let untimed: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    test = await startTestServer({ config: { maxMediaBytes: String(LIMIT) } });
    seed = await seedProject(test);
    const p = seed.project.id;
    const create = async (title: string, text: string, turns: { start: number; speaker: string; time?: number }[]) => {
      const created = await seed.owner.client.post(`/api/projects/${p}/transcripts`, { title, text, turns });
      expect(created.status).toBe(201);
      return created.body.transcript.id as string;
    };
    let at = 0;
    timed = await create(
      'Waiting room',
      TIMED_TEXT,
      TURNS.map((turn, i) => {
        const start = at;
        at += turn.speaker.length + 2 + turn.line.length + 1;
        return { start, speaker: turn.speaker, time: i };
      }),
    );
    untimed = await create(
      'Second visit',
      UNTIMED_TEXT,
      UNTIMED_TEXT.split('\n')
        .slice(0, 4)
        .map((line) => ({ start: UNTIMED_TEXT.indexOf(line), speaker: line.slice(0, line.indexOf(':')) })),
    );
    expect((await attach(seed.owner.client, p, untimed, RECORDING, 'visit.wav', 'audio/wav')).status).toBe(201);
    await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: p }), (doc) => {
      addCode(doc, { name: 'Waiting' });
    });
    browser = await launchChromium();
  });

  // Each test's browsers close after it (another open tab of the same person would show as a live selection).
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  const open = async (
    email: string,
    viewport = { width: 1440, height: 900 },
    colorScheme: 'light' | 'dark' = 'light',
  ) => {
    const context = await browser.newContext({ viewport, colorScheme });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await signIn(context, test.url, email);
    page.on('pageerror', (error) => console.error('page error:', error));
    return page;
  };

  /** The timed transcript's recording, as the first test attaches it (attached here when run alone). */
  const ensureRecording = async () => {
    if (!(await mediaOf(timed))) {
      expect(
        (await attach(seed.owner.client, seed.project.id, timed, RECORDING, 'interview.wav', 'audio/wav')).status,
      ).toBe(201);
    }
  };

  const transcriptPage = async (page: Page, transcript: string) => {
    if (transcript === timed) await ensureRecording();
    await page.goto(`${test.url}/p/${seed.project.id}/t/${transcript}`);
    await page.locator('article.block').first().waitFor();
  };

  const mediaOf = async (transcript: string) => {
    const listed = await seed.owner.client.get(`/api/projects/${seed.project.id}/transcripts`);
    return (listed.body.transcripts as { id: string; media?: { name: string; bytes: number } }[]).find(
      (t) => t.id === transcript,
    )?.media;
  };

  const turnsOf = (transcript: string) =>
    test.server.ctx.sync.withDoc(docName({ kind: 'text', project: seed.project.id, transcript }), (doc) =>
      readTurns(doc).map((turn) => turn.time),
    );

  /** The player's element: where it is, whether it plays, how fast. */
  const player = (page: Page) =>
    page.evaluate(() => {
      const media = document.querySelector<HTMLMediaElement>('[data-testid="player-media"]')!;
      return { time: media.currentTime, paused: media.paused, rate: media.playbackRate };
    });

  /** Waits until the recording's length is known (the player can seek). */
  const loaded = (page: Page) =>
    page.waitForFunction(
      () => (document.querySelector<HTMLMediaElement>('[data-testid="player-media"]')?.readyState ?? 0) >= 1,
    );

  /**
   * Moves the playback position as playing would, deterministically: paused, `currentTime` set, and back once the
   * element has announced it (`seeked`) and the page has drawn twice after it.
   */
  const seekTo = (page: Page, seconds: number) =>
    page.evaluate(async (to) => {
      const media = document.querySelector<HTMLMediaElement>('[data-testid="player-media"]')!;
      media.pause();
      await new Promise<void>((resolve) => {
        media.addEventListener('seeked', () => resolve(), { once: true });
        media.currentTime = to;
      });
      await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
    }, seconds);

  /** The index of the turn highlighted as being heard, or null. */
  const heard = (page: Page) =>
    page.evaluate(() => {
      const turn = document.querySelector<HTMLElement>('article.block[aria-current="time"]');
      return turn ? Number(turn.dataset.index) : null;
    });

  /** Whether turn `index` is rendered and wholly inside the reader's viewport. */
  const inView = (page: Page, index: number) =>
    page.evaluate((i) => {
      const reader = document.querySelector('[data-testid="reader"]')!.getBoundingClientRect();
      const turn = document.querySelector(`article.block[data-index="${i}"]`)?.getBoundingClientRect();
      return !!turn && turn.top >= reader.top - 1 && turn.bottom <= reader.bottom + 1;
    }, index);

  const readerScroll = (page: Page) => page.evaluate(() => document.querySelector('[data-testid="reader"]')!.scrollTop);

  it('an owner attaches a recording with a progress bar; refused files are explained and nothing is stored', async () => {
    const page = await open(seed.owner.email);
    await page.goto(`${test.url}/p/${seed.project.id}/t/${timed}`);
    const panel = page.getByTestId('media-panel');
    await panel.getByRole('button', { name: 'Attach a recording…' }).waitFor();
    await screenshot(page, 'player-attach');
    const file = page.getByTestId('media-file');
    const alert = panel.getByRole('alert');

    // Caught before sending: an empty file, a file that is no recording.
    await file.setInputFiles({ name: 'empty.wav', mimeType: 'audio/wav', buffer: Buffer.alloc(0) });
    await expect.poll(() => alert.textContent()).toBe('Nothing was attached. empty.wav: the file is empty (0 bytes)');
    await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Interviewer: hi') });
    await expect.poll(() => alert.textContent()).toMatch(/^Nothing was attached\. notes\.txt: not a recording/);

    // Refused by the server from the bytes: a WAV sent as MP3, and a file over the server's limit.
    await file.setInputFiles({ name: 'interview.mp3', mimeType: 'audio/mpeg', buffer: RECORDING });
    await expect
      .poll(() => alert.textContent())
      .toMatch(
        /^Nothing was attached\. The file’s contents are not what its name or type says\. interview\.mp3: .*WAV/,
      );
    await file.setInputFiles({ name: 'long.wav', mimeType: 'audio/wav', buffer: Buffer.from(wav(70)) });
    await expect
      .poll(() => alert.textContent(), { timeout: 20_000 })
      .toMatch(
        /^Nothing was attached\. The file is larger than this server accepts\. long\.wav: .*the limit is 1\.0 MiB/,
      );
    expect(await mediaOf(timed)).toBeUndefined();

    // A real recording, sent slowly enough that the progress bar shows it arriving.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector<HTMLProgressElement>('.media-progress progress');
        if (bar) seen.push(bar.value / bar.max);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const throttle = (bytesPerSecond: number) =>
      cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: bytesPerSecond,
      });
    // Cancelled half-way: nothing is stored.
    await throttle(32 * 1024);
    await file.setInputFiles({ name: 'interview.wav', mimeType: 'audio/wav', buffer: RECORDING });
    await panel.getByRole('progressbar', { name: 'Uploading interview.wav' }).waitFor();
    await panel.getByRole('button', { name: 'Cancel upload' }).click();
    await expect
      .poll(() => alert.textContent())
      .toBe('Nothing was attached. interview.wav: the upload was cancelled; nothing was stored');
    expect(await mediaOf(timed)).toBeUndefined();

    await throttle(256 * 1024);
    await file.setInputFiles({ name: 'interview.wav', mimeType: 'audio/wav', buffer: RECORDING });
    await panel.getByRole('progressbar', { name: 'Uploading interview.wav' }).waitFor();
    await expect
      .poll(() => panel.locator('output.media-done').textContent(), { timeout: 20_000 })
      .toBe('Attached interview.wav (500 KB).');
    await throttle(-1);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.some((fraction) => fraction > 0 && fraction < 1)).toBe(true);
    expect(await mediaOf(timed)).toMatchObject({ name: 'interview.wav', bytes: RECORDING.length });
    await panel.getByRole('button', { name: 'Play', exact: true }).waitFor();
    expect(await panel.locator('.media-name').textContent()).toBe('interview.wav');
  }, 90_000);

  it('a timestamp plays from its turn; the position drives the highlighted turn, followed unless Follow is off', async () => {
    const page = await open(seed.owner.email);
    await transcriptPage(page, timed);
    await loaded(page);
    expect(await heard(page)).toBe(0);

    // Clicking turn 4's timestamp (0:03) plays from there.
    await page.getByRole('button', { name: 'Play from 0:03 (turn 4)' }).click();
    await expect.poll(async () => (await player(page)).paused).toBe(false);
    const started = await player(page);
    expect(started.time).toBeGreaterThanOrEqual(3);
    expect(started.time).toBeLessThan(5);
    await expect.poll(() => heard(page)).toBeGreaterThanOrEqual(3);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(async () => (await player(page)).paused).toBe(true);

    // The position decides the turn: 5.5 s is in turn 6 (0:05), 1.0 s exactly is turn 2's start.
    await seekTo(page, 5.5);
    expect(await heard(page)).toBe(5);
    await seekTo(page, 1);
    expect(await heard(page)).toBe(1);
    expect(await page.getByTestId('player-clock').textContent()).toBe('0:01.0 / 0:32');

    // Far into the recording: the reader follows to turn 30, which was not even rendered.
    expect(await inView(page, 29)).toBe(false);
    await seekTo(page, 29.5);
    expect(await heard(page)).toBe(29);
    await expect.poll(() => inView(page, 29)).toBe(true);

    // Not while the code picker is open: the passage being coded stays in view.
    const scrolledTo = await readerScroll(page);
    await selectPassage(page, 'Answer 30: we waited');
    await page.getByRole('combobox', { name: 'Code to apply' }).waitFor();
    await seekTo(page, 20.5);
    expect(await heard(page)).toBe(20);
    expect(await readerScroll(page)).toBe(scrolledTo);
    await page.keyboard.press('Escape');
    await page.locator('.picker').waitFor({ state: 'detached' });
    await seekTo(page, 29.5);

    // Follow off: the highlight still moves, the reader stays where it is.
    const follow = page.getByRole('button', { name: 'Follow' });
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    await follow.click();
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    const scrolled = await readerScroll(page);
    await seekTo(page, 0.5);
    expect(await page.getByTestId('player-clock').textContent()).toBe('0:00.5 / 0:32');
    expect(await readerScroll(page)).toBe(scrolled);
    expect(await inView(page, 0)).toBe(false);
    // On again: to the turn being heard at once.
    await follow.click();
    await expect.poll(() => inView(page, 0)).toBe(true);
    expect(await heard(page)).toBe(0);
    // Remembered in this browser.
    await page.reload();
    await loaded(page);
    expect(await page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');
  }, 90_000);

  it('a coding’s details show its time span and play from it', async () => {
    const code = await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: seed.project.id }), (doc) =>
      [...codesMap(doc).keys()].at(0),
    );
    await codePassages(test, seed.project.id, timed, seed.owner.id, [
      { code: code!, text: 'Answer 4: we waited in the corridor' },
    ]);
    const page = await open(seed.owner.email);
    await transcriptPage(page, timed);
    await loaded(page);
    await page.locator('.seg.coded', { hasText: 'Answer 4: we waited in the corridor' }).first().click();
    const details = page.getByRole('dialog', { name: /coding here/ });
    // In turn 4 (0:03), which the next turn ends at 0:04.
    expect(await details.getByTestId('coding-time').textContent()).toMatch(/^In the recording: 0:03\.0 – 0:04\.0/);
    await details.getByRole('button', { name: 'Play from 0:03' }).click();
    await expect.poll(async () => (await player(page)).paused).toBe(false);
    expect((await player(page)).time).toBeGreaterThanOrEqual(3);
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(async () => (await player(page)).paused).toBe(true);
  }, 60_000);

  it('keys: Alt+K plays and pauses, Alt+←/→ jump 5 s, Alt+↑/↓ change the speed, coding keys unchanged', async () => {
    const page = await open(seed.owner.email);
    await transcriptPage(page, timed);
    await loaded(page);
    const focus = () =>
      page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        return active?.matches('article.block') ? `turn ${active.dataset.index}` : (active?.tagName ?? 'none');
      });
    // Follow off, so that the turn with the focus stays where it is while the position jumps.
    await page.getByRole('button', { name: 'Follow' }).click();
    await seekTo(page, 10);
    await page.locator('article.block[data-index="0"]').focus();
    const url = page.url();

    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(async () => (await player(page)).time).toBe(15);
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(async () => (await player(page)).time).toBe(10);
    await page.keyboard.press('Alt+ArrowLeft');
    await page.keyboard.press('Alt+ArrowLeft');
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(async () => (await player(page)).time).toBe(0);
    // Alt+← is not the browser's Back here, and Alt+arrows do not move between turns.
    expect(page.url()).toBe(url);
    expect(await focus()).toBe('turn 0');

    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(async () => (await player(page)).rate).toBe(1.1);
    expect(await page.locator('output.player-rate-value').textContent()).toBe('1.1×');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(async () => (await player(page)).rate).toBe(1.25);
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(async () => (await player(page)).rate).toBe(0.9);
    expect(await focus()).toBe('turn 0');

    await page.keyboard.press('Alt+k');
    await expect.poll(async () => (await player(page)).paused).toBe(false);
    await page.keyboard.press('Alt+k');
    await expect.poll(async () => (await player(page)).paused).toBe(true);
    expect(await focus()).toBe('turn 0');

    // The coding keys still do what they did: ↓ moves to the next turn.
    await page.keyboard.press('ArrowDown');
    expect(await focus()).toBe('turn 1');

    // In a text field the arrows keep their meaning; Alt+K still plays and pauses.
    await page.getByRole('tab', { name: 'Memos' }).click();
    const memo = page.getByRole('textbox', { name: 'Transcript memo' });
    await memo.click();
    const before = await player(page);
    await page.keyboard.press('Alt+ArrowUp');
    await page.keyboard.press('Alt+ArrowRight');
    await page.keyboard.type('x');
    await expect.poll(() => memo.inputValue()).toContain('x');
    expect(await player(page)).toEqual(before);
    await page.keyboard.press('Alt+k');
    await expect.poll(async () => (await player(page)).paused).toBe(false);
    await page.keyboard.press('Alt+k');
    await expect.poll(async () => (await player(page)).paused).toBe(true);
    // The speed buttons do the same as the keys.
    await page.getByRole('button', { name: 'Faster' }).click();
    await expect.poll(async () => (await player(page)).rate).toBe(1);
    await page.getByRole('button', { name: 'Slower' }).click();
    await expect.poll(async () => (await player(page)).rate).toBe(0.9);
    expect(await page.getByRole('button', { name: 'Slower' }).getAttribute('title')).toBe('Slower (Alt+↓)');
  }, 60_000);

  it('hand alignment sets a turn’s start from the playback position, undoably, and it survives a reload', async () => {
    const page = await open(seed.owner.email);
    await transcriptPage(page, untimed);
    await loaded(page);
    const panel = page.getByTestId('media-panel');
    await panel.getByText('This transcript has no timestamps').waitFor();
    expect(await page.locator('.time-button').count()).toBe(0);
    expect(await turnsOf(untimed)).toEqual([undefined, undefined, undefined, undefined]);

    await panel.getByRole('button', { name: 'Set turn starts' }).click();
    await seekTo(page, 2.5);
    await page.getByRole('button', { name: 'Set start of turn 2 to the current playback time' }).click();
    await page.getByRole('button', { name: 'Play from 0:02 (turn 2)' }).waitFor();
    await expect.poll(() => turnsOf(untimed)).toEqual([undefined, 2.5, undefined, undefined]);
    await seekTo(page, 7.25);
    await page.getByRole('button', { name: 'Set start of turn 4 to the current playback time' }).click();
    await expect.poll(() => turnsOf(untimed)).toEqual([undefined, 2.5, undefined, 7.25]);
    expect(await heard(page)).toBe(3);

    // Undone and redone like coding.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => turnsOf(untimed)).toEqual([undefined, 2.5, undefined, undefined]);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => turnsOf(untimed)).toEqual([undefined, 2.5, undefined, 7.25]);

    // After a reload the times are there, and play.
    await page.reload();
    await loaded(page);
    await page.getByRole('button', { name: 'Play from 0:02 (turn 2)' }).click();
    await expect.poll(async () => (await player(page)).paused).toBe(false);
    expect((await player(page)).time).toBeGreaterThanOrEqual(2.5);
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await page.getByRole('button', { name: 'Set turn starts' }).getAttribute('aria-pressed')).toBe('false');
  }, 60_000);

  it('an owner removes a recording after confirming; the transcript and its times stay', async () => {
    const page = await open(seed.owner.email);
    await transcriptPage(page, untimed);
    await loaded(page);
    const panel = page.getByTestId('media-panel');
    // "Less" folds the player to its main controls (and the owner's buttons); "More" brings them back.
    await panel.getByRole('button', { name: 'Less player controls' }).click();
    expect(await panel.getByRole('button', { name: 'Faster' }).isVisible()).toBe(false);
    expect(await panel.getByRole('button', { name: 'Remove recording' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Play', exact: true }).waitFor();
    await screenshot(page, 'player-collapsed');
    await panel.getByRole('button', { name: 'More player controls' }).click();
    await panel.getByRole('button', { name: 'Faster' }).waitFor();

    await panel.getByRole('button', { name: 'Remove recording' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Remove the recording?' });
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await mediaOf(untimed)).toMatchObject({ name: 'visit.wav' });
    await panel.getByRole('button', { name: 'Remove recording' }).click();
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => panel.locator('output.media-done').textContent()).toBe('The recording was removed.');
    expect(await mediaOf(untimed)).toBeUndefined();
    expect(await page.getByTestId('player-media').count()).toBe(0);
    await panel.getByRole('button', { name: 'Attach a recording…' }).waitFor();
    // The times set by hand stay, as plain timestamps.
    expect(await turnsOf(untimed)).toEqual([undefined, 2.5, undefined, 7.25]);
    expect(await page.locator('.turn-meta .time').allTextContents()).toEqual(['0:02', '0:07']);
    expect(await page.locator('.time-button').count()).toBe(0);
  }, 60_000);

  it('whoever may not open the transcript cannot fetch its recording', async () => {
    await ensureRecording();
    const url = `/api/projects/${seed.project.id}/transcripts/${timed}/media`;
    const status = (page: Page, range?: string) =>
      page.evaluate(
        async ([address, bytes]) => (await fetch(address!, bytes ? { headers: { range: bytes } } : {})).status,
        [url, range] as const,
      );

    // A coder of the project hears it, by range as a player asks.
    const coder = await open(seed.coder.email);
    expect(await status(coder, 'bytes=0-99')).toBe(206);

    // Someone signed in who is not a member, and a coder removed from the project (signed in before), do not.
    const outsider = await test.addUser('outsider@example.org', 'Otto Outsider');
    const stranger = await open(outsider.email);
    expect(await status(stranger)).toBe(404);
    const removed = await open(seed.coder2.email);
    await transcriptPage(removed, timed);
    await removed.getByTestId('player-media').waitFor({ state: 'attached' });
    expect(await status(removed, 'bytes=0-99')).toBe(206);
    expect((await seed.owner.client.delete(`/api/projects/${seed.project.id}/members/${seed.coder2.id}`)).status).toBe(
      204,
    );
    expect([403, 404]).toContain(await status(removed, 'bytes=0-99'));
  }, 60_000);

  it('the import preview offers the clean-up of line numbers and hard wraps, before and after, and imports it', async () => {
    const page = await open(seed.owner.email);
    await page.goto(`${test.url}/p/${seed.project.id}`);
    await page.getByRole('button', { name: 'Import…' }).click();
    const wizard = page.getByRole('region', { name: 'Import' });
    await wizard.getByText('Paste a transcript instead').click();
    await wizard.getByLabel('Title').fill('Pasted from PDF');
    await wizard.getByLabel(/^Text/).fill(NUMBERED);
    await wizard.getByRole('button', { name: 'Add pasted text' }).click();

    const cleanup = wizard.getByRole('group', { name: /Pasted from PDF looks like text from a page layout/ });
    await cleanup.waitFor();
    expect(await cleanup.locator('legend').textContent()).toContain(
      '9 line numbers removed, 5 line breaks inside paragraphs joined',
    );
    const before = await cleanup.getByTestId('cleanup-before').textContent();
    const after = await cleanup.getByTestId('cleanup-after').textContent();
    expect(before).toBe(NUMBERED.trimEnd());
    expect(after).toBe(
      [
        'Interviewer: When the group met, how were decisions made in the end, and who had the last word on the plan?',
        'P1: Honestly, nobody wanted to be the one who disagreed. We all assumed the plan would work because the lead had done it before.',
        'Interviewer: Did anyone check the figures?',
        'P1: Not really. We trusted the numbers because they came from our own team.',
      ].join('\n'),
    );
    // Off until chosen: the preview first reads the text as pasted (one "speaker" per numbered line).
    const choice = cleanup.getByRole('checkbox', { name: /Import the cleaned text/ });
    expect(await choice.isChecked()).toBe(false);
    await wizard.getByRole('table', { name: 'Speakers detected in Pasted from PDF' }).waitFor();
    await choice.check();
    const speakers = wizard.getByRole('table', { name: 'Speakers detected in Pasted from PDF' });
    await expect
      .poll(async () => (await speakers.getByRole('rowheader').allTextContents()).sort())
      .toEqual(['Interviewer', 'P1']);
    await screenshot(page, 'import-cleanup');

    // A .txt file gets the same offer.
    await wizard.getByLabel('Choose files to import').setInputFiles({
      name: 'interview 3.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(NUMBERED.replaceAll('P1:', 'P3:')),
    });
    await wizard.getByRole('group', { name: /interview 3\.txt looks like text from a page layout/ }).waitFor();
    await wizard.getByRole('button', { name: 'Remove interview 3.txt' }).click();

    await wizard.getByRole('button', { name: 'Import 1 item' }).click();
    await expect.poll(() => wizard.locator('output').textContent()).toMatch(/^Imported 1 transcript/);
    const listed = await seed.owner.client.get(`/api/projects/${seed.project.id}/transcripts`);
    const imported = (listed.body.transcripts as { id: string; title: string }[]).find(
      (t) => t.title === 'Pasted from PDF',
    )!;
    const { text, speakers: turnSpeakers } = await test.server.ctx.sync.withDoc(
      docName({ kind: 'text', project: seed.project.id, transcript: imported.id }),
      (doc) => ({ text: doc.getText('text').toString(), speakers: readTurns(doc).map((turn) => turn.speaker) }),
    );
    expect(text).not.toMatch(/^\d/m);
    expect(text).toContain('how were decisions made in the end, and who had the last word on the plan?');
    expect(turnSpeakers).toEqual(['Interviewer', 'P1', 'Interviewer', 'P1']);
  }, 60_000);

  it.each([
    [1440, 900, 'light'],
    [1280, 800, 'light'],
    [1440, 900, 'dark'],
    [1280, 800, 'dark'],
  ] as const)(
    'screenshot of the player at %i×%i (%s)',
    async (width, height, scheme) => {
      const page = await open(seed.owner.email, { width, height }, scheme);
      await transcriptPage(page, timed);
      await loaded(page);
      await seekTo(page, 3.4);
      expect(await heard(page)).toBe(3);
      // The player beside the text, the panel and the text both usable: nothing overflows the page.
      const side = (await page.getByRole('complementary', { name: 'Side panel' }).boundingBox())!;
      const reader = (await page.getByTestId('reader').boundingBox())!;
      expect(side.x + side.width).toBeLessThanOrEqual(width);
      expect(reader.width).toBeGreaterThan(600);
      await screenshot(page, `player-${width}${scheme === 'dark' ? '-dark' : ''}`);
    },
    60_000,
  );
});

/** Attaches a recording through the API, as the web client does (raw body, its type, `?name=`). */
async function attach(
  client: ApiClient,
  project: string,
  transcript: string,
  body: Buffer,
  name: string,
  type: string,
) {
  const response = await fetch(
    `${client.baseUrl}/api/projects/${project}/transcripts/${transcript}/media?name=${encodeURIComponent(name)}`,
    {
      method: 'POST',
      headers: { cookie: client.cookie!, 'x-csrf-token': client.csrfToken!, 'content-type': type },
      body: new Uint8Array(body),
    },
  );
  return { status: response.status, body: await response.json() };
}
