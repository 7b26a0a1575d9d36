import { fixedDigits, type RetrievedSegment } from '@accord/shared';
import { type ReportMessageId, reportLocale, translator } from '../i18n/index.js';
import { agreementWord, unitName } from '../i18n/words.js';
import {
  type Html,
  type HtmlValue,
  html,
  htmlDocument,
  joinHtml,
  localeDateTime,
  PRINTABLE_CSP,
  pageLanguage,
} from '../render/html.js';
import type { FinalReport, ReportCode, ReportQuote, ReportTheme } from './finalReport.js';

/**
 * Printable pages: self-contained (no scripts, no external resources), served with a CSP that forbids both, so
 * interview text can never run as markup. Built with `html` (render/html.ts), which escapes every value.
 */
export { PRINTABLE_CSP };

const STYLE = html`body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:52rem;color:#111;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}
blockquote{margin:.4rem 0 1rem;padding:.4rem .8rem;border-left:4px solid #0072b2;background:#f5f8fb;white-space:pre-wrap}
.meta{color:#444;font-size:12px}.muted{color:#666}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}th{background:#eee}
.warn{background:#fdecea}.status{display:inline-block;padding:0 .4rem;border:1px solid #888;border-radius:3px;font-size:12px}
.theme{break-inside:avoid-page}@media print{body{margin:0;max-width:none}a{color:inherit}}`;

const page = (title: string, body: HtmlValue, lang?: string | null) =>
  htmlDocument({ title, style: STYLE, body, lang: pageLanguage(lang) });

/** When a page was made: ISO 8601 in English (the default), else as the project's report language writes it. */
const madeAt = (at: number, lang: string | null | undefined) => {
  const tag = pageLanguage(lang);
  return tag === 'en' || tag.startsWith('en-') ? new Date(at).toISOString() : localeDateTime(at, tag);
};
const lines = (parts: readonly HtmlValue[]) => joinHtml(parts, html`\n`);
/** The page's words, in the project's report language (server/src/i18n). */
type T = (id: ReportMessageId, args?: Record<string, string | number>) => string;

export interface SegmentsPageOptions {
  title: string;
  /** The filters in words, e.g. "code Barriers (with subcodes); age group 18-30". */
  description: string;
  layerName: (layer: string) => string;
  /** The project's report language (`ProjectSettings.language`): `<html lang>` and the date's locale. */
  lang?: string | null;
}

/** A retrieval as a printable page: segments grouped by transcript, each with its speaker, coder and code. */
export function segmentsHtml(segments: readonly RetrievedSegment[], options: SegmentsPageOptions): string {
  const t = translator(reportLocale(options.lang));
  const parts: Html[] = [
    html`<h1>${options.title}</h1>`,
    html`<p class="meta">${t('segments.meta', { description: options.description, count: segments.length, date: madeAt(Date.now(), options.lang) })}</p>`,
  ];
  let transcript: string | null = null;
  for (const segment of segments) {
    if (segment.transcript !== transcript) {
      transcript = segment.transcript;
      const attributes = Object.entries(segment.attributes)
        .map(([key, value]) => `${key}: ${value}`)
        .join(', ');
      parts.push(
        html`<h2>${segment.title}</h2><p class="meta">${[segment.participant, attributes].filter(Boolean).join(' · ')}</p>`,
      );
    }
    const about = [
      segment.codePath.join(' › '),
      segment.speakers.join(', '),
      segment.layers.map(options.layerName).join(' & '),
      `${segment.start}–${segment.end}`,
    ].filter(Boolean);
    parts.push(
      html`<p class="meta">${about.join(' · ')}</p><blockquote>${segment.text}</blockquote>${segment.memo && html`<p class="meta">${t('segments.memo', { memo: segment.memo })}</p>`}`,
    );
  }
  return page(options.title, lines(parts), options.lang);
}

/**
 * The final report's words and figures in its language: English as ever (decimal points, ISO 8601 days), German
 * through the catalogue and `Intl` in the project's tag (`0,61`, `5. Dezember 2026`).
 */
