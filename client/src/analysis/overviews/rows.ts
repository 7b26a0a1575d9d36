import type { CsvValue, OverviewCode } from '@accord/shared';
import type { FigureRow } from './figures.js';
import type { GridRow } from './HeatGrid.js';

/** Small shared pieces of the overviews: how codes become rows, and how numbers are written. */
export const pathOf = (code: Pick<OverviewCode, 'path' | 'id'>) => code.path.join(' › ') || code.id;

export const gridRows = (codes: readonly OverviewCode[]): GridRow[] =>
  codes.map((code) => ({
    id: code.id,
    label: code.path.at(-1) ?? code.id,
    full: pathOf(code),
    depth: code.depth,
    parent: code.hasChildren,
  }));

export const figureRows = (codes: readonly OverviewCode[]): FigureRow[] =>
  codes.map((code) => ({ label: code.path.at(-1) ?? code.id, full: pathOf(code), depth: code.depth }));

/** A code's path in a CSV cell, as the retrieval CSV writes it. */
export const csvPath = (code: Pick<OverviewCode, 'path' | 'id'>) => code.path.join(' > ') || code.id;

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
export const formatCount = (value: number) => integer.format(value);

/** A share 0..1 as a percentage: one decimal under 10%, none above; `<0.1%` rather than a misleading 0%. */
export function formatPercent(share: number | null): string {
  if (share === null) return '–';
  if (share === 0) return '0%';
  const percent = share * 100;
  if (percent < 0.1) return '<0.1%';
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** A share as a number for a CSV cell: a percentage with two decimals. */
export const csvPercent = (share: number | null): CsvValue => (share === null ? '' : Math.round(share * 10000) / 100);

/** The largest of `values`, at least 1, so that shares are defined. */
export const largest = (values: Iterable<number>) => {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max > 0 ? max : 1;
};
