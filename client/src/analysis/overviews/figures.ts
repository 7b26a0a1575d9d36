import { shade } from './shade.js';
import { fitText, h, type SvgNode, textWidth, wrapText } from './svg.js';

/**
 * The overviews as SVG figures: a shaded table (the code matrix, the co-occurrence heat map, a group comparison)
 * and horizontal bars (code frequencies). Each figure carries its title and, as a caption, what was counted, so an
 * exported image still says what it shows. Styling goes through classes: the page styles them with the theme's
 * tokens, an exported file embeds `EXPORT_STYLE` (light, on white, for print).
 */
export interface FigureRow {
  /** Shown (the code's own name). */
  label: string;
  /** Its full path, as a tooltip. */
  full: string;
  depth: number;
}

export interface HeatFigure {
  title: string;
  caption: string;
  /** The header of the row labels ("Code"). */
  corner: string;
  rows: FigureRow[];
  columns: { label: string; full: string }[];
  /** `cells[row][column]`: the text shown and the share of the largest value (0..1) that shades it. */
  cells: { text: string; share: number | null }[][];
  /** An unshaded column after the others (totals). */
  total?: { label: string; cells: string[] };
}

export interface BarSeries {
  name: string;
  values: number[];
  /** The value a full-width bar stands for. */
  max: number;
  /** The text at the end of each bar. */
  format: (value: number, row: number) => string;
}

export interface BarFigure {
  title: string;
  caption: string;
  /** On the page the section's heading and the counted note say it already: no title, no caption. */
  bare?: boolean;
  rows: FigureRow[];
  /** Drawn side by side, one panel each, sharing the rows. */
  series: BarSeries[];
}

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** The exported files' colours: the light theme's, on white. */
export const EXPORT_STYLE = [
  '.ov-bg{fill:#ffffff}',
  '.ov-text{fill:#1b1c20}',
  '.ov-title{fill:#1b1c20;font-weight:600}',
  '.ov-muted{fill:#5c5d68}',
  '.ov-rule{stroke:#c9c9d1}',
  '.ov-empty{fill:#ffffff;stroke:#e2e2e7}',
  '.ov-bar{fill:#4f46e5}',
].join('');

const PAD = 16;
const SIZE = 12;
const INDENT = 12;
const TITLE = 15;
const CAPTION = 11;
const ROTATION = 50;

function rowLabels(rows: readonly FigureRow[], x: number, top: number, height: number, width: number): SvgNode[] {
  return rows.map((row, i) =>
    h(
      'text',
      {
        class: 'ov-text',
        x: x + row.depth * INDENT,
        y: top + i * height + height / 2,
        'dominant-baseline': 'central',
        'font-size': SIZE,
        'font-weight': row.depth === 0 ? 600 : undefined,
      },
      h('title', {}, row.full),
      fitText(row.label, width - row.depth * INDENT - 8, SIZE),
    ),
  );
}

const labelColumnWidth = (rows: readonly FigureRow[], corner = '') =>
  Math.min(
    280,
    Math.max(
      100,
      textWidth(corner, SIZE) + 8,
      ...rows.map((row) => textWidth(row.label, SIZE) + row.depth * INDENT + 8),
    ),
  );