function finalFormats(language: string | null | undefined) {
  const locale = reportLocale(language);
  const lang = pageLanguage(language);
  const english = locale === 'en';
  const two = new Intl.NumberFormat(lang, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: 'negative',
  });
  const day = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    locale,
    t: translator(locale),
    fixed: (value: number | null) => (value === null ? '—' : english ? fixedDigits(value, 2) : two.format(value)),
    date: (at: number | null) =>
      at === null ? '' : english ? new Date(at).toISOString().slice(0, 10) : day.format(at),
    number: (value: number) => (english ? String(value) : new Intl.NumberFormat(lang).format(value)),
  };
}
type Formats = ReturnType<typeof finalFormats>;

const STATUS: Record<string, ReportMessageId> = {
  candidate: 'final.status.candidate',
  reviewed: 'final.status.reviewed',
  final: 'final.status.final',
};

/** Why there is no reliability summary (finalReport.ts and analysis/reliability.ts say it in English). */
const UNAVAILABLE: Record<string, ReportMessageId> = {
  'no round has been revealed yet': 'final.noRevealedRound',
  'the latest revealed round cannot be read by you while a blind round runs': 'final.blindRoundRuns',
};

const inCatalogue = (table: Record<string, ReportMessageId>, value: string, t: T) =>
  Object.hasOwn(table, value) ? t(table[value]!) : value;

