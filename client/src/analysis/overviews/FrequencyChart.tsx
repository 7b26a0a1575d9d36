import type { CodeMatrixResponse } from '@accord/shared';
import { useId } from 'react';
import { Table } from '../../ui/Table.js';
import { ExportMenu } from './ExportMenu.js';
import type { Exportable } from './exportFile.js';
import { barFigure } from './figures.js';
import { csvPath, csvPercent, figureRows, formatCount, formatPercent, largest, pathOf } from './rows.js';
import { toReact } from './svg.js';

/**
 * Code frequencies as bars (NVivo's chart of coding): per code, its segments and the number of transcripts it
 * occurs in, out of how many. The value is written at the end of every bar, and the same numbers are a table
 * below, so neither colour nor length is the only way to read them.
 */
export function FrequencyChart({ matrix }: { matrix: CodeMatrixResponse }) {
  const headingId = useId();
  const transcripts = matrix.transcripts.length;
  const length = matrix.transcripts.reduce((sum, t) => sum + t.length, 0);
  const segments = matrix.codeTotals.map((total) => total.segments);
  const inTranscripts = matrix.codeTotals.map((total) => total.transcripts);
  const caption = `Segments per code, and the transcripts each code occurs in (of ${transcripts})${
    matrix.rollUp ? '; subcodes counted for their parents' : ''
  }. ${matrix.counted.text}`;
  const figure = (bare = false) =>
    barFigure({
      bare,
      title: 'Code frequencies',
      caption,
      rows: figureRows(matrix.codes),
      series: [
        { name: 'Segments', values: segments, max: largest(segments), format: (value) => formatCount(value) },
        {
          name: `Transcripts (of ${transcripts})`,
          values: inTranscripts,
          max: Math.max(1, transcripts),
          format: (value) => formatCount(value),
        },
      ],
    });
  const exportable: Exportable = {
    name: 'code-frequencies',
    figure: () => figure(),
    table: () => [
      ['code', 'segments', 'transcripts', 'transcripts in total', 'characters coded', '% of all text coded'],
      ...matrix.codes.map((code, r) => {
        const total = matrix.codeTotals[r]!;
        return [
          csvPath(code),
          total.segments,
          total.transcripts,
          transcripts,
          total.characters,
          csvPercent(length > 0 ? total.characters / length : null),
        ];
      }),
    ],
  };
  return (
    <section className="overview" aria-labelledby={headingId} data-overview="frequencies">
      <div className="overview-head">
        <h2 id={headingId}>Code frequencies</h2>
        <span className="spacer" />
        <ExportMenu what={matrix.codes.length > 0 ? exportable : null} label="code frequencies" />
      </div>
      {matrix.codes.length === 0 ? (
        <p className="muted">No codes to show.</p>
      ) : (
        <>
          <figure className="overview-figure" data-testid="frequency-chart">
            <div className="figure-scroll">{toReact(figure(true))}</div>
          </figure>
          <details className="overview-numbers">
            <summary>The numbers as a table</summary>
            <Table label="Code frequencies" className="overview-table" maxHeight="60vh" data-testid="frequency-numbers">
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Segments</th>
                  <th scope="col">Transcripts</th>
                  <th scope="col">Characters coded</th>
                  <th scope="col">% of all text</th>
                </tr>
              </thead>
              <tbody>
                {matrix.codes.map((code, r) => {
                  const total = matrix.codeTotals[r]!;
                  return (
                    <tr key={code.id} data-code={pathOf(code)}>
                      <th scope="row" style={{ paddingLeft: `calc(var(--space-3) + ${code.depth} * 1rem)` }}>
                        {code.path.at(-1)}
                      </th>
                      <td>{formatCount(total.segments)}</td>
                      <td>
                        {formatCount(total.transcripts)} <span className="muted">of {transcripts}</span>
                      </td>
                      <td>{formatCount(total.characters)}</td>
                      <td>{formatPercent(length > 0 ? total.characters / length : null)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          </details>
        </>
      )}
    </section>
  );
}
