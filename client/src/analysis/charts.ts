/**
 * Small pure helpers for the analysis page's inline SVG. The Statistics tab's figures are built in
 * `overviews/figures.ts` (shading in `overviews/shade.ts`).
 */

export function truncate(label: string, length: number): string {
  return label.length <= length ? label : `${label.slice(0, length - 1)}…`;
}
