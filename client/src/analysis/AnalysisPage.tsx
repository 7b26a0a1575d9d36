import { docName } from '@accord/shared';
import { useState } from 'react';
import { ProjectDataPending } from '../app/ProjectDataPending.js';
import { useProjectData } from '../app/projectData.js';
import { type MessageId, msg, useT } from '../i18n/index.js';
import { Link } from '../router.js';
import { type AnalysisTab, href, parseRoute } from '../routes.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { type AnalysisFilters, NO_FILTERS, useAnalysisOptions } from './api.js';
import { FiltersPanel } from './FiltersPanel.js';
import { ReportView } from './ReportView.js';
import { RetrievalView } from './RetrievalView.js';
import { ScopeContext, ScopeSelector } from './ScopeSelector.js';
import { StatisticsView } from './StatisticsView.js';
import { ThemeBoard } from './ThemeBoard.js';
import './analysis.css';

export type { AnalysisTab } from '../routes.js';

/** `/p/<project>/analysis` (retrieval) and its `statistics`, `themes` and `report` tabs (see `routes.ts`). */
export function analysisRoute(path: string): { project: string; tab: AnalysisTab } | null {
  const route = parseRoute(path);
  return route.page === 'analysis' ? route : null;
}

const TABS: [AnalysisTab, MessageId][] = [
  ['retrieval', msg('analysis.tab.retrieval')],
  ['statistics', msg('analysis.tab.statistics')],
  ['themes', msg('analysis.tab.themes')],
  ['report', msg('analysis.tab.report')],
];

export function AnalysisPage({ path }: { path: string }) {
  const route = analysisRoute(path)!;
  const { data, error } = useProjectData(route.project);
  const codebookName = docName({ kind: 'codebook', project: route.project });
  const codebook = useDoc(codebookName);
  const view = useCodebook(codebook?.doc ?? null);
  const { data: options, error: optionsError } = useAnalysisOptions(route.project);
  const [filters, setFilters] = useState<AnalysisFilters>(NO_FILTERS);
  const t = useT();

  if (!data || !options || !codebook) return <ProjectDataPending error={error ?? optionsError} />;
  const canEditThemes = data.docs.some((doc) => doc.name === codebookName && doc.access === 'write');
  return (
    <ScopeContext.Provider value={{ scope: filters.scope, options }}>
      <div className="page analysis-page">
        <nav aria-label={t('analysis.breadcrumb')} className="crumbs">
          <Link href={href.projects()}>{t('app.projects')}</Link> ›{' '}
          <Link href={href.project(data.project.id)}>{data.project.name}</Link> › <span>{t('analysis.title')}</span>
        </nav>
        <h1>{t('analysis.title')}</h1>
        <nav className="tabs" aria-label={t('analysis.views')}>
          {TABS.map(([key, label]) => (
            <Link
              key={key}
              href={href.analysis(data.project.id, key)}
              aria-current={route.tab === key ? 'page' : undefined}
            >
              {t(label)}
            </Link>
          ))}
        </nav>
        <ScopeSelector
          options={options}
          scope={filters.scope}
          onChange={(scope) => setFilters((current) => ({ ...current, scope }))}
        />
        {(route.tab === 'retrieval' || route.tab === 'statistics') && (
          <FiltersPanel options={options} codes={view.codes} filters={filters} onChange={setFilters} />
        )}
        {route.tab === 'retrieval' && (
          <RetrievalView
            project={data.project.id}
            filters={filters}
            options={options}
            codebook={codebook.doc}
            canQuote={canEditThemes}
          />
        )}
        {route.tab === 'statistics' && <StatisticsView project={data.project.id} filters={filters} options={options} />}
        {route.tab === 'themes' && (
          <ThemeBoard
            project={data.project.id}
            codebook={codebook.doc}
            codes={view.codes}
            canEdit={canEditThemes}
            scope={filters.scope}
          />
        )}
        {route.tab === 'report' && <ReportView project={data.project.id} scope={filters.scope} />}
      </div>
    </ScopeContext.Provider>
  );
}
