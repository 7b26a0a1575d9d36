import { useState } from 'react';
import { errorText } from '../../api/errors.js';
import { useT } from '../../i18n/index.js';
import { MenuButton, MenuItem } from '../../ui/Menu.js';
import { type Exportable, type ExportFormat, exportAs } from './exportFile.js';

/** "Export ▾": the overview as an SVG or PNG image, or its numbers as CSV. */
export function ExportMenu({ what, label }: { what: Exportable | null; label: string }) {
  const [error, setError] = useState<string | null>(null);
  const t = useT();
  if (what === null) return null;
  return (
    <span className="overview-export">
      <MenuButton
        trigger={t('overview.export')}
        label={t('overview.exportWhat', { what: label })}
        variant="secondary"
        onAction={(key) => {
          setError(null);
          exportAs(key as ExportFormat, what).catch((caught) => setError(errorText(caught)));
        }}
      >
        <MenuItem id="svg">{t('overview.svg')}</MenuItem>
        <MenuItem id="png">{t('overview.png')}</MenuItem>
        <MenuItem id="csv">{t('overview.csv')}</MenuItem>
      </MenuButton>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
