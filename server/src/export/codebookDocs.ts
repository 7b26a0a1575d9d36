import { codePath } from '@accord/shared';
import { stringify } from 'csv-stringify/sync';
import type { BundleCode, ProjectBundle } from '../interchange/bundle.js';
import { CODE_PATH_SEPARATOR, codeIndex } from './segments.js';

/**
 * The codebook for people: CSV (the same columns the codebook CSV import reads, so it round-trips), Markdown, and
 * a self-contained printable HTML page (print it, or "Save as PDF" from the browser) with definitions, criteria,
 * examples and, optionally, coded excerpts from the project as further examples.
 */
export function codebookCsv(codes: readonly BundleCode[]): string {
  const names = new Map(codes.map((code) => [code.guid, code.name]));
  const index = codeIndex(codes);
  return stringify(
    codes.map((code) => [
      code.name,
      code.parentGuid === null ? '' : (names.get(code.parentGuid) ?? ''),
      codePath(index, code.guid).join(CODE_PATH_SEPARATOR),
      code.definition,
      code.inclusion,
      code.exclusion,
      code.examples,
      code.colour ?? '',
    ]),
    {
      header: true,
      columns: ['name', 'parent', 'path', 'definition', 'inclusion', 'exclusion', 'examples', 'colour'],
      bom: true,
      record_delimiter: 'unix',
    },
  );
}

export interface CodebookDocOptions {
  /** Coded excerpts to show under each code (0 for none). */
  excerptsPerCode?: number;
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
  ['definition', 'Definition'],
  ['inclusion', 'Inclusion criteria'],
  ['exclusion', 'Exclusion criteria'],
  ['examples', 'Examples'],
] as const;

export function codebookMarkdown(bundle: ProjectBundle, options: CodebookDocOptions = {}): string {
  const coded = excerpts(bundle, options.excerptsPerCode ?? 0);
  const lines = [`# Codebook: ${bundle.name}`, ''];
  for (const { code, depth } of depthFirst(bundle.codes)) {
    lines.push(`${'#'.repeat(Math.min(depth + 2, 6))} ${code.name}`, '');
    for (const [field, label] of SECTIONS) {
      if (code[field] !== '') lines.push(`**${label}.** ${code[field]}`, '');
    }
    for (const excerpt of coded.get(code.guid) ?? []) {
      lines.push(`> ${excerpt.text.replaceAll('\n', '\n> ')}`, `> — ${excerpt.source}`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function codebookHtml(bundle: ProjectBundle, options: CodebookDocOptions = {}): string {
  const coded = excerpts(bundle, options.excerptsPerCode ?? 0);
  const body: string[] = [];
  for (const { code, depth } of depthFirst(bundle.codes)) {
    const level = Math.min(depth + 2, 6);
    const swatch = code.colour === null ? '' : `<span class="swatch" style="background:${code.colour}"></span>`;
    body.push(
      `<section class="code depth-${Math.min(depth, 5)}">`,
      `<h${level}>${swatch}${escapeHtml(code.name)}</h${level}>`,
    );
    const fields = SECTIONS.filter(([field]) => code[field] !== '');
    if (fields.length > 0) {
      body.push('<dl>');
      for (const [field, label] of fields) body.push(`<dt>${label}</dt><dd>${escapeHtml(code[field])}</dd>`);
      body.push('</dl>');
    }
    for (const excerpt of coded.get(code.guid) ?? []) {
      body.push(`<blockquote>${escapeHtml(excerpt.text)}<cite>${escapeHtml(excerpt.source)}</cite></blockquote>`);
    }
    body.push('</section>');
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Codebook: ${escapeHtml(bundle.name)}</title>
<style>
body { font: 11pt/1.45 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.6rem; }
.code { break-inside: avoid; margin: 0 0 1rem; }
${[1, 2, 3, 4, 5].map((depth) => `.depth-${depth} { margin-left: ${depth * 1.25}rem; }`).join('\n')}
.swatch { display: inline-block; width: .8em; height: .8em; margin-right: .4em; border-radius: 2px; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
dt { font-weight: 600; margin-top: .3rem; }
dd { margin: 0 0 0 1rem; white-space: pre-wrap; }
blockquote { margin: .4rem 0 .4rem 1rem; padding-left: .6rem; border-left: 3px solid #bbb; white-space: pre-wrap; }
cite { display: block; font-size: .85em; color: #555; }
@page { margin: 2cm; }
@media print { body { margin: 0; max-width: none; } }
</style>
</head>
<body>
<h1>Codebook: ${escapeHtml(bundle.name)}</h1>
${body.join('\n')}
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
