import { type FinalReportView, type Role, segmentsCsv } from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import { reportLocale } from '../i18n/index.js';
import { countedText } from '../i18n/words.js';
import { layerNamer } from './dataset.js';
import { buildFinalReport } from './finalReport.js';
import { finalReportHtml, segmentsHtml } from './html.js';
import { type AnalysisFilters, type Caller, describeFilters, segments } from './queries.js';

/** A file the analysis views export: its media type and text, and a file name when it is a download. */
export interface ExportedFile {
  type: 'text/csv' | 'text/html';
  body: string;
  /** Set for downloads (CSV); a printable page (HTML) is shown, under the printable-page CSP. */
  filename?: string;
}

/**
 * The retrieved segments as a download (CSV, cells formula-safe unless told not to) or a printable page (HTML),
 * audited with the filters in words.
 */
export async function exportSegments(
  ctx: AppContext,
  caller: Caller,
  filters: AnalysisFilters,
  format: 'csv' | 'html',
  formulaSafe: boolean,
): Promise<ExportedFile> {
  const { dataset, segments: found } = await segments(ctx, caller, filters);
  const description = describeFilters(dataset, filters);
  await ctx.metadata.audit.record({
    actor: caller.userId,
    action: 'analysis.export',
    project: caller.project.id,
    details: { what: 'segments', format, segments: found.length, filters: description },
  });
  const layerName = await layerNamer(ctx);
  if (format === 'csv') {
    return {
      type: 'text/csv',
      filename: `segments-${caller.project.id}.csv`,
      body: segmentsCsv(found, { layerName, formulaSafe }),
    };
  }
  return {
    type: 'text/html',
    body: segmentsHtml(found, {
      title: `Retrieval: ${caller.project.name}`,
      description: `${description}. ${dataset.counted.text}`,
      layerName,
      lang: caller.project.settings.language,
    }),
  };
}

/**
 * The final report (themes, codes, quotes, counts, reliability) as data, audited as an export. It takes a scope
 * and transcripts; code, attribute and text filters would make it a different report, so they are refused. For the
 * printable page (`html`), what it counted (`counted.text`) is written in the project's report language; the JSON
 * keeps the server's English sentence, as every analysis answer has it (the web client writes its own).
 */
export async function finalReport(
  ctx: AppContext,
  caller: Caller & { role: Role },
  filters: AnalysisFilters,
  format: 'json' | 'html',
): Promise<FinalReportView> {
  if (filters.code.length > 0 || filters.attr.length > 0 || filters.contains !== undefined) {
    throw new AccordError(400, 'invalid_input', 'the final report takes a scope and transcripts, not code filters');
  }
  const report = await buildFinalReport(ctx, caller.userId, caller.project, caller.role, filters);
  await ctx.metadata.audit.record({
    actor: caller.userId,
    action: 'analysis.export',
    project: caller.project.id,
    details: { what: 'finalReport', format, counted: report.counted.scope },
  });
  const locale = reportLocale(caller.project.settings.language);
  if (format === 'json' || locale === 'en') return report;
  const round = filters.scope.kind === 'round' ? await ctx.metadata.rounds.get(filters.scope.round) : null;
  const names = {
    layer: await layerNamer(ctx),
    round: (id: string) => (round?.id === id ? round.name : id),
  };
  return { ...report, counted: { ...report.counted, text: countedText(locale, filters.scope, report.counted, names) } };
}

export { finalReportHtml };
