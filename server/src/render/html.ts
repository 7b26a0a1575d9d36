/**
 * The one way Accord builds HTML. Every page it serves or exports (printable retrievals, the final report, the
 * reliability report, the codebook) is written with the `html` tagged template: the literal parts of a template
 * are markup, every interpolated value is text and is escaped, unless it is itself a fragment made by `html`.
 * There is no way to mark a string as safe, so forgetting to escape cannot happen: the worst a mistake can do is
 * show escaped markup as text.
 *
 * Escaping makes a value safe in element content and in quoted attribute values. It does not make a value safe
 * inside a `style` attribute or element, a URL or a script; a colour goes through `cssColour` first, and the pages
 * are served with `PRINTABLE_CSP`, which forbids scripts and external resources anyway.
 */

import { normaliseColour } from '../interchange/colour.js';

/** Content Security Policy for every printable page: no scripts, no external resources, inline styles only. */
export const PRINTABLE_CSP = "default-src 'none'; style-src 'unsafe-inline'";

/** Known to this module only: nothing else can make a fragment, so no string can pass itself off as markup. */
const TOKEN = Symbol('Html');

/** A fragment of markup made by `html`: safe to place anywhere markup may go. */
export class Html {
  readonly #text: string;

  constructor(token: symbol, text: string) {
    if (token !== TOKEN) throw new TypeError('HTML fragments are made by the html`` template only');
    this.#text = text;
  }

  toString(): string {
    return this.#text;
  }
}

const fragment = (text: string) => new Html(TOKEN, text);

/** What may be interpolated: fragments as they are, text and numbers escaped, nothing for null/undefined/false. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text: safe in element content and in a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  // A value of another type slipped past the types (JSON from a document, say): shown as text, never as markup.
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: the template's own text is markup, every value is escaped unless it is a fragment. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return fragment(out);
}

/** Fragments (or text) one after the other, with an optional separator that is itself markup. */
export function joinHtml(parts: readonly HtmlValue[], separator: Html = html``): Html {
  return fragment(parts.map(render).join(separator.toString()));
}

/**
 * A colour as CSS may receive it: `#rrggbb`, or null. Whatever is stored (a document can hold anything a client
 * wrote), only a hex colour reaches a `style`; the check is the one every colour of Accord goes through.
 */
export function cssColour(value: unknown): string | null {
  return normaliseColour(value);
}

/**
 * The language a page is written for: the project's report language (`ProjectSettings.language`) when it is a
 * BCP 47 tag the platform knows, else English. Goes into `<html lang>` and picks the locale of `localeDateTime`.
 */
export function pageLanguage(language: string | null | undefined): string {
  if (!language) return 'en';
  try {
    return Intl.getCanonicalLocales(language)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** A moment as people of `lang` write it (`6 December 2026 at 15:04 UTC`, `6. Dezember 2026 um 15:04 UTC`). */
export function localeDateTime(at: number, lang: string): string {
  return `${new Intl.DateTimeFormat(pageLanguage(lang), { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(at)} UTC`;
}

/**
 * A complete page: doctype, UTF-8, `<html lang>` (English unless the project's report language says otherwise),
 * title, one inline style sheet (itself a fragment), the body.
 */
export function htmlDocument(page: { title: string; style: Html; body: HtmlValue; lang?: string | null }): string {
  return `${html`<!doctype html>
<html lang="${pageLanguage(page.lang)}">
<head>
<meta charset="utf-8">
<title>${page.title}</title>
<style>
${page.style}
</style>
</head>
<body>
${page.body}
</body>
</html>`}\n`;
}
