/** `#rrggbb` (lower case) from `#rgb`, `#rrggbb` or bare hex as codebooks write colours; null otherwise. */
export function normaliseColour(raw: string | undefined): string | null {
  const hex = raw?.trim().replace(/^#/, '').toLowerCase() ?? '';
  if (/^[0-9a-f]{6}$/.test(hex)) return `#${hex}`;
  if (/^[0-9a-f]{3}$/.test(hex)) return `#${[...hex].map((digit) => digit + digit).join('')}`;
  return null;
}
