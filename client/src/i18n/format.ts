/**
 * Dates and numbers in the interface's locale (`Intl`, through the react-intl formatter): one place that says how
 * long a date is and how many decimals an agreement figure has, so pages agree with each other.
 */
import type { IntlShape } from 'react-intl';

/** A moment with its time: `6 Dec 2026, 15:04` / `06.12.2026, 15:04`. */
export const dateTime = (intl: IntlShape, at: number | Date): string =>
  intl.formatDate(at, { dateStyle: 'medium', timeStyle: 'short' });

/** A day: `6 Dec 2026` / `06.12.2026`. */
export const day = (intl: IntlShape, at: number | Date): string => intl.formatDate(at, { dateStyle: 'medium' });

/** A count: `12,345` / `12.345`. */
export const count = (intl: IntlShape, value: number): string => intl.formatNumber(value, { maximumFractionDigits: 0 });

/** A figure with exactly `digits` decimals (`0.85` / `0,85`); a missing figure is a dash. */
export const fixed = (intl: IntlShape, value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : intl.formatNumber(value, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
        signDisplay: 'negative',
      });

/** A share of 1 as a percentage with up to `digits` decimals: `12.5%` / `12,5 %`. */
export const percent = (intl: IntlShape, share: number, digits = 0): string =>
  intl.formatNumber(share, { style: 'percent', maximumFractionDigits: digits });
