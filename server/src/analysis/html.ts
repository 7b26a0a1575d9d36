import type { RetrievedSegment } from '@accord/shared';
import type { FinalReport, ReportCode, ReportTheme } from './finalReport.js';

/**
 * Printable pages: self-contained (no scripts, no external resources), served with a CSP that forbids both, so
 * interview text can never run as markup. Everything that comes from users is escaped.
 */
export const PRINTABLE_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

const e = escapeHtml;

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:52rem;color:#111;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}
blockquote{margin:.4rem 0 1rem;padding:.4rem .8rem;border-left:4px solid #0072b2;background:#f5f8fb;white-space:pre-wrap}
.meta{color:#444;font-size:12px}.muted{color:#666}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}th{background:#eee}
.warn{background:#fdecea}.status{display:inline-block;padding:0 .4rem;border:1px solid #888;border-radius:3px;font-size:12px}
.theme{break-inside:avoid-page}@media print{body{margin:0;max-width:none}a{color:inherit}}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title><style>${STYLE}</style></head><body>
${body}
</body></html>
`;
}

export interface SegmentsPageOptions {
  title: string;
  /** The filters in words, e.g. "code Barriers (with subcodes); age group 18-30". */
  description: string;
  layerName: (layer: string) => string;
}

/** A retrieval as a printable page: segments grouped by transcript, each with its speaker, coder and code. */
export function segmentsHtml(segments: readonly RetrievedSegment[], options: SegmentsPageOptions): string {
  const parts: string[] = [
    `<h1>${e(options.title)}</h1>`,
    `<p class="meta">${e(options.description)} · ${segments.length} segment${segments.length === 1 ? '' : 's'} · printed ${new Date().toISOString()}</p>`,
  ];
  let transcript: string | null = null;
  for (const segment of segments) {
    if (segment.transcript !== transcript) {
      transcript = segment.transcript;
      const attributes = Object.entries(segment.attributes)
        .map(([key, value]) => `${key}: ${value}`)
        .join(', ');
      parts.push(
        `<h2>${e(segment.title)}</h2><p class="meta">${e([segment.participant, attributes].filter(Boolean).join(' · '))}</p>`,
      );
    }
    const about = [
      segment.codePath.join(' › '),
      segment.speakers.join(', '),
      options.layerName(segment.layer),
      `${segment.start}–${segment.end}`,
    ].filter(Boolean);
    parts.push(
      `<p class="meta">${e(about.join(' · '))}</p><blockquote>${e(segment.text)}</blockquote>${segment.memo ? `<p class="meta">Memo: ${e(segment.memo)}</p>` : ''}`,
    );
  }
  return page(options.title, parts.join('\n'));
}

const fixed = (value: number | null) => (value === null ? '—' : value.toFixed(2));
const date = (at: number | null) => (at === null ? '' : new Date(at).toISOString().slice(0, 10));

function codesTable(codes: readonly ReportCode[], reliability: ReportTheme['finalisedWith']): string {
  if (codes.length === 0) return '<p class="muted">No codes.</p>';
  const byCode = new Map((reliability?.codes ?? []).map((c) => [c.code, c]));
  const rows = codes.map((code) => {
    const figure = byCode.get(code.id);
    const flagged = figure !== undefined && figure.reliability !== 'ok';
    const agreement =
      figure === undefined
        ? ''
        : figure.reliability === 'neverDoubleCoded'
          ? 'never double-coded'
          : `κ ${fixed(figure.kappa)}, α ${fixed(figure.alpha)}${figure.reliability === 'belowThreshold' ? ' (under threshold)' : ''}`;
    return `<tr${flagged ? ' class="warn"' : ''}><td>${e(code.path.join(' › '))}</td><td>${e(code.definition)}</td><td>${code.codings}</td><td>${code.transcripts}</td>${reliability ? `<td>${e(agreement)}</td>` : ''}</tr>`;
  });
  return `<table><thead><tr><th>Code</th><th>Definition</th><th>Codings</th><th>Transcripts</th>${reliability ? '<th>Agreement when finalised</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function themeSection(theme: ReportTheme): string {
  const heading = theme.depth === 0 ? 'h2' : 'h3';
  const prefix = theme.depth > 0 ? `${'— '.repeat(theme.depth)}Sub-theme: ` : '';
  const finalised = theme.finalisedWith
    ? `<p class="meta">Finalised ${e(date(theme.finalisedWith.at))} on ${theme.finalisedWith.roundName ? `round “${e(theme.finalisedWith.roundName)}”` : 'no revealed round'}${theme.finalisedWith.report ? ` (report ${e(theme.finalisedWith.report.digest.slice(0, 12))}…, unit ${e(theme.finalisedWith.report.unit)})` : ''}${theme.finalisedWith.warningsAcknowledged ? '; reliability warnings were acknowledged' : ''}.</p>`
    : '';
  const quotes = theme.quotes.map(
    (quote) =>
      `<blockquote>${e(quote.text)}</blockquote><p class="meta">— ${e([quote.participant || quote.transcript, quote.speakers.join(', '), quote.transcript].filter(Boolean).join(' · '))}${quote.asChosen ? ' (passage since removed from the transcript; text as chosen)' : ''}</p>`,
  );
  return `<section class="theme" id="theme-${e(theme.id)}">
<${heading}>${e(prefix + theme.name)} <span class="status">${e(theme.status)}</span></${heading}>
<p><strong>Definition.</strong> ${theme.definition ? e(theme.definition) : '<span class="muted">not yet defined</span>'}</p>
${theme.memo ? `<p><strong>Memo.</strong> <span style="white-space:pre-wrap">${e(theme.memo)}</span></p>` : ''}
<p class="meta">${theme.counts.codings} codings in ${theme.counts.transcripts} transcripts (${theme.counts.participants} participants).</p>
${finalised}
${codesTable(theme.codes, theme.finalisedWith)}
${quotes.length > 0 ? `<p><strong>Representative quotes</strong></p>${quotes.join('\n')}` : '<p class="muted">No quotes chosen yet.</p>'}
</section>`;
}

function reliabilitySection(report: FinalReport): string {
  const r = report.reliability;
  if (r.unavailable !== null) return `<h2>Reliability</h2><p class="muted">${e(r.unavailable)}.</p>`;
  const rows = r.codes.map(
    (c) =>
      `<tr${c.flags.length > 0 ? ' class="warn"' : ''}><td>${e(c.name)}</td><td>${fixed(c.kappa)}</td><td>${fixed(c.alpha)}</td><td>${e(c.flags.join(', '))}</td></tr>`,
  );
  return `<h2>Reliability</h2>
<p>Latest revealed round: <strong>${e(r.round?.name ?? '')}</strong>, revealed ${e(date(r.round?.revealedAt ?? null))} (report ${e(r.digest?.slice(0, 12) ?? '')}…). Mean kappa ${fixed(r.meanKappa)}, mean alpha ${fixed(r.meanAlpha)} over ${r.codes.length} codes; thresholds: kappa ${r.thresholds.kappa}, alpha ${r.thresholds.alpha}.</p>
<table><thead><tr><th>Code</th><th>${e(r.codes[0]?.kappaName ?? 'Kappa')}</th><th>Krippendorff's alpha</th><th>Flags</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function finalReportHtml(report: FinalReport): string {
  const title = `Final report: ${report.project.name}`;
  const final = report.themes.filter((t) => t.status === 'final').length;
  const body = [
    `<h1>${e(title)}</h1>`,
    report.project.description ? `<p>${e(report.project.description)}</p>` : '',
    `<p class="meta">${report.themes.length} themes (${final} final) · counts from the ${e(report.layer.name)} layer · generated ${new Date(report.generatedAt).toISOString()}</p>`,
    ...report.themes.map(themeSection),
    report.unthemedCodes.length > 0 ? `<h2>Codes in no theme</h2>${codesTable(report.unthemedCodes, null)}` : '',
    reliabilitySection(report),
  ];
  return page(title, body.filter(Boolean).join('\n'));
}
