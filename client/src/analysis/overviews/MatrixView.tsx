import type { CodeMatrixResponse, CsvValue, MatrixCell } from '@accord/shared';
import { useId, useState } from 'react';
import { errorText } from '../../api/errors.js';
import { english, type MessageId, msg, useT } from '../../i18n/index.js';
import type { AnalysisFilters } from '../api.js';
import { useCountedText } from '../ScopeSelector.js';
import { ExportMenu } from './ExportMenu.js';
import type { Exportable } from './exportFile.js';
import { heatFigure } from './figures.js';
import { HeatGrid } from './HeatGrid.js';
import { MeasureSelect } from './MeasureSelect.js';
import { type CellQuery, useCellSegments } from './queries.js';
import { csvPath, csvPercent, figureRows, formatCount, formatPercent, gridRows, largest, pathOf } from './rows.js';
import { SegmentsPanel } from './SegmentsPanel.js';
import type { Ramp } from './shade.js';

export type MatrixMeasure = 'segments' | 'characters' | 'coverage';

export const MATRIX_MEASURES: { id: MatrixMeasure; label: MessageId; lower: MessageId; unit: MessageId }[] = [
  {
    id: 'segments',
    label: msg('matrix.measure.segments'),
    lower: msg('matrix.measureLower.segments'),
    unit: msg('matrix.unit.segments'),
  },
  {
    id: 'characters',
    label: msg('matrix.measure.characters'),
    lower: msg('matrix.measureLower.characters'),
    unit: msg('matrix.unit.characters'),
  },
  {
    id: 'coverage',
    label: msg('matrix.measure.coverage'),
    lower: msg('matrix.measureLower.coverage'),
    unit: msg('matrix.unit.coverage'),
  },
];

const measureOf = (cell: MatrixCell, measure: MatrixMeasure) =>
  measure === 'coverage' ? (cell.coverage ?? 0) : cell[measure];
const textOf = (cell: MatrixCell, measure: MatrixMeasure) =>
  measure === 'coverage'
    ? cell.segments === 0
      ? ''
      : formatPercent(cell.coverage)
    : cell[measure] === 0
      ? ''
      : formatCount(cell[measure]);

/** The matrix's numbers for one measure, per row, with its totals: what the grid, the figure and the CSV show. */
export function matrixTable(matrix: CodeMatrixResponse, measure: MatrixMeasure) {
  const max = largest(matrix.cells.flat().map((cell) => measureOf(cell, measure)));
  const length = matrix.transcripts.reduce((sum, t) => sum + t.length, 0);
  const totalOf = (row: number) => {
    const total = matrix.codeTotals[row]!;
    if (measure === 'coverage') return formatPercent(length > 0 ? total.characters / length : null);
    return formatCount(total[measure]);
  };
  return { max, totalOf, length };
}

/**
 * The code matrix (MAXQDA's Code Matrix Browser): codes in tree order by transcript, each cell shaded by the
 * chosen measure and showing its number. A cell opens its segments below the grid, by click or from the keyboard.
 */
