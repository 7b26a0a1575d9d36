import { type AnalysisScope, type Code, DEFAULT_SCOPE, deleteTheme, themesMap, themeTree } from '@accord/shared';
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Input, Label, TextField } from 'react-aria-components';
import type * as Y from 'yjs';
import { buildTree, flattenTree } from '../codebook/tree.js';
import { local, undoHistory } from '../coding/undo.js';
import { useT } from '../i18n/index.js';
import { UndoControls } from '../reader/UndoControls.js';
import { Button, Dialog } from '../ui/index.js';
import { GateDialog } from './GateDialog.js';
import { CountedNote } from './ScopeSelector.js';
import { ThemeMap } from './ThemeMap.js';
import { createTheme } from './themes/actions.js';
import { type Board, BoardContext, type DetailsFocus, themeLabel } from './themes/boardContext.js';
import { CodeList } from './themes/CodeList.js';
import { ThemeColumn } from './themes/ThemeColumn.js';
import { ThemeDetails } from './themes/ThemeDetails.js';
import { useCodeCounts } from './themes/useCodeCounts.js';
import { useThemes } from './useThemes.js';
import './themes/themes.css';

/**
 * The theme board: candidate themes as columns, their codes as cards with the number of codings each has in the
 * analysis scope, sub-themes nested (and collapsible) inside their theme, and the codes no theme has yet in a tray
 * on the left. Codes are dragged between them with the mouse or the keyboard, or moved from a card's menu. A
 * theme's name, definition, memo and quotes are edited in a side sheet that stays open beside the board.
 *
 * Themes live in the codebook document: every change reaches co-researchers at once, and every change made here
 * is one step of this user's undo (Ctrl+Z), never anyone else's. Finalising goes through the gate (GateDialog).
 */
