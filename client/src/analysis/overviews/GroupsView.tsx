import type { GroupCell, GroupComparisonResponse } from '@accord/shared';
import { useId, useState } from 'react';
import { errorText } from '../../api/errors.js';
import type { AnalysisFilters, AnalysisOptions } from '../api.js';
import { ExportMenu } from './ExportMenu.js';
import type { Exportable } from './exportFile.js';
import { heatFigure } from './figures.js';
import { HeatGrid } from './HeatGrid.js';
import { type CellQuery, type GroupBy, useCellSegments, useGroupComparison } from './queries.js';
import { csvPath, csvPercent, figureRows, formatCount, formatPercent, gridRows, largest, pathOf } from './rows.js';
import { SegmentsPanel } from './SegmentsPanel.js';
import type { Ramp } from './shade.js';

type GroupMeasure = 'share' | 'segments' | 'characters';

const MEASURES: { id: GroupMeasure; label: string }[] = [
  { id: 'share', label: '% of the group’s transcripts' },
  { id: 'segments', label: 'Segments' },
  { id: 'characters', label: 'Characters coded' },
];

const SPEAKER = '\u0000speaker';

const measureOf = (cell: GroupCell, measure: GroupMeasure) => (measure === 'share' ? (cell.share ?? 0) : cell[measure]);
const textOf = (cell: GroupCell, measure: GroupMeasure) =>
  cell.segments === 0 ? '' : measure === 'share' ? formatPercent(cell.share) : formatCount(cell[measure]);

/**
 * Codes compared across groups of participants (NVivo's matrix coding query on an attribute): by the values of
 * one attribute, or by speaker. Groups rarely have the same size, so by default a cell shows in what share of the
 * group's transcripts the code occurs; counts are one choice away. A cell opens its segments.
 */
