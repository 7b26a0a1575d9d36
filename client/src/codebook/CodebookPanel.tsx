import {
  addCode,
  CODE_PALETTE,
  type Code,
  codeRedirects,
  codesMap,
  deleteCode,
  isSelfOrDescendant,
  mergeCode,
  moveCode,
  updateCode,
} from '@accord/shared';
import {
  type KeyboardEvent,
  memo,
  type RefObject,
  useCallback,
  useDeferredValue,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Button as AriaButton, Collection, useDragAndDrop } from 'react-aria-components';
import { MemoEditor } from '../app/MemoEditor.js';
import { nextCodeColour } from '../coding/colours.js';
import { local, undoHistory } from '../coding/undo.js';
import { useT } from '../i18n/index.js';
import { CODE_DRAG_TYPE } from '../reader/Reader.js';
import type { CodebookView } from '../sync/model.js';
import type { OpenDoc } from '../sync/pool.js';
import { Button } from '../ui/Button.js';
import { Dialog } from '../ui/Dialog.js';
import { colourName } from '../ui/palette.js';
import { Tree, TreeRow } from '../ui/Tree.js';
import { impactOf } from './counts.js';
import { type CodeRow, rowsOf, useCalmValue } from './rows.js';
import { buildTree, type CodeNode, filterCodes, flattenTree } from './tree.js';
import './codebook.css';
import { useLayerCounts } from './useLayerCounts.js';

export interface CodebookPanelProps {
  open: OpenDoc | null;
  codebook: CodebookView;
  projectId: string;
  /** May add, edit, move, merge and delete codes (owner, or coder when the project allows it). */
  canEdit: boolean;
  canWriteMemos: boolean;
  counts: ReadonlyMap<string, number>;
  /** What the counts cover, e.g. "in this transcript". */
  countScope: string;
  /** Every codings doc of the project this user may read: merges and deletes say how many codings they touch. */
  layerDocs: readonly string[];
  /** Codes on the digit keys 1-9 (slot i is key i + 1; null or '' for none). */
  shortcuts?: readonly (string | null)[];
  /** Changes a code's digit key (null: none); given where shortcuts are shown. */
  onAssignShortcut?: ((codeId: string, slot: number | null) => void) | undefined;
  /** When given (a passage is selected), Enter on a code or its Apply button codes the passage. */
  onApply?: ((codeId: string) => void) | undefined;
}

/**
 * The codebook as a React Aria tree (treegrid: ↑/↓, Home/End, → expands or goes to the first subcode, ← collapses
 * or goes to the parent, typeahead), with a details form for the selected code. Enter on a code applies it to the
 * passage being coded, or else shows its details; codes drag onto the text where `onApply` or shortcuts are given.
 */
