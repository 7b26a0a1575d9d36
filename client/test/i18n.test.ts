// @vitest-environment happy-dom

import fs from 'node:fs';
import path from 'node:path';
import { INTERFACE_LOCALES } from '@accord/shared';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { createIntl } from 'react-intl';
import { describe, expect, it } from 'vitest';
import { ApiError, errorText } from '../src/api/errors.js';
import {
  currentIntl,
  LOCALES,
  LocaleProvider,
  loadLocale,
  localeChoice,
  negotiateLocale,
  setLocaleChoice,
  setLocaleUser,
} from '../src/i18n/index.js';
import de from '../src/i18n/messages/de.json';
import en from '../src/i18n/messages/en.json';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const root = path.resolve(import.meta.dirname, '../..');
const catalogues: Record<string, Record<string, string>> = { en, de };

function sources(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sources(relative, pattern));
    else if (pattern.test(entry.name)) found.push(relative);
  }
  return found;
}
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const clientFiles = sources('client/src', /\.(ts|tsx)$/);

/** The arguments and tags of an ICU message (parsed by FormatJS, which also proves it parses). */
function argumentsOf(message: string, locale: string): string[] {
  const intl = createIntl({ locale, messages: {} });
  const names = new Set<string>();
  type Element = {
    type: number;
    value?: string;
    options?: Record<string, { value: Element[] }>;
    children?: Element[];
  };
  const walk = (elements: Element[]) => {
    for (const element of elements) {
      // 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural, 8 tag (FormatJS's TYPE enum).
      if ([1, 2, 3, 4, 5, 6].includes(element.type)) names.add(element.value!);
      if (element.type === 8) names.add(`<${element.value}>`);
      for (const option of Object.values(element.options ?? {})) walk(option.value);
      if (element.children) walk(element.children);
    }
  };
  walk(intl.formatters.getMessageFormat(message, locale).getAst() as Element[]);
  return [...names].sort();
}

