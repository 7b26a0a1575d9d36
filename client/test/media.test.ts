import { initTranscript, readTurns, transcriptText, transcriptTurns } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildBlocks } from '../src/coding/blocks.js';
import { local, UndoHistory } from '../src/coding/undo.js';
import { roundTime, setBlockTime } from '../src/media/align.js';
import { mediaFileProblem, mediaTypeOf } from '../src/media/api.js';
import { clock, Playback, RATES, spokenClock } from '../src/media/playback.js';
import { playerAction } from '../src/media/shortcuts.js';

const blocksOf = (doc: Y.Doc) => buildBlocks(transcriptText(doc).toString(), readTurns(doc));

describe('hand alignment writes a turn’s start time in the transcript document', () => {
  const TEXT = 'A: one\nB: two\nA: three\n';
  const turned = () => {
    const doc = new Y.Doc();
    initTranscript(doc, TEXT, [
      { start: 0, speaker: 'A' },
      { start: 7, speaker: 'B', time: 4 },
      { start: 14, speaker: 'A' },
    ]);
    return doc;
  };

  it('replaces the turn’s entry with the time, keeping its speaker and anchor', () => {
    const doc = turned();
    setBlockTime(doc, blocksOf(doc), 2, 12.3456);
    expect(readTurns(doc)).toEqual([
      { start: 0, speaker: 'A', end: 7 },
      { start: 7, speaker: 'B', time: 4, end: 14 },
      { start: 14, speaker: 'A', time: 12.346, end: TEXT.length },
    ]);
    // Again: replaced, not added.
    setBlockTime(doc, blocksOf(doc), 1, 3);
    expect(readTurns(doc).map((turn) => turn.time)).toEqual([undefined, 3, 12.346]);
    expect(transcriptTurns(doc).length).toBe(3);
    // The anchor still follows corrections to the text.
    transcriptText(doc).insert(3, 'just ');
    expect(readTurns(doc).map((turn) => [turn.start, turn.time])).toEqual([
      [0, undefined],
      [12, 3],
      [19, 12.346],
    ]);
  });

  it('turns a paragraph, and the paragraphs after it up to the first turn, into turns without a speaker', () => {
    const doc = new Y.Doc();
    const text = 'First paragraph.\n\nSecond one.\n\nThird.\nA: a turn\n';
    initTranscript(doc, text, [{ start: text.indexOf('A:'), speaker: 'A' }]);
    const before = blocksOf(doc);
    expect(before.map((block) => block.start)).toEqual([0, 18, 31, 38]);
    setBlockTime(doc, before, 1, 2);
    const after = blocksOf(doc);
    // The same blocks, the second now timed.
    expect(after.map((block) => [block.start, block.end, block.time])).toEqual([
      [0, 18, undefined],
      [18, 31, 2],
      [31, 38, undefined],
      [38, text.length, undefined],
    ]);
    expect(readTurns(doc).map((turn) => turn.speaker)).toEqual(['', '', 'A']);
  });

  it('is one undo step of the tab’s history', () => {
    const doc = turned();
    const history = new UndoHistory();
    history.track(doc, [transcriptTurns(doc)]);
    local(doc, () => setBlockTime(doc, blocksOf(doc), 0, 1.5));
    expect(readTurns(doc)[0]!.time).toBe(1.5);
    expect(history.undo()).toBe(true);
    expect(readTurns(doc).map((turn) => turn.time)).toEqual([undefined, 4, undefined]);
    expect(history.redo()).toBe(true);
    expect(readTurns(doc)[0]!.time).toBe(1.5);
  });

  it('rounds to the millisecond, never below zero', () => {
    expect(roundTime(1.23449)).toBe(1.234);
    expect(roundTime(-0.2)).toBe(0);
  });
});