export function CodebookPanel(props: CodebookPanelProps) {
  const { open, codebook, canEdit, countScope, shortcuts = [], onApply } = props;
  const [filter, setFilter] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const treeRef = useRef<HTMLDivElement>(null);
  const filterId = useId();
  const t = useT();
  // Codebook edits are steps of the tab's undo history (for those who may make them).
  useEffect(() => {
    if (open && canEdit) undoHistory.track(open.doc, [codesMap(open.doc), codeRedirects(open.doc)]);
  }, [open, canEdit]);
  // Counts change with every coding (own, a co-coder's, each layer as it arrives): the tree takes them at most every
  // 100 ms, in a transition, so the reader's highlight paints first; the tree itself mounts after the first paint.
  const counts = useCalmValue(props.counts, 100);
  const mounted = useDeferredValue(true, false);

  const roots = useMemo(() => buildTree(codebook.codes), [codebook.codes]);
  const all = useMemo(() => flattenTree(roots), [roots]);
  // Filtering shows the matches as a flat list, each with its path.
  const shown = useMemo(() => (filter ? filterCodes(all, filter) : roots), [all, roots, filter]);
  // Rows are kept as the same objects while their content is unchanged, so React Aria re-renders only the rows
  // whose count or key changed (and their ancestors), not the whole tree.
  const rowCache = useRef(new Map<string, CodeRow>());
  const items = useMemo(() => {
    const next = new Map<string, CodeRow>();
    const rows = rowsOf(shown, Boolean(filter), counts, shortcuts, rowCache.current, next);
    rowCache.current = next;
    return rows;
  }, [shown, filter, counts, shortcuts]);
  const expandedKeys = useMemo(
    () => new Set(all.filter((node) => node.children.length > 0 && !collapsed.has(node.code.id)).map((n) => n.code.id)),
    [all, collapsed],
  );
  const current = selected !== null ? codebook.byId.get(selected) : undefined;
  const draggable = onApply !== undefined || props.onAssignShortcut !== undefined;
  // The page passes a new onApply on each render: the rows call the latest through a stable function.
  const applyRef = useRef(onApply);
  applyRef.current = onApply;
  const apply = useCallback((id: string) => applyRef.current?.(id), []);

  const focusItem = (id: string) => {
    setSelected(id);
    requestAnimationFrame(() => rowOf(treeRef, id)?.focus());
  };

  const create = () => {
    if (!open || !newName.trim()) return;
    const parent = current?.id ?? null;
    const siblings = codebook.codes.filter((code) => code.parent === parent);
    const id = local(open.doc, () =>
      addCode(open.doc, {
        name: newName.trim(),
        parent,
        colour: nextCodeColour(codebook.codes.map((code) => code.colour)),
        order: siblings.length,
      }),
    );
    setNewName('');
    if (parent) setCollapsed((was) => withOut(was, parent));
    focusItem(id);
  };

  return (
    <section className="codebook" aria-label={t('codebook.label')}>
      <div className="codebook-body">
        <div className="codebook-main">
          <div className="codebook-tools">
            <label htmlFor={filterId} className="visually-hidden">
              {t('codebook.filter')}
            </label>
            <input
              id={filterId}
              type="search"
              placeholder={t('codebook.filter')}
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
          </div>
          {codebook.codes.length === 0 && <p className="muted">{t('codebook.none')}</p>}
          {mounted && (
            <CodeTree
              treeRef={treeRef}
              items={items}
              all={all}
              expandedKeys={expandedKeys}
              filtered={Boolean(filter)}
              selected={selected}
              setSelected={setSelected}
              setCollapsed={setCollapsed}
              apply={onApply ? apply : undefined}
              draggable={draggable}
              countScope={countScope}
              hasCodes={codebook.codes.length > 0}
            />
          )}
          {canEdit && (
            <form
              className="inline-form"
              onSubmit={(event) => {
                event.preventDefault();
                create();
              }}
            >
              <label htmlFor={`${filterId}-new`}>
                {current ? t('codebook.newUnder', { name: current.name }) : t('codebook.newTop')}
              </label>
              <input
                id={`${filterId}-new`}
                value={newName}
                maxLength={200}
                onChange={(event) => setNewName(event.target.value)}
              />
              <button type="submit">{t('codebook.add')}</button>
              {current && (
                <button type="button" onClick={() => setSelected(null)}>
                  {t('codebook.topLevel')}
                </button>
              )}
            </form>
          )}
        </div>
        {!current && codebook.codes.length > 0 && (
          <p className="code-details-hint muted">{t(canEdit ? 'codebook.hintEdit' : 'codebook.hint')}</p>
        )}
        {current && (
          <CodeDetails
            key={current.id}
            {...props}
            code={current}
            onGone={() => setSelected(null)}
            onSelect={(id) => setSelected(id)}
          />
        )}
      </div>
    </section>
  );
}

function rowOf(treeRef: RefObject<HTMLDivElement | null>, id: string) {
  return treeRef.current?.querySelector<HTMLElement>(`[role="row"][data-key="${CSS.escape(id)}"]`);
}

interface CodeTreeProps {
  treeRef: RefObject<HTMLDivElement | null>;
  items: CodeRow[];
  all: CodeNode[];
  expandedKeys: ReadonlySet<string>;
  filtered: boolean;
  selected: string | null;
  setSelected: (id: string | null) => void;
  setCollapsed: (collapsed: ReadonlySet<string>) => void;
  /** Stable; given when a passage is selected. */
  apply: ((id: string) => void) | undefined;
  draggable: boolean;
  countScope: string;
  hasCodes: boolean;
}

