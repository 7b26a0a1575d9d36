import { useMemo, useState } from 'react';
import { errorText } from '../api/errors.js';
import { type MessageId, msg, useT } from '../i18n/index.js';
import { layerLabel } from '../i18n/labels.js';
import type { AnalysisFilters, AnalysisOptions } from './api.js';
import { CooccurrenceView } from './overviews/CooccurrenceView.js';
import { FrequencyChart } from './overviews/FrequencyChart.js';
import { GroupsView } from './overviews/GroupsView.js';
import { MatrixView } from './overviews/MatrixView.js';
import { countingFilters, useCodeMatrix } from './overviews/queries.js';
import { useRamp } from './overviews/shade.js';
import { CountedNote } from './ScopeSelector.js';
import './overviews/overviews.css';

const SECTIONS: [string, MessageId][] = [
  ['matrix', msg('statistics.matrix')],
  ['frequencies', msg('statistics.frequencies')],
  ['cooccurrence', msg('statistics.cooccurrence')],
  ['groups', msg('statistics.groups')],
];

/**
 * The Statistics tab: visual overviews of the coding, all over the same scope and filters as retrieval: the code
 * matrix (codes by transcript), code frequencies as bars, the co-occurrence heat map, and codes compared across
 * participant groups. Every one opens its segments from a cell and exports as SVG, PNG and CSV.
 */
export function StatisticsView({
  project,
  filters,
  options,
}: {
  project: string;
  filters: AnalysisFilters;
  options: AnalysisOptions;
}) {
  const [rollUp, setRollUp] = useState(true);
  const t = useT();
  const counting = useMemo(() => countingFilters(filters), [filters]);
  const ramp = useRamp();
  const matrix = useCodeMatrix(project, counting, rollUp);
  const layerName = (layer: string) => layerLabel(layer, options.layers.find((l) => l.id === layer)?.name ?? layer, t);
  return (
    <div className="statistics overviews">
      <div className="overviews-bar">
        <nav aria-label={t('statistics.overviews')} className="overviews-nav">
          {SECTIONS.map(([id, label]) => (
            <a key={id} href={`#overview-${id}`}>
              {t(label)}
            </a>
          ))}
        </nav>
        <label>
          <input type="checkbox" checked={rollUp} onChange={(event) => setRollUp(event.target.checked)} />{' '}
          {t('statistics.rollUp')}
        </label>
      </div>
      {filters.contains.trim() !== '' && <p className="muted">{t('statistics.textFilter')}</p>}
      {matrix.error && (
        <p className="error" role="alert">
          {errorText(matrix.error)}
        </p>
      )}
      <CountedNote counted={matrix.data?.counted} />
      <div id="overview-matrix">
        {matrix.data && (
          <MatrixView project={project} filters={counting} matrix={matrix.data} ramp={ramp} layerName={layerName} />
        )}
      </div>
      <div id="overview-frequencies">{matrix.data && <FrequencyChart matrix={matrix.data} />}</div>
      <div id="overview-cooccurrence">
        <CooccurrenceView project={project} filters={counting} matrix={matrix.data} ramp={ramp} />
      </div>
      <div id="overview-groups">
        <GroupsView
          project={project}
          filters={counting}
          options={options}
          rollUp={rollUp}
          ramp={ramp}
          layerName={layerName}
        />
      </div>
    </div>
  );
}
