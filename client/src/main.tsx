import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/queries.js';
import { App } from './app/App.js';
import './ui/tokens.css';
import './ui/ui.css';
import './styles.css';
import { activeLocale, applyDocumentLocale, LocaleProvider, loadLocale } from './i18n/index.js';
import { applyTheme } from './ui/theme.js';

// The user's theme before the first paint, so a dark-theme user never sees a light flash.
applyTheme();

// The interface's language (the last choice in this browser, else the browser's own) before the first paint: its
// catalogue is loaded first, so no English flashes by; a failed load shows English.
const locale = activeLocale();
applyDocumentLocale(locale);
loadLocale(locale)
  .catch((error: unknown) => console.error(`the ${locale} catalogue did not load`, error))
  .finally(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <LocaleProvider>
          <QueryClientProvider client={createQueryClient()}>
            <App />
          </QueryClientProvider>
        </LocaleProvider>
      </StrictMode>,
    ),
  );
