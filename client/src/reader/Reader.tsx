import { transcriptLanguage } from '@accord/shared/text/language';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type DragEvent,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
  type RefObject,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { type Block, blockAt } from '../coding/blocks.js';
import { offsetToPoint, pointToOffset, rangeToOffsets, TEXT_ROOT_SELECTOR, trimRange } from '../coding/offsets.js';
import { codingsBetween } from '../coding/segments.js';
import type { Passage } from '../importExport/passage.js';
import { usePassageJump } from '../importExport/useJump.js';
import type { LayerCoding } from '../sync/model.js';
import { type RemoteSelection, TurnBlock } from './TurnBlock.js';
import './reader.css';

export interface Selection {
  start: number;
  end: number;
  /** Where to show the code picker. */
  anchor: DOMRect;
}

/** What the page may ask of the reader. */
export interface ReaderHandle {
  /** Puts the keyboard focus on the turn containing `offset` (scrolling it into view). */
  focusOffset: (offset: number) => void;
  /** Scrolls the turn containing `offset` into view when it is not wholly in view, leaving the focus where it is. */
  revealOffset: (offset: number) => void;
}

/** The drag type of a code dragged from the codebook panel (its id as the data). */
export const CODE_DRAG_TYPE = 'application/x-accord-code';

export interface ReaderProps {
  handle?: RefObject<ReaderHandle | null>;
  text: string;
  blocks: readonly Block[];
  /** Shown codings, sorted by start. */
  codings: readonly LayerCoding[];
  colourOf: (coding: LayerCoding) => string;
  labelOf: (coding: LayerCoding) => string;
  /** The short label beside a coding's bracket in the margin (code name, coder initials). */
  tagOf: (coding: LayerCoding) => string;
  describe: (coding: LayerCoding) => { title: string; detail: string };
  stripeLane: ReadonlyMap<string, number>;
  stripeBase: ReadonlyMap<string, number>;
  /** The width of the margin's lanes (the labels come after them). */
  marginWidth: number;
  pending: { start: number; end: number } | null;
  remote: readonly RemoteSelection[];
  /** "Correct text" mode: each turn offers its text for correction. */
  correcting: boolean;
  /** A passage was selected (mouse or keyboard) and should be coded. */
  onSelect: (selection: Selection) => void;
  /** The user's selection in the text moved (for live selections of others), null when it left the text. */
  onSelectionChange: (range: { start: number; end: number } | null) => void;
  onOpenCodings: (ids: string[], anchor: DOMRect) => void;
  onEditText: (block: Block, before: string, after: string) => void;
  onEscape: () => void;
  /**
   * A digit (slot 0-8) or quick repeat (R or ., slot null) pressed on a turn: code the keyboard selection, or the
   * whole turn when nothing is selected, without the picker.
   */
  onQuickCode: (range: { start: number; end: number }, slot: number | null) => void;
  /** A code from the codebook panel dropped on the text (it codes the passage being coded, if any). */
  onDropCode: (codeId: string) => void;
  /** Open scrolled to this passage and highlight it briefly (`?at=start-end`). */
  jump?: Passage | null;
  /**
   * The transcript's language (BCP 47), for line breaking and the choice of fonts (Chinese and Japanese share
   * characters but not glyphs); when unset, guessed from the script of its letters (none for Latin script).
   */
  language?: string | undefined;
}

/**
 * The size estimate of a turn not yet measured: its padding, the height of a line of text (15 px at a leading of
 * 1.7) and the characters on a line at the reading measure. Close estimates keep the first render to one pass: the
 * turns measured are the turns rendered.
 */
const TURN_PADDING_PX = 12;
const LINE_PX = 25.5;
const CHARS_PER_LINE = 68;
const NONE: RemoteSelection[] = [];

interface BlockCodings {
  key: string;
  start: number;
  end: number;
  codings: LayerCoding[];
  lanes: Map<string, number>;
  bases: Map<string, number>;
}

/**
 * The transcript, virtualised by turn: only the turns in and near the viewport are in the DOM, so a transcript of
 * any length renders as fast as a short one. Turns are measured once shown; the virtualiser keeps the reading
 * position when a turn above it changes height.
 */
