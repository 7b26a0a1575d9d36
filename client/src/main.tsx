import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/queries.js';
import { App } from './app/App.js';
import './ui/tokens.css';
import './ui/ui.css';
import './styles.css';
import { applyTheme } from './ui/theme.js';

// The user's theme before the first paint, so a dark-theme user never sees a light flash.
applyTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
