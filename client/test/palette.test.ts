import fs from 'node:fs';
import { CODE_PALETTE } from '@accord/shared';
import { type Color, formatHex, parse, wcagContrast } from 'culori';
import { describe, expect, it } from 'vitest';
import { BAND_ALPHA, HIGHLIGHT_ALPHA } from '../src/coding/colours.js';
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

/** The colour tokens of one theme block of tokens.css (the real file, so the test follows the design). */
function themeTokens(selector: string): Record<string, string> {
  const css = fs.readFileSync(new URL('../src/ui/tokens.css', import.meta.url), 'utf8');
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/(--color-[a-z0-9-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]));
}

/** `colour` at `alpha` over `background`, as the browser composites an rgba highlight. */
function over(colour: string, alpha: number, background: string): string {
  const f = parse(colour) as Color & { r: number; g: number; b: number };
  const b = parse(background) as Color & { r: number; g: number; b: number };
  const mix = (x: number, y: number) => x * alpha + y * (1 - alpha);
  return formatHex({ mode: 'rgb', r: mix(f.r, b.r), g: mix(f.g, b.g), b: mix(f.b, b.b) });
}

describe('palette as highlights on both themes', () => {
  const themes = [
    ['light', themeTokens(':root')],
    ['dark', themeTokens(':root[data-theme="dark"]')],
  ] as const;

  it.each(themes)('keeps text readable (WCAG AA, 4.5:1) over every highlight in the %s theme', (_name, tokens) => {
    const text = tokens['--color-text']!;
    for (const token of ['--color-text', '--color-bg', '--color-surface'])
      expect(tokens[token]).toMatch(/^#[0-9a-f]{6}$/);
    const failures: string[] = [];
    for (const surface of [tokens['--color-bg']!, tokens['--color-surface']!]) {
      for (const alpha of [HIGHLIGHT_ALPHA, BAND_ALPHA]) {
        for (const colour of CODE_PALETTE) {
          const contrast = wcagContrast(text, over(colour, alpha, surface));
          if (contrast < 4.5) failures.push(`${colour} at ${alpha} on ${surface}: ${contrast.toFixed(2)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  // Tinting pulls colours toward the surface, so highlights are closer than the solid colours (which is why the
  // margin names every code). Measured minimum over all four visions, kept as a floor against regressions.
  it.each(themes)('keeps highlights of different codes apart in the %s theme', (_name, tokens) => {
    const surface = tokens['--color-surface']!;
    for (let i = 0; i < CODE_PALETTE.length; i++) {
      for (let j = i + 1; j < CODE_PALETTE.length; j++) {
        const a = over(CODE_PALETTE[i]!, HIGHLIGHT_ALPHA, surface);
        const b = over(CODE_PALETTE[j]!, HIGHLIGHT_ALPHA, surface);
        const floor = j < FIRST_COUNT ? 3.5 : 2.4;
        expect(perceivedDistance(a, b), `${CODE_PALETTE[i]} / ${CODE_PALETTE[j]}`).toBeGreaterThanOrEqual(floor);
      }
    }
  });
});
