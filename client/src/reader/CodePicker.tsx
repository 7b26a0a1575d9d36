import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { buildTree, filterCodes, flattenTree } from '../codebook/tree.js';
import type { CodebookView } from '../sync/model.js';

export interface PickerProps {
  codebook: CodebookView;
  /** Codes on the digit keys 1-9 (slot i is key i + 1; null or '' for none), as the user assigned them. */
  shortcuts: readonly (string | null)[];
  anchor: DOMRect;
  /** The selected passage, quoted in the picker. */
  excerpt: string;
  /** Codes already on exactly this passage in the coder's layer (marked, not offered twice). */
  applied: ReadonlySet<string>;
  canCreate: boolean;
  /** Applies a code; `keepOpen` for applying several codes in a row. */
  onApply: (codeId: string, keepOpen: boolean) => void;
  onCreate: (name: string) => void;
  /** `restoreFocus` false when focus already went elsewhere (a click outside), true for Escape. */
  onClose: (restoreFocus: boolean) => void;
}

/**
 * The code picker (ARIA combobox): type to filter, arrows to move, Enter applies and closes, Shift+Enter applies
 * and stays open for another code, digits 1-9 (with an empty filter) apply the shortcut codes, Escape closes.
 */
export function CodePicker(props: PickerProps) {
  const { codebook, shortcuts, anchor, applied } = props;
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const nodes = useMemo(() => flattenTree(buildTree(codebook.codes)), [codebook.codes]);
  const matches = useMemo(() => filterCodes(nodes, query), [nodes, query]);
  const exact = matches.some((node) => node.code.name.toLowerCase() === query.trim().toLowerCase());
  const offerCreate = props.canCreate && query.trim() !== '' && !exact;
  const optionCount = matches.length + (offerCreate ? 1 : 0);

  useEffect(() => input.current?.focus(), []);

  const choose = (index: number, keepOpen: boolean) => {
    const node = matches[index];
    if (node) props.onApply(node.code.id, keepOpen);
    else if (offerCreate) props.onCreate(query.trim());
    if (keepOpen) {
      setQuery('');
      setActive(0);
    }
  };

  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') setActive((i) => Math.min(optionCount - 1, i + 1));
    else if (event.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
    else if (event.key === 'Enter') choose(active, event.shiftKey);
    else if (event.key === 'Escape') props.onClose(true);
    else if (query === '' && /^[1-9]$/.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const code = shortcuts[Number(event.key) - 1];
      if (code) props.onApply(code, event.shiftKey);
    } else return;
    event.preventDefault();
  };

  const top = Math.min(anchor.bottom + 6, window.innerHeight - 320);
  const left = Math.max(8, Math.min(anchor.left, window.innerWidth - 340));
  return (
    <div className="picker" role="dialog" aria-label="Apply a code" style={{ top, left }}>
      <p className="excerpt">“{props.excerpt}”</p>
      <input
        ref={input}
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={optionCount > 0 ? `${id}-${active}` : undefined}
        aria-autocomplete="list"
        aria-label="Code to apply"
        placeholder="Type to filter, Enter to apply"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKey}
        onBlur={(event) => {
          const to = event.relatedTarget as Element | null;
          if (event.currentTarget.parentElement?.contains(to)) return;
          // Into the codebook panel: its Apply buttons and drag and drop code the passage the picker holds.
          if (to?.closest('.codebook')) return;
          props.onClose(false);
        }}
      />
      <div id={`${id}-list`} role="listbox" aria-label="Codes" className="picker-list">
        {matches.map((node, index) => {
          const shortcut = shortcuts.indexOf(node.code.id);
          return (
            <div
              key={node.code.id}
              tabIndex={-1}
              id={`${id}-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'option active' : 'option'}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(index, event.shiftKey);
              }}
              onMouseEnter={() => setActive(index)}
            >
              <span className="swatch" style={{ background: node.code.colour }} aria-hidden="true" />
              <span style={{ paddingLeft: `${query ? 0 : node.depth}em` }}>
                {query ? node.path.join(' › ') : node.code.name}
              </span>
              {applied.has(node.code.id) && <span className="muted"> (applied)</span>}
              {shortcut >= 0 && <kbd className="shortcut">{shortcut + 1}</kbd>}
            </div>
          );
        })}
        {offerCreate && (
          <div
            id={`${id}-${matches.length}`}
            tabIndex={-1}
            role="option"
            aria-selected={active === matches.length}
            className={active === matches.length ? 'option active' : 'option'}
            onMouseDown={(event) => {
              event.preventDefault();
              choose(matches.length, false);
            }}
          >
            Create code “{query.trim()}” and apply
          </div>
        )}
        {optionCount === 0 && <p className="muted">No code matches.</p>}
      </div>
      <p className="hint muted">Enter applies · Shift+Enter applies another · 1-9 shortcuts · Esc closes</p>
    </div>
  );
}