export function MatrixView({
  project,
  filters,
  matrix,
  ramp,
  layerName,
}: {
  project: string;
  filters: AnalysisFilters;
  matrix: CodeMatrixResponse;
  ramp: Ramp;
  layerName: (layer: string) => string;
}) {
  const measureId = useId();
  const t = useT();
  const countedText = useCountedText();
  const [measure, setMeasure] = useState<MatrixMeasure>('segments');
  const [opened, setOpened] = useState<{ code: string; transcript: string } | null>(null);
  const row = opened ? matrix.codes.findIndex((code) => code.id === opened.code) : -1;
  const column = opened ? matrix.transcripts.findIndex((t) => t.id === opened.transcript) : -1;
  // A cell belongs to the codes and transcripts it was opened on: gone from the matrix, it closes.
  const open = row >= 0 && column >= 0 ? { row, column } : null;
  const cellQuery: CellQuery | null =
    open === null ? null : { code: opened!.code, subcodes: matrix.rollUp, transcript: opened!.transcript };
  const segments = useCellSegments(project, filters, cellQuery);
  const unit = MATRIX_MEASURES.find((m) => m.id === measure)!;
  const { max, totalOf } = matrixTable(matrix, measure);
  const rows = gridRows(matrix.codes);
  const columns = matrix.transcripts.map((t) => ({
    id: t.id,
    label: t.title,
    title: [t.title, t.participant, ...Object.entries(t.attributes).map(([k, v]) => `${k}: ${v}`)]
      .filter(Boolean)
      .join(' · '),
  }));
  const cellLabel = (r: number, c: number) => {
    const cell = matrix.cells[r]![c]!;
    return t('matrix.cellLabel', {
      code: rows[r]!.full,
      transcript: columns[c]!.label,
      value: measure === 'coverage' ? formatPercent(cell.coverage) : formatCount(cell[measure]),
      unit: t(unit.unit),
    });
  };
  const caption = t('matrix.caption', {
    measure: t(unit.label),
    rolled: matrix.rollUp ? t('overview.rolledUp') : '',
    counted: countedText(matrix.counted),
  });

  const exportable: Exportable = {
    name: t('matrix.fileName'),
    figure: () =>
      heatFigure({
        title: t('matrix.title', { measure: t(unit.lower) }),
        caption,
        corner: t('overview.code'),
        rows: figureRows(matrix.codes),
        columns: columns.map((c) => ({ label: c.label, full: c.title })),
        cells: matrix.cells.map((cells) =>
          cells.map((cell) => ({ text: textOf(cell, measure), share: measureOf(cell, measure) / max })),
        ),
        total: { label: t('overview.total'), cells: matrix.codes.map((_, r) => totalOf(r)) },
      }),
    table: () => {
      const raw = (cell: MatrixCell): CsvValue => (measure === 'coverage' ? csvPercent(cell.coverage) : cell[measure]);
      const header = [
        measure === 'coverage' ? 'code (% of the transcript coded)' : `code (${english(unit.unit)})`,
        ...matrix.transcripts.map((t) => t.title),
        'total',
      ];
      const length = matrix.transcripts.reduce((sum, t) => sum + t.length, 0);
      const total = (characters: number, count: number): CsvValue =>
        measure === 'coverage' ? csvPercent(length > 0 ? characters / length : null) : count;
      return [
        header,
        ...matrix.codes.map((code, r) => [
          csvPath(code),
          ...matrix.cells[r]!.map(raw),
          total(matrix.codeTotals[r]!.characters, measure === 'coverage' ? 0 : matrix.codeTotals[r]![measure]),
        ]),
        [
          '(any of these codes)',
          ...matrix.transcriptTotals.map(raw),
          total(
            matrix.transcriptTotals.reduce((sum, t) => sum + t.characters, 0),
            measure === 'coverage' ? 0 : matrix.transcriptTotals.reduce((sum, t) => sum + t[measure], 0),
          ),
        ],
      ];
    },
  };

  return (
    <section className="overview" aria-labelledby={`${measureId}-heading`} data-overview="matrix">
      <div className="overview-head">
        <h2 id={`${measureId}-heading`}>{t('matrix.heading')}</h2>
        <MeasureSelect id={`${measureId}-measure`} value={measure} measures={MATRIX_MEASURES} onChange={setMeasure} />
        <span className="spacer" />
        <ExportMenu what={exportable} label={t('matrix.exportLabel')} />
      </div>
      <p className="muted overview-hint">{t('matrix.hint')}</p>
      {matrix.codes.length === 0 || matrix.transcripts.length === 0 ? (
        <p className="muted">{t(matrix.codes.length === 0 ? 'overview.noCodes' : 'overview.noTranscripts')}</p>
      ) : (
        <HeatGrid
          label={t('matrix.gridLabel', { measure: t(unit.lower) })}
          testId="frequency-table"
          corner={t('overview.code')}
          rows={rows}
          columns={columns}
          cell={(r, c) => {
            const cell = matrix.cells[r]![c]!;
            return { text: textOf(cell, measure), share: measureOf(cell, measure) / max, label: cellLabel(r, c) };
          }}
          total={{ label: t('overview.total'), cell: totalOf }}
          ramp={ramp}
          open={open}
          onOpen={(r, c) => setOpened({ code: matrix.codes[r]!.id, transcript: matrix.transcripts[c]!.id })}
        />
      )}
      {open && (
        <SegmentsPanel
          project={project}
          title={t('overview.cellIn', {
            what:
              matrix.rollUp && matrix.codes[open.row]!.hasChildren
                ? t('overview.withSubcodes', { path: pathOf(matrix.codes[open.row]!) })
                : pathOf(matrix.codes[open.row]!),
            where: matrix.transcripts[open.column]!.title,
          })}
          segments={segments.data?.segments ?? null}
          error={segments.error ? errorText(segments.error) : null}
          layerName={layerName}
          onClose={() => setOpened(null)}
        />
      )}
    </section>
  );
}
