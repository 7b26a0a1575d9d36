import { CODE_PALETTE } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import {
  assignCodeColour,
  CODE_COLOURS,
  colourName,
  distanceIn,
  FIRST_COUNT,
  MIN_DISTANCE_ALL,
  MIN_DISTANCE_FIRST,
  perceivedDistance,
  VISION_NAMES,
} from '../src/ui/palette.js';

// The colours of the palette this one replaced: Okabe-Ito then Tol's muted. Its sky blue and pale cyan are the "two
// near-identical light blues" of issue 22; the guarantee below must reject it.
const OLD_PALETTE = [
  '#e69f00',
  '#56b4e9',
  '#009e73',
  '#f0e442',
  '#0072b2',
  '#d55e00',
  '#cc79a7',
  '#332288',
  '#88ccee',
  '#44aa99',
  '#117733',
  '#999933',
  '#ddcc77',
  '#cc6677',
  '#882255',
  '#aa4499',
];

/** Every pair of the list whose distance, in this vision, is below the threshold for its position. */
function tooClose(palette: readonly string[], vision: (typeof VISION_NAMES)[number]): string[] {
  const failures: string[] = [];
  for (let i = 0; i < palette.length; i++) {
    for (let j = i + 1; j < palette.length; j++) {
      const threshold = j < FIRST_COUNT ? MIN_DISTANCE_FIRST : MIN_DISTANCE_ALL;
      const distance = distanceIn(vision, palette[i]!, palette[j]!);
      if (distance < threshold) failures.push(`${palette[i]} / ${palette[j]}: ${distance.toFixed(2)} < ${threshold}`);
    }
  }
  return failures;
}

describe('code palette', () => {
  it('has at least 24 distinct, named, lowercase #rrggbb colours', () => {
    expect(CODE_COLOURS.length).toBeGreaterThanOrEqual(24);
    expect(CODE_COLOURS.map((c) => c.hex)).toEqual(CODE_PALETTE);
    for (const { hex } of CODE_COLOURS) expect(hex).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(CODE_PALETTE).size).toBe(CODE_PALETTE.length);
    expect(new Set(CODE_COLOURS.map((c) => c.name)).size).toBe(CODE_COLOURS.length);
    expect(colourName(CODE_PALETTE[0]!.toUpperCase())).toBe(CODE_COLOURS[0]!.name);
    expect(colourName('#123456')).toBe('#123456');
  });

  it.each(VISION_NAMES)('keeps every pair apart in %s vision (CIEDE2000)', (vision) => {
    expect(tooClose(CODE_PALETTE, vision)).toEqual([]);
  });

  it.each(VISION_NAMES)('rejects the old palette in %s vision (the check has teeth)', (vision) => {
    if (vision === 'normal') {
      // Sky blue against pale cyan: near-identical even with full colour vision.
      expect(distanceIn('normal', '#56b4e9', '#88ccee')).toBeLessThan(MIN_DISTANCE_ALL);
    }
    expect(tooClose(OLD_PALETTE, vision).length).toBeGreaterThan(0);
  });

  it('measures distance symmetrically, zero for a colour with itself', () => {
    expect(perceivedDistance('#2d5ff5', '#2d5ff5')).toBe(0);
    expect(perceivedDistance('#2d5ff5', '#d6d704')).toBeCloseTo(perceivedDistance('#d6d704', '#2d5ff5'), 6);
  });
});

describe('colour assignment', () => {
  it.each([
    ['an empty codebook', [], 0],
    ['after the first two', [CODE_PALETTE[0], CODE_PALETTE[1]], 2],
    ['case-insensitively', [CODE_PALETTE[0]!.toUpperCase()], 1],
    ['the whole palette used once, the first twice', [...CODE_PALETTE, CODE_PALETTE[0]], 1],
    ['a colour outside the palette and far from it', ['#000000'], 0],
    // An imported light blue close to a palette colour blocks that colour as if it were used.
    ['skipping a colour near-identical to an imported one', ['#2e60f4'], 1],
  ] as const)('%s', (_name, used, expected) => {
    expect(assignCodeColour(used as readonly string[])).toBe(CODE_PALETTE[expected]);
  });

  it('is deterministic and never hands out a near-identical colour while a distinct one is free', () => {
    const used: string[] = [];
    for (let i = 0; i < CODE_PALETTE.length; i++) {
      const next = assignCodeColour(used);
      expect(assignCodeColour([...used])).toBe(next);
      for (const colour of used) expect(perceivedDistance(colour, next)).toBeGreaterThanOrEqual(MIN_DISTANCE_ALL);
      used.push(next);
    }
    // 24 codes created one after another get 24 different colours, in palette order.
    expect(used).toEqual(CODE_PALETTE);
  });
});
