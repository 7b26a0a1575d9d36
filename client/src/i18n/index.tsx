/**
 * The interface's languages in React: the provider that loads the active catalogue and keeps `<html lang dir>` in
 * step, and the hooks components format with. Everything else is in `core.ts` (docs/i18n.md).
 */
import { type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { IntlContext, type IntlShape, RawIntlProvider } from 'react-intl';
import type { MessageId } from './catalogue.js';
import {
  applyDocumentLocale,
  browserLocale,
  englishFormatter,
  formatText,
  isLoaded,
  loadLocale,
  makeIntl,
  setCurrentIntl,
  type Translate,
  useLocaleChoice,
} from './core.js';
import { SOURCE_LOCALE } from './locales.js';

export * from './core.js';

/**
 * Provides the interface's language to everything under it: loads the catalogue of the active language (showing
 * the previous one meanwhile) and keeps `<html lang dir>` in step.
 */
export function LocaleProvider({ children }: { children: ReactNode }) {
  const chosen = useLocaleChoice();
  const wanted = chosen ?? browserLocale();
  const [intl, setIntl] = useState<IntlShape>(() => {
    const first = makeIntl(isLoaded(wanted) ? wanted : SOURCE_LOCALE);
    setCurrentIntl(first);
    return first;
  });
  useEffect(() => {
    let live = true;
    loadLocale(wanted)
      .catch((error: unknown) => console.error(`the ${wanted} catalogue did not load`, error))
      .then(() => {
        if (!live || !isLoaded(wanted)) return;
        setIntl((before) => (before.locale === wanted ? before : makeIntl(wanted)));
      });
    return () => {
      live = false;
    };
  }, [wanted]);
  setCurrentIntl(intl);
  useEffect(() => applyDocumentLocale(intl.locale), [intl]);
  return <RawIntlProvider value={intl}>{children}</RawIntlProvider>;
}

/** The formatter of the interface's language (English outside a LocaleProvider, as in unit tests of components). */
export function useIntl(): IntlShape {
  return useContext(IntlContext) ?? englishFormatter();
}

/** `t(id, values)`: a message as plain text in the interface's language. */
export function useT(): Translate {
  const intl = useIntl();
  return useMemo<Translate>(() => (id, values) => formatText(intl, id, values), [intl]);
}

/**
 * A message with markup: `values` may hold elements, and tags in the message (`<b>…</b>`) map to functions, as in
 * `<Msg id={id} values={{ b: (chunks) => <b>{chunks}</b> }} />`.
 */
export function Msg({ id, values }: { id: MessageId; values?: Record<string, unknown> }) {
  const intl = useIntl();
  const parts = intl.formatMessage({ id }, values as Record<string, string>) as ReactNode;
  return <>{parts}</>;
}