/** The tree itself: re-rendered only when its rows, expansion or selection change, not on every page render. */
const CodeTree = memo(function CodeTree({
  treeRef,
  items,
  all,
  expandedKeys,
  filtered,
  selected,
  setSelected,
  setCollapsed,
  apply,
  draggable,
  countScope,
  hasCodes,
}: CodeTreeProps) {
  const t = useT();
  // Drag a code onto the passage being coded (the keyboard alternative: Enter on the code, or its Apply button).
  const { dragAndDropHooks } = useDragAndDrop({
    getItems: (keys) => [...keys].map((key) => ({ [CODE_DRAG_TYPE]: String(key) })),
    getAllowedDropOperations: () => ['copy'],
  });
  const selectedKeys = useMemo(() => (selected === null ? [] : [selected]), [selected]);
  const noKeys = useMemo(() => new Set<string>(), []);
  const canApply = apply !== undefined;

  /** → on an expanded code goes to its first subcode (React Aria would go into the row's buttons). */
  const onTreeKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const row = (event.target as Element).closest<HTMLElement>('[role="row"]');
    const node = row?.dataset.key ? all.find((n) => n.code.id === row.dataset.key) : undefined;
    const child = node && expandedKeys.has(node.code.id) && !filtered ? node.children[0] : undefined;
    if (!child || event.target !== row) return;
    event.preventDefault();
    event.stopPropagation();
    setSelected(child.code.id);
    requestAnimationFrame(() => rowOf(treeRef, child.code.id)?.focus());
  };

  // Rows are cached by React Aria per item object until these change.
  const dependencies = [canApply, countScope, t];
  const row = (item: CodeRow) => (
    <TreeRow
      id={item.node.code.id}
      textValue={item.node.code.name}
      aria-label={
        item.shortcut >= 0
          ? t('codebook.rowLabelKey', { name: item.label, key: item.shortcut + 1, count: item.count })
          : t('codebook.rowLabel', { name: item.label, count: item.count })
      }
      className="code-row"
      content={() => (
        <>
          <span className="swatch" style={{ background: item.node.code.colour }} aria-hidden="true" />
          <span className="code-name" title={item.node.code.definition || undefined}>
            {item.label}
          </span>
          {item.shortcut >= 0 && (
            <kbd className="shortcut" title={t('codebook.shortcutTitle', { key: item.shortcut + 1 })}>
              {item.shortcut + 1}
            </kbd>
          )}
          <span className="count" title={t('codebook.countTitle', { scope: countScope })}>
            {item.count}
          </span>
          {apply && (
            <AriaButton className="apply" excludeFromTabOrder onPress={() => apply(item.node.code.id)}>
              {t('codebook.apply')}
            </AriaButton>
          )}
        </>
      )}
    >
      <Collection items={item.children} dependencies={dependencies}>
        {row}
      </Collection>
    </TreeRow>
  );

  return (
    // Refines the tree's own arrow keys (capture phase): the element itself takes no input.
    <div className="code-tree-wrap" onKeyDownCapture={onTreeKey}>
      <Tree
        ref={treeRef}
        aria-label={t('codebook.codes')}
        className="code-tree"
        items={items}
        dependencies={dependencies}
        selectionMode="single"
        selectionBehavior="replace"
        selectedKeys={selectedKeys}
        onSelectionChange={(keys) => {
          const [key] = keys === 'all' ? [] : [...keys];
          setSelected(key === undefined ? null : String(key));
        }}
        expandedKeys={filtered ? noKeys : expandedKeys}
        onExpandedChange={(keys) => {
          if (!filtered)
            setCollapsed(
              new Set(all.filter((n) => n.children.length > 0 && !keys.has(n.code.id)).map((n) => n.code.id)),
            );
        }}
        onAction={(key) => {
          if (apply) apply(String(key));
          else setSelected(String(key));
        }}
        dragAndDropHooks={draggable ? dragAndDropHooks : undefined}
        renderEmptyState={() => (hasCodes ? <p className="muted">{t('codebook.noMatch')}</p> : null)}
      >
        {row}
      </Tree>
    </div>
  );
});

function withOut(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (!set.has(id)) return set;
  const next = new Set(set);
  next.delete(id);
  return next;
}

