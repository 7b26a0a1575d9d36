import type { CodeMatrixResponse } from '@accord/shared';
import { useId } from 'react';
import { useT } from '../../i18n/index.js';
import { Table } from '../../ui/Table.js';
import { useCountedText } from '../ScopeSelector.js';
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
  const t = useT();
  const countedText = useCountedText();
  const transcripts = matrix.transcripts.length;
  const length = matrix.transcripts.reduce((sum, t) => sum + t.length, 0);
  const segments = matrix.codeTotals.map((total) => total.segments);
  const inTranscripts = matrix.codeTotals.map((total) => total.transcripts);
  const caption = t('freq.caption', {
    transcripts,
    rolled: matrix.rollUp ? t('freq.rolledUp') : '',
    counted: countedText(matrix.counted),
  });
  const figure = (bare = false) =>
    barFigure({
      bare,
      title: t('freq.title'),
      caption,
      rows: figureRows(matrix.codes),
      series: [
        { name: t('freq.segments'), values: segments, max: largest(segments), format: (value) => formatCount(value) },
        {
          name: t('freq.transcriptsOf', { count: transcripts }),
          values: inTranscripts,
          max: Math.max(1, transcripts),
          format: (value) => formatCount(value),
        },
      ],
    });
  const exportable: Exportable = {
    name: t('freq.fileName'),
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
        <h2 id={headingId}>{t('freq.title')}</h2>
        <span className="spacer" />
        <ExportMenu what={matrix.codes.length > 0 ? exportable : null} label={t('freq.exportLabel')} />
      </div>
      {matrix.codes.length === 0 ? (
        <p className="muted">{t('overview.noCodes')}</p>
      ) : (
        <>
          <figure className="overview-figure" data-testid="frequency-chart">
            <div className="figure-scroll">{toReact(figure(true))}</div>
          </figure>
          <details className="overview-numbers">
            <summary>{t('freq.numbers')}</summary>
            <Table label={t('freq.title')} className="overview-table" maxHeight="60vh" data-testid="frequency-numbers">
              <thead>
                <tr>
                  <th scope="col">{t('overview.code')}</th>
                  <th scope="col">{t('freq.segments')}</th>
                  <th scope="col">{t('freq.col.transcripts')}</th>
                  <th scope="col">{t('freq.col.characters')}</th>
                  <th scope="col">{t('freq.col.share')}</th>
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
                        {formatCount(total.transcripts)}{' '}
                        <span className="muted">{t('freq.of', { count: transcripts })}</span>
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