describe('message catalogues', () => {
  it('every language the client offers has a catalogue with exactly the English ids', async () => {
    const ids = Object.keys(en).sort();
    for (const entry of LOCALES) {
      const own = entry.tag === 'en' ? en : await entry.load();
      if (entry.tag === 'en') continue;
      const theirs = Object.keys(own).sort();
      expect(
        ids.filter((id) => !(id in own)),
        `ids missing in ${entry.tag}`,
      ).toEqual([]);
      expect(
        theirs.filter((id) => !(id in en)),
        `ids in ${entry.tag} that English does not have`,
      ).toEqual([]);
    }
  });

  it('every message is valid ICU and a translation takes the same arguments as the English', () => {
    const differing: string[] = [];
    for (const [id, message] of Object.entries(en)) {
      const english = argumentsOf(message, 'en');
      for (const [tag, catalogue] of Object.entries(catalogues)) {
        const translated = catalogue[id];
        if (translated === undefined) continue;
        expect(translated.trim(), `${tag} ${id} is empty`).not.toBe('');
        if (JSON.stringify(argumentsOf(translated, tag)) !== JSON.stringify(english)) differing.push(`${tag} ${id}`);
      }
    }
    expect(differing).toEqual([]);
  });

  it('German is translated, not copied (only names and loanwords read the same)', () => {
    const same = Object.keys(en).filter((id) => de[id as keyof typeof de] === en[id as keyof typeof en]);
    expect(same.length / Object.keys(en).length).toBeLessThan(0.08);
  });

  it('every message id the code uses is in the catalogues, and every id in them is used', () => {
    const used = new Set<string>();
    const mentioned = new Set<string>();
    const call =
      /\b(?:t|msg|translate)\(\s*'([^']+)'|<Msg\s+id="([^"]+)"|\bwhat="([^"]+)"|formatText\([^,]+,\s*'([^']+)'/g;
    const literal = /'([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_]+)+)'|"([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_]+)+)"/g;
    for (const file of clientFiles) {
      const text = read(file);
      for (const match of text.matchAll(call)) used.add(match.slice(1).find((group) => group !== undefined)!);
      for (const match of text.matchAll(literal)) mentioned.add(match[1] ?? match[2]!);
    }
    expect(used.size).toBeGreaterThan(100);
    expect(
      [...used].filter((id) => !(id in en)),
      'ids used in code but missing in en.json',
    ).toEqual([]);
    // Error messages are looked up by the code the server sends (`error.<code>`), never written out in code.
    const unused = Object.keys(en).filter((id) => !id.startsWith('error.') && !mentioned.has(id));
    expect(unused, 'ids in en.json no code uses').toEqual([]);
  });

  it('every error code the server (or the client itself) gives has a message in every catalogue', () => {
    const codes = new Set<string>();
    const patterns = [
      /(?:badRequest|conflict)\(\s*[`'"]([a-z_]+)[`'"]/g,
      /new AccordError\(\s*[^,]+,\s*[`'"]([a-z_]+)[`'"]/g,
      /\bcode:\s*'([a-z_]+)'/g,
      /new ApiError\(\s*[^,]+,\s*'([a-z_]+)'/g,
      /\bcode \?\? '([a-z_]+)'/g,
    ];
    const files = [...sources('server/src', /\.(ts|js)$/), ...clientFiles.filter((file) => /api/.test(file))];
    for (const file of files) {
      const text = read(file);
      for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1]!);
    }
    // Codes built at run time: `invitation_${status}` for each status a used-up link has, and the import errors' union.
    for (const status of ['used', 'expired', 'revoked']) codes.add(`invitation_${status}`);
    const importErrors = read('server/src/import/errors.ts');
    const union = /export type ImportErrorCode =([^;]+);/.exec(importErrors)![1]!;
    for (const match of union.matchAll(/'([a-z_]+)'/g)) codes.add(match[1]!);
    expect(codes.size).toBeGreaterThan(50);
    for (const [tag, catalogue] of Object.entries(catalogues)) {
      expect(
        [...codes].filter((code) => !(`error.${code}` in catalogue)).sort(),
        `error codes without a message in ${tag}`,
      ).toEqual([]);
    }
  });
});

describe('the interface language', () => {
  it('is the best match of the browser’s languages, English where none matches', () => {
    expect(negotiateLocale(['de-AT', 'en'], ['en', 'de'])).toBe('de');
    expect(negotiateLocale(['fr-FR', 'de'], ['en', 'de'])).toBe('de');
    expect(negotiateLocale(['en-GB', 'de'], ['en', 'de'])).toBe('en');
    expect(negotiateLocale(['fr', 'ja'], ['en', 'de'])).toBe('en');
    expect(negotiateLocale([], ['en', 'de'])).toBe('en');
    expect(negotiateLocale(['pt'], ['en', 'pt-BR'])).toBe('pt-BR');
    expect(negotiateLocale(['pt-PT', 'pt-BR'], ['en', 'pt-BR', 'pt-PT'])).toBe('pt-PT');
  });

  it('is chosen per account in this browser; an account that never chose follows the browser', () => {
    localStorage.clear();
    setLocaleUser('u1');
    expect(localeChoice()).toBeNull();
    setLocaleChoice('de');
    expect(localeChoice()).toBe('de');
    expect(localStorage.getItem('accord.locale.u1')).toBe('de');
    // The sign-in page shows the last choice made in this browser.
    expect(localStorage.getItem('accord.locale')).toBe('de');
    setLocaleUser('u2');
    expect(localeChoice()).toBeNull();
    setLocaleUser('u1');
    expect(localeChoice()).toBe('de');
    // A tag no catalogue has is no choice.
    setLocaleChoice('xx');
    expect(localeChoice()).toBeNull();
    expect(localStorage.getItem('accord.locale.u1')).toBeNull();
    setLocaleUser(null);
  });

  it('lists the same languages as the server accepts for an account (INTERFACE_LOCALES)', () => {
    expect(LOCALES.map((entry) => entry.tag)).toEqual([...INTERFACE_LOCALES]);
  });

  it("takes the account's saved choice at sign-in over this browser's cache, which it replaces", () => {
    localStorage.clear();
    setLocaleUser('u3');
    setLocaleChoice('en');
    // Another browser saved German on the account: the server's value wins and becomes this browser's cache.
    setLocaleUser('u3', 'de');
    expect(localeChoice()).toBe('de');
    expect(localStorage.getItem('accord.locale.u3')).toBe('de');
    expect(localStorage.getItem('accord.locale')).toBe('de');
    // Saved as "the browser's" (null), or as a tag no catalogue has: no choice.
    setLocaleUser('u3', null);
    expect(localeChoice()).toBeNull();
    expect(localStorage.getItem('accord.locale.u3')).toBeNull();
    setLocaleUser('u3', 'xx');
    expect(localeChoice()).toBeNull();
    setLocaleUser(null);
  });

  it('sets <html lang>, formats dates and numbers by locale and translates errors by their code', async () => {
    await loadLocale('de');
    const container = document.createElement('div');
    document.body.append(container);
    const reactRoot = createRoot(container);
    try {
      setLocaleChoice('en');
      await act(async () => reactRoot.render(createElement(LocaleProvider, null, 'x')));
      expect(document.documentElement.lang).toBe('en');
      const taken = new ApiError(409, 'email_taken', 'an account with email a@b.c exists already');
      expect(errorText(taken)).toBe('an account with email a@b.c exists already');
      expect(errorText(new ApiError(429, 'too_many_attempts', 'too many sign-ins; try again in 42 s', 42))).toBe(
        'too many sign-ins; try again in 42 s',
      );
      expect(currentIntl().formatNumber(1234.5)).toBe('1,234.5');

      await act(async () => setLocaleChoice('de'));
      expect(document.documentElement.lang).toBe('de');
      expect(document.documentElement.dir).toBe('ltr');
      expect(errorText(taken)).toBe('Es gibt bereits ein Konto mit dieser E-Mail-Adresse.');
      // A message that quotes the server's particulars; a code no catalogue knows shows the server's words.
      expect(errorText(new ApiError(400, 'invalid_input', 'name: too long'))).toBe(
        'Die Eingabe ist ungültig: name: too long',
      );
      expect(errorText(new ApiError(400, 'brand_new_code', 'something new'))).toBe('something new');
      // A refusal with Retry-After says how long to wait in the user's words; without one, the general message.
      expect(errorText(new ApiError(429, 'too_many_attempts', 'too many sign-ins; try again in 42 s', 42))).toBe(
        'Zu viele Versuche; versuchen Sie es in 42 Sekunden noch einmal.',
      );
      expect(errorText(new ApiError(429, 'too_many_attempts', 'too many sign-ins; try again in 1 s', 1))).toBe(
        'Zu viele Versuche; versuchen Sie es in 1 Sekunde noch einmal.',
      );
      expect(errorText(new ApiError(429, 'too_many_attempts', 'too many sign-ins'))).toBe(
        'Zu viele Versuche; versuchen Sie es später noch einmal.',
      );
      expect(currentIntl().formatNumber(1234.5)).toBe('1.234,5');
      expect(currentIntl().formatDate(Date.UTC(2026, 11, 6, 12), { dateStyle: 'medium', timeZone: 'UTC' })).toBe(
        '06.12.2026',
      );
    } finally {
      await act(async () => setLocaleChoice(null));
      act(() => reactRoot.unmount());
      container.remove();
    }
  });
});
