import type { GroupCell, GroupComparisonResponse } from '@accord/shared';
import { useId, useState } from 'react';
import { errorText } from '../../api/errors.js';
import { type MessageId, msg, useT } from '../../i18n/index.js';
import type { AnalysisFilters, AnalysisOptions } from '../api.js';
import { useCountedText } from '../ScopeSelector.js';
import { ExportMenu } from './ExportMenu.js';
import type { Exportable } from './exportFile.js';
import { heatFigure } from './figures.js';
import { HeatGrid } from './HeatGrid.js';
import { MeasureSelect } from './MeasureSelect.js';
import { type CellQuery, type GroupBy, useCellSegments, useGroupComparison } from './queries.js';
import { csvPath, csvPercent, figureRows, formatCount, formatPercent, gridRows, largest, pathOf } from './rows.js';
import { SegmentsPanel } from './SegmentsPanel.js';
import type { Ramp } from './shade.js';

type GroupMeasure = 'share' | 'segments' | 'characters';

const MEASURES: { id: GroupMeasure; label: MessageId; lower: MessageId }[] = [
  { id: 'share', label: msg('groups.measure.share'), lower: msg('groups.measureLower.share') },
  { id: 'segments', label: msg('groups.measure.segments'), lower: msg('groups.measureLower.segments') },
  { id: 'characters', label: msg('groups.measure.characters'), lower: msg('groups.measureLower.characters') },
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
  const t = useT();
  const countedText = useCountedText();
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
  const groupName = comparison?.by === 'speaker' ? t('groups.speaker') : (comparison?.attribute ?? '');
  const chosenMeasure = MEASURES.find((m) => m.id === measure)!;
  const measureLabel = t(chosenMeasure.label);
  const measureLower = t(chosenMeasure.lower);

  const describe = (r: number, c: number) => {
    const cell = comparison!.cells[r]![c]!;
    const g = comparison!.groups[c]!;
    // No parentheses: assistive technology may drop them, and the visible number must be part of the name.
    return t('groups.describe', {
      code: pathOf(comparison!.codes[r]!),
      group: groupName,
      value: g.label,
      share: formatPercent(cell.share),
      transcripts: cell.transcripts,
      total: g.transcripts,
      segments: formatCount(cell.segments),
      characters: formatCount(cell.characters),
    });
  };

  let exportable: Exportable | null = null;
  let max = 1;
  if (comparison && comparison.codes.length > 0 && comparison.groups.length > 0) {
    max = measure === 'share' ? 1 : largest(comparison.cells.flat().map((cell) => measureOf(cell, measure)));
    const caption = t('groups.caption', {
      measure: measureLabel,
      group: (comparison.by === 'speaker' ? t('groups.speakerOption') : comparison.attribute) || t('groups.group'),
      rolled: comparison.rollUp ? t('overview.rolledUp') : '',
      counted: countedText(comparison.counted),
    });
    const columnLabel = (g: GroupComparisonResponse['groups'][number]) => `${g.label} (n=${g.transcripts})`;
    exportable = {
      name: comparison.by === 'speaker' ? 'codes-by-speaker' : `codes-by-${comparison.attribute}`,
      figure: () =>
        heatFigure({
          title: t('groups.title', { group: groupName, measure: measureLower }),
          caption,
          corner: t('overview.code'),
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
        <h2 id={headingId}>{t('groups.heading')}</h2>
        <span className="overview-control">
          <label htmlFor={`${headingId}-by`}>{t('groups.compareBy')}</label>
          <select id={`${headingId}-by`} value={choice} onChange={(event) => setChoice(event.target.value)}>
            {attributes.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
            <option value={SPEAKER}>{t('groups.speakerOption')}</option>
          </select>
        </span>
        <MeasureSelect id={`${headingId}-measure`} value={measure} measures={MEASURES} onChange={setMeasure} />
        <span className="spacer" />
        <ExportMenu what={exportable} label={t('groups.exportLabel')} />
      </div>
      <p className="muted overview-hint">{t(attributes.length === 0 ? 'groups.noAttributes' : 'groups.hint')}</p>
      {error && (
        <p className="error" role="alert">
          {errorText(error)}
        </p>
      )}
      {comparison && comparison.groups.length === 0 && (
        <p className="muted">{t(group.by === 'speaker' ? 'groups.noTurns' : 'overview.noTranscripts')}</p>
      )}
      {comparison && comparison.codes.length > 0 && comparison.groups.length > 0 && (
        <HeatGrid
          label={t('groups.title', { group: groupName, measure: measureLower })}
          testId="groups-grid"
          corner={t('overview.code')}
          rows={gridRows(comparison.codes)}
          columns={comparison.groups.map((g) => ({
            id: g.value || '\u0000none',
            label: `${g.label} (n=${g.transcripts})`,
            title: t('groups.columnTitle', { group: groupName, value: g.label, count: g.transcripts }),
          }))}
          cell={(r, c) => {
            const cell = comparison.cells[r]![c]!;
            return { text: textOf(cell, measure), share: measureOf(cell, measure) / max, label: describe(r, c) };
          }}
          total={{ label: t('groups.allSegments'), cell: (r) => formatCount(comparison.codeTotals[r]!.segments) }}
          ramp={ramp}
          open={open}
          onOpen={(r, c) => setOpened({ code: comparison.codes[r]!.id, group: comparison.groups[c]!.value })}
        />
      )}
      {open && comparison && (
        <SegmentsPanel
          project={project}
          title={t('overview.cellIn', {
            what:
              comparison.rollUp && comparison.codes[open.row]!.hasChildren
                ? t('overview.withSubcodes', { path: pathOf(comparison.codes[open.row]!) })
                : pathOf(comparison.codes[open.row]!),
            where: `${groupName} ${comparison.groups[open.column]!.label}`,
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
