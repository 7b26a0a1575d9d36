import { useState } from 'react';
import { errorText } from '../../api/errors.js';
import { MenuButton, MenuItem } from '../../ui/Menu.js';
import { type Exportable, type ExportFormat, exportAs } from './exportFile.js';

/** "Export ▾": the overview as an SVG or PNG image, or its numbers as CSV. */
export function ExportMenu({ what, label }: { what: Exportable | null; label: string }) {
  const [error, setError] = useState<string | null>(null);
  if (what === null) return null;
  return (
    <span className="overview-export">
      <MenuButton
        trigger="Export…"
        label={`Export ${label}`}
        variant="secondary"
        onAction={(key) => {
          setError(null);
          exportAs(key as ExportFormat, what).catch((caught) => setError(errorText(caught)));
        }}
      >
        <MenuItem id="svg">SVG image</MenuItem>
        <MenuItem id="png">PNG image</MenuItem>
        <MenuItem id="csv">CSV table</MenuItem>
      </MenuButton>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
