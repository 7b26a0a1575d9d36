import { useEffect, useSyncExternalStore } from 'react';
import { undoHistory, undoKey } from '../coding/undo.js';
import { useT } from '../i18n/index.js';

const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = MAC ? '⌘' : 'Ctrl+';

/**
 * Undo and redo buttons for the tab's history, and the keys (Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl/Cmd+Y) anywhere
 * on the page except in a plain form field, where the browser's own undo of what was typed applies. Render it once
 * per page.
 */
export function UndoControls() {
  const { canUndo, canRedo } = useSyncExternalStore(undoHistory.subscribe, undoHistory.getSnapshot);
  const t = useT();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = undoKey(event);
      if (!action) return;
      const target = event.target as HTMLElement | null;
      const field = target?.closest('input, textarea, select, [contenteditable="true"]');
      // Memos are shared texts with their own steps in the history; other fields keep the browser's undo.
      if (field && !field.classList.contains('memo-text')) return;
      event.preventDefault();
      if (action === 'undo') undoHistory.undo();
      else undoHistory.redo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <span className="undo-controls">
      <button
        type="button"
        className="undo"
        disabled={!canUndo}
        onClick={() => undoHistory.undo()}
        aria-keyshortcuts={MAC ? 'Meta+Z' : 'Control+Z'}
        title={t('undo.undoTitle', { keys: `${MOD}Z` })}
      >
        <span aria-hidden="true">↶</span> {t('undo.undo')}
      </button>
      <button
        type="button"
        className="redo"
        disabled={!canRedo}
        onClick={() => undoHistory.redo()}
        aria-keyshortcuts={MAC ? 'Meta+Shift+Z' : 'Control+Shift+Z Control+Y'}
        title={t('undo.redoTitle', { keys: `${MOD}Shift+Z` })}
      >
        <span aria-hidden="true">↷</span> {t('undo.redo')}
      </button>
    </span>
  );
}
