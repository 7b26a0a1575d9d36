import { isThemeSelfOrDescendant, removeQuote, type Theme, themeMemoId } from '@accord/shared';
import { useEffect, useId, useRef } from 'react';
import { MemoEditor } from '../../app/MemoEditor.js';
import { local } from '../../coding/undo.js';
import { day } from '../../i18n/format.js';
import { useIntl, useT } from '../../i18n/index.js';
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
  const t = useT();
  const intl = useIntl();

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
          <span className="visually-hidden">{t('themeDetails.heading')}</span>
          {label}
        </h2>
        <Button variant="quiet" size="sm" aria-label={t('themeDetails.close')} onPress={onClose}>
          <span aria-hidden="true">✕</span>
        </Button>
      </header>
      <div className="theme-details-status">
        <StatusPill status={theme.status} />
        {theme.parent !== null && board.themeById.has(theme.parent) && (
          <span className="muted">
            {t('themeDetails.subThemeOf', { theme: themeTrail(board.themeById.get(theme.parent)!, board.themeById) })}
          </span>
        )}
      </div>
      <DraftField
        key={`name-${theme.id}`}
        label={t('themeDetails.name')}
        value={theme.name}
        readOnly={!canEdit}
        inputRef={name}
        onCommit={(value) => editTheme(codebook, theme.id, { name: value })}
      />
      <DraftField
        key={`definition-${theme.id}`}
        label={t('themeDetails.definition')}
        multiline
        value={theme.definition}
        readOnly={!canEdit}
        inputRef={definition}
        placeholder={canEdit ? t('themeDetails.definitionPlaceholder') : undefined}
        onCommit={(value) => editTheme(codebook, theme.id, { definition: value })}
      />
      {canEdit && (
        <div className="ui-field">
          <label className="ui-label" htmlFor={parentField}>
            {t('themeDetails.parent')}
          </label>
          <select
            id={parentField}
            className="ui-input"
            value={theme.parent !== null && board.themeById.has(theme.parent) ? theme.parent : ''}
            onChange={(event) => reparentTheme(codebook, theme.id, event.target.value || null)}
          >
            <option value="">{t('themeDetails.noParent')}</option>
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
            <Button onPress={() => setStatus(codebook, theme.id, 'reviewed')}>{t('themeMenu.markReviewed')}</Button>
          )}
          {theme.status === 'reviewed' && (
            <>
              <Button onPress={() => setStatus(codebook, theme.id, 'candidate')}>
                {t('themeMenu.backToCandidate')}
              </Button>
              <Button variant="primary" onPress={() => board.openGate(theme.id)}>
                {t('themeMenu.markFinal')}
              </Button>
            </>
          )}
          {theme.status === 'final' && (
            <Button onPress={() => setStatus(codebook, theme.id, 'reviewed')}>{t('themeMenu.reopen')}</Button>
          )}
        </div>
      )}
      {theme.finalisedWith && (
        <p className="theme-finalised">
          {t('themeDetails.finalisedOn', { date: day(intl, theme.finalisedWith.at) })}
          {t(theme.finalisedWith.round ? 'themeDetails.onRound' : 'themeColumn.beforeRound')}
          {theme.finalisedWith.warningsAcknowledged ? t('themeDetails.acknowledged') : ''}.
        </p>
      )}
      <MemoEditor
        key={theme.id}
        project={board.project}
        memo={themeMemoId(theme.id)}
        label={t('themeDetails.memo')}
        readOnly={!canEdit}
      />
      <section className="theme-quotes" aria-label={t('themeDetails.quotesFor', { theme: label })}>
        <h3>{t('themeDetails.quotes')}</h3>
        {theme.quotes.length === 0 ? (
          <p className="muted">{t('themeDetails.noQuotes')}</p>
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
                    {t('themeDetails.removeQuote')}
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
            {t('themeDetails.delete')}
          </Button>
        </div>
      )}
    </aside>
  );
}
