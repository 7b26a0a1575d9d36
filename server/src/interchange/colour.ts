/**
 * The one colour check of Accord's server. A code colour goes into CSS (`style="background:..."`), into REFI-QDA's
 * `color` attribute (whose schema allows only `#rrggbb`) and into CSV, so only hex colours are ever taken in or
 * written out: an import or request with another value is refused or drops the colour with a warning, and an
 * export checks again, because a document may hold whatever an old client wrote.
 */
const EXAMPLE = '#e69f00';

/** `#rrggbb` (lower case) from `#rgb`, `#rrggbb` or bare hex as codebooks and REFI-QDA write colours; null otherwise. */
export function normaliseColour(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const hex = raw.trim().replace(/^#/, '').toLowerCase();
  if (/^[0-9a-f]{6}$/.test(hex)) return `#${hex}`;
  if (/^[0-9a-f]{3}$/.test(hex)) return `#${[...hex].map((digit) => digit + digit).join('')}`;
  return null;
}

/** Why `raw` is not taken as a colour, for an import error or warning (shortened: it may be anything). */
export function colourProblem(raw: string): string {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return `colour ${JSON.stringify(shown)} is not a hex colour like ${EXAMPLE}`;
}