export function ThemeBoard({
  project,
  codebook,
  codes,
  canEdit,
  scope = DEFAULT_SCOPE,
}: {
  project: string;
  codebook: Y.Doc;
  codes: readonly Code[];
  canEdit: boolean;
  scope?: AnalysisScope;
}) {
  const themes = useThemes(codebook);
  const { counts, counted, error: countError } = useCodeCounts(project, scope);
  const [details, setDetails] = useState<{ theme: string; focus: DetailsFocus } | null>(null);
  const [gateFor, setGateFor] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [name, setName] = useState('');
  const [filter, setFilter] = useState('');
  const newName = useRef<HTMLInputElement>(null);
  const t = useT();

  useEffect(() => {
    if (canEdit) undoHistory.track(codebook, [themesMap(codebook)]);
  }, [codebook, canEdit]);

  const nodes = useMemo(() => flattenTree(buildTree(codes)), [codes]);
  const paths = useMemo(() => new Map(nodes.map((node) => [node.code.id, node.path])), [nodes]);
  const tree = useMemo(() => themeTree(themes), [themes]);
  const themeById = useMemo(() => new Map(themes.map((theme) => [theme.id, theme])), [themes]);
  const codeById = useMemo(() => new Map(codes.map((code) => [code.id, code])), [codes]);
  const themed = useMemo(() => new Set(themes.flatMap((theme) => theme.codes)), [themes]);
  const unassigned = useMemo(() => {
    const words = filter.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
    return nodes
      .filter((node) => !themed.has(node.code.id))
      .filter((node) => words.every((word) => node.path.join(' ').toLocaleLowerCase().includes(word)))
      .map((node) => node.code.id);
  }, [nodes, themed, filter]);
  const unassignedTotal = nodes.filter((node) => !themed.has(node.code.id)).length;

  const openDetails = useCallback((theme: string, focus: DetailsFocus = null) => setDetails({ theme, focus }), []);
  // Say it once more if the same thing happens twice (a live region only speaks when its text changes).
  const announce = useCallback((text: string) => setMessage((was) => (was === text ? `${text}\u00a0` : text)), []);

  const board: Board = {
    project,
    codebook,
    canEdit,
    themes,
    tree,
    themeById,
    codeById,
    codePath: (code) => paths.get(code) ?? [codeById.get(code)?.name ?? t('theme.deletedCode')],
    counts,
    selected: details?.theme ?? null,
    openDetails,
    openGate: setGateFor,
    askDelete: setDeleting,
    announce,
  };

  const selected = details ? themeById.get(details.theme) : undefined;
  // The theme shown in the sheet was deleted (here or by someone else): close the sheet.
  useEffect(() => {
    if (details && !themeById.has(details.theme)) setDetails(null);
  }, [details, themeById]);

  const create = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    createTheme(codebook, trimmed);
    setName('');
    announce(t('board.added', { name: trimmed }));
    newName.current?.focus();
  };

  const doomed = deleting ? themeById.get(deleting) : undefined;
  const confirmDelete = () => {
    if (!doomed) return;
    local(codebook, () => deleteTheme(codebook, doomed.id));
    setDeleting(null);
    announce(t('board.deleted', { name: themeLabel(doomed) }));
  };

  const topLevel = tree.map((node) => node.theme);
  return (
    <BoardContext.Provider value={board}>
      <section className="theme-board" aria-label={t('board.label')}>
        <div className="theme-board-toolbar">
          {canEdit && (
            <form className="new-theme" onSubmit={create} aria-label={t('board.newTheme')}>
              <TextField value={name} onChange={setName} aria-label={t('board.newThemeName')}>
                <Label className="visually-hidden">{t('board.newThemeName')}</Label>
                <Input ref={newName} className="ui-input" placeholder={t('board.newThemePlaceholder')} />
              </TextField>
              <Button type="submit" variant="primary">
                {t('board.addTheme')}
              </Button>
            </form>
          )}
          <div className="theme-board-counted">
            {countError ? (
              <p className="error">{t('board.countsUnavailable')}</p>
            ) : (
              <CountedNote counted={counted ?? undefined} />
            )}
          </div>
          {canEdit && <UndoControls />}
        </div>
        <div className={`theme-board-main${selected ? ' has-details' : ''}`}>
          <div className="theme-board-scroll" data-testid="theme-board-columns">
            <section className="board-column unassigned-column" aria-labelledby="unassigned-heading">
              <header className="theme-column-head">
                <h3 id="unassigned-heading" className="theme-title">
                  {t('board.unassigned')} <span className="theme-stats">{unassignedTotal}</span>
                </h3>
                <p className="theme-definition is-empty">
                  {t(canEdit ? 'board.unassignedHintEdit' : 'board.unassignedHint')}
                </p>
                <TextField value={filter} onChange={setFilter} className="code-filter">
                  <Label className="visually-hidden">{t('board.findCode')}</Label>
                  <Input className="ui-input" placeholder={t('board.findCodePlaceholder')} type="search" />
                </TextField>
              </header>
              <div className="theme-column-body">
                <CodeList
                  owner={null}
                  codes={unassigned}
                  label={t('board.unassigned')}
                  empty={
                    filter.trim() ? t('board.noMatch') : codes.length === 0 ? t('board.noCodes') : t('board.allThemed')
                  }
                />
              </div>
            </section>
            {tree.map((node) => (
              <ThemeColumn key={node.theme.id} node={node} siblings={topLevel} />
            ))}
            {themes.length === 0 && (
              <div className="board-column board-column-hint">
                <p className="muted">{t(canEdit ? 'board.noThemesEdit' : 'board.noThemes')}</p>
              </div>
            )}
          </div>
          {selected && details && (
            <ThemeDetails theme={selected} focus={details.focus} onClose={() => setDetails(null)} />
          )}
        </div>
        <p className="visually-hidden" role="status" aria-live="polite">
          {message}
        </p>
        <ThemeMap themes={themes} codes={codes} />
        {gateFor !== null && <GateDialog project={project} themeId={gateFor} onClose={() => setGateFor(null)} />}
        <Dialog
          title={t('board.deleteTitle', { name: themeLabel(doomed) })}
          role="alertdialog"
          isOpen={doomed !== undefined}
          onOpenChange={(open) => !open && setDeleting(null)}
        >
          <p>{t('board.deleteBody')}</p>
          <div className="actions">
            <Button onPress={() => setDeleting(null)}>{t('common.cancel')}</Button>
            <Button variant="danger" onPress={confirmDelete}>
              {t('board.delete')}
            </Button>
          </div>
        </Dialog>
      </section>
    </BoardContext.Provider>
  );
}