function CodeDetails({
  open,
  codebook,
  projectId,
  canEdit,
  canWriteMemos,
  layerDocs,
  code,
  onGone,
  shortcuts = [],
  onAssignShortcut,
}: CodebookPanelProps & { code: Code; onGone: () => void; onSelect: (id: string) => void }) {
  const id = useId();
  const [confirm, setConfirm] = useState<{ kind: 'merge' | 'delete'; into?: string } | null>(null);
  const [mergeInto, setMergeInto] = useState('');
  const update = (fields: Partial<Code>) => open && local(open.doc, () => updateCode(open.doc, code.id, fields));
  const siblings = codebook.codes.filter((other) => other.parent === code.parent);
  const position = siblings.findIndex((other) => other.id === code.id);
  const parentChoices = codebook.codes.filter((other) => open && !isSelfOrDescendant(open.doc, code.id, other.id));
  const t = useT();

  return (
    <section className="code-details" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        <span className="swatch" style={{ background: code.colour }} aria-hidden="true" /> {code.name}
      </h3>
      {onAssignShortcut && (
        <p className="shortcut-field">
          <label htmlFor={`${id}-key`}>{t('codebook.shortcutKey')}</label>{' '}
          <select
            id={`${id}-key`}
            value={String(shortcuts.indexOf(code.id))}
            onChange={(event) => {
              const slot = Number(event.target.value);
              onAssignShortcut(code.id, slot < 0 ? null : slot);
            }}
          >
            <option value="-1">{t('codebook.noKey')}</option>
            {Array.from({ length: 9 }, (_, slot) => {
              const holder = shortcuts[slot] ? codebook.byId.get(shortcuts[slot]!) : undefined;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: the nine keys are fixed
                <option key={slot} value={String(slot)}>
                  {slot + 1}
                  {holder && holder.id !== code.id ? t('codebook.keyNow', { name: holder.name }) : ''}
                </option>
              );
            })}
          </select>
        </p>
      )}
      {canEdit ? (
        <>
          <Field
            label={t('codebook.name')}
            value={code.name}
            onCommit={(name) => name.trim() && update({ name: name.trim() })}
          />
          <fieldset className="palette">
            <legend>{t('codebook.colour')}</legend>
            {CODE_PALETTE.map((colour) => (
              <button
                key={colour}
                type="button"
                className={colour === code.colour ? 'colour chosen' : 'colour'}
                style={{ background: colour }}
                aria-label={t('codebook.colourOf', { name: colourName(colour, t) })}
                title={colourName(colour, t)}
                aria-pressed={colour === code.colour}
                onClick={() => update({ colour })}
              />
            ))}
          </fieldset>
          <Field
            label={t('codebook.definition')}
            multiline
            value={code.definition}
            onCommit={(definition) => update({ definition })}
          />
          <Field
            label={t('codebook.include')}
            multiline
            value={code.inclusion}
            onCommit={(inclusion) => update({ inclusion })}
          />
          <Field
            label={t('codebook.exclude')}
            multiline
            value={code.exclusion}
            onCommit={(exclusion) => update({ exclusion })}
          />
          <Field
            label={t('codebook.examples')}
            multiline
            value={code.examples}
            onCommit={(examples) => update({ examples })}
          />
          <div className="row">
            <label htmlFor={`${id}-parent`}>{t('codebook.parent')}</label>
            <select
              id={`${id}-parent`}
              value={code.parent ?? ''}
              onChange={(event) =>
                open &&
                local(open.doc, () => moveCode(open.doc, code.id, event.target.value || null, Number.MAX_SAFE_INTEGER))
              }
            >
              <option value="">{t('codebook.noParent')}</option>
              {parentChoices.map((other) => (
                <option key={other.id} value={other.id}>
                  {other.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              disabled={position <= 0}
              onClick={() => open && local(open.doc, () => moveCode(open.doc, code.id, code.parent, position - 1))}
            >
              {t('codebook.moveUp')}
            </button>
            <button
              type="button"
              disabled={position >= siblings.length - 1}
              onClick={() => open && local(open.doc, () => moveCode(open.doc, code.id, code.parent, position + 1))}
            >
              {t('codebook.moveDown')}
            </button>
          </div>
          <div className="row">
            <label htmlFor={`${id}-merge`}>{t('codebook.mergeInto')}</label>
            <select id={`${id}-merge`} value={mergeInto} onChange={(event) => setMergeInto(event.target.value)}>
              <option value="">{t('codebook.chooseCode')}</option>
              {codebook.codes
                .filter((other) => other.id !== code.id)
                .map((other) => (
                  <option key={other.id} value={other.id}>
                    {other.name}
                  </option>
                ))}
            </select>
            <button type="button" disabled={!mergeInto} onClick={() => setConfirm({ kind: 'merge', into: mergeInto })}>
              {t('codebook.mergeButton')}
            </button>
            <button type="button" className="danger" onClick={() => setConfirm({ kind: 'delete' })}>
              {t('codebook.deleteButton')}
            </button>
          </div>
        </>
      ) : (
        <dl className="code-fields">
          {(
            [
              [t('codebook.definition'), code.definition],
              [t('codebook.include'), code.inclusion],
              [t('codebook.exclude'), code.exclusion],
              [t('codebook.examples'), code.examples],
            ] as const
          ).map(([label, value]) =>
            value ? (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ) : null,
          )}
        </dl>
      )}
      <MemoEditor project={projectId} memo={`code-${code.id}`} label={t('codebook.memo')} readOnly={!canWriteMemos} />
      {confirm && open && (
        <ConfirmChange
          kind={confirm.kind}
          code={code}
          into={confirm.into ? codebook.byId.get(confirm.into) : undefined}
          layerDocs={layerDocs}
          redirects={codebook.redirects}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            const into = confirm.into;
            local(open.doc, () => {
              if (confirm.kind === 'merge' && into) mergeCode(open.doc, code.id, into);
              else deleteCode(open.doc, code.id);
            });
            setConfirm(null);
            onGone();
          }}
        />
      )}
    </section>
  );
}

/** A text field bound to one code field: edits are committed on blur or Enter, remote changes shown otherwise. */
function Field({
  label,
  value,
  multiline = false,
  onCommit,
}: {
  label: string;
  value: string;
  multiline?: boolean;
  onCommit: (value: string) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setDraft(value);
  }, [value, editing]);
  const commit = () => {
    setEditing(false);
    if (draft !== value) onCommit(draft);
  };
  const common = {
    id,
    value: draft,
    onFocus: () => setEditing(true),
    onBlur: commit,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={2} onChange={(event) => setDraft(event.target.value)} />
      ) : (
        <input
          {...common}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => event.key === 'Enter' && commit()}
        />
      )}
    </div>
  );
}

