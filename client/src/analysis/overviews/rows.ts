import type { CsvValue, OverviewCode } from '@accord/shared';
import { currentIntl } from '../../i18n/core.js';
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

/** A count in the interface's locale (`1,234` / `1.234`). */
export const formatCount = (value: number) => currentIntl().formatNumber(value, { maximumFractionDigits: 0 });

/**
 * A share 0..1 as a percentage in the interface's locale: one decimal under 10%, none above; `<0.1%` rather than a
 * misleading 0%.
 */
export function formatPercent(share: number | null): string {
  if (share === null) return '–';
  const intl = currentIntl();
  const digits = (n: number) => ({ style: 'percent' as const, minimumFractionDigits: n, maximumFractionDigits: n });
  if (share === 0) return intl.formatNumber(0, digits(0));
  if (share < 0.001) return `<${intl.formatNumber(0.001, digits(1))}`;
  return intl.formatNumber(share, digits(share < 0.1 ? 1 : 0));
}

/** A share as a number for a CSV cell: a percentage with two decimals. */
export const csvPercent = (share: number | null): CsvValue => (share === null ? '' : Math.round(share * 10000) / 100);

/** The largest of `values`, at least 1, so that shares are defined. */
export const largest = (values: Iterable<number>) => {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max > 0 ? max : 1;
};
