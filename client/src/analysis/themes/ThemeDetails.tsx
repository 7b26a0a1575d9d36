import { isThemeSelfOrDescendant, removeQuote, type Theme, themeMemoId } from '@accord/shared';
import { useEffect, useId, useRef } from 'react';
import { MemoEditor } from '../../app/MemoEditor.js';
import { local } from '../../coding/undo.js';
import { Button } from '../../ui/index.js';
import { editTheme, reparentTheme, setStatus } from './actions.js';
import { type DetailsFocus, themeLabel, themeTrail, useBoard } from './boardContext.js';
import { DraftField } from './DraftField.js';
import { StatusPill } from './ThemeColumn.js';

/**
 * The side sheet of one theme: name, definition, where it sits, its status and the finalisation gate, its memo
 * (a shared memo document, edited live), the quotes chosen for it, and deleting it. It stays open beside the board,
 * so that codes can still be dragged while it is shown.
 */
export function ThemeDetails({ theme, focus, onClose }: { theme: Theme; focus: DetailsFocus; onClose: () => void }) {
  const board = useBoard();
  const { codebook, canEdit } = board;
  const title = useId();
  const parentField = useId();
  const name = useRef<HTMLInputElement | HTMLTextAreaElement | null>(null);
  const definition = useRef<HTMLInputElement | HTMLTextAreaElement | null>(null);
  const label = themeLabel(theme);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again when another theme (or field) is asked for
  useEffect(() => {
    const field = focus === 'name' ? name.current : focus === 'definition' ? definition.current : null;
    if (field) {
      field.focus();
      field.select();
    }
  }, [theme.id, focus]);

  const parents = board.themes.filter((other) => !isThemeSelfOrDescendant(codebook, theme.id, other.id));
  return (
    <aside className="theme-details" aria-labelledby={title} data-testid="theme-details">
      <header className="theme-details-head">
        <h2 id={title}>
          <span className="visually-hidden">Theme details: </span>
          {label}
        </h2>
        <Button variant="quiet" size="sm" aria-label="Close theme details" onPress={onClose}>
          <span aria-hidden="true">✕</span>
        </Button>
      </header>
      <div className="theme-details-status">
        <StatusPill status={theme.status} />
        {theme.parent !== null && board.themeById.has(theme.parent) && (
          <span className="muted">Sub-theme of {themeTrail(board.themeById.get(theme.parent)!, board.themeById)}</span>
        )}
      </div>
      <DraftField
        key={`name-${theme.id}`}
        label="Name"
        value={theme.name}
        readOnly={!canEdit}
        inputRef={name}
        onCommit={(value) => editTheme(codebook, theme.id, { name: value })}
      />
      <DraftField
        key={`definition-${theme.id}`}
        label="Definition"
        multiline
        value={theme.definition}
        readOnly={!canEdit}
        inputRef={definition}
        placeholder={canEdit ? 'What this theme is about, and what it is not…' : undefined}
        onCommit={(value) => editTheme(codebook, theme.id, { definition: value })}
      />
      {canEdit && (
        <div className="ui-field">
          <label className="ui-label" htmlFor={parentField}>
            Sub-theme of
          </label>
          <select
            id={parentField}
            className="ui-input"
            value={theme.parent !== null && board.themeById.has(theme.parent) ? theme.parent : ''}
            onChange={(event) => reparentTheme(codebook, theme.id, event.target.value || null)}
          >
            <option value="">None: a theme of its own</option>
            {parents.map((other) => (
              <option key={other.id} value={other.id}>
                {themeTrail(other, board.themeById)}
              </option>
            ))}
          </select>
        </div>
      )}
      {canEdit && (
        <div className="theme-details-actions">
          {theme.status === 'candidate' && (
            <Button onPress={() => setStatus(codebook, theme.id, 'reviewed')}>Mark reviewed</Button>
          )}
          {theme.status === 'reviewed' && (
            <>
              <Button onPress={() => setStatus(codebook, theme.id, 'candidate')}>Back to candidate</Button>
              <Button variant="primary" onPress={() => board.openGate(theme.id)}>
                Mark final…
              </Button>
            </>
          )}
          {theme.status === 'final' && (
            <Button onPress={() => setStatus(codebook, theme.id, 'reviewed')}>Reopen</Button>
          )}
        </div>
      )}
      {theme.finalisedWith && (
        <p className="theme-finalised">
          Finalised on {new Date(theme.finalisedWith.at).toLocaleDateString()}
          {theme.finalisedWith.round ? ', relying on the latest revealed round' : ', before any round was revealed'}
          {theme.finalisedWith.warningsAcknowledged ? '; reliability warnings were acknowledged' : ''}.
        </p>
      )}
      <MemoEditor
        key={theme.id}
        project={board.project}
        memo={themeMemoId(theme.id)}
        label="Memo"
        readOnly={!canEdit}
      />
      <section className="theme-quotes" aria-label={`Quotes for ${label}`}>
        <h3>Quotes</h3>
        {theme.quotes.length === 0 ? (
          <p className="muted">No quotes yet. Choose them in Retrieval, with a segment’s “Use as a quote for…”.</p>
        ) : (
          <ul>
            {theme.quotes.map((quote) => (
              <li key={quote.id}>
                <blockquote>{quote.text}</blockquote>
                {canEdit && (
                  <Button
                    variant="quiet"
                    size="sm"
                    onPress={() => local(codebook, () => removeQuote(codebook, theme.id, quote.id))}
                  >
                    Remove quote
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      {canEdit && (
        <div className="theme-details-danger">
          <Button variant="danger" onPress={() => board.askDelete(theme.id)}>
            Delete theme…
          </Button>
        </div>
      )}
    </aside>
  );
}