/** The confirmation of a merge or delete, with how many codings it touches across the project (counted live). */
function ConfirmChange({
  kind,
  code,
  into,
  layerDocs,
  redirects,
  onCancel,
  onConfirm,
}: {
  kind: 'merge' | 'delete';
  code: Code;
  into: Code | undefined;
  layerDocs: readonly string[];
  redirects: ReadonlyMap<string, string>;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { layers, loading } = useLayerCounts(layerDocs, redirects);
  const impact = impactOf(layers.values(), code.id);
  const t = useT();
  const what =
    kind === 'merge'
      ? t('codebook.confirmMerge', { name: code.name, into: into?.name ?? '?' })
      : t('codebook.confirmDelete', { name: code.name });
  const effect =
    kind === 'merge'
      ? t('codebook.recoded', { count: impact.codings, into: into?.name ?? '?' })
      : t('codebook.removed', { count: impact.codings });
  return (
    // A ui/Dialog (React Aria): focus kept inside and given back, the page behind inert; Escape cancels.
    <Dialog title={what} role="alertdialog" isOpen onOpenChange={(isOpen) => !isOpen && onCancel()}>
      <p data-testid="impact" aria-live="polite">
        {loading > 0
          ? t('codebook.counting', { count: loading })
          : t('codebook.impact', { effect, layers: impact.layers })}
      </p>
      <div className="actions">
        <Button autoFocus onPress={onCancel}>
          {t('common.cancel')}
        </Button>
        <Button variant="danger" isDisabled={loading > 0} onPress={onConfirm}>
          {t(kind === 'merge' ? 'codebook.merge' : 'codebook.delete')}
        </Button>
      </div>
    </Dialog>
  );
}
