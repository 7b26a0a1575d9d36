/**
 * The code palette: a fixed, ordered list of colours such that EVERY pair stays distinguishable, for everyone.
 *
 * Guarantee (checked pair by pair in client/test/palette.test.ts): the CIEDE2000 distance between any two colours is
 * at least {@link MIN_DISTANCE_ALL} (the first {@link FIRST_COUNT}: at least {@link MIN_DISTANCE_FIRST}) in normal
 * vision AND in full-severity simulated protanopia, deuteranopia and tritanopia (Machado et al., as culori's
 * `filterDeficiency*` implement it). A CIEDE2000 difference of ~1 is just noticeable side by side and ~5 is obvious
 * side by side; small marks seen apart (a margin bracket, a highlight two paragraphs away) need much more, which is why
 * categorical palettes aim at 10-20. The first 12 (most projects' whole codebook) keep >= 15; all 24 keep >= 9.
 * The colours were found by a max-min search over OKLCH (lightness 0.45-0.85, so that each reads both as a tint
 * behind text and as a bracket on light and dark surfaces), ordered so that every prefix is as spread as possible.
 *
 * The hex list lives in `@accord/shared` (new codes get their default colour there, also on import); this module adds
 * the names (colour is never the only signal: pickers and labels name it) and the assignment.
 */
import { CODE_PALETTE } from '@accord/shared';
import {
  type Color,
  differenceCiede2000,
  filterDeficiencyDeuter,
  filterDeficiencyProt,
  filterDeficiencyTrit,
  parse,
} from 'culori';
import { type MessageId, msg, type Translate, translate } from '../i18n/core.js';

export const MIN_DISTANCE_FIRST = 15;
export const MIN_DISTANCE_ALL = 9;
export const FIRST_COUNT = 12;

const NAMES: readonly MessageId[] = [
  msg('palette.royalBlue'),
  msg('palette.lemon'),
  msg('palette.crimson'),
  msg('palette.olive'),
  msg('palette.jade'),
  msg('palette.purple'),
  msg('palette.coral'),
  msg('palette.blush'),
  msg('palette.lavender'),
  msg('palette.moss'),
  msg('palette.celery'),
  msg('palette.plum'),
  msg('palette.fern'),
  msg('palette.scarlet'),
  msg('palette.slateBlue'),
  msg('palette.aqua'),
  msg('palette.rosewood'),
  msg('palette.marigold'),
  msg('palette.lilac'),
  msg('palette.indigo'),
  msg('palette.forest'),
  msg('palette.citron'),
  msg('palette.rose'),
  msg('palette.sage'),
];

export interface PaletteColour {
  hex: string;
  /** The colour's name in the interface's language when the palette was read (see `colourName`). */
  readonly name: string;
}

export const CODE_COLOURS: readonly PaletteColour[] = CODE_PALETTE.map((hex, i) => ({
  hex,
  get name() {
    const id = NAMES[i];
    return id === undefined ? translate('palette.colour', { n: i + 1 }) : translate(id);
  },
}));

/**
 * The palette colour's name in the interface's language, or the hex itself for a colour outside the palette
 * (imported, chosen elsewhere).
 */
export function colourName(hex: string, t: Translate = translate): string {
  const key = hex.toLowerCase();
  const i = CODE_PALETTE.indexOf(key);
  if (i < 0) return key;
  const id = NAMES[i];
  return id === undefined ? t('palette.colour', { n: i + 1 }) : t(id);
}

type Filter = (colour: Color) => Color;
const VISIONS: readonly Filter[] = [
  (colour) => colour,
  filterDeficiencyProt(1) as Filter,
  filterDeficiencyDeuter(1) as Filter,
  filterDeficiencyTrit(1) as Filter,
];
export const VISION_NAMES = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'] as const;
export type Vision = (typeof VISION_NAMES)[number];

const ciede2000 = differenceCiede2000();

/** CIEDE2000 distance between two colours as seen with one kind of colour vision. */
export function distanceIn(vision: Vision, a: string, b: string): number {
  const filter = VISIONS[VISION_NAMES.indexOf(vision)]!;
  const ca = parse(a);
  const cb = parse(b);
  if (!ca || !cb) return 0;
  return ciede2000(filter(ca), filter(cb));
}

/** The smallest distance over the four visions: how far apart the two colours are for the person who sees least. */
export function perceivedDistance(a: string, b: string): number {
  return Math.min(...VISION_NAMES.map((vision) => distanceIn(vision, a, b)));
}

/**
 * The colour for a new code, given the colours of the codes that exist: the palette colour that is least used (a
 * colour outside the palette counts as a use of every palette colour near-identical to it, so an imported light
 * blue keeps a palette light blue from being handed out beside it), first in palette order on ties. Pure and
 * deterministic: the same codebook always gets the same next colour.
 */
export function assignCodeColour(used: readonly string[]): string {
  const uses = CODE_COLOURS.map(() => 0);
  for (const raw of used) {
    const colour = raw.toLowerCase();
    const exact = CODE_PALETTE.indexOf(colour);
    if (exact >= 0) {
      uses[exact]!++;
      continue;
    }
    CODE_PALETTE.forEach((hex, i) => {
      if (perceivedDistance(hex, colour) < MIN_DISTANCE_ALL) uses[i]!++;
    });
  }
  let best = 0;
  for (let i = 1; i < uses.length; i++) if (uses[i]! < uses[best]!) best = i;
  return CODE_PALETTE[best]!;
}
