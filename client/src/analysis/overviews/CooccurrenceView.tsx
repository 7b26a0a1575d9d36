import { type CodeMatrixResponse, type CooccurrenceResponse, cCoefficient } from '@accord/shared';
import { useId, useState } from 'react';
import { errorText } from '../../api/errors.js';
import { useT } from '../../i18n/index.js';
import { passageHref } from '../../importExport/passage.js';
import { Link } from '../../router.js';
import { Button } from '../../ui/Button.js';
import { type AnalysisFilters, useCooccurrence, useCooccurrencePairs } from '../api.js';
import { CountedNote, useCountedText } from '../ScopeSelector.js';
import { ExportMenu } from './ExportMenu.js';
import type { Exportable } from './exportFile.js';
import { heatFigure } from './figures.js';
import { HeatGrid } from './HeatGrid.js';
import { csvPath, formatCount, largest } from './rows.js';
import type { Ramp } from './shade.js';

/** The co-occurrence codes in the matrix's tree order (codes the matrix lacks keep their order, at the end). */
function treeOrder(cooccurrence: CooccurrenceResponse, matrix: CodeMatrixResponse | undefined) {
  const position = new Map(matrix?.codes.map((code, i) => [code.id, i]));
  const depth = new Map(matrix?.codes.map((code) => [code.id, code.depth]));
  const order = cooccurrence.codes
    .map((_, i) => i)
    .sort(
      (a, b) =>
        (position.get(cooccurrence.codes[a]!.id) ?? Number.MAX_SAFE_INTEGER) -
          (position.get(cooccurrence.codes[b]!.id) ?? Number.MAX_SAFE_INTEGER) || a - b,
    );
  return order.map((index) => {
    const code = cooccurrence.codes[index]!;
    return {
      index,
      id: code.id,
      label: code.path.at(-1) ?? code.id,
      full: code.path.join(' › ') || code.id,
      path: code.path,
      depth: depth.get(code.id) ?? 0,
    };
  });
}

/**
 * The co-occurrence heat map (MAXQDA's Code Relations Browser): code by code, each cell the number of overlapping
 * pairs of segments, shaded by count or by the c-coefficient; the diagonal shows each code's segments. A cell
 * opens the overlapping passages below.
 */
