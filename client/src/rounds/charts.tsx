import type { Thresholds } from '@accord/shared';
import { fixed } from '../i18n/format.js';
import { type Translate, useIntl, useT } from '../i18n/index.js';

/** Inline SVG charts: no chart library, printable, readable by screen readers through their titles and tables. */
export interface Bar {
  id: string;
  label: string;
  kappa: number | null;
  alpha: number | null;
  flagged: boolean;
}

const ROW = 26;
const LABEL = 180;
const WIDTH = 640;

const fmt = (value: number | null, t: Translate, intl: ReturnType<typeof useIntl>) =>
  value === null ? t('charts.undefined') : fixed(intl, value, 3);

/** Per-code kappa bars with alpha marks and the project's thresholds as lines. */
export function CodeBars({ bars, thresholds, kappaName }: { bars: Bar[]; thresholds: Thresholds; kappaName: string }) {
  const t = useT();
  const intl = useIntl();
  const values = bars.flatMap((b) => [b.kappa, b.alpha]).filter((v): v is number => v !== null);
  // The axis starts at 0, or at the next half below the lowest value, so ticks never crowd each other.
  const min = Math.min(0, Math.floor(Math.min(...values, 0) * 2) / 2);
  const plot = WIDTH - LABEL - 20;
  const x = (value: number) => LABEL + ((value - min) / (1 - min)) * plot;
  const height = bars.length * ROW + 30;
  return (
    <svg
      className="code-bars"
      width={WIDTH}
      height={height}
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={t('charts.barsLabel', { kappaName })}
    >
      <title>{t('charts.barsTitle', { kappaName })}</title>
      {bars.map((bar, i) => {
        const y = i * ROW + 4;
        return (
          <g key={bar.id} data-code={bar.id} className={bar.flagged ? 'flagged' : undefined}>
            <text x={LABEL - 8} y={y + 15} textAnchor="end" className="bar-label">
              {bar.label}
            </text>
            {bar.kappa !== null && (
              <rect
                x={Math.min(x(0), x(bar.kappa))}
                y={y + 3}
                width={Math.abs(x(bar.kappa) - x(0))}
                height={ROW - 10}
                className={bar.kappa < thresholds.kappa ? 'bar bar-low' : 'bar'}
              >
                <title>
                  {t('charts.barTitle', {
                    code: bar.label,
                    kappaName,
                    kappa: fmt(bar.kappa, t, intl),
                    alpha: fmt(bar.alpha, t, intl),
                  })}
                </title>
              </rect>
            )}
            {bar.kappa === null && (
              <text x={x(0) + 4} y={y + 15} className="bar-undefined">
                {t('charts.undefined')}
              </text>
            )}
            {bar.alpha !== null && (
              <path
                d={`M ${x(bar.alpha)} ${y + 3} l 5 8 l -5 8 l -5 -8 z`}
                className={bar.alpha < thresholds.alpha ? 'alpha alpha-low' : 'alpha'}
              />
            )}
          </g>
        );
      })}
      <line
        x1={x(thresholds.kappa)}
        x2={x(thresholds.kappa)}
        y1={0}
        y2={height - 26}
        className="threshold kappa-line"
      />
      <line
        x1={x(thresholds.alpha)}
        x2={x(thresholds.alpha)}
        y1={0}
        y2={height - 26}
        className="threshold alpha-line"
      />
      {[-1, -0.5, 0, 0.5, 1]
        .filter((tick) => tick >= min)
        .map((tick) => (
          <text key={tick} x={x(tick)} y={height - 8} textAnchor="middle" className="tick">
            {fixed(intl, tick, 1)}
          </text>
        ))}
      <text x={x(thresholds.kappa)} y={height - 20} textAnchor="middle" className="tick">
        κ {intl.formatNumber(thresholds.kappa)}
      </text>
    </svg>
  );
}

/** Colour of an agreement value: red (<= 0) through yellow to blue (1); grey for undefined. */
export function heat(value: number | null): string {
  if (value === null) return '#ddd';
  const v = Math.max(0, Math.min(1, value));
  const hue = 10 + v * 200;
  return `hsl(${hue.toFixed(0)} 70% ${(75 - v * 25).toFixed(0)}%)`;
}

/** The angle of the column labels above the coder-pair matrix. */
const ANGLE = (35 * Math.PI) / 180;

/** The coder-pair matrix of Cohen's kappa for one code. */
export function PairHeatmap({
  coders,
  names,
  matrix,
}: {
  coders: string[];
  names: Map<string, string>;
  matrix: (number | null)[][];
}) {
  const t = useT();
  const intl = useIntl();
  const cell = 64;
  // The margins fit the longest name (about 7 px a character at the label size): the row labels on the left, the
  // column labels rotated by 35 degrees above, and the last of those running out to the right.
  const longest = Math.max(1, ...coders.map((coder) => (names.get(coder) ?? coder).length)) * 7;
  const left = Math.min(200, longest + 12);
  const top = Math.ceil(longest * Math.sin(ANGLE)) + 16;
  const grid = coders.length * cell;
  const width = left + grid + Math.max(0, Math.ceil(longest * Math.cos(ANGLE)) - cell / 2);
  const height = top + grid;
  return (
    <svg
      className="pair-heatmap"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={t('charts.pairsLabel')}
    >
      <title>{t('charts.pairsLabel')}</title>
      {coders.map((coder, i) => (
        <g key={coder}>
          <text x={left - 6} y={top + i * cell + cell / 2 + 4} textAnchor="end" className="bar-label">
            {names.get(coder) ?? coder}
          </text>
          <text
            x={left + i * cell + cell / 2}
            y={top - 6}
            textAnchor="start"
            transform={`rotate(-35 ${left + i * cell + cell / 2} ${top - 6})`}
            className="bar-label"
          >
            {names.get(coder) ?? coder}
          </text>
        </g>
      ))}
      {coders.map((a, i) =>
        coders.map((b, j) => {
          const value = i === j ? null : (matrix[i]?.[j] ?? null);
          return (
            <g key={`${a}-${b}`}>
              <rect
                x={left + j * cell}
                y={top + i * cell}
                width={cell - 2}
                height={cell - 2}
                fill={i === j ? undefined : heat(value)}
                className={i === j ? 'self' : undefined}
              >
                <title>{i === j ? '' : `${names.get(a) ?? a} / ${names.get(b) ?? b}: ${fmt(value, t, intl)}`}</title>
              </rect>
              {i !== j && (
                <text
                  x={left + j * cell + cell / 2 - 1}
                  y={top + i * cell + cell / 2 + 4}
                  textAnchor="middle"
                  className="cell"
                >
                  {value === null ? '–' : fixed(intl, value, 2)}
                </text>
              )}
            </g>
          );
        }),
      )}
    </svg>
  );
}
