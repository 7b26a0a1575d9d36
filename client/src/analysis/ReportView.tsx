import type { AnalysisScope } from '@accord/shared';
import { useContext } from 'react';
import { QueryStatus } from '../app/QueryStatus.js';
import { fixed } from '../i18n/format.js';
import { type MessageId, useIntl, useT } from '../i18n/index.js';
import { FLAG_LABEL, THEME_STATUS } from '../i18n/labels.js';
import { analysisApi, useFinalReport } from './api.js';
import { countedText, ScopeContext } from './ScopeSelector.js';

/**
 * The final report in the app (themes with definitions, codes, chosen quotes, counts and the reliability
 * summary), and the same report as a standalone printable page.
 */
export function ReportView({ project, scope }: { project: string; scope: AnalysisScope }) {
  const { data: report, error, refetch } = useFinalReport(project, scope);
  const t = useT();
  const intl = useIntl();
  const context = useContext(ScopeContext);
  const label = (table: Record<string, MessageId>, key: string) => (table[key] ? t(table[key]!) : key);
  if (!report) return <QueryStatus error={error} what="loading.finalReport" onRetry={() => void refetch()} />;
  const r = report.reliability;
  return (
    <section className="final-report" aria-label={t('report.label')}>
      <div className="row">
        <h2>{t('report.title', { project: report.project.name })}</h2>
        <span className="spacer" />
        <a href={analysisApi.reportUrl(project, scope)} target="_blank" rel="noreferrer">
          {t('report.printable')}
        </a>
      </div>
      <p className="muted analysis-counted" data-testid="counted">
        {context ? countedText(report.counted, context, t) : report.counted.text}
      </p>
      {report.themes.length === 0 && <p className="muted">{t('report.noThemes')}</p>}
      {report.themes.map((theme) => (
        <article key={theme.id} className="report-theme" style={{ marginLeft: `${theme.depth * 1.5}rem` }}>
          <h3>
            {theme.name} <span className={`tag status ${theme.status}`}>{label(THEME_STATUS, theme.status)}</span>
          </h3>
          <p>{theme.definition || <span className="muted">{t('report.undefined')}</span>}</p>
          <p className="muted">
            {t('report.themeCounts', {
              codings: theme.counts.codings,
              transcripts: theme.counts.transcripts,
              participants: theme.counts.participants,
            })}
          </p>
          <ul>
            {theme.codes.map((code) => (
              <li key={code.id}>
                {t('report.codeCounts', {
                  path: code.path.join(' › '),
                  codings: code.codings,
                  transcripts: code.transcripts,
                })}
              </li>
            ))}
          </ul>
          {theme.quotes.map((quote) => (
            <figure key={`${quote.transcript}-${quote.text}`}>
              <blockquote>{quote.text}</blockquote>
              <figcaption className="muted">
                {[...new Set([quote.participant, ...quote.speakers, quote.transcript].filter(Boolean))].join(' · ')}
              </figcaption>
            </figure>
          ))}
        </article>
      ))}
      {report.unthemedCodes.length > 0 && (
        <article className="report-theme">
          <h3>{t('report.unthemed')}</h3>
          <ul>
            {report.unthemedCodes.map((code) => (
              <li key={code.id}>
                {t('report.codeCounts', {
                  path: code.path.join(' › '),
                  codings: code.codings,
                  transcripts: code.transcripts,
                })}
              </li>
            ))}
          </ul>
        </article>
      )}
      <h3>{t('report.reliability')}</h3>
      {r.unavailable ? (
        <p className="muted">
          {r.unavailable === 'no round has been revealed yet' ? t('report.noRound') : `${r.unavailable}.`}
        </p>
      ) : (
        <>
          <p>
            {t('report.latest', {
              round: r.round?.name ?? '',
              kappa: fixed(intl, r.meanKappa),
              alpha: fixed(intl, r.meanAlpha),
            })}
          </p>
          <table>
            <thead>
              <tr>
                <th>{t('gate.col.code')}</th>
                <th>{t('gate.col.kappa')}</th>
                <th>{t('gate.col.alpha')}</th>
                <th>{t('report.col.flags')}</th>
              </tr>
            </thead>
            <tbody>
              {r.codes.map((code) => (
                <tr key={code.code} className={code.flags.length > 0 ? 'warn' : ''}>
                  <td>{code.name}</td>
                  <td>{fixed(intl, code.kappa)}</td>
                  <td>{fixed(intl, code.alpha)}</td>
                  <td>{code.flags.map((flag) => label(FLAG_LABEL, flag)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
