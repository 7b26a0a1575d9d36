/**
 * The interface's languages, the part without components (pure modules and tests import it; `index.tsx` adds the
 * provider and hooks). See docs/i18n.md.
 *
 * The interface's languages (docs/i18n.md). Messages are ICU MessageFormat strings in JSON catalogues
 * (`messages/<tag>.json`) keyed by stable ids; FormatJS (react-intl) formats them, and every date and number goes
 * through `Intl` in the interface's locale. The language is the user's choice where they made one (kept on their
 * account), else the best match of the browser's languages; `<html lang>` and `dir` follow it.
 */
import { useSyncExternalStore } from 'react';
import { createIntl, createIntlCache, type IntlConfig, type IntlShape, ReactIntlErrorCode } from 'react-intl';
import { type MessageId, type Messages, SOURCE_MESSAGES } from './catalogue.js';
import { LOCALES, type LocaleEntry, SOURCE_LOCALE } from './locales.js';

export { type MessageId, msg } from './catalogue.js';
export { LOCALES, SOURCE_LOCALE } from './locales.js';

/** Values an ICU message takes: strings, numbers (formatted by the locale), dates. */
export type MessageValues = Record<string, string | number | Date | null | undefined>;

/** The best of `available` for the user's `requested` languages (navigator.languages), by tag, then base language. */
export function negotiateLocale(requested: readonly string[], available: readonly string[] = tags()): string {
  const lower = available.map((tag) => tag.toLowerCase());
  for (const wanted of requested) {
    const at = lower.indexOf(wanted.toLowerCase());
    if (at >= 0) return available[at]!;
    const base = wanted.split('-')[0]!.toLowerCase();
    const baseAt = lower.indexOf(base);
    if (baseAt >= 0) return available[baseAt]!;
    const sibling = lower.findIndex((tag) => tag.split('-')[0] === base);
    if (sibling >= 0) return available[sibling]!;
  }
  return SOURCE_LOCALE;
}

const tags = () => LOCALES.map((entry) => entry.tag);
const entryOf = (tag: string): LocaleEntry => LOCALES.find((entry) => entry.tag === tag) ?? LOCALES[0]!;

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

/** The browser's language among the catalogues: what "browser default" means in the user menu. */
export const browserLocale = (): string => negotiateLocale(browserLanguages());

// The user's explicit choice: null follows the browser. The account keeps it on the server (`locale`, so it follows
// the person to every browser) and it wins at sign-in; this browser caches it per account (`accord.locale.<user>`)
// and the last choice made here (`accord.locale`) for the sign-in page and the first paint before the session loads.
const CACHE_KEY = 'accord.locale';
const userKey = (user: string) => `${CACHE_KEY}.${user}`;
const listeners = new Set<() => void>();
let user: string | null = null;
let choice: string | null = readChoice(CACHE_KEY);

const known = (tag: string | null | undefined): string | null =>
  tag !== null && tag !== undefined && tags().includes(tag) ? tag : null;

function readChoice(key: string): string | null {
  try {
    return known(localStorage.getItem(key));
  } catch {
    return null;
  }
}

function store(key: string, tag: string | null): void {
  try {
    if (tag === null) localStorage.removeItem(key);
    else localStorage.setItem(key, tag);
  } catch {
    // Storage refused (private mode): the choice holds for this page.
  }
}

function announce(next: string | null): void {
  if (next === choice) return;
  choice = next;
  for (const listener of listeners) listener();
}

/**
 * The signed-in account (null: signed out): its own choice applies from now on. `saved` is the choice the server
 * keeps for the account (`User.locale`: a tag, or null for the browser's); it wins over this browser's cache, which it
 * replaces. Without it (undefined) the cache answers. An account that never chose follows the browser, whatever the
 * account before it on this browser chose.
 */
