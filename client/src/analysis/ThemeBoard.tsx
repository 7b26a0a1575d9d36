import {
  addCodeToTheme,
  addTheme,
  type Code,
  deleteTheme,
  isThemeSelfOrDescendant,
  moveCodeToTheme,
  removeCodeFromTheme,
  removeQuote,
  setThemeParent,
  setThemeStatus,
  type Theme,
  themeMemoId,
  updateTheme,
} from '@accord/shared';
import { type DragEvent, type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { MemoEditor } from '../app/MemoEditor.js';
import { buildTree, flattenTree } from '../codebook/tree.js';
import { GateDialog } from './GateDialog.js';
import { ThemeMap } from './ThemeMap.js';
import { useThemes } from './useThemes.js';

/** What a drag carries: a code, and the theme it is dragged out of (none when it comes from the codebook). */
const DRAG_TYPE = 'application/x-accord-code';

interface Dragged {
  code: string;
  from: string | null;
}

function readDrag(event: DragEvent): Dragged | null {
  const raw = event.dataTransfer.getData(DRAG_TYPE);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Dragged;
    return typeof parsed.code === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

function startDrag(event: DragEvent, dragged: Dragged, label: string): void {
  event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragged));
  event.dataTransfer.setData('text/plain', label);
  event.dataTransfer.effectAllowed = dragged.from === null ? 'copy' : 'move';
}

/**
 * Candidate themes as cards grouping codes, live in the codebook document (every change syncs to everyone at
 * once). Codes are dragged from the codebook onto a theme, or between themes; each card also has a "add a code"
 * list and each code a "move to" list, so that everything can be done from the keyboard.
 */
export function ThemeBoard({
  project,
  codebook,
  codes,
  canEdit,
}: {
  project: string;
  codebook: Y.Doc;
  codes: readonly Code[];
  canEdit: boolean;
}) {
  const themes = useThemes(codebook);
  const [name, setName] = useState('');
  const [gateFor, setGateFor] = useState<string | null>(null);
  const byId = new Map(codes.map((code) => [code.id, code]));
  const nodes = flattenTree(buildTree(codes));
  const themed = new Set(themes.flatMap((theme) => theme.codes));
  const themeIds = new Set(themes.map((theme) => theme.id));
  const roots = themes.filter((theme) => theme.parent === null || !themeIds.has(theme.parent));
  // Two concurrent moves can make a parent cycle: such themes are shown at the top level, never hidden.
  const reachable = new Set<string>();
  const reach = (id: string) => {
    if (reachable.has(id)) return;
    reachable.add(id);
    for (const child of themes) if (child.parent === id) reach(child.id);
  };
  for (const root of roots) reach(root.id);
  roots.push(...themes.filter((theme) => !reachable.has(theme.id)));

  const create = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    addTheme(codebook, { name: name.trim() });
    setName('');
  };

  const context: CardContext = {
    project,
    codebook,
    themes,
    byId,
    codes: nodes.map((n) => n.code),
    canEdit,
    setGateFor,
  };
  return (
    <section className="theme-board" aria-label="Theme board">
      <div className="board">
        <aside className="board-codes" aria-label="Codes">
          <h2>Codes</h2>
          <p className="muted">Drag a code onto a theme.</p>
          <ul>
            {nodes.map((node) => (
              <li key={node.code.id} style={{ paddingLeft: `${node.depth}rem` }}>
                {/* biome-ignore lint/a11y/noStaticElementInteractions: a drag source; each theme's "Add a code" list is the keyboard way */}
                <span
                  className={`code-chip${themed.has(node.code.id) ? ' in-theme' : ''}`}
                  draggable={canEdit}
                  data-testid={`code-chip-${node.code.name}`}
                  onDragStart={(event) => startDrag(event, { code: node.code.id, from: null }, node.code.name)}
                  style={{ borderColor: node.code.colour }}
                >
                  {node.code.name}
                </span>
              </li>
            ))}
          </ul>
        </aside>
        <div className="board-themes">
          {canEdit && (
            <form className="row" onSubmit={create} aria-label="New theme">
              <input
                aria-label="New theme name"
                placeholder="New candidate theme…"
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
              <button type="submit">Add theme</button>
            </form>
          )}
          {themes.length === 0 && <p className="muted">No themes yet.</p>}
          <div className="theme-cards">
            {roots.map((theme) => (
              <ThemeCard key={theme.id} theme={theme} context={context} depth={0} />
            ))}
          </div>
        </div>
      </div>
      <ThemeMap themes={themes} codes={codes} />
      {gateFor !== null && <GateDialog project={project} themeId={gateFor} onClose={() => setGateFor(null)} />}
    </section>
  );
}

interface CardContext {
  project: string;
  codebook: Y.Doc;
  themes: Theme[];
  byId: Map<string, Code>;
  /** In tree order. */
  codes: Code[];
  canEdit: boolean;
  setGateFor: (theme: string) => void;
}

const STATUS_LABEL: Record<Theme['status'], string> = { candidate: 'candidate', reviewed: 'reviewed', final: 'final' };