export function GroupsView({
  project,
  filters,
  options,
  rollUp,
  ramp,
  layerName,
}: {
  project: string;
  filters: AnalysisFilters;
  options: AnalysisOptions;
  rollUp: boolean;
  ramp: Ramp;
  layerName: (layer: string) => string;
}) {
  const headingId = useId();
  const attributes = Object.keys(options.attributes);
  const [choice, setChoice] = useState(attributes[0] ?? SPEAKER);
  const [measure, setMeasure] = useState<GroupMeasure>('share');
  const group: GroupBy = choice === SPEAKER ? { by: 'speaker' } : { by: 'attribute', attribute: choice };
  const { data, error } = useGroupComparison(project, filters, group, rollUp);
  const [opened, setOpened] = useState<{ code: string; group: string } | null>(null);
  const comparison = data && data.by === group.by && (data.attribute ?? SPEAKER) === choice ? data : undefined;
  const row = opened && comparison ? comparison.codes.findIndex((code) => code.id === opened.code) : -1;
  const column = opened && comparison ? comparison.groups.findIndex((g) => g.value === opened.group) : -1;
  const open = row >= 0 && column >= 0 ? { row, column } : null;
  const cellQuery: CellQuery | null =
    open === null || comparison === undefined
      ? null
      : {
          code: opened!.code,
          subcodes: comparison.rollUp,
          ...(comparison.by === 'speaker'
            ? { speaker: opened!.group }
            : { attribute: { key: comparison.attribute!, value: opened!.group } }),
        };
  const segments = useCellSegments(project, filters, cellQuery);
  const groupName = comparison?.by === 'speaker' ? 'Speaker' : (comparison?.attribute ?? '');
  const measureLabel = MEASURES.find((m) => m.id === measure)!.label;

  const describe = (r: number, c: number) => {
    const cell = comparison!.cells[r]![c]!;
    const g = comparison!.groups[c]!;
    // No parentheses: assistive technology may drop them, and the visible number must be part of the name.
    return `${pathOf(comparison!.codes[r]!)} in ${groupName} ${g.label}: ${formatPercent(cell.share)} of transcripts, ${cell.transcripts} of ${g.transcripts}; ${formatCount(cell.segments)} segments; ${formatCount(cell.characters)} characters`;
  };

  let exportable: Exportable | null = null;
  let max = 1;
  if (comparison && comparison.codes.length > 0 && comparison.groups.length > 0) {
    max = measure === 'share' ? 1 : largest(comparison.cells.flat().map((cell) => measureOf(cell, measure)));
    const caption = `${measureLabel} per code and ${groupName.toLowerCase() || 'group'}${
      comparison.rollUp ? ', subcodes counted for their parents' : ''
    }. ${comparison.counted.text}`;
    const columnLabel = (g: GroupComparisonResponse['groups'][number]) => `${g.label} (n=${g.transcripts})`;
    exportable = {
      name: comparison.by === 'speaker' ? 'codes-by-speaker' : `codes-by-${comparison.attribute}`,
      figure: () =>
        heatFigure({
          title: `Codes by ${groupName}: ${measureLabel.toLowerCase()}`,
          caption,
          corner: 'Code',
          rows: figureRows(comparison.codes),
          columns: comparison.groups.map((g) => ({ label: columnLabel(g), full: columnLabel(g) })),
          cells: comparison.cells.map((cells) =>
            cells.map((cell) => ({ text: textOf(cell, measure), share: measureOf(cell, measure) / max })),
          ),
        }),
      table: () => [
        [
          'code',
          ...comparison.groups.flatMap((g) => [
            `${g.label}: transcripts with the code (of ${g.transcripts})`,
            `${g.label}: % of transcripts`,
            `${g.label}: segments`,
            `${g.label}: characters coded`,
          ]),
        ],
        ...comparison.codes.map((code, r) => [
          csvPath(code),
          ...comparison.cells[r]!.flatMap((cell) => [
            cell.transcripts,
            csvPercent(cell.share),
            cell.segments,
            cell.characters,
          ]),
        ]),
      ],
    };
  }

  return (
    <section className="overview" aria-labelledby={headingId} data-overview="groups">
      <div className="overview-head">
        <h2 id={headingId}>Compare groups</h2>
        <span className="overview-control">
          <label htmlFor={`${headingId}-by`}>Compare by</label>
          <select id={`${headingId}-by`} value={choice} onChange={(event) => setChoice(event.target.value)}>
            {attributes.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
            <option value={SPEAKER}>speaker</option>
          </select>
        </span>
        <span className="overview-control">
          <label htmlFor={`${headingId}-measure`}>Show</label>
          <select
            id={`${headingId}-measure`}
            value={measure}
            onChange={(event) => setMeasure(event.target.value as GroupMeasure)}
          >
            {MEASURES.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </span>
        <span className="spacer" />
        <ExportMenu what={exportable} label="group comparison" />
      </div>
      <p className="muted overview-hint">
        {attributes.length === 0
          ? 'No transcript has participant attributes yet (set them on the transcripts page), so codes can be compared by speaker.'
          : 'Codes by participant attribute or speaker. Open a cell for its segments.'}
      </p>
      {error && (
        <p className="error" role="alert">
          {errorText(error)}
        </p>
      )}
      {comparison && comparison.groups.length === 0 && (
        <p className="muted">
          {group.by === 'speaker' ? 'No transcript has speaker turns.' : 'No transcripts match the filters.'}
        </p>
      )}
      {comparison && comparison.codes.length > 0 && comparison.groups.length > 0 && (
        <HeatGrid
          label={`Codes by ${groupName}: ${measureLabel.toLowerCase()}`}
          testId="groups-grid"
          corner="Code"
          rows={gridRows(comparison.codes)}
          columns={comparison.groups.map((g) => ({
            id: g.value || '(none)',
            label: `${g.label} (n=${g.transcripts})`,
            title: `${groupName} ${g.label}: ${g.transcripts} transcript${g.transcripts === 1 ? '' : 's'}`,
          }))}
          cell={(r, c) => {
            const cell = comparison.cells[r]![c]!;
            return { text: textOf(cell, measure), share: measureOf(cell, measure) / max, label: describe(r, c) };
          }}
          total={{ label: 'All segments', cell: (r) => formatCount(comparison.codeTotals[r]!.segments) }}
          ramp={ramp}
          open={open}
          onOpen={(r, c) => setOpened({ code: comparison.codes[r]!.id, group: comparison.groups[c]!.value })}
        />
      )}
      {open && comparison && (
        <SegmentsPanel
          project={project}
          title={`${pathOf(comparison.codes[open.row]!)}${
            comparison.rollUp && comparison.codes[open.row]!.hasChildren ? ' (with subcodes)' : ''
          } in ${groupName} ${comparison.groups[open.column]!.label}`}
          segments={segments.data?.segments ?? null}
          error={segments.error ? errorText(segments.error) : null}
          layerName={layerName}
          onClose={() => setOpened(null)}
        />
      )}
    </section>
  );
}
