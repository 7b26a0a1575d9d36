/** Small pure helpers for the inline SVG charts. */

/** White to Okabe-Ito blue, for a share 0..1 (null: no data, light grey). */
export function heatColour(share: number | null): string {
  if (share === null) return '#f0f0f0';
  const t = Math.max(0, Math.min(1, share));
  const mix = (from: number, to: number) => Math.round(from + (to - from) * t);
  return `rgb(${mix(255, 0)}, ${mix(255, 114)}, ${mix(255, 178)})`;
}

/** Dark text on light cells, light text on dark ones. */
export function textColourOn(share: number | null): string {
  return share !== null && share > 0.55 ? '#ffffff' : '#111111';
}

/** Series colours for the columns of a grouped bar chart (Okabe & Ito, then Tol's muted). */
export const SERIES = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#332288'];

export function seriesColour(index: number): string {
  return SERIES[index % SERIES.length]!;
}

export function truncate(label: string, length: number): string {
  return label.length <= length ? label : `${label.slice(0, length - 1)}…`;
}
