import type { ReactNode, TableHTMLAttributes } from 'react';

export interface TableProps extends TableHTMLAttributes<HTMLTableElement> {
  /** Names the scrolling region (it takes focus so keyboard users can scroll it). */
  label: string;
  children: ReactNode;
  /** Cap the height (e.g. `60vh`) so the header sticks while rows scroll; without it the table scrolls sideways only. */
  maxHeight?: string;
}

/**
 * A data table that never clips: it scrolls inside a focusable, labelled region with a sticky header row (and a
 * sticky first column when it is a row header). Plain semantic <table> inside, so screen readers read it as a table.
 */
export function Table({ label, children, maxHeight, className, ...props }: TableProps) {
  return (
    <section
      className="ui-table-scroll"
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1).
      tabIndex={0}
      style={maxHeight ? { maxHeight } : undefined}
    >
      <table {...props} className={['ui-table', className ?? ''].join(' ').trim()}>
        {children}
      </table>
    </section>
  );
}
