import { codePath, toCsv } from '@accord/shared';
import { type ReportMessageId, reportLocale, translator } from '../i18n/index.js';
import type { BundleCode, ProjectBundle } from '../interchange/bundle.js';
import { normaliseColour } from '../interchange/colour.js';
import { cssColour, type Html, html, htmlDocument, joinHtml } from '../render/html.js';
import { CODE_PATH_SEPARATOR, codeIndex } from './segments.js';

/**
 * The codebook for people: CSV (the same columns the codebook CSV import reads, so it round-trips), Markdown, and
 * a self-contained printable HTML page (print it, or "Save as PDF" from the browser) with definitions, criteria,
 * examples and, optionally, coded excerpts from the project as further examples.
 */
export function codebookCsv(codes: readonly BundleCode[], options: { formulaSafe?: boolean } = {}): string {
  const names = new Map(codes.map((code) => [code.guid, code.name]));
  const index = codeIndex(codes);
  const header = ['name', 'parent', 'path', 'definition', 'inclusion', 'exclusion', 'examples', 'colour'];
  const rows = codes.map((code) => [
    code.name,
    code.parentGuid === null ? '' : (names.get(code.parentGuid) ?? ''),
    codePath(index, code.guid).join(CODE_PATH_SEPARATOR),
    code.definition,
    code.inclusion,
    code.exclusion,
    code.examples,
    normaliseColour(code.colour) ?? '',
  ]);
  return toCsv([header, ...rows], { bom: true, formulaSafe: options.formulaSafe ?? true });
}

export interface CodebookDocOptions {
  /** Coded excerpts to show under each code (0 for none). */
  excerptsPerCode?: number;
  /**
   * The project's report language (`ProjectSettings.language`): the title and section labels (German for `de…`,
   * else English, server/src/i18n), and the HTML page's `<html lang>`.
   */
  lang?: string | null;
}

interface CodeNode {
  code: BundleCode;
  depth: number;
}

function depthFirst(codes: readonly BundleCode[]): CodeNode[] {
  const nodes: CodeNode[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const code of codes) {
      if (code.parentGuid !== parent) continue;
      nodes.push({ code, depth });
      visit(code.guid, depth + 1);
    }
  };
  visit(null, 0);
  return nodes;
}

/** Up to `limit` coded excerpts per code, in project order, each with where it comes from. */
function excerpts(bundle: ProjectBundle, limit: number): Map<string, { text: string; source: string }[]> {
  const byCode = new Map<string, { text: string; source: string }[]>();
  if (limit <= 0) return byCode;
  for (const transcript of bundle.transcripts) {
    for (const layer of transcript.layers) {
      for (const coding of layer.codings) {
        const list = byCode.get(coding.codeGuid) ?? [];
        if (list.length >= limit) continue;
        list.push({ text: transcript.text.slice(coding.start, coding.end), source: transcript.title });
        byCode.set(coding.codeGuid, list);
      }
    }
  }
  return byCode;
}

const SECTIONS = [
  ['definition', 'codebook.definition'],
  ['inclusion', 'codebook.inclusion'],
  ['exclusion', 'codebook.exclusion'],
  ['examples', 'codebook.examples'],
] as const satisfies readonly (readonly [keyof BundleCode, ReportMessageId])[];

type Translate = ReturnType<typeof translator>;

export function codebookMarkdown(bundle: ProjectBundle, options: CodebookDocOptions = {}): string {
  const t = translator(reportLocale(options.lang));
  const coded = excerpts(bundle, options.excerptsPerCode ?? 0);
  const lines = [`# ${t('codebook.title', { name: bundle.name })}`, ''];
  for (const { code, depth } of depthFirst(bundle.codes)) {
    lines.push(`${'#'.repeat(Math.min(depth + 2, 6))} ${code.name}`, '');
    for (const [field, label] of SECTIONS) {
      if (code[field] !== '') lines.push(`**${t(label)}.** ${code[field]}`, '');
    }
    for (const excerpt of coded.get(code.guid) ?? []) {
      lines.push(`> ${excerpt.text.replaceAll('\n', '\n> ')}`, `> — ${excerpt.source}`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const CODEBOOK_STYLE = html`body { font: 11pt/1.45 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.6rem; }
.code { break-inside: avoid; margin: 0 0 1rem; }
${joinHtml(
  [1, 2, 3, 4, 5].map((depth) => html`.depth-${depth} { margin-left: ${depth * 1.25}rem; }`),
  html`\n`,
)}
.swatch { display: inline-block; width: .8em; height: .8em; margin-right: .4em; border-radius: 2px; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
dt { font-weight: 600; margin-top: .3rem; }
dd { margin: 0 0 0 1rem; white-space: pre-wrap; }
blockquote { margin: .4rem 0 .4rem 1rem; padding-left: .6rem; border-left: 3px solid #bbb; white-space: pre-wrap; }
cite { display: block; font-size: .85em; color: #555; }
@page { margin: 2cm; }
@media print { body { margin: 0; max-width: none; } }`;

/** One code: heading with its colour, the filled-in sections, the excerpts. */
function codeSection(
  code: BundleCode,
  depth: number,
  excerpts: readonly { text: string; source: string }[],
  t: Translate,
): Html {
  const level = Math.min(depth + 2, 6);
  // The colour is checked again here: a document can hold whatever a client wrote, and it goes into a style.
  const colour = cssColour(code.colour);
  const swatch = colour === null ? '' : html`<span class="swatch" style="background:${colour}"></span>`;
  const fields = SECTIONS.filter(([field]) => code[field] !== '');
  const definitions = joinHtml(fields.map(([field, label]) => html`<dt>${t(label)}</dt><dd>${code[field]}</dd>\n`));
  const quotes = excerpts.map(
    (excerpt) => html`<blockquote>${excerpt.text}<cite>${excerpt.source}</cite></blockquote>\n`,
  );
  return html`<section class="code depth-${Math.min(depth, 5)}">
<h${level}>${swatch}${code.name}</h${level}>
${fields.length > 0 && html`<dl>\n${definitions}</dl>\n`}${quotes}</section>`;
}

export function codebookHtml(bundle: ProjectBundle, options: CodebookDocOptions = {}): string {
  const t = translator(reportLocale(options.lang));
  const coded = excerpts(bundle, options.excerptsPerCode ?? 0);
  const sections = depthFirst(bundle.codes).map(({ code, depth }) =>
    codeSection(code, depth, coded.get(code.guid) ?? [], t),
  );
  const title = t('codebook.title', { name: bundle.name });
  return htmlDocument({
    title,
    lang: options.lang,
    style: CODEBOOK_STYLE,
    body: html`<h1>${title}</h1>
${joinHtml(sections, html`\n`)}`,
  });
}