export function setLocaleUser(next: string | null, saved?: string | null): void {
  user = next;
  if (next === null) return;
  const own = saved === undefined ? readChoice(userKey(next)) : known(saved);
  store(userKey(next), own);
  store(CACHE_KEY, own);
  announce(own);
}

/** The language chosen (a catalogue's tag) or null for the browser's. */
export const localeChoice = (): string | null => choice;

/**
 * Sets the signed-in user's choice in this browser (the user menu, which also saves it on the account). An unknown
 * tag (a catalogue since removed) is no choice. Answers the choice made.
 */
export function setLocaleChoice(next: string | null): string | null {
  const chosen = known(next);
  if (user !== null) store(userKey(user), chosen);
  store(CACHE_KEY, chosen);
  announce(chosen);
  return chosen;
}

/** The interface's language now: the choice, else the browser's. */
export const activeLocale = (): string => choice ?? browserLocale();

export function useLocaleChoice(): string | null {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, localeChoice);
}

const cache = createIntlCache();
// Catalogues loaded so far: their own messages (to tell a translation from the English fallback) and the merged set.
const loaded = new Map<string, { own: Partial<Messages>; messages: Messages }>([
  [SOURCE_LOCALE, { own: SOURCE_MESSAGES, messages: SOURCE_MESSAGES }],
]);

/** Loads a catalogue once; ids it lacks fall back to English. */
export async function loadLocale(tag: string): Promise<void> {
  if (loaded.has(tag)) return;
  const own = await entryOf(tag).load();
  loaded.set(tag, { own, messages: { ...SOURCE_MESSAGES, ...own } });
}

const onError: NonNullable<IntlConfig['onError']> = (error) => {
  // A missing translation shows English (the merged catalogue), so it is not an error; anything else is a bug.
  if (error.code === ReactIntlErrorCode.MISSING_TRANSLATION) return;
  console.error(error);
};

/** A formatter for `tag` with its catalogue (English until the catalogue has loaded). */
export function makeIntl(tag: string): IntlShape {
  const catalogue = loaded.get(tag) ?? loaded.get(SOURCE_LOCALE)!;
  return createIntl({ locale: tag, defaultLocale: SOURCE_LOCALE, messages: catalogue.messages, onError }, cache);
}

let current: IntlShape = makeIntl(SOURCE_LOCALE);
const englishIntl = current;

/** The interface's formatter now, for code outside components (error texts, file names, exported labels). */
export const currentIntl = (): IntlShape => current;

/** The provider's formatter becomes the one `currentIntl` and `translate` use. */
export function setCurrentIntl(intl: IntlShape): void {
  current = intl;
}

/** Whether `tag`'s catalogue has been loaded. */
export const isLoaded = (tag: string): boolean => loaded.has(tag);

/** The English formatter (the source catalogue), for components outside a provider. */
export const englishFormatter = (): IntlShape => englishIntl;

/** Whether the interface's catalogue has its own translation of `id` (not the English fallback). */
export function translates(id: string, intl: IntlShape = current): boolean {
  if (intl.locale === SOURCE_LOCALE) return id in SOURCE_MESSAGES;
  return id in (loaded.get(intl.locale)?.own ?? {});
}

/** Sets `<html lang>` and `dir` for `tag`. */
export function applyDocumentLocale(tag: string): void {
  const root = document.documentElement;
  root.lang = tag;
  root.dir = entryOf(tag).dir;
}

/** Formats message `id` with `values` in `intl`'s language: plain text. */
export function formatText(intl: IntlShape, id: MessageId, values?: MessageValues): string {
  return intl.formatMessage({ id }, values as Record<string, string | number | Date>) as string;
}

export type Translate = (id: MessageId, values?: MessageValues) => string;

/**
 * A message in English whatever the interface's language: for machine-read text that must not change with it
 * (CSV column headers that scripts match on).
 */
export const english: Translate = (id, values) => formatText(englishIntl, id, values);

/** Outside components: a message in the interface's language now. */
export const translate: Translate = (id, values) => formatText(current, id, values);
