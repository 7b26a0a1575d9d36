/**
 * The interface languages Accord ships: the file a lab edits to add its own, with `INTERFACE_LOCALES` in
 * shared/src/api/accounts.ts, the tags the server accepts as an account's choice (docs/i18n.md). Each entry is a
 * BCP 47 tag, the language's name in that language (how the user menu lists it), its writing direction, and how to
 * load its catalogue. English is the source language: every message is written in en.json first, and any id a
 * catalogue lacks shows in English.
 */
import type { Messages } from './catalogue.js';

export interface LocaleEntry {
  /** BCP 47 tag: `de`, `pt-BR`, `ar`. */
  tag: string;
  /** The language's own name for itself: `Deutsch`, `Português (Brasil)`, `العربية`. */
  name: string;
  dir: 'ltr' | 'rtl';
  /** Loads the catalogue (a JSON file of message ids to ICU messages); only the language in use is loaded. */
  load: () => Promise<Partial<Messages>>;
}

export const SOURCE_LOCALE = 'en';

export const LOCALES: readonly LocaleEntry[] = [
  { tag: 'en', name: 'English', dir: 'ltr', load: async () => ({}) },
  { tag: 'de', name: 'Deutsch', dir: 'ltr', load: () => import('./messages/de.json').then((module) => module.default) },
];
