import type { Theme, ThemeNode } from '@accord/shared';
import { useId, useState } from 'react';
import { Button as AriaButton } from 'react-aria-components';
import { day } from '../../i18n/format.js';
import { type MessageId, msg, type Translate, useIntl, useT } from '../../i18n/index.js';
import { Button } from '../../ui/index.js';
import { createTheme } from './actions.js';
import { type Board, themeLabel, useBoard } from './boardContext.js';
import { CodeList } from './CodeList.js';
import { ThemeMenu } from './ThemeMenu.js';

const STATUS_TEXT: Record<Theme['status'], MessageId> = {
  candidate: msg('themeColumn.status.candidate'),
  reviewed: msg('themeColumn.status.reviewed'),
  final: msg('themeColumn.status.final'),
};

export function StatusPill({ status }: { status: Theme['status'] }) {
  const t = useT();
  return (
    <span className={`theme-status theme-status-${status}`} data-testid="theme-status">
      {t(STATUS_TEXT[status])}
    </span>
  );
}

/** "3 codes · 14 codings" (codings of its own codes in the analysis scope, once the counts have come). */
function stats(theme: Theme, board: Board, t: Translate): string {
  const parts = [t('themeColumn.codes', { count: theme.codes.length })];
  if (board.counts) {
    const codings = theme.codes.reduce((sum, code) => sum + (board.counts?.get(code)?.codings ?? 0), 0);
    parts.push(t('themeColumn.codings', { count: codings }));
  }
  if (theme.quotes.length > 0) parts.push(t('themeColumn.quotes', { count: theme.quotes.length }));
  return parts.join(' · ');
}

function Finalised({ theme }: { theme: Theme }) {
  const t = useT();
  const intl = useIntl();
  if (!theme.finalisedWith) return null;
  return (
    <p className="theme-finalised" data-testid="finalised-with">
      {t('themeColumn.finalSince', { date: day(intl, theme.finalisedWith.at) })}
      {t(theme.finalisedWith.round ? 'themeColumn.onRound' : 'themeColumn.beforeRound')}
      {theme.finalisedWith.warningsAcknowledged ? t('themeColumn.acknowledged') : ''}.
    </p>
  );
}

function AddSubTheme({ parent }: { parent: Theme }) {
  const board = useBoard();
  const t = useT();
  if (!board.canEdit) return null;
  return (
    <Button
      variant="quiet"
      size="sm"
      className="add-sub-theme"
      aria-label={t('themeColumn.addSubThemeTo', { theme: themeLabel(parent) })}
      onPress={() => board.openDetails(createTheme(board.codebook, t('themeColumn.newSubTheme'), parent.id), 'name')}
    >
      {t('themeColumn.subTheme')}
    </Button>
  );
}

/** A top-level theme as a board column: its name, status, definition, codes and sub-themes. */
export function ThemeColumn({ node, siblings }: { node: ThemeNode; siblings: readonly Theme[] }) {
  const board = useBoard();
  const { theme } = node;
  const label = themeLabel(theme);
  const heading = useId();
  const t = useT();
  return (
    <article
      className={`theme-column status-${theme.status}${board.selected === theme.id ? ' is-selected' : ''}`}
      aria-labelledby={heading}
      data-testid={`theme-${theme.name}`}
      data-status={theme.status}
    >
      <header className="theme-column-head">
        <div className="theme-column-bar">
          <StatusPill status={theme.status} />
          <span className="theme-stats">{stats(theme, board, t)}</span>
          <ThemeMenu theme={theme} siblings={siblings} topLevel />
        </div>
        <h3 id={heading} className="theme-title">
          <AriaButton
            className="theme-title-button"
            aria-label={t('themeColumn.details', { theme: label })}
            onPress={() => board.openDetails(theme.id)}
          >
            {label}
          </AriaButton>
        </h3>
        {theme.definition.trim() ? (
          <p className="theme-definition">{theme.definition}</p>
        ) : (
          <p className="theme-definition is-empty">{t('themeColumn.noDefinition')}</p>
        )}
        <Finalised theme={theme} />
      </header>
      <div className="theme-column-body">
        <CodeList
          owner={theme.id}
          codes={theme.codes}
          label={t('themeColumn.codesOf', { theme: label })}
          empty={t('themeColumn.dropHere')}
        />
        {node.children.map((child) => (
          <SubTheme key={child.theme.id} node={child} siblings={node.children.map((c) => c.theme)} />
        ))}
        <AddSubTheme parent={theme} />
      </div>
    </article>
  );
}

/** A sub-theme inside its parent's column (sub-themes of sub-themes nest further), collapsible. */
function SubTheme({ node, siblings }: { node: ThemeNode; siblings: readonly Theme[] }) {
  const board = useBoard();
  const { theme } = node;
  const label = themeLabel(theme);
  const heading = useId();
  const t = useT();
  const body = useId();
  const [open, setOpen] = useState(true);
  return (
    <section
      className={`sub-theme status-${theme.status}${board.selected === theme.id ? ' is-selected' : ''}`}
      aria-labelledby={heading}
      data-testid={`theme-${theme.name}`}
      data-status={theme.status}
    >
      <div className="sub-theme-head">
        <AriaButton
          className="sub-theme-toggle"
          aria-expanded={open}
          aria-controls={body}
          aria-label={t('themeColumn.showCodes', { theme: label })}
          onPress={() => setOpen((was) => !was)}
        >
          <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">
            <path d="M3 1.5 L7 5 L3 8.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          </svg>
        </AriaButton>
        <h4 id={heading} className="theme-title sub-theme-title">
          <AriaButton
            className="theme-title-button"
            aria-label={t('themeColumn.details', { theme: label })}
            onPress={() => board.openDetails(theme.id)}
          >
            {label}
          </AriaButton>
        </h4>
        {theme.status !== 'candidate' && <StatusPill status={theme.status} />}
        <ThemeMenu theme={theme} siblings={siblings} topLevel={false} />
      </div>
      <div id={body} className="sub-theme-body">
        {open && (
          <>
            <p className="theme-stats">{stats(theme, board, t)}</p>
            {theme.definition.trim() && <p className="theme-definition">{theme.definition}</p>}
            <Finalised theme={theme} />
            <CodeList
              owner={theme.id}
              codes={theme.codes}
              label={t('themeColumn.codesOf', { theme: label })}
              empty={t('themeColumn.dropHere')}
            />
            {node.children.map((child) => (
              <SubTheme key={child.theme.id} node={child} siblings={node.children.map((c) => c.theme)} />
            ))}
          </>
        )}
      </div>
    </section>
  );
}
