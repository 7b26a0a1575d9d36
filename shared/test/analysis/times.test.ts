import { describe, expect, it } from 'vitest';
import { codingTimes, formatTime, hasTimes } from '../../src/analysis/times.js';

describe('a coding in the recording', () => {
  // Turns start at 0, 10, 20 and 30 (offsets), at 0 s, 4.5 s, no time, and 61.25 s.
  const turns = [{ start: 0, time: 0 }, { start: 10, time: 4.5 }, { start: 20 }, { start: 30, time: 61.25 }];
  it.each([
    ['inside the first turn', 2, 8, { startTime: 0, endTime: 4.5 }],
    ['the whole first turn, ending where the next starts', 0, 10, { startTime: 0, endTime: 4.5 }],
    ['over two turns', 5, 15, { startTime: 0, endTime: 61.25 }],
    ['ending in a turn without a time: the next timed turn ends it', 12, 25, { startTime: 4.5, endTime: 61.25 }],
    ['starting in a turn without a time', 22, 25, null],
    ['in the last turn: no end', 31, 40, { startTime: 61.25, endTime: null }],
  ])('%s', (_name, start, end, times) => {
    expect(codingTimes(turns, start, end)).toEqual(times);
  });

  it('no turns, or none timed, no times', () => {
    expect(codingTimes([], 0, 5)).toBeNull();
    expect(codingTimes([{ start: 0 }, { start: 5 }], 0, 3)).toBeNull();
    expect(hasTimes([{ start: 0 }])).toBe(false);
    expect(hasTimes(turns)).toBe(true);
  });

  it('times that go backwards give no end rather than a negative span', () => {
    expect(
      codingTimes(
        [
          { start: 0, time: 10 },
          { start: 5, time: 3 },
        ],
        0,
        4,
      ),
    ).toEqual({ startTime: 10, endTime: null });
  });

  it.each([
    [0, '0:00.0'],
    [4.5, '0:04.5'],
    [61.25, '1:01.3'],
    [3723.04, '1:02:03.0'],
  ])('%d s reads %s', (seconds, text) => {
    expect(formatTime(seconds)).toBe(text);
  });
});
