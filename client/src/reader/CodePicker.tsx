import { type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { Autocomplete, Input, TextField } from 'react-aria-components';
import { buildTree, type CodeNode, filterCodes, flattenTree } from '../codebook/tree.js';
import { useT } from '../i18n/index.js';
import type { CodebookView } from '../sync/model.js';
import { ListBox, ListBoxItem } from '../ui/ListBox.js';
import './CodePicker.css';

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

/** The key of the "Create code … and apply" option (code ids never start with a control character). */
const CREATE = '\u0000create';

interface Option {
  id: string;
  node: CodeNode | null;
}

/**
 * The code picker: a React Aria autocomplete (a text field that filters a list box; the field keeps the focus and
 * the highlighted option is its active descendant). Type to filter, ↓/↑ to move, Enter applies and closes,
 * Shift+Enter applies and stays open for another code, digits 1-9 (with an empty filter) apply the shortcut
 * codes, Escape closes. Enter, the digits and Escape are taken before React Aria sees them, because each needs
 * the modifier keys or the filter, which an option's action does not get.
 */
export function CodePicker(props: PickerProps) {
  const { codebook, shortcuts, anchor, applied } = props;
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const t = useT();
  /** Whether Shift was down when the pointer pressed an option (keep the picker open). */
  const shift = useRef(false);
  const nodes = useMemo(() => flattenTree(buildTree(codebook.codes)), [codebook.codes]);
  const matches = useMemo(() => filterCodes(nodes, query), [nodes, query]);
  const name = query.trim();
  const exact = matches.some((node) => node.code.name.toLowerCase() === name.toLowerCase());
  const offerCreate = props.canCreate && name !== '' && !exact;
  const options = useMemo<Option[]>(
    () => [
      ...matches.map((node) => ({ id: node.code.id, node })),
      ...(offerCreate ? [{ id: CREATE, node: null }] : []),
    ],
    [matches, offerCreate],
  );

  const choose = (id: string, keepOpen: boolean) => {
    if (id === CREATE) props.onCreate(name);
    else props.onApply(id, keepOpen);
    if (keepOpen) setQuery('');
  };

  const onKeyDownCapture = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== input.current) return;
    if (event.key === 'Enter') {
      // The highlighted option (the list's focused item: the field's active descendant follows it a moment later,
      // for screen readers), or the best match when none is highlighted.
      const focused = event.currentTarget.querySelector<HTMLElement>('[role="option"][data-focused]');
      const key = focused?.dataset.key ?? options[0]?.id;
      if (key) choose(key, event.shiftKey);
    } else if (event.key === 'Escape') {
      props.onClose(true);
    } else if (query === '' && /^[1-9]$/.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const code = shortcuts[Number(event.key) - 1];
      if (code) props.onApply(code, event.shiftKey);
    } else return;
    event.preventDefault();
    event.stopPropagation();
  };

  const top = Math.min(anchor.bottom + 6, window.innerHeight - 340);
  const left = Math.max(8, Math.min(anchor.left, window.innerWidth - 352));
  return (
    <div
      className="picker"
      role="dialog"
      aria-label={t('picker.label')}
      style={{ top, left }}
      onKeyDownCapture={onKeyDownCapture}
      onPointerDownCapture={(event) => {
        shift.current = event.shiftKey;
      }}
      onBlur={(event) => {
        const to = event.relatedTarget as Element | null;
        if (event.currentTarget.contains(to)) return;
        // Into the codebook panel: its Apply buttons and drag and drop code the passage the picker holds.
        if (to?.closest('.codebook')) return;
        props.onClose(false);
      }}
    >
      <p className="excerpt">“{props.excerpt}”</p>
      <Autocomplete inputValue={query} onInputChange={setQuery}>
        <TextField aria-label={t('picker.field')} className="picker-field">
          <Input
            ref={input}
            // A combo box whose list is always shown (ARIA 1.2): the field filters, the list below it applies.
            role="combobox"
            aria-expanded="true"
            className="ui-input"
            placeholder={t('picker.placeholder')}
            autoFocus
          />
        </TextField>
        <ListBox
          aria-label={t('picker.codes')}
          className="picker-list"
          items={options}
          dependencies={[applied, shortcuts, query, t]}
          autoFocus="first"
          onAction={(key) => choose(String(key), shift.current)}
          renderEmptyState={() => <p className="muted picker-empty">{t('picker.noMatch')}</p>}
        >
          {(option) =>
            option.node ? (
              <ListBoxItem id={option.id} textValue={option.node.path.join(' › ')} className="option">
                <span className="swatch" style={{ background: option.node.code.colour }} aria-hidden="true" />
                <span className="option-name" style={{ paddingLeft: `${query ? 0 : option.node.depth}em` }}>
                  {query ? option.node.path.join(' › ') : option.node.code.name}
                </span>
                {applied.has(option.id) && <span className="muted">{t('picker.applied')}</span>}
                {shortcuts.indexOf(option.id) >= 0 && (
                  <kbd className="shortcut">{shortcuts.indexOf(option.id) + 1}</kbd>
                )}
              </ListBoxItem>
            ) : (
              <ListBoxItem id={CREATE} textValue={t('picker.createText', { name })} className="option create">
                {t('picker.create', { name })}
              </ListBoxItem>
            )
          }
        </ListBox>
      </Autocomplete>
      <p className="hint muted">{t('picker.hint')}</p>
    </div>
  );
}
