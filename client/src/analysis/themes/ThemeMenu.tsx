import type { Theme } from '@accord/shared';
import { useT } from '../../i18n/index.js';
import { THEME_STATUS } from '../../i18n/labels.js';
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
  const t = useT();
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
        const id = createTheme(board.codebook, t('themeColumn.newSubTheme'), theme.id);
        board.openDetails(id, 'name');
        break;
      }
      case 'before':
        shiftTheme(board.codebook, theme, topLevel ? null : theme.parent, siblings, -1);
        board.announce(t(topLevel ? 'themeMenu.movedLeft' : 'themeMenu.movedUp', { theme: label }));
        break;
      case 'after':
        shiftTheme(board.codebook, theme, topLevel ? null : theme.parent, siblings, 1);
        board.announce(t(topLevel ? 'themeMenu.movedRight' : 'themeMenu.movedDown', { theme: label }));
        break;
      case 'top':
        reparentTheme(board.codebook, theme.id, null);
        board.announce(t('themeMenu.ownTheme', { theme: label }));
        break;
      case 'reviewed':
      case 'candidate':
        setStatus(board.codebook, theme.id, key);
        board.announce(t('themeMenu.nowStatus', { theme: label, status: t(THEME_STATUS[key]!) }));
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
      <MenuButton
        trigger={<span aria-hidden="true">⋯</span>}
        label={t('themeMenu.actionsFor', { theme: label })}
        onAction={run}
      >
        <MenuItem id="details">{t('themeMenu.details')}</MenuItem>
      </MenuButton>
    );
  }
  return (
    <MenuButton
      trigger={<span aria-hidden="true">⋯</span>}
      label={t('themeMenu.actionsFor', { theme: label })}
      onAction={run}
    >
      <MenuItem id="details">{t('themeMenu.details')}</MenuItem>
      <MenuItem id="rename">{t('themeMenu.rename')}</MenuItem>
      <MenuItem id="sub">{t('themeMenu.addSub')}</MenuItem>
      <MenuSeparator />
      {index > 0 && <MenuItem id="before">{t(topLevel ? 'themeMenu.moveLeft' : 'themeMenu.moveUp')}</MenuItem>}
      {index >= 0 && index < siblings.length - 1 && (
        <MenuItem id="after">{t(topLevel ? 'themeMenu.moveRight' : 'themeMenu.moveDown')}</MenuItem>
      )}
      {!topLevel && <MenuItem id="top">{t('themeMenu.ownThemeItem')}</MenuItem>}
      <MenuSeparator />
      {theme.status === 'candidate' && <MenuItem id="reviewed">{t('themeMenu.markReviewed')}</MenuItem>}
      {theme.status === 'reviewed' && <MenuItem id="candidate">{t('themeMenu.backToCandidate')}</MenuItem>}
      {theme.status === 'reviewed' && <MenuItem id="final">{t('themeMenu.markFinal')}</MenuItem>}
      {theme.status === 'final' && <MenuItem id="reviewed">{t('themeMenu.reopen')}</MenuItem>}
      <MenuSeparator />
      <MenuItem id="delete">{t('themeMenu.delete')}</MenuItem>
    </MenuButton>
  );
}
