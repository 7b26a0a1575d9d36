import { type KeyboardEvent, useRef, useState } from 'react';
import { type Ramp, shade } from './shade.js';

/**
 * A shaded table that is also a keyboard grid (the WAI-ARIA grid pattern): one tab stop; the arrow keys move
 * between cells, Home/End to the row's ends, Ctrl+Home/End to the corners, Page Up/Down ten rows; Enter or Space
 * (or a click) opens the cell. It scrolls inside itself, both ways, with its header row and its row labels sticky,
 * so it never clips however many codes and transcripts there are. Every cell shows its number: the shade only
 * repeats it.
 */
export interface GridRow {
  id: string;
  /** The code's own name. */
  label: string;
  /** Its full path ("Care › Cost"): the row's `data-code` and the start of each cell's name. */
  full: string;
  depth: number;
  parent?: boolean;
}

export interface GridColumn {
  id: string;
  label: string;
  /** A longer description, as a tooltip (participant, group size). */
  title?: string;
}

export interface GridCell {
  text: string;
  /** The value as a share of the largest in the grid (0..1), which sets the shade; null: no shade. */
  share: number | null;
  /** The cell's accessible name ("Care › Cost in Interview 1: 3 segments"). */
  label: string;
  /** Not openable (a co-occurrence diagonal): focusable for moving through, but Enter does nothing. */
  disabled?: boolean;
}

export interface HeatGridProps {
  /** Names the grid. */
  label: string;
  testId?: string;
  /** The header of the row labels ("Code"). */
  corner: string;
  rows: readonly GridRow[];
  columns: readonly GridColumn[];
  cell: (row: number, column: number) => GridCell;
  /** An unshaded, not focusable column at the end (totals). */
  total?: { label: string; cell: (row: number) => string };
  /** Rotate the column labels (many narrow columns, as in a code x code map). */
  rotate?: boolean;
  ramp: Ramp;
  /** The cell whose segments are shown. */
  open: { row: number; column: number } | null;
  onOpen: (row: number, column: number) => void;
}

export function HeatGrid({
  label,
  testId,
  corner,
  rows,
  columns,
  cell,
  total,
  rotate = false,
  ramp,
  open,
  onOpen,
}: HeatGridProps) {
  const [active, setActive] = useState({ row: 0, column: 0 });
  const table = useRef<HTMLTableElement>(null);
  // The grid may have shrunk since the active cell was chosen (a filter, another scope).
  const current = {
    row: Math.min(active.row, Math.max(0, rows.length - 1)),
    column: Math.min(active.column, Math.max(0, columns.length - 1)),
  };

  const focus = (row: number, column: number) => {
    const next = {
      row: Math.max(0, Math.min(rows.length - 1, row)),
      column: Math.max(0, Math.min(columns.length - 1, column)),
    };
    setActive(next);
    table.current
      ?.querySelector<HTMLButtonElement>(`button[data-row="${next.row}"][data-column="${next.column}"]`)
      ?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    const target = event.target as HTMLElement;
    if (target.dataset.row === undefined) return;
    const row = Number(target.dataset.row);
    const column = Number(target.dataset.column);
    const ctrl = event.ctrlKey || event.metaKey;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [row - 1, column],
      ArrowDown: [row + 1, column],
      ArrowLeft: [row, column - 1],
      ArrowRight: [row, column + 1],
      Home: ctrl ? [0, 0] : [row, 0],
      End: ctrl ? [rows.length - 1, columns.length - 1] : [row, columns.length - 1],
      PageUp: [row - 10, column],
      PageDown: [row + 10, column],
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    focus(move[0], move[1]);
  };

  if (rows.length === 0 || columns.length === 0) return null;
  return (
    <div className="heat-scroll">
      <table
        ref={table}
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the WAI-ARIA grid pattern on a data table; its cells hold the focusable buttons
        role="grid"
        aria-label={label}
        className={`heat-grid${rotate ? ' rotated' : ''}`}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        <thead>
          <tr>
            <th scope="col" className="corner">
              {corner}
            </th>
            {columns.map((column) => (
              <th key={column.id} scope="col" title={column.title ?? column.label}>
                <span className="column-label">{column.label}</span>
              </th>
            ))}
            {total && (
              <th scope="col" className="total">
                <span className="column-label">{total.label}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={row.id} data-code={row.full}>
              <th
                scope="row"
                title={row.full}
                className={row.depth === 0 ? 'top' : undefined}
                style={{ paddingLeft: `calc(var(--space-2) + ${row.depth} * 1rem)` }}
              >
                {row.label}
              </th>
              {columns.map((column, c) => {
                const value = cell(r, c);
                const shaded = value.disabled ? null : shade(value.share, ramp);
                const isOpen = open?.row === r && open.column === c;
                const isActive = current.row === r && current.column === c;
                return (
                  <td
                    key={column.id}
                    className={[value.disabled ? 'disabled' : '', isOpen ? 'open' : ''].filter(Boolean).join(' ')}
                    style={shaded ? { background: shaded.background, color: shaded.text } : undefined}
                  >
                    <button
                      type="button"
                      tabIndex={isActive ? 0 : -1}
                      data-row={r}
                      data-column={c}
                      aria-label={value.label}
                      aria-disabled={value.disabled || undefined}
                      onFocus={() => setActive({ row: r, column: c })}
                      onClick={() => {
                        if (!value.disabled) onOpen(r, c);
                      }}
                    >
                      {value.text}
                    </button>
                  </td>
                );
              })}
              {total && <td className="total">{total.cell(r)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