export function Reader(props: ReaderProps) {
  const { text, blocks, codings, pending, remote, stripeLane, stripeBase } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  // One observer for the reader's width (a re-wrap moves the stripes), instead of one per turn.
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.round(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const [hover, setHover] = useState<{ ids: string[]; x: number; y: number } | null>(null);

  const virtualizer = useVirtualizer({
    count: blocks.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => {
      const block = blocks[i]!;
      return TURN_PADDING_PX + LINE_PX * Math.max(1, Math.ceil((block.end - block.bodyStart) / CHARS_PER_LINE));
    },
    // Turns are rendered synchronously as the reader scrolls, so a short overscan leaves no gap, and the first
    // render (and every layout of the list) has fewer turns to do.
    overscan: 2,
  });

  const language = useMemo(() => transcriptLanguage(text, props.language), [text, props.language]);
  const jumped = usePassageJump(scroller, virtualizer, blocks, props.jump, setFocusIndex);

  const maxLength = useMemo(() => codings.reduce((max, c) => Math.max(max, c.end - c.start), 0), [codings]);
  const byId = useMemo(() => new Map(codings.map((coding) => [coding.id, coding])), [codings]);
  // Per-block inputs are kept identical while their content is, so that a new coding re-renders only its turns.
  const previous = useRef(new Map<number, BlockCodings>());
  const blockCodings = useMemo(() => {
    const cache = new Map<number, BlockCodings>();
    const before = previous.current;
    previous.current = cache;
    return (index: number): BlockCodings => {
      let found = cache.get(index);
      if (!found) {
        const block = blocks[index]!;
        const codingsHere = codingsBetween(codings, block.start, block.end, maxLength);
        // A turn packs its own brackets in lanes; only a coding that continues from or into another turn keeps its
        // lane over the whole text. So a coding added elsewhere, which moves other codings' text-wide lanes,
        // re-renders only the turns whose content or crossing brackets change.
        const crossing = codingsHere.filter((c) => c.start < block.start || c.end > block.end);
        const key = `${codingsHere
          .map((c) => `${c.id}:${c.start}:${c.end}:${c.resolvedCode}:${c.memo ?? ''}:${stripeBase.get(c.id)}`)
          .join('|')}/${crossing.map((c) => `${c.id}:${stripeLane.get(c.id)}`).join('|')}`;
        const old = before.get(index);
        found =
          old && old.key === key && old.start === block.start && old.end === block.end
            ? old
            : {
                key,
                start: block.start,
                end: block.end,
                codings: codingsHere,
                lanes: new Map(crossing.map((c) => [c.id, stripeLane.get(c.id) ?? 0])),
                bases: new Map(codingsHere.map((c) => [c.id, stripeBase.get(c.id) ?? 0])),
              };
        cache.set(index, found);
      }
      return found;
    };
  }, [codings, blocks, maxLength, stripeLane, stripeBase]);
  const blockRemote = useMemo(() => {
    const cache = new Map<number, RemoteSelection[]>();
    return (index: number) => {
      if (!cache.has(index)) {
        const block = blocks[index]!;
        const inside = remote.filter((r) => r.end >= block.start && r.start <= block.end);
        cache.set(index, inside.length > 0 ? inside : NONE);
      }
      return cache.get(index)!;
    };
  }, [remote, blocks]);

  // The turn that should get the keyboard focus once it is rendered (it may first have to scroll into view).
  const wantFocus = useRef<number | null>(null);
  const focusRendered = useCallback(() => {
    const target = wantFocus.current;
    if (target === null) return;
    // The turn itself, not the virtualiser's slot around it (which carries the same data-index).
    const turn = scroller.current?.querySelector<HTMLElement>(`article.block[data-index="${target}"]`);
    if (!turn) return;
    wantFocus.current = null;
    turn.focus({ preventScroll: true });
  }, []);
  useLayoutEffect(focusRendered);
  const focusBlock = useCallback(
    (index: number) => {
      const target = Math.max(0, Math.min(blocks.length - 1, index));
      wantFocus.current = target;
      setFocusIndex(target);
      virtualizer.scrollToIndex(target, { align: 'auto' });
      focusRendered();
      requestAnimationFrame(focusRendered);
    },
    [blocks.length, virtualizer, focusRendered],
  );
  const revealBlock = useCallback(
    (index: number) => {
      const root = scroller.current;
      if (!root || index < 0) return;
      const turn = root.querySelector<HTMLElement>(`article.block[data-index="${index}"]`);
      if (turn) {
        const box = turn.getBoundingClientRect();
        const view = root.getBoundingClientRect();
        if (box.top >= view.top && box.bottom <= view.bottom) return;
      }
      virtualizer.scrollToIndex(index, { align: 'start' });
    },
    [virtualizer],
  );
  useImperativeHandle(
    props.handle,
    () => ({
      focusOffset: (offset) => focusBlock(blockAt(blocks, offset)),
      revealOffset: (offset) => revealBlock(blockAt(blocks, offset)),
    }),
    [blocks, focusBlock, revealBlock],
  );

  const currentSelection = useCallback((): Selection | null => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    if (!scroller.current?.contains(range.commonAncestorContainer)) return null;
    const offsets = rangeToOffsets(range, text);
    return offsets ? { ...offsets, anchor: range.getBoundingClientRect() } : null;
  }, [text]);

  // Publish the local selection (others see it live in open mode).
  const { onSelectionChange } = props;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const changed = () => {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        const selection = window.getSelection();
        if (!selection || selection.rangeCount === 0) return onSelectionChange(null);
        const range = selection.getRangeAt(0);
        if (!scroller.current?.contains(range.commonAncestorContainer)) return onSelectionChange(null);
        const offsets = rangeToOffsets(range, text);
        if (offsets || !selection.isCollapsed) return onSelectionChange(offsets);
        // A caret in the text: shown to others as a cursor.
        const caret = pointToOffset(range.startContainer, range.startOffset);
        onSelectionChange(caret === null ? null : { start: caret, end: caret });
      }, 50);
    };
    document.addEventListener('selectionchange', changed);
    return () => {
      document.removeEventListener('selectionchange', changed);
      if (timer !== null) clearTimeout(timer);
    };
  }, [text, onSelectionChange]);

  const onMouseUp = () => {
    const selection = currentSelection();
    if (selection) props.onSelect(selection);
  };

  const onBlockKey = useCallback(
    (event: KeyboardEvent<HTMLElement>, block: Block, index: number) => {
      const selection = window.getSelection();
      const root = event.currentTarget.querySelector<HTMLElement>(TEXT_ROOT_SELECTOR);
      if (!selection || !root) return;
      const extend = (direction: 'forward' | 'backward', unit: 'word' | 'line' | 'character') => {
        if (selection.rangeCount === 0 || !root.contains(selection.anchorNode)) {
          // Start a keyboard selection at the edge of the turn it will grow from (after the hidden speaker label).
          if (direction === 'forward') {
            const from = offsetToPoint(root, block.bodyStart);
            selection.collapse(from.node, from.offset);
          } else selection.collapse(root, root.childNodes.length);
        }
        selection.modify('extend', direction, unit);
      };
      const key = event.key;
      if (event.shiftKey && (key === 'ArrowRight' || key === 'ArrowLeft')) {
        // → reads on in a left-to-right turn, ← in a right-to-left one (its text starts at the right).
        const onwards = key === (block.dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight');
        extend(onwards ? 'forward' : 'backward', event.altKey ? 'character' : 'word');
      } else if (event.shiftKey && (key === 'ArrowDown' || key === 'ArrowUp')) {
        extend(key === 'ArrowDown' ? 'forward' : 'backward', 'line');
      } else if (key === 'ArrowDown' || key === 'j') {
        focusBlock(index + 1);
      } else if (key === 'ArrowUp' || key === 'k') {
        focusBlock(index - 1);
      } else if (key === 'Home' && event.ctrlKey) {
        focusBlock(0);
      } else if (key === 'End' && event.ctrlKey) {
        focusBlock(blocks.length - 1);
      } else if (key === 'a' && (event.ctrlKey || event.metaKey)) {
        // The turn's spoken text, without the hidden speaker label.
        const from = offsetToPoint(root, block.bodyStart);
        const to = offsetToPoint(root, block.end);
        selection.setBaseAndExtent(from.node, from.offset, to.node, to.offset);
      } else if (key === 'Enter' || key === 'c') {
        // The keyboard selection, or the whole turn.
        const chosen = currentSelection();
        const rect = event.currentTarget.getBoundingClientRect();
        const turn = trimRange(text, block.bodyStart, block.end);
        if (chosen ?? turn) props.onSelect(chosen ?? { ...turn!, anchor: rect });
      } else if (key === 'Escape') {
        selection.removeAllRanges();
        props.onEscape();
      } else if (/^[1-9]$/.test(key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
        const range = currentSelection() ?? trimRange(text, block.bodyStart, block.end);
        if (range) props.onQuickCode(range, Number(key) - 1);
      } else if ((key === 'r' || key === 'R' || key === '.') && !event.ctrlKey && !event.metaKey && !event.altKey) {
        const range = currentSelection() ?? trimRange(text, block.bodyStart, block.end);
        if (range) props.onQuickCode(range, null);
      } else {
        return;
      }
      event.preventDefault();
    },
    [blocks.length, text, currentSelection, focusBlock, props.onSelect, props.onEscape, props.onQuickCode],
  );

  const onMouseOver = (event: MouseEvent) => {
    const target = event.target as HTMLElement;
    const ids = target.dataset?.ids;
    if (ids) {
      if (ids !== hover?.ids.join(' ')) setHover({ ids: ids.split(' '), x: event.clientX, y: event.clientY });
    } else if (hover) setHover(null);
  };

  // Tab into the reader lands on a turn (the one last focused, or the first in view), not on the first stripe
  // button in the DOM; a click on a stripe keeps its focus.
  const pointer = useRef(false);
  const onFocusIn = (event: FocusEvent) => {
    const root = scroller.current;
    const from = event.relatedTarget as Node | null;
    if (!root || pointer.current || (from && root.contains(from))) return;
    if ((event.target as HTMLElement).matches('article.block')) return;
    const turn =
      root.querySelector<HTMLElement>(`article.block[data-index="${focusIndex}"]`) ??
      [...root.querySelectorAll<HTMLElement>('article.block')].find(
        (element) => element.getBoundingClientRect().bottom > root.getBoundingClientRect().top,
      );
    turn?.focus({ preventScroll: true });
  };

  const onDragOver = (event: DragEvent) => {
    if (event.dataTransfer.types.includes(CODE_DRAG_TYPE)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  };
  const onDrop = (event: DragEvent) => {
    const codeId = event.dataTransfer.getData(CODE_DRAG_TYPE);
    if (!codeId) return;
    event.preventDefault();
    props.onDropCode(codeId);
  };

  const items = virtualizer.getVirtualItems();
  const hovered = hover?.ids.map((id) => byId.get(id)).filter((c): c is LayerCoding => c !== undefined) ?? [];

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: mouse selection and hover; the keyboard has the same on each turn
    <div
      className="reader"
      ref={scroller}
      onMouseUp={onMouseUp}
      onMouseOver={onMouseOver}
      onMouseLeave={() => setHover(null)}
      onDragOver={onDragOver}
      onFocus={onFocusIn}
      onPointerDown={() => {
        pointer.current = true;
      }}
      onKeyDown={() => {
        pointer.current = false;
      }}
      onDrop={onDrop}
      style={{ ['--margin' as string]: `${props.marginWidth}px` }}
      data-testid="reader"
    >
      <div className="reader-inner" lang={language} style={{ height: virtualizer.getTotalSize() }}>
        <div className="reader-window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
          {items.map((item) => {
            const block = blocks[item.index]!;
            const here = blockCodings(item.index);
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={item.index === jumped ? 'block-slot jumped' : 'block-slot'}
              >
                <TurnBlock
                  index={item.index}
                  block={block}
                  text={text.slice(block.start, block.end)}
                  codings={here.codings}
                  colourOf={props.colourOf}
                  labelOf={props.labelOf}
                  tagOf={props.tagOf}
                  lanesWidth={props.marginWidth}
                  stripeLane={here.lanes}
                  stripeBase={here.bases}
                  width={width}
                  pending={pending && pending.end > block.start && pending.start < block.end ? pending : null}
                  remote={blockRemote(item.index)}
                  focusable={item.index === focusIndex}
                  correcting={props.correcting}
                  onKeyDown={onBlockKey}
                  onFocusBlock={setFocusIndex}
                  onOpenCodings={props.onOpenCodings}
                  onEditText={props.onEditText}
                />
              </div>
            );
          })}
        </div>
      </div>
      {hovered.length > 0 && hover && (
        <div className="hover-card" role="tooltip" style={{ left: hover.x + 12, top: hover.y + 12 }}>
          {hovered.map((coding) => {
            const { title, detail } = props.describe(coding);
            return (
              <div key={coding.id} className="hover-row">
                <span className="swatch" style={{ background: props.colourOf(coding) }} />
                <strong>{title}</strong> <span className="muted">{detail}</span>
                {coding.memo && <p className="memo-preview">{coding.memo}</p>}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