function codesTable(codes: readonly ReportCode[], reliability: ReportTheme['finalisedWith'], f: Formats): Html {
  const { t, fixed } = f;
  if (codes.length === 0) return html`<p class="muted">${t('final.noCodes')}</p>`;
  const byCode = new Map((reliability?.codes ?? []).map((c) => [c.code, c]));
  const rows = codes.map((code) => {
    const figure = byCode.get(code.id);
    const flagged = figure !== undefined && figure.reliability !== 'ok';
    const agreement =
      figure === undefined
        ? ''
        : figure.reliability === 'neverDoubleCoded'
          ? t('final.neverDoubleCoded')
          : `κ ${fixed(figure.kappa)}, α ${fixed(figure.alpha)}${figure.reliability === 'belowThreshold' ? ` ${t('final.underThreshold')}` : ''}`;
    return html`<tr${flagged && html` class="warn"`}><td>${code.path.join(' › ')}</td><td>${code.definition}</td><td>${code.codings}</td><td>${code.transcripts}</td>${reliability && html`<td>${agreement}</td>`}</tr>`;
  });
  return html`<table><thead><tr><th>${t('final.code')}</th><th>${t('final.definition')}</th><th>${t('final.codings')}</th><th>${t('final.transcripts')}</th>${reliability && html`<th>${t('final.agreementWhenFinalised')}</th>`}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** Who said it and where: the participant, the speakers and the transcript title, each once (no repeated title). */
export function quoteSource(quote: Pick<ReportQuote, 'speakers' | 'participant' | 'transcript'>): string {
  const parts: string[] = [];
  for (const part of [quote.participant, ...quote.speakers, quote.transcript]) {
    if (part !== '' && !parts.includes(part)) parts.push(part);
  }
  return parts.join(' · ');
}

function themeSection(theme: ReportTheme, f: Formats): Html {
  const { t, date, number } = f;
  const heading = theme.depth === 0 ? html`h2` : html`h3`;
  const prefix = theme.depth > 0 ? `${'— '.repeat(theme.depth)}${t('final.subTheme')}` : '';
  const finalisedWith = theme.finalisedWith;
  const finalised =
    finalisedWith &&
    html`<p class="meta">${t('final.finalised', {
      date: date(finalisedWith.at),
      round: finalisedWith.roundName ? t('final.onRound', { name: finalisedWith.roundName }) : t('final.noRound'),
    })}${finalisedWith.report && t('final.finalisedReport', { digest: finalisedWith.report.digest.slice(0, 12), unit: unitName(f.locale, finalisedWith.report.unit) })}${finalisedWith.warningsAcknowledged && t('final.acknowledged')}.</p>`;
  const quotes = theme.quotes.map(
    (quote) =>
      html`<blockquote>${quote.text}</blockquote><p class="meta">— ${quoteSource(quote)}${quote.asChosen && t('final.asChosen')}</p>`,
  );
  return html`<section class="theme" id="theme-${theme.id}">
<${heading}>${prefix + theme.name} <span class="status">${inCatalogue(STATUS, theme.status, t)}</span></${heading}>
<p><strong>${t('final.definitionLabel')}</strong> ${theme.definition ? theme.definition : html`<span class="muted">${t('final.notDefined')}</span>`}</p>
${theme.memo && html`<p><strong>${t('final.memo')}</strong> <span style="white-space:pre-wrap">${theme.memo}</span></p>`}
<p class="meta">${t('final.themeCounts', {
    codings: t('final.codingCount', { count: theme.counts.codings, countText: number(theme.counts.codings) }),
    transcripts: t('final.transcriptCount', {
      count: theme.counts.transcripts,
      countText: number(theme.counts.transcripts),
    }),
    participants: t('final.participantCount', {
      count: theme.counts.participants,
      countText: number(theme.counts.participants),
    }),
  })}</p>
${finalised}
${codesTable(theme.codes, theme.finalisedWith, f)}
${quotes.length > 0 ? html`<p><strong>${t('final.quotes')}</strong></p>${lines(quotes)}` : html`<p class="muted">${t('final.noQuotes')}</p>`}
</section>`;
}

function reliabilitySection(report: FinalReport, f: Formats): Html {
  const { t, fixed, date, number } = f;
  const word = (text: string) => agreementWord(f.locale, text);
  const r = report.reliability;
  if (r.unavailable !== null) {
    return html`<h2>${t('final.reliability')}</h2><p class="muted">${inCatalogue(UNAVAILABLE, r.unavailable, t)}.</p>`;
  }
  const rows = r.codes.map(
    (c) =>
      html`<tr${c.flags.length > 0 && html` class="warn"`}><td>${c.name}</td><td>${fixed(c.kappa)}</td><td>${fixed(c.alpha)}</td><td>${c.flags.map(word).join(', ')}</td></tr>`,
  );
  // The round's name in bold: the message is split where it goes (`{name}` is left unfilled).
  const [before, after] = t('final.latestRound', {
    date: date(r.round?.revealedAt ?? null),
    digest: r.digest?.slice(0, 12) ?? '',
    kappa: fixed(r.meanKappa),
    alpha: fixed(r.meanAlpha),
    codes: number(r.codes.length),
    kappaThreshold: number(r.thresholds.kappa),
    alphaThreshold: number(r.thresholds.alpha),
  }).split('{name}');
  return html`<h2>${t('final.reliability')}</h2>
<p>${before}<strong>${r.round?.name ?? ''}</strong>${after}</p>
<table><thead><tr><th>${t('final.code')}</th><th>${r.codes[0] ? word(r.codes[0].kappaName) : t('final.kappa')}</th><th>${t('final.alpha')}</th><th>${t('final.flags')}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The final report as a printable page; `lang` is the project's report language: `<html lang>`, dates and figures,
 * and every word of the page (server/src/i18n): headings, labels, theme statuses, flags, the kappa's name, why
 * reliability is unavailable. `report.counted.text` is printed as given: `finalReport` (exports.ts) writes it in
 * the project's language for this page.
 */
export function finalReportHtml(report: FinalReport, options: { lang?: string | null } = {}): string {
  const f = finalFormats(options.lang);
  const { t } = f;
  const title = t('final.title', { name: report.project.name });
  const final = report.themes.filter((theme) => theme.status === 'final').length;
  const body = [
    html`<h1>${title}</h1>`,
    report.project.description && html`<p>${report.project.description}</p>`,
    html`<p class="meta">${t('final.themes', { count: report.themes.length, countText: f.number(report.themes.length), final: f.number(final) })} · ${t('final.generated', { date: madeAt(report.generatedAt, options.lang) })}</p>`,
    html`<p class="counted"><strong>${t('final.counted')}</strong> ${report.counted.text}</p>`,
    ...report.themes.map((theme) => themeSection(theme, f)),
    report.unthemedCodes.length > 0 &&
      html`<h2>${t('final.unthemed')}</h2>${codesTable(report.unthemedCodes, null, f)}`,
    reliabilitySection(report, f),
  ];
  return page(title, lines(body.filter(Boolean)), options.lang);
}