describe('the turn being heard and the player’s steps', () => {
  it('is the timed turn with the latest start at or before the position', () => {
    const playback = new Playback();
    playback.setTimes([undefined, 0, 5, undefined, 9, 9]);
    expect(playback.turnAt(-1)).toBe(-1);
    expect(playback.turnAt(0)).toBe(1);
    expect(playback.turnAt(4.99)).toBe(1);
    expect(playback.turnAt(5)).toBe(2);
    expect(playback.turnAt(8)).toBe(2);
    // Two turns starting together: the later one.
    expect(playback.turnAt(9)).toBe(5);
    // Out of order (aligned by hand): still the latest start before the position.
    playback.setTimes([10, 2]);
    expect(playback.turnAt(5)).toBe(1);
    expect(playback.turnAt(11)).toBe(0);
    expect(playback.getSnapshot().current).toBe(-1);
  });

  it('steps the speed along RATES, stopping at the ends', () => {
    const playback = new Playback();
    expect(playback.getSnapshot().rate).toBe(1);
    playback.stepRate(1);
    expect(playback.getSnapshot().rate).toBe(1.1);
    for (let i = 0; i < 20; i++) playback.stepRate(-1);
    expect(playback.getSnapshot().rate).toBe(RATES[0]);
    for (let i = 0; i < 20; i++) playback.stepRate(1);
    expect(playback.getSnapshot().rate).toBe(RATES.at(-1));
  });

  it('says times as a clock and as words', () => {
    expect(clock(65.37, true)).toBe('1:05.3');
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(Number.NaN)).toBe('0:00');
    expect(spokenClock(65)).toBe('1 minute 5 seconds');
    expect(spokenClock(0)).toBe('0 seconds');
  });
});

describe('player keys never take a coding key', () => {
  const key = (code: string, key: string, modifiers: Partial<Record<'alt' | 'ctrl' | 'meta' | 'shift', boolean>>) =>
    playerAction({
      code,
      key,
      altKey: modifiers.alt ?? false,
      ctrlKey: modifiers.ctrl ?? false,
      metaKey: modifiers.meta ?? false,
      shiftKey: modifiers.shift ?? false,
      target: null,
    });

  it.each([
    ['KeyK', 'k', { alt: true }, 'toggle'],
    ['KeyK', '˚', { alt: true }, 'toggle'],
    ['ArrowLeft', 'ArrowLeft', { alt: true }, 'back'],
    ['ArrowRight', 'ArrowRight', { alt: true }, 'forward'],
    ['ArrowDown', 'ArrowDown', { alt: true }, 'slower'],
    ['ArrowUp', 'ArrowUp', { alt: true }, 'faster'],
    // The reader's own keys: selection by characters, turns, digits, undo.
    ['ArrowRight', 'ArrowRight', { alt: true, shift: true }, null],
    ['ArrowDown', 'ArrowDown', {}, null],
    ['KeyK', 'k', {}, null],
    ['Digit1', '1', { alt: true }, null],
    ['KeyK', 'k', { alt: true, ctrl: true }, null],
    ['KeyZ', 'z', { ctrl: true }, null],
  ] as const)('%s (%s) with %j: %s', (code, pressed, modifiers, action) => {
    expect(key(code, pressed, modifiers)).toBe(action);
  });
});

describe('recording files before upload', () => {
  it.each([
    [{ name: 'a.mp3', type: '' }, 'audio/mpeg'],
    [{ name: 'a.M4A', type: '' }, 'audio/mp4'],
    [{ name: 'a.bin', type: 'video/mp4' }, 'video/mp4'],
    [{ name: 'a.ogv', type: 'application/octet-stream' }, 'video/ogg'],
    [{ name: 'a.txt', type: 'text/plain' }, null],
  ])('%j is sent as %s', (file, type) => {
    expect(mediaTypeOf(file)).toBe(type);
  });

  it('refuses an empty file and one that is no recording', () => {
    expect(mediaFileProblem({ name: 'a.wav', type: 'audio/wav', size: 0 })).toMatch(/empty/);
    expect(mediaFileProblem({ name: 'a.pdf', type: 'application/pdf', size: 9 })).toMatch(/not a recording/);
    expect(mediaFileProblem({ name: 'a.wav', type: 'audio/wav', size: 9 })).toBeNull();
  });
});
