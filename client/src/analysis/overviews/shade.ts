import { formatHex, interpolate, wcagContrast } from 'culori';
import { useSyncExternalStore } from 'react';
import { useThemeChoice } from '../../ui/theme.js';

/**
 * The shading of heat-map cells: one hue from pale to deep, in OKLab so that equal steps look equal. Each theme
 * has its own ramp (pale cells on a dark page glare), and exported images always use the light one (they go into
 * papers, on white). The text on a cell is black or white, whichever contrasts more with that cell: for any
 * colour one of the two reaches at least 4.58:1, so every number meets WCAG AA, and the number is always shown,
 * so colour is never the only signal.
 */
export type Ramp = 'light' | 'dark';

const RAMPS: Record<Ramp, [string, string]> = {
  light: ['#eceafd', '#312e81'],
  dark: ['#2b2a55', '#c9c7ff'],
};
const INTERPOLATORS = {
  light: interpolate(RAMPS.light, 'oklab'),
  dark: interpolate(RAMPS.dark, 'oklab'),
};

/** The lightest shade a non-zero cell gets, so that 1 among 200 still shows. */
const FLOOR = 0.12;

export interface Shade {
  background: string;
  text: string;
}

/**
 * The shade of a cell whose value is `share` of the largest (0..1); null or 0: no shade (the cell's own
 * background, ordinary text).
 */
export function shade(share: number | null, ramp: Ramp): Shade | null {
  if (share === null || !(share > 0)) return null;
  const t = FLOOR + (1 - FLOOR) * Math.min(1, share);
  const background = formatHex(INTERPOLATORS[ramp](t))!;
  return { background, text: readableOn(background) };
}

/** Black or white, whichever contrasts more with `background`. */
export function readableOn(background: string): string {
  return wcagContrast(background, '#000000') >= wcagContrast(background, '#ffffff') ? '#000000' : '#ffffff';
}

const DARK = '(prefers-color-scheme: dark)';

function subscribeToSystem(listener: () => void) {
  const query = window.matchMedia(DARK);
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}

/** The theme the page shows now: the user's choice, or the system's when they chose none. */
export function useRamp(): Ramp {
  const choice = useThemeChoice();
  const systemDark = useSyncExternalStore(subscribeToSystem, () => window.matchMedia(DARK).matches);
  if (choice === 'light' || choice === 'dark') return choice;
  return systemDark ? 'dark' : 'light';
}
