import type { AnalysisScope } from '@accord/shared';
import { QueryStatus } from '../app/QueryStatus.js';
import { analysisApi, useFinalReport } from './api.js';

const fixed = (value: number | null) => (value === null ? '—' : value.toFixed(2));

/**
 * The final report in the app (themes with definitions, codes, chosen quotes, counts and the reliability
 * summary), and the same report as a standalone printable page.
 */
export function ReportView({ project, scope }: { project: string; scope: AnalysisScope }) {
  const { data: report, error, refetch } = useFinalReport(project, scope);
  if (!report) return <QueryStatus error={error} what="loading.finalReport" onRetry={() => void refetch()} />;
  const r = report.reliability;
  return (
    <section className="final-report" aria-label="Final report">
      <div className="row">
        <h2>Final report: {report.project.name}</h2>
        <span className="spacer" />
        <a href={analysisApi.reportUrl(project, scope)} target="_blank" rel="noreferrer">
          Printable page
        </a>
      </div>
      <p className="muted analysis-counted" data-testid="counted">
        {report.counted.text}
      </p>
      {report.themes.length === 0 && <p className="muted">No themes yet.</p>}
      {report.themes.map((theme) => (
        <article key={theme.id} className="report-theme" style={{ marginLeft: `${theme.depth * 1.5}rem` }}>
          <h3>
            {theme.name} <span className={`tag status ${theme.status}`}>{theme.status}</span>
          </h3>
          <p>{theme.definition || <span className="muted">Not yet defined.</span>}</p>
          <p className="muted">
            {theme.counts.codings} codings in {theme.counts.transcripts} transcripts ({theme.counts.participants}{' '}
            participants)
          </p>
          <ul>
            {theme.codes.map((code) => (
              <li key={code.id}>
                {code.path.join(' › ')}: {code.codings} codings, {code.transcripts} transcripts
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
          <h3>Codes in no theme</h3>
          <ul>
            {report.unthemedCodes.map((code) => (
              <li key={code.id}>
                {code.path.join(' › ')}: {code.codings} codings, {code.transcripts} transcripts
              </li>
            ))}
          </ul>
        </article>
      )}
      <h3>Reliability</h3>
      {r.unavailable ? (
        <p className="muted">{r.unavailable}.</p>
      ) : (
        <>
          <p>
            Latest revealed round “{r.round?.name}”: mean kappa {fixed(r.meanKappa)}, mean alpha {fixed(r.meanAlpha)}.
          </p>
          <table>
            <thead>
              <tr>
                <th>Code</th>
                <th>Kappa</th>
                <th>Alpha</th>
                <th>Flags</th>
              </tr>
            </thead>
            <tbody>
              {r.codes.map((code) => (
                <tr key={code.code} className={code.flags.length > 0 ? 'warn' : ''}>
                  <td>{code.name}</td>
                  <td>{fixed(code.kappa)}</td>
                  <td>{fixed(code.alpha)}</td>
                  <td>{code.flags.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
