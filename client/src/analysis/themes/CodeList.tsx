import {
  Button as AriaButton,
  GridList,
  GridListItem,
  Header,
  MenuSection,
  useDragAndDrop,
} from 'react-aria-components';
import { useT } from '../../i18n/index.js';
import { MenuButton, MenuItem } from '../../ui/index.js';
import { themeLabel, themeTrail, useBoard } from './boardContext.js';
import { CODE_DRAG_TYPE, codeDragItem, placeCodes, readDroppedCodes } from './dnd.js';

/**
 * The codes of a theme, a sub-theme or the unassigned tray, as cards: a drag source and a drop target for codes.
 * React Aria's drag and drop gives the keyboard the same moves as the mouse (focus a card, the drag handle, Enter,
 * Tab to a list, Enter) with screen-reader announcements; each card's menu moves it in one step as well.
 */
export function CodeList({
  owner,
  codes,
  label,
  empty,
}: {
  /** The theme these codes are in; null for the unassigned codes. */
  owner: string | null;
  codes: readonly string[];
  label: string;
  empty: string;
}) {
  const board = useBoard();
  const t = useT();
  const name = (code: string) => board.codeById.get(code)?.name ?? t('theme.deletedCode');
  const { dragAndDropHooks } = useDragAndDrop({
    getItems: (keys) => [...keys].map((key) => codeDragItem({ code: String(key), from: owner }, name(String(key)))),
    getAllowedDropOperations: () => ['move'],
    acceptedDragTypes: [CODE_DRAG_TYPE],
    getDropOperation: () => 'move',
    onRootDrop: async (event) => {
      const dropped = (await readDroppedCodes(event.items)).filter((item) => item.from !== owner);
      if (dropped.length === 0) return;
      placeCodes(board.codebook, dropped, owner);
      const target = owner === null ? t('codeList.unassignedTarget') : themeLabel(board.themeById.get(owner));
      board.announce(t('codeList.moved', { codes: dropped.map((item) => name(item.code)).join(', '), target }));
    },
  });
  return (
    <GridList
      aria-label={label}
      className="code-list"
      data-owner={owner ?? 'unassigned'}
      dragAndDropHooks={board.canEdit ? dragAndDropHooks : undefined}
      renderEmptyState={() => <span className="code-list-empty">{empty}</span>}
    >
      {codes.map((code) => (
        <CodeCard key={code} code={code} owner={owner} />
      ))}
    </GridList>
  );
}

function CodeCard({ code, owner }: { code: string; owner: string | null }) {
  const board = useBoard();
  const found = board.codeById.get(code);
  const t = useT();
  const path = found ? board.codePath(code) : [t('theme.deletedCode')];
  const name = path[path.length - 1]!;
  const above = path.slice(0, -1);
  const count = board.counts?.get(code);
  const countText = count ? t('codeList.count', { codings: count.codings, transcripts: count.transcripts }) : null;
  return (
    <GridListItem id={code} textValue={name} className="code-card" data-code={name}>
      {({ allowsDragging }) => (
        <>
          {allowsDragging && (
            <AriaButton slot="drag" className="code-card-grip">
              <svg viewBox="0 0 8 14" width="8" height="14" aria-hidden="true">
                {[2, 7, 12].flatMap((y) => [
                  <circle key={`a${y}`} cx="2" cy={y} r="1.3" />,
                  <circle key={`b${y}`} cx="6" cy={y} r="1.3" />,
                ])}
              </svg>
            </AriaButton>
          )}
          <span className="code-swatch" style={{ background: found?.colour ?? 'transparent' }} aria-hidden="true" />
          <span className="code-card-name" title={path.join(' › ')}>
            {above.length > 0 && <span className="code-card-path">{above.join(' › ')} › </span>}
            {name}
          </span>
          {count && (
            <span className="code-card-count" title={countText ?? undefined} data-testid="code-count">
              <span aria-hidden="true">{count.codings}</span>
              <span className="visually-hidden">, {countText}</span>
            </span>
          )}
          {board.canEdit && <CodeMenu code={code} name={name} owner={owner} />}
        </>
      )}
    </GridListItem>
  );
}

/** Moving a code without dragging: to another theme, back to the unassigned codes, or into a second theme too. */
function CodeMenu({ code, name, owner }: { code: string; name: string; owner: string | null }) {
  const board = useBoard();
  const others = board.themes.filter((theme) => theme.id !== owner);
  const t = useT();
  const trail = (id: string) => themeTrail(board.themeById.get(id)!, board.themeById);
  const run = (key: string | number) => {
    const [action, target = ''] = String(key).split(':');
    if (action === 'move' || action === 'copy') {
      placeCodes(board.codebook, [{ code, from: owner }], target, action === 'copy');
      board.announce(t(action === 'copy' ? 'codeList.added' : 'codeList.movedOne', { name, theme: trail(target) }));
    } else if (action === 'unassign' && owner !== null) {
      placeCodes(board.codebook, [{ code, from: owner }], null);
      board.announce(t('codeList.removed', { name, theme: trail(owner) }));
    }
  };
  return (
    <MenuButton trigger={<span aria-hidden="true">⋯</span>} label={t('codeList.move', { name })} onAction={run}>
      <MenuSection>
        <Header className="ui-menu-heading">{t(owner === null ? 'codeList.addTo' : 'codeList.moveTo')}</Header>
        {others.map((theme) => (
          <MenuItem key={theme.id} id={`move:${theme.id}`} textValue={trail(theme.id)}>
            {trail(theme.id)}
          </MenuItem>
        ))}
        {owner !== null && (
          <MenuItem id="unassign" textValue={t('board.unassigned')}>
            {t('codeList.unassign', { theme: themeLabel(board.themeById.get(owner)) })}
          </MenuItem>
        )}
      </MenuSection>
      {owner !== null && others.some((theme) => !theme.codes.includes(code)) && (
        <MenuSection>
          <Header className="ui-menu-heading">{t('codeList.alsoAddTo')}</Header>
          {others
            .filter((theme) => !theme.codes.includes(code))
            .map((theme) => (
              <MenuItem
                key={theme.id}
                id={`copy:${theme.id}`}
                textValue={t('codeList.also', { theme: trail(theme.id) })}
              >
                {trail(theme.id)}
              </MenuItem>
            ))}
        </MenuSection>
      )}
    </MenuButton>
  );
}