export function CooccurrenceView({
  project,
  filters,
  matrix,
  ramp,
}: {
  project: string;
  filters: AnalysisFilters;
  matrix: CodeMatrixResponse | undefined;
  ramp: Ramp;
}) {
  const headingId = useId();
  const t = useT();
  const countedText = useCountedText();
  const { data, error } = useCooccurrence(project, filters);
  const [normalised, setNormalised] = useState(false);
  const [opened, setOpened] = useState<{ a: string; b: string } | null>(null);
  const codes = data ? treeOrder(data, matrix) : [];
  const at = (id: string | undefined) => codes.findIndex((code) => code.id === id);
  const open = opened && at(opened.a) >= 0 && at(opened.b) >= 0 ? { row: at(opened.a), column: at(opened.b) } : null;
  const pairs = useCooccurrencePairs(project, filters, open ? opened : null);

  const n = data?.codes.length ?? 0;
  const flat = data ? { codes: data.codes.map((c) => c.id), counts: Uint32Array.from(data.counts.flat()) } : null;
  const max = largest(data ? data.counts.flatMap((row, i) => row.filter((_, j) => j !== i)) : []);
  const count = (r: number, c: number) => data!.counts[codes[r]!.index]![codes[c]!.index]!;
  const share = (r: number, c: number) =>
    r === c ? null : normalised ? cCoefficient(flat!, codes[r]!.index, codes[c]!.index) : count(r, c) / max;
  const caption = t('cooc.caption', {
    shaded: normalised ? t('cooc.shadedBy') : '',
    counted: countedText(data?.counted),
  });
  const exportable: Exportable | null =
    data && n > 0
      ? {
          name: t('cooc.fileName'),
          figure: () =>
            heatFigure({
              title: t('cooc.title'),
              caption,
              corner: t('overview.code'),
              rows: codes.map((code) => ({ label: code.label, full: code.full, depth: code.depth })),
              columns: codes.map((code) => ({ label: code.label, full: code.full })),
              cells: codes.map((_, r) =>
                codes.map((__, c) => ({ text: formatCount(count(r, c)), share: share(r, c) })),
              ),
            }),
          table: () => [
            ['code', ...codes.map((code) => csvPath(code))],
            ...codes.map((code, r) => [csvPath(code), ...codes.map((_, c) => count(r, c))]),
          ],
        }
      : null;

  const cell = open === null ? null : { a: codes[open.row]!, b: codes[open.column]! };
  return (
    <section className="overview cooccurrence" aria-labelledby={headingId} data-overview="cooccurrence">
      <div className="overview-head">
        <h2 id={headingId}>{t('cooc.title')}</h2>
        <label className="overview-control">
          <input type="checkbox" checked={normalised} onChange={(event) => setNormalised(event.target.checked)} />{' '}
          {t('cooc.shade')}
        </label>
        <span className="spacer" />
        <ExportMenu what={exportable} label={t('cooc.exportLabel')} />
      </div>
      <p className="muted overview-hint">{t('cooc.hint')}</p>
      {error && (
        <p className="error" role="alert">
          {errorText(error)}
        </p>
      )}
      {data && n === 0 && <p className="muted">{t('overview.noCodes')}</p>}
      {data && n > 0 && (
        <HeatGrid
          label={t('cooc.gridLabel')}
          testId="cooccurrence-grid"
          corner={t('overview.code')}
          rows={codes.map((code) => ({ id: code.id, label: code.label, full: code.full, depth: code.depth }))}
          columns={codes.map((code) => ({ id: code.id, label: code.label, title: code.full }))}
          rotate
          cell={(r, c) => {
            const value = count(r, c);
            if (r === c)
              return {
                text: formatCount(value),
                share: null,
                label: t('cooc.diagonal', { code: codes[r]!.full, count: value }),
                disabled: true,
              };
            return {
              text: value > 0 ? formatCount(value) : '',
              share: share(r, c),
              label: t('cooc.pair', { a: codes[r]!.full, b: codes[c]!.full, count: value }),
            };
          }}
          ramp={ramp}
          open={open}
          onOpen={(r, c) => setOpened({ a: codes[r]!.id, b: codes[c]!.id })}
        />
      )}
      {matrix === undefined && <CountedNote counted={data?.counted} />}
      {cell && (
        <section
          className="overview-segments"
          data-testid="cell-segments"
          aria-label={`${cell.a.full} × ${cell.b.full}`}
        >
          <div className="overview-segments-head">
            <h3 aria-live="polite">
              {cell.a.full} × {cell.b.full}:{' '}
              {pairs.data ? t('cooc.pairs', { count: pairs.data.pairs.length }) : t('overview.loading')}
            </h3>
            <span className="spacer" />
            <Button size="sm" variant="quiet" onPress={() => setOpened(null)}>
              {t('overview.close')}
            </Button>
          </div>
          {pairs.error && (
            <p className="error" role="alert">
              {errorText(pairs.error)}
            </p>
          )}
          <ol className="segments">
            {pairs.data?.pairs.map((pair) => (
              <li key={`${pair.a.codingId}-${pair.b.codingId}`} className="segment">
                <div className="segment-meta">
                  <Link href={passageHref(project, pair.transcript, pair)}>{pair.title}</Link>
                  {pair.participant && ` · ${pair.participant}`}
                  {pair.speakers.length > 0 && ` · ${pair.speakers.join(', ')}`} · {pair.layerName}
                </div>
                <blockquote>{pair.overlap}</blockquote>
                <p className="muted">
                  {cell.a.full}: “{pair.a.text}” — {cell.b.full}: “{pair.b.text}”
                </p>
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
