import type { Theme } from '@accord/shared';
import { MenuButton, MenuItem, MenuSeparator } from '../../ui/index.js';
import { createTheme, reparentTheme, setStatus, shiftTheme } from './actions.js';
import { themeLabel, useBoard } from './boardContext.js';

/** The actions on a theme or sub-theme: details, a sub-theme, its place, its status, deleting it. */
export function ThemeMenu({
  theme,
  siblings,
  topLevel,
}: {
  theme: Theme;
  /** The themes beside it (columns, or the sub-themes of its parent), in order, itself included. */
  siblings: readonly Theme[];
  topLevel: boolean;
}) {
  const board = useBoard();
  const label = themeLabel(theme);
  const index = siblings.findIndex((sibling) => sibling.id === theme.id);
  const run = (key: string | number) => {
    switch (key) {
      case 'details':
        board.openDetails(theme.id);
        break;
      case 'rename':
        board.openDetails(theme.id, 'name');
        break;
      case 'sub': {
        const id = createTheme(board.codebook, 'New sub-theme', theme.id);
        board.openDetails(id, 'name');
        break;
      }
      case 'before':
        shiftTheme(board.codebook, theme, topLevel ? null : theme.parent, siblings, -1);
        board.announce(`Moved ${label} ${topLevel ? 'left' : 'up'}.`);
        break;
      case 'after':
        shiftTheme(board.codebook, theme, topLevel ? null : theme.parent, siblings, 1);
        board.announce(`Moved ${label} ${topLevel ? 'right' : 'down'}.`);
        break;
      case 'top':
        reparentTheme(board.codebook, theme.id, null);
        board.announce(`${label} is now a theme of its own.`);
        break;
      case 'reviewed':
      case 'candidate':
        setStatus(board.codebook, theme.id, key);
        board.announce(`${label} is now ${key}.`);
        break;
      case 'final':
        board.openGate(theme.id);
        break;
      case 'delete':
        board.askDelete(theme.id);
        break;
    }
  };
  if (!board.canEdit) {
    return (
      <MenuButton trigger={<span aria-hidden="true">⋯</span>} label={`Actions for ${label}`} onAction={run}>
        <MenuItem id="details">Details and memo</MenuItem>
      </MenuButton>
    );
  }
  return (
    <MenuButton trigger={<span aria-hidden="true">⋯</span>} label={`Actions for ${label}`} onAction={run}>
      <MenuItem id="details">Details and memo</MenuItem>
      <MenuItem id="rename">Rename</MenuItem>
      <MenuItem id="sub">Add a sub-theme</MenuItem>
      <MenuSeparator />
      {index > 0 && <MenuItem id="before">{topLevel ? 'Move left' : 'Move up'}</MenuItem>}
      {index >= 0 && index < siblings.length - 1 && (
        <MenuItem id="after">{topLevel ? 'Move right' : 'Move down'}</MenuItem>
      )}
      {!topLevel && <MenuItem id="top">Make it a theme of its own</MenuItem>}
      <MenuSeparator />
      {theme.status === 'candidate' && <MenuItem id="reviewed">Mark reviewed</MenuItem>}
      {theme.status === 'reviewed' && <MenuItem id="candidate">Back to candidate</MenuItem>}
      {theme.status === 'reviewed' && <MenuItem id="final">Mark final…</MenuItem>}
      {theme.status === 'final' && <MenuItem id="reviewed">Reopen</MenuItem>}
      <MenuSeparator />
      <MenuItem id="delete">Delete…</MenuItem>
    </MenuButton>
  );
}
