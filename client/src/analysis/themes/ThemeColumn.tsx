import type { Theme, ThemeNode } from '@accord/shared';
import { useId, useState } from 'react';
import { Button as AriaButton } from 'react-aria-components';
import { Button } from '../../ui/index.js';
import { createTheme } from './actions.js';
import { type Board, themeLabel, useBoard } from './boardContext.js';
import { CodeList } from './CodeList.js';
import { ThemeMenu } from './ThemeMenu.js';

const STATUS_TEXT: Record<Theme['status'], string> = { candidate: 'Candidate', reviewed: 'Reviewed', final: 'Final' };

export function StatusPill({ status }: { status: Theme['status'] }) {
  return (
    <span className={`theme-status theme-status-${status}`} data-testid="theme-status">
      {STATUS_TEXT[status]}
    </span>
  );
}

/** "3 codes · 14 codings" (codings of its own codes in the analysis scope, once the counts have come). */
function stats(theme: Theme, board: Board): string {
  const parts = [`${theme.codes.length} code${theme.codes.length === 1 ? '' : 's'}`];
  if (board.counts) {
    const codings = theme.codes.reduce((sum, code) => sum + (board.counts?.get(code)?.codings ?? 0), 0);
    parts.push(`${codings} coding${codings === 1 ? '' : 's'}`);
  }
  if (theme.quotes.length > 0) parts.push(`${theme.quotes.length} quote${theme.quotes.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function Finalised({ theme }: { theme: Theme }) {
  if (!theme.finalisedWith) return null;
  return (
    <p className="theme-finalised" data-testid="finalised-with">
      Final since {new Date(theme.finalisedWith.at).toLocaleDateString()}
      {theme.finalisedWith.round ? ', on the latest revealed round' : ', before any round was revealed'}
      {theme.finalisedWith.warningsAcknowledged ? ' (reliability warnings acknowledged)' : ''}.
    </p>
  );
}

function AddSubTheme({ parent }: { parent: Theme }) {
  const board = useBoard();
  if (!board.canEdit) return null;
  return (
    <Button
      variant="quiet"
      size="sm"
      className="add-sub-theme"
      aria-label={`Add a sub-theme to ${themeLabel(parent)}`}
      onPress={() => board.openDetails(createTheme(board.codebook, 'New sub-theme', parent.id), 'name')}
    >
      + Sub-theme
    </Button>
  );
}

/** A top-level theme as a board column: its name, status, definition, codes and sub-themes. */
export function ThemeColumn({ node, siblings }: { node: ThemeNode; siblings: readonly Theme[] }) {
  const board = useBoard();
  const { theme } = node;
  const label = themeLabel(theme);
  const heading = useId();
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
          <span className="theme-stats">{stats(theme, board)}</span>
          <ThemeMenu theme={theme} siblings={siblings} topLevel />
        </div>
        <h3 id={heading} className="theme-title">
          <AriaButton
            className="theme-title-button"
            aria-label={`${label}: details and memo`}
            onPress={() => board.openDetails(theme.id)}
          >
            {label}
          </AriaButton>
        </h3>
        {theme.definition.trim() ? (
          <p className="theme-definition">{theme.definition}</p>
        ) : (
          <p className="theme-definition is-empty">No definition yet.</p>
        )}
        <Finalised theme={theme} />
      </header>
      <div className="theme-column-body">
        <CodeList owner={theme.id} codes={theme.codes} label={`Codes of ${label}`} empty="Drop codes here" />
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
          aria-label={`Show the codes of ${label}`}
          onPress={() => setOpen((was) => !was)}
        >
          <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">
            <path d="M3 1.5 L7 5 L3 8.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          </svg>
        </AriaButton>
        <h4 id={heading} className="theme-title sub-theme-title">
          <AriaButton
            className="theme-title-button"
            aria-label={`${label}: details and memo`}
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
            <p className="theme-stats">{stats(theme, board)}</p>
            {theme.definition.trim() && <p className="theme-definition">{theme.definition}</p>}
            <Finalised theme={theme} />
            <CodeList owner={theme.id} codes={theme.codes} label={`Codes of ${label}`} empty="Drop codes here" />
            {node.children.map((child) => (
              <SubTheme key={child.theme.id} node={child} siblings={node.children.map((c) => c.theme)} />
            ))}
          </>
        )}
      </div>
    </section>
  );
}