function ThemeCard({ theme, context, depth }: { theme: Theme; context: CardContext; depth: number }) {
  const { codebook, canEdit, byId } = context;
  const [over, setOver] = useState(false);
  const children = context.themes.filter((other) => other.parent === theme.id && other.id !== theme.id);
  const label = theme.name || '(unnamed theme)';
  const drop = (event: DragEvent) => {
    event.preventDefault();
    event.stopPropagation();
    setOver(false);
    const dragged = readDrag(event);
    if (!dragged || !canEdit) return;
    if (dragged.from === null) addCodeToTheme(codebook, theme.id, dragged.code);
    else moveCodeToTheme(codebook, dragged.code, dragged.from, theme.id);
  };
  const parents = context.themes.filter((other) => !isThemeSelfOrDescendant(codebook, theme.id, other.id));
  const addable = context.codes.filter((code) => !theme.codes.includes(code.id));
  return (
    <article
      className={`theme-card status-${theme.status}${over ? ' drop-over' : ''}`}
      aria-label={`Theme ${label}`}
      data-testid={`theme-${theme.name}`}
      data-status={theme.status}
      onDragOver={(event) => {
        if (!canEdit || !event.dataTransfer.types.includes(DRAG_TYPE)) return;
        event.preventDefault();
        event.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <header className="row">
        <input
          className="theme-name"
          aria-label="Theme name"
          value={theme.name}
          readOnly={!canEdit}
          onChange={(event) => updateTheme(codebook, theme.id, { name: event.target.value })}
        />
        <span className={`tag status ${theme.status}`} data-testid="theme-status">
          {STATUS_LABEL[theme.status]}
        </span>
      </header>
      <label className="field">
        Definition
        <textarea
          aria-label="Definition"
          value={theme.definition}
          readOnly={!canEdit}
          rows={2}
          onChange={(event) => updateTheme(codebook, theme.id, { definition: event.target.value })}
        />
      </label>
      <ul className="theme-codes" aria-label={`Codes of ${label}`}>
        {theme.codes.map((id) => {
          const code = byId.get(id);
          const codeName = code?.name ?? '(deleted code)';
          return (
            <li key={id}>
              {/* biome-ignore lint/a11y/noStaticElementInteractions: a drag source; "Move to" is the keyboard way */}
              <span
                className="code-chip"
                draggable={canEdit}
                style={{ borderColor: code?.colour }}
                onDragStart={(event) => startDrag(event, { code: id, from: theme.id }, codeName)}
              >
                {codeName}
              </span>
              {canEdit && (
                <>
                  <select
                    aria-label={`Move ${codeName} to`}
                    value=""
                    onChange={(event) => {
                      if (event.target.value) moveCodeToTheme(codebook, id, theme.id, event.target.value);
                    }}
                  >
                    <option value="">Move to…</option>
                    {context.themes
                      .filter((other) => other.id !== theme.id)
                      .map((other) => (
                        <option key={other.id} value={other.id}>
                          {other.name || '(unnamed theme)'}
                        </option>
                      ))}
                  </select>
                  <button
                    type="button"
                    className="link"
                    aria-label={`Remove ${codeName} from ${label}`}
                    onClick={() => removeCodeFromTheme(codebook, theme.id, id)}
                  >
                    ×
                  </button>
                </>
              )}
            </li>
          );
        })}
        {theme.codes.length === 0 && <li className="muted">Drop codes here.</li>}
      </ul>
      {canEdit && (
        <select
          aria-label={`Add a code to ${label}`}
          value=""
          onChange={(event) => {
            if (event.target.value) addCodeToTheme(codebook, theme.id, event.target.value);
          }}
        >
          <option value="">Add a code…</option>
          {addable.map((code) => (
            <option key={code.id} value={code.id}>
              {code.name}
            </option>
          ))}
        </select>
      )}
      {theme.quotes.length > 0 && (
        <div className="quotes">
          <strong>Quotes</strong>
          {theme.quotes.map((quote) => (
            <figure key={quote.id}>
              <blockquote>{quote.text}</blockquote>
              {canEdit && (
                <button type="button" className="link" onClick={() => removeQuote(codebook, theme.id, quote.id)}>
                  Remove quote
                </button>
              )}
            </figure>
          ))}
        </div>
      )}
      <details>
        <summary>Memo</summary>
        <MemoEditor
          project={context.project}
          memo={themeMemoId(theme.id)}
          label={`Memo on ${label}`}
          readOnly={!canEdit}
        />
      </details>
      {canEdit && (
        <footer className="row">
          {theme.status === 'candidate' && (
            <button type="button" onClick={() => setThemeStatus(codebook, theme.id, 'reviewed')}>
              Mark reviewed
            </button>
          )}
          {theme.status === 'reviewed' && (
            <>
              <button type="button" onClick={() => setThemeStatus(codebook, theme.id, 'candidate')}>
                Back to candidate
              </button>
              <button type="button" onClick={() => context.setGateFor(theme.id)}>
                Mark final…
              </button>
            </>
          )}
          {theme.status === 'final' && (
            <button type="button" onClick={() => setThemeStatus(codebook, theme.id, 'reviewed')}>
              Reopen
            </button>
          )}
          <label>
            Sub-theme of{' '}
            <select
              value={theme.parent ?? ''}
              onChange={(event) => setThemeParent(codebook, theme.id, event.target.value || null)}
            >
              <option value="">(top level)</option>
              {parents.map((other) => (
                <option key={other.id} value={other.id}>
                  {other.name || '(unnamed theme)'}
                </option>
              ))}
            </select>
          </label>
          <span className="spacer" />
          <button type="button" className="danger" onClick={() => deleteTheme(codebook, theme.id)}>
            Delete theme
          </button>
        </footer>
      )}
      {theme.finalisedWith && (
        <p className="muted" data-testid="finalised-with">
          Final since {new Date(theme.finalisedWith.at).toLocaleDateString()}
          {theme.finalisedWith.round ? ', relying on the latest revealed round' : ', before any round was revealed'}
          {theme.finalisedWith.warningsAcknowledged ? ' (reliability warnings acknowledged)' : ''}.
        </p>
      )}
      {children.length > 0 && depth < 8 && (
        <div className="sub-themes">
          {children.map((child) => (
            <ThemeCard key={child.id} theme={child} context={context} depth={depth + 1} />
          ))}
        </div>
      )}
    </article>
  );
}