function frame(width: number, height: number, title: string, label: string, children: (SvgNode | false)[]): SvgNode {
  return h(
    'svg',
    {
      width: Math.ceil(width),
      height: Math.ceil(height),
      viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`,
      'font-family': FONT_FAMILY,
      role: 'img',
      'aria-label': label,
    },
    h('title', {}, title),
    h('rect', { class: 'ov-bg', x: 0, y: 0, width: Math.ceil(width), height: Math.ceil(height) }),
    ...children,
  );
}

function captionLines(caption: string, x: number, y: number, width: number): SvgNode[] {
  return wrapText(caption, width, CAPTION).map((line, i) =>
    h('text', { class: 'ov-muted', x, y: y + i * (CAPTION + 4), 'font-size': CAPTION }, line),
  );
}

/** A shaded table: rows of labels, rotated column labels, a number in every cell. */
export function heatFigure(figure: HeatFigure): SvgNode {
  const cellTexts = figure.cells.flat().map((cell) => cell.text);
  const cellWidth = Math.max(36, ...[...cellTexts, ...(figure.total?.cells ?? [])].map((t) => textWidth(t, SIZE) + 14));
  const cellHeight = 24;
  const labelWidth = labelColumnWidth(figure.rows, figure.corner);
  const headers = [...figure.columns.map((c) => c.label), ...(figure.total ? [figure.total.label] : [])];
  const longest = Math.min(180, Math.max(20, ...headers.map((label) => textWidth(label, SIZE))));
  const radians = (ROTATION * Math.PI) / 180;
  const headerHeight = longest * Math.sin(radians) + 14;
  const overhang = longest * Math.cos(radians);
  const gridLeft = PAD + labelWidth;
  const gridTop = PAD + TITLE + 12 + headerHeight;
  const totalGap = figure.total ? 8 : 0;
  const columnCount = figure.columns.length + (figure.total ? 1 : 0);
  const gridWidth = columnCount * cellWidth + totalGap;
  const width = Math.max(gridLeft + gridWidth + overhang + PAD, 360);
  const captions = wrapText(figure.caption, width - 2 * PAD, CAPTION).length;
  const gridBottom = gridTop + figure.rows.length * cellHeight;
  const height = gridBottom + 14 + captions * (CAPTION + 4) + PAD;

  const columnX = (column: number) => gridLeft + column * cellWidth + (column >= figure.columns.length ? totalGap : 0);
  const headerNodes = headers.map((label, column) =>
    h(
      'text',
      {
        class: 'ov-text',
        'font-size': SIZE,
        transform: `translate(${columnX(column) + cellWidth / 2} ${gridTop - 6}) rotate(-${ROTATION})`,
        'font-weight': column >= figure.columns.length ? 600 : undefined,
      },
      h('title', {}, figure.columns[column]?.full ?? label),
      fitText(label, 180, SIZE),
    ),
  );
  const cellNodes = figure.rows.flatMap((_, row) => {
    const y = gridTop + row * cellHeight;
    const nodes = figure.columns.flatMap((__, column) => {
      const cell = figure.cells[row]![column]!;
      const shaded = shade(cell.share, 'light');
      const x = columnX(column);
      return [
        h('rect', {
          class: shaded ? undefined : 'ov-empty',
          x: x + 1,
          y: y + 1,
          width: cellWidth - 2,
          height: cellHeight - 2,
          rx: 2,
          fill: shaded?.background,
        }),
        h(
          'text',
          {
            class: shaded ? undefined : 'ov-text',
            x: x + cellWidth / 2,
            y: y + cellHeight / 2,
            'text-anchor': 'middle',
            'dominant-baseline': 'central',
            'font-size': SIZE,
            fill: shaded?.text,
          },
          cell.text,
        ),
      ];
    });
    if (figure.total) {
      nodes.push(
        h(
          'text',
          {
            class: 'ov-text',
            x: columnX(figure.columns.length) + cellWidth / 2,
            y: y + cellHeight / 2,
            'text-anchor': 'middle',
            'dominant-baseline': 'central',
            'font-size': SIZE,
            'font-weight': 600,
          },
          figure.total.cells[row] ?? '',
        ),
      );
    }
    return nodes;
  });
  return frame(width, height, figure.title, `${figure.title}. ${figure.caption}`, [
    h('text', { class: 'ov-title', x: PAD, y: PAD + TITLE - 2, 'font-size': TITLE }, figure.title),
    h('text', { class: 'ov-muted', x: PAD, y: gridTop - 6, 'font-size': SIZE, 'font-weight': 600 }, figure.corner),
    ...headerNodes,
    ...rowLabels(figure.rows, PAD, gridTop, cellHeight, labelWidth),
    ...cellNodes,
    ...captionLines(figure.caption, PAD, gridBottom + 14 + CAPTION, width - 2 * PAD),
  ]);
}

/** Horizontal bars, one panel per series side by side, with the value written at the end of every bar. */
export function barFigure(figure: BarFigure): SvgNode {
  const rowHeight = 22;
  const barHeight = 12;
  const panelWidth = 220;
  const valueRoom = Math.max(
    40,
    ...figure.series.flatMap((series) => series.values.map((v, i) => textWidth(series.format(v, i), 11) + 8)),
  );
  const panelGap = 24;
  const labelWidth = labelColumnWidth(figure.rows);
  const top = (figure.bare ? PAD : PAD + TITLE + 14) + 18;
  const left = PAD + labelWidth;
  const panelSpan = panelWidth + valueRoom;
  const width = left + figure.series.length * (panelSpan + panelGap) - panelGap + PAD;
  const bottom = top + figure.rows.length * rowHeight;
  const captions = figure.bare ? 0 : wrapText(figure.caption, width - 2 * PAD, CAPTION).length;
  const height = bottom + (figure.bare ? 0 : 14 + captions * (CAPTION + 4)) + PAD;
  const panels = figure.series.flatMap((series, s) => {
    const x0 = left + s * (panelSpan + panelGap);
    const max = Math.max(1, series.max);
    return [
      h('text', { class: 'ov-text', x: x0, y: top - 8, 'font-size': SIZE, 'font-weight': 600 }, series.name),
      h('line', { class: 'ov-rule', x1: x0, x2: x0, y1: top - 2, y2: bottom, 'stroke-width': 1 }),
      ...series.values.flatMap((value, row) => {
        const y = top + row * rowHeight;
        const length = (panelWidth * Math.max(0, value)) / max;
        return [
          value > 0 &&
            h(
              'rect',
              {
                class: 'ov-bar',
                x: x0,
                y: y + (rowHeight - barHeight) / 2,
                width: Math.max(1.5, length),
                height: barHeight,
                rx: 2,
              },
              h('title', {}, `${figure.rows[row]!.full}: ${series.format(value, row)} (${series.name})`),
            ),
          h(
            'text',
            {
              class: value > 0 ? 'ov-text' : 'ov-muted',
              x: x0 + length + 5,
              y: y + rowHeight / 2,
              'dominant-baseline': 'central',
              'font-size': 11,
            },
            series.format(value, row),
          ),
        ].filter((node): node is SvgNode => node !== false);
      }),
    ];
  });
  return frame(width, height, figure.title, `${figure.title}. ${figure.caption}`, [
    !figure.bare && h('text', { class: 'ov-title', x: PAD, y: PAD + TITLE - 2, 'font-size': TITLE }, figure.title),
    ...rowLabels(figure.rows, PAD, top, rowHeight, labelWidth),
    ...panels,
    ...(figure.bare ? [] : captionLines(figure.caption, PAD, bottom + 14 + CAPTION, width - 2 * PAD)),
  ]);
}

/** The figure as an exported file: the same tree with the light colours embedded. */
export function forExport(figure: SvgNode): SvgNode {
  return { ...figure, children: [h('style', {}, EXPORT_STYLE), ...figure.children] };
}
