import { CODE_PALETTE } from '@accord/shared';
import { assignCodeColour, FIRST_COUNT } from '../ui/palette.js';

/**
 * The colour for a new code: the palette's least used colour (see `assignCodeColour`), so that two codes never get
 * near-identical colours and the most distinct colours at the front of the palette are used first.
 */
export function nextCodeColour(used: readonly string[]): string {
  return assignCodeColour(used);
}

/** A stable colour per user (cursors, presence), from the palette's most distinct colours, by a hash of the user id. */
export function userColour(userId: string): string {
  let hash = 0;
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0;
  return CODE_PALETTE[hash % FIRST_COUNT]!;
}

/** `#rrggbb` with an alpha, as `rgba()`. */
export function withAlpha(colour: string, alpha: number): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!match) return colour;
  const [r, g, b] = match.slice(1).map((hex) => Number.parseInt(hex, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * How strongly a code's colour tints the text it covers: one coding, and each band of overlapping codings. Chosen so
 * that text keeps WCAG AA contrast (4.5:1) over every palette colour on both themes' surfaces (palette.test.ts).
 */
export const HIGHLIGHT_ALPHA = 0.35;
export const BAND_ALPHA = 0.45;

/**
 * The background of text covered by several codings: one horizontal band per coding (up to four), so that every
 * overlapping code stays visible in the text itself and not only in the margin.
 */
export function highlightBackground(colours: readonly string[]): string | undefined {
  if (colours.length === 0) return undefined;
  // Every highlighted segment of every turn asks, with a handful of code colours in a handful of combinations.
  const key = colours.join(' ');
  let background = backgrounds.get(key);
  if (background === undefined) {
    if (backgrounds.size > 4096) backgrounds.clear();
    background = bands(colours);
    backgrounds.set(key, background);
  }
  return background;
}

const backgrounds = new Map<string, string>();

function bands(colours: readonly string[]): string {
  if (colours.length === 1) return withAlpha(colours[0]!, HIGHLIGHT_ALPHA);
  const shown = colours.slice(0, 4);
  const step = 100 / shown.length;
  const stops = shown.map((colour, i) => `${withAlpha(colour, BAND_ALPHA)} ${i * step}% ${(i + 1) * step}%`);
  return `linear-gradient(to bottom, ${stops.join(', ')})`;
}

/** Black or white, whichever reads better on the colour (WCAG relative luminance). */
export function textOn(colour: string): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!match) return '#000';
  const [r, g, b] = match.slice(1).map((hex) => {
    const c = Number.parseInt(hex, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return luminance > 0.179 ? '#000' : '#fff';
}
