import { cCoefficient, type FrequencyCell } from '@accord/shared';
import { useState } from 'react';
import { errorText } from '../api/errors.js';
import { Table } from '../ui/Table.js';
import {
  type AnalysisFilters,
  type AnalysisOptions,
  analysisApi,
  type CooccurringPairView,
  type FrequencyResponse,
} from './api.js';
import { heatColour, seriesColour, textColourOn, truncate } from './charts.js';
import { CountedNote } from './ScopeSelector.js';
import { useDebouncedQuery } from './useDebouncedQuery.js';

type Measure = keyof FrequencyCell;
const MEASURES: [Measure, string][] = [
  ['codings', 'Codings'],
  ['characters', 'Characters coded'],
  ['transcripts', 'Transcripts'],
];

/** Code frequencies (per transcript, attribute value or speaker) as a table and a chart, and co-occurrence. */
export function StatisticsView({
  project,
  filters,
  options,
}: {
  project: string;
  filters: AnalysisFilters;
  options: AnalysisOptions;
}) {
  const attributes = Object.keys(options.attributes);
  const [by, setBy] = useState<'transcript' | 'attribute' | 'speaker'>('transcript');
  const [attribute, setAttribute] = useState(attributes[0] ?? '');
  const [rollUp, setRollUp] = useState(true);
  const [measure, setMeasure] = useState<Measure>('codings');
  const { data: table, error } = useDebouncedQuery(
    () => analysisApi.frequency(project, filters, by, by === 'attribute' ? attribute : undefined, rollUp),
    [project, filters, by, attribute, rollUp],
  );

  return (
    <>
      <section className="statistics" aria-label="Code frequencies">
        <h2>Code frequencies</h2>
        <div className="row">
          <label>
            By{' '}
            <select value={by} onChange={(event) => setBy(event.target.value as typeof by)}>
              <option value="transcript">transcript</option>
              <option value="attribute" disabled={attributes.length === 0}>
                attribute value
              </option>
              <option value="speaker">speaker</option>
            </select>
          </label>
          {by === 'attribute' && (
            <label>
              Attribute{' '}
              <select value={attribute} onChange={(event) => setAttribute(event.target.value)}>
                {attributes.map((key) => (
                  <option key={key}>{key}</option>
                ))}
              </select>
            </label>
          )}
          <label>
            Count{' '}
            <select value={measure} onChange={(event) => setMeasure(event.target.value as Measure)}>
              {MEASURES.map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input type="checkbox" checked={rollUp} onChange={(event) => setRollUp(event.target.checked)} /> Subcodes
            count for their parents
          </label>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <CountedNote counted={table?.counted} />
        {table && <FrequencyTable table={table} measure={measure} />}
        {table && <FrequencyChart table={table} measure={measure} />}
      </section>
      <Cooccurrence project={project} filters={filters} />
    </>
  );
}

function FrequencyTable({ table, measure }: { table: FrequencyResponse; measure: Measure }) {
  return (
    <Table label="Code frequencies" className="frequency" data-testid="frequency-table" maxHeight="70vh">
      <thead>
        <tr>
          <th>Code</th>
          {table.columns.map((column) => (
            <th key={column.id} title={`${column.transcripts} transcript(s)`}>
              {column.label}
            </th>
          ))}
          <th>Total</th>
        </tr>
      </thead>
      <tbody>
        {table.codes.map((code, row) => (
          <tr key={code.id} data-code={code.path.join(' › ')}>
            <th scope="row">{code.path.join(' › ')}</th>
            {table.columns.map((column, i) => (
              <td key={column.id}>
                {table.cells[row]![i]![measure]}
                {measure === 'transcripts' && <span className="muted">/{column.transcripts}</span>}
              </td>
            ))}
            <td>{table.totals[row]![measure]}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** Grouped horizontal bars: one group per code, one bar per column, on a shared scale. */
function FrequencyChart({ table, measure }: { table: FrequencyResponse; measure: Measure }) {
  const bar = 8;
  const labelWidth = 180;
  const width = 640;
  const groupHeight = Math.max(1, table.columns.length) * bar + 10;
  const max = Math.max(1, ...table.cells.flat().map((cell) => cell[measure]));
  const height = table.codes.length * groupHeight + 30;
  return (
    <figure className="chart">
      <svg width={width} height={height} role="img" aria-label={`Code frequencies chart (${measure})`}>
        {table.codes.map((code, row) => (
          <g key={code.id} transform={`translate(0, ${row * groupHeight})`}>
            <text x={labelWidth - 6} y={groupHeight / 2} textAnchor="end" dominantBaseline="middle" fontSize="11">
              {truncate(code.path.at(-1) ?? code.id, 26)}
            </text>
            {table.columns.map((column, i) => {
              const value = table.cells[row]![i]![measure];
              return (
                <rect
                  key={column.id}
                  x={labelWidth}
                  y={4 + i * bar}
                  width={((width - labelWidth - 10) * value) / max}
                  height={bar - 1}
                  fill={seriesColour(i)}
                >
                  <title>{`${code.path.join(' › ')} · ${column.label}: ${value}`}</title>
                </rect>
              );
            })}
          </g>
        ))}
      </svg>
      <figcaption>
        {table.columns.map((column, i) => (
          <span key={column.id} className="legend">
            <span className="swatch" style={{ background: seriesColour(i) }} /> {column.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function Cooccurrence({ project, filters }: { project: string; filters: AnalysisFilters }) {
  const {
    data: matrix,
    error,
    setError,
  } = useDebouncedQuery(() => analysisApi.cooccurrence(project, filters), [project, filters]);
  const [normalised, setNormalised] = useState(false);
  const [opened, setOpened] = useState<{
    matrix: typeof matrix;
    a: number;
    b: number;
    pairs: CooccurringPairView[];
  } | null>(null);
  // A cell belongs to the matrix it was opened on: a new matrix has other rows and columns, and a late answer for an
  // older one must not open a cell on this one.
  const cell = opened?.matrix === matrix ? opened : null;

  const open = async (a: number, b: number) => {
    if (!matrix || a === b) return;
    try {
      const { pairs } = await analysisApi.cell(project, filters, matrix.codes[a]!.id, matrix.codes[b]!.id);
      setOpened({ matrix, a, b, pairs });
    } catch (caught) {
      setError(errorText(caught));
    }
  };

  const n = matrix?.codes.length ?? 0;
  const flat = matrix ? { codes: matrix.codes.map((c) => c.id), counts: Uint32Array.from(matrix.counts.flat()) } : null;
  const offDiagonal = matrix ? matrix.counts.flatMap((row, i) => row.filter((_, j) => j !== i)) : [];
  const max = Math.max(1, ...offDiagonal);
  const share = (i: number, j: number) =>
    flat === null ? null : normalised ? cCoefficient(flat, i, j) : matrix!.counts[i]![j]! / max;
  const size = 28;
  const labelWidth = 170;
  /** Column labels are rotated, so they need less room above than row labels need on the left. */
  const top = 110;
  const name = (i: number) => matrix?.codes[i]?.path.join(' › ') ?? '';
  return (
    <section className="cooccurrence" aria-label="Code co-occurrence">
      <h2>Code co-occurrence</h2>
      <p className="muted">
        Codings in the same transcript and layer that share at least one character. Click a cell to see the segments.
      </p>
      <label>
        <input type="checkbox" checked={normalised} onChange={(event) => setNormalised(event.target.checked)} /> Colour
        by c-coefficient (co-occurrence relative to how often each code is used)
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {matrix && (
        <div className="table-scroll">
          <svg width={labelWidth + n * size + 10} height={top + n * size + 10} aria-label="Co-occurrence heat map">
            {matrix.codes.map((code, j) => (
              <text
                key={code.id}
                transform={`translate(${labelWidth + j * size + size / 2}, ${top - 6}) rotate(-60)`}
                fontSize="11"
              >
                {truncate(code.path.at(-1) ?? '', 24)}
              </text>
            ))}
            {matrix.codes.map((code, i) => (
              <g key={code.id}>
                <text
                  x={labelWidth - 6}
                  y={top + i * size + size / 2}
                  textAnchor="end"
                  dominantBaseline="middle"
                  fontSize="11"
                >
                  {truncate(code.path.at(-1) ?? '', 24)}
                </text>
                {matrix.codes.map((other, j) => {
                  const count = matrix.counts[i]![j]!;
                  const value = i === j ? null : share(i, j);
                  return (
                    // biome-ignore lint/a11y/useSemanticElements: SVG has no button element; the cell opens its segments
                    <g
                      key={other.id}
                      role="button"
                      tabIndex={i === j ? -1 : 0}
                      aria-label={`${name(i)} and ${name(j)}: ${count}`}
                      data-testid={`cell-${code.id}-${other.id}`}
                      onClick={() => void open(i, j)}
                      onKeyDown={(event) => {
                        if (event.key === 'Enter' || event.key === ' ') {
                          event.preventDefault();
                          void open(i, j);
                        }
                      }}
                      className={i === j ? 'diagonal' : 'cell'}
                    >
                      <rect
                        x={labelWidth + j * size}
                        y={top + i * size}
                        width={size - 1}
                        height={size - 1}
                        fill={i === j ? '#dddddd' : heatColour(value)}
                        stroke={cell && cell.a === i && cell.b === j ? '#d55e00' : 'none'}
                        strokeWidth="2"
                      />
                      <text
                        x={labelWidth + j * size + size / 2}
                        y={top + i * size + size / 2}
                        textAnchor="middle"
                        dominantBaseline="middle"
                        fontSize="10"
                        fill={textColourOn(value)}
                        pointerEvents="none"
                      >
                        {count > 0 ? count : ''}
                      </text>
                    </g>
                  );
                })}
              </g>
            ))}
          </svg>
        </div>
      )}
      {cell && matrix && (
        <div className="cell-segments" data-testid="cell-segments">
          <h3>
            {name(cell.a)} × {name(cell.b)}: {cell.pairs.length} overlapping pair{cell.pairs.length === 1 ? '' : 's'}
          </h3>
          <ol className="segments">
            {cell.pairs.map((pair) => (
              <li key={`${pair.a.codingId}-${pair.b.codingId}`} className="segment">
                <div className="segment-meta">
                  {pair.title}
                  {pair.participant && ` · ${pair.participant}`}
                  {pair.speakers.length > 0 && ` · ${pair.speakers.join(', ')}`} · {pair.layerName}
                </div>
                <blockquote>{pair.overlap}</blockquote>
                <p className="muted">
                  {name(cell.a)}: “{pair.a.text}” — {name(cell.b)}: “{pair.b.text}”
                </p>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
