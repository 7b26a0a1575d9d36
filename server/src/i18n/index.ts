/**
 * The words of the pages the server writes (the reliability report, the final report, a retrieval's printable page),
 * in the project's report language (`ProjectSettings.language`): German when the tag starts with `de`, else English.
 * A message is a string with `{name}` arguments, or, for a count, its plural forms by the CLDR category that
 * `Intl.PluralRules` picks for `count` (`one`, `other`, …; `#` stands for the count). What stays English is listed in
 * docs/i18n.md.
 */
import { DE } from './de.js';
import { EN, type ReportMessageId } from './en.js';

export type { ReportMessageId };
export type ReportLocale = 'en' | 'de';
export type ReportMessage = string | Partial<Record<Intl.LDMLPluralRule, string>>;

const CATALOGUES: Record<ReportLocale, Partial<Record<ReportMessageId, ReportMessage>>> = { en: EN, de: DE };

/** The catalogue for a project's report language: German for `de`, `de-AT`, …; English for anything else. */
export function reportLocale(language: string | null | undefined): ReportLocale {
  return language !== null && language !== undefined && /^de(-|$)/i.test(language) ? 'de' : 'en';
}

export type MessageArgs = Record<string, string | number>;

/**
 * The message `id` in `locale` (English where the catalogue lacks it), its `{name}` arguments filled in. A plural
 * message picks its form by `args.count`; `#` in it is the count as given (already formatted by the caller if the
 * caller passes `countText`).
 */
export function t(locale: ReportLocale, id: ReportMessageId, args: MessageArgs = {}): string {
  const message = CATALOGUES[locale][id] ?? EN[id];
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const forms: Partial<Record<Intl.LDMLPluralRule, string>> = message;
    const count = Number(args.count ?? 0);
    text = (forms[new Intl.PluralRules(locale).select(count)] ?? forms.other ?? '').replaceAll(
      '#',
      String(args.countText ?? count),
    );
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in args ? String(args[name]) : whole));
}

/** A translator bound to one locale, for a page's renderer. */
export const translator =
  (locale: ReportLocale) =>
  (id: ReportMessageId, args?: MessageArgs): string =>
    t(locale, id, args);
