import { type KeyboardEvent, memo, useLayoutEffect, useRef, useState } from 'react';
import { type Block, formatTime } from '../coding/blocks.js';
import { highlightBackground } from '../coding/colours.js';
import { packStripes, type StripeBox } from '../coding/lanes.js';
import { offsetToPoint } from '../coding/offsets.js';
import { segment } from '../coding/segments.js';
import type { LayerCoding } from '../sync/model.js';

/** Width of one margin lane (stripe plus gap), in pixels. */
export const LANE_PX = 8;

export interface RemoteSelection {
  clientId: number;
  name: string;
  colour: string;
  start: number;
  end: number;
}

export interface BlockProps {
  index: number;
  block: Block;
  /** The block's text (`text.slice(block.start, block.end)`). */
  text: string;
  /** Shown codings intersecting the block. */
  codings: readonly LayerCoding[];
  colourOf: (coding: LayerCoding) => string;
  labelOf: (coding: LayerCoding) => string;
  /**
   * Margin layout: each coding's lane over the whole text (kept by stripes that cross blocks) and the x where its
   * lane group starts (one group, or one per coder when comparing).
   */
  stripeLane: ReadonlyMap<string, number>;
  stripeBase: ReadonlyMap<string, number>;
  /** The reader's width: a change re-wraps the text, so stripes and overlays are measured again. */
  width: number;
  pending: { start: number; end: number } | null;
  remote: readonly RemoteSelection[];
  focusable: boolean;
  canEditText: boolean;
  onKeyDown: (event: KeyboardEvent<HTMLElement>, block: Block, index: number) => void;
  onFocusBlock: (index: number) => void;
  onOpenCodings: (ids: string[], anchor: DOMRect) => void;
  onEditText: (block: Block, before: string, after: string) => void;
}

interface Overlay {
  key: string;
  colour: string;
  name: string;
  rects: { left: number; top: number; width: number; height: number }[];
}

const NO_OVERLAYS: Overlay[] = [];

/**
 * One speaker turn: the text as segments highlighted by the codings covering them, coding stripes in a fixed-width
 * margin (so that nothing moves when others code), others' selections as overlays. Stripes and overlays are
 * positioned after layout from the rendered text; they never take part in the text's layout.
 */
export const TurnBlock = memo(function TurnBlock(props: BlockProps) {
  const { block, text, codings, colourOf, pending, remote, index, canEditText, width } = props;
  const textRoot = useRef<HTMLDivElement>(null);
  const [overlays, setOverlays] = useState<Overlay[]>(NO_OVERLAYS);
  const stripeList = useRef<HTMLUListElement>(null);
  const [editing, setEditing] = useState(false);

  const intervals = pending ? [...codings, { id: '\u0000pending', start: pending.start, end: pending.end }] : codings;
  const segments = segment(block.start, block.end, intervals);
  const byId = new Map(codings.map((coding) => [coding.id, coding]));

  // biome-ignore lint/correctness/useExhaustiveDependencies: width re-measures after a resize re-wraps the text
  useLayoutEffect(() => {
    const root = textRoot.current;
    if (!root || editing) return;
    const origin = root.getBoundingClientRect();
    const rangeRects = (start: number, end: number) => {
      const range = document.createRange();
      const from = offsetToPoint(root, Math.max(start, block.start));
      const to = offsetToPoint(root, Math.min(end, block.end));
      range.setStart(from.node, from.offset);
      range.setEnd(to.node, to.offset);
      return [...range.getClientRects()];
    };
    const boxes = codings.map((coding): StripeBox => {
      const rects = rangeRects(coding.start, coding.end);
      const top = rects.length > 0 ? Math.min(...rects.map((r) => r.top)) - origin.top : 0;
      const bottom = rects.length > 0 ? Math.max(...rects.map((r) => r.bottom)) - origin.top : origin.height;
      const crosses = coding.start < block.start || coding.end > block.end;
      const lane = props.stripeLane.get(coding.id);
      return crosses && lane !== undefined ? { id: coding.id, top, bottom, lane } : { id: coding.id, top, bottom };
    });
    const lanes = packStripes(boxes);
    // Stripes are placed on the DOM directly, before paint: a second React render per turn would double the cost
    // of every turn that scrolls into view.
    const buttons = stripeList.current?.querySelectorAll<HTMLElement>('[data-coding]') ?? [];
    const byCoding = new Map(boxes.map((box) => [box.id, box]));
    for (const button of buttons) {
      const box = byCoding.get(button.dataset.coding!);
      if (!box) continue;
      button.style.top = `${box.top}px`;
      button.style.height = `${Math.max(4, box.bottom - box.top)}px`;
      button.style.left = `${(props.stripeBase.get(box.id) ?? 0) + (lanes.get(box.id) ?? 0) * LANE_PX}px`;
      button.style.visibility = 'visible';
    }
    if (remote.length === 0) {
      setOverlays(NO_OVERLAYS);
      return;
    }
    const measuredOverlays = remote.map((selection) => {
      const rects = rangeRects(selection.start, selection.end).map((r) => ({
        left: r.left - origin.left,
        top: r.top - origin.top,
        width: Math.max(2, r.width),
        height: r.height,
      }));
      return { key: String(selection.clientId), colour: selection.colour, name: selection.name, rects };
    });
    setOverlays(measuredOverlays);
  }, [codings, remote, text, block.start, block.end, editing, width, props.stripeLane, props.stripeBase]);

  const openAt = (ids: string[], target: Element) => {
    if (ids.length > 0) props.onOpenCodings(ids, target.getBoundingClientRect());
  };

  return (
    <article
      className="block"
      data-block-start={block.start}
      data-block-end={block.end}
      data-index={index}
      tabIndex={props.focusable ? 0 : -1}
      aria-label={`${block.speaker || 'Text'}${block.time !== undefined ? ` at ${formatTime(block.time)}` : ''}`}
      onKeyDown={(event) => {
        if (event.target === event.currentTarget) props.onKeyDown(event, block, index);
      }}
      onFocus={(event) => event.target === event.currentTarget && props.onFocusBlock(index)}
    >
      <header className="block-head">
        {block.speaker && <span className="speaker">{block.speaker}</span>}
        {block.time !== undefined && <span className="time">{formatTime(block.time)}</span>}
        {canEditText && !editing && (
          <button type="button" className="edit-text" onClick={() => setEditing(true)}>
            Correct text
          </button>
        )}
      </header>
      <div className="block-body">
        {editing ? (
          <TextCorrection
            text={text}
            onCancel={() => setEditing(false)}
            onSave={(after) => {
              setEditing(false);
              props.onEditText(block, text, after);
            }}
          />
        ) : (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard reaches codings through the margin stripes
          // biome-ignore lint/a11y/noStaticElementInteractions: a click on highlighted text opens its codings
          <div
            className="block-text"
            data-text-start={block.start}
            ref={textRoot}
            onClick={(event) => {
              const target = event.target as HTMLElement;
              if (!window.getSelection()?.isCollapsed) return;
              const ids = target.dataset.ids;
              if (ids) openAt(ids.split(' '), target);
            }}
          >
            {segments.map((seg) => {
              const covering = seg.covering.filter((id) => byId.has(id));
              const colours = [...new Set(covering.map((id) => colourOf(byId.get(id)!)))];
              const isPending = seg.covering.length > covering.length;
              return (
                <span
                  key={seg.start}
                  data-ids={covering.length > 0 ? covering.join(' ') : undefined}
                  className={isPending ? 'seg pending' : covering.length > 0 ? 'seg coded' : undefined}
                  style={colours.length > 0 ? { background: highlightBackground(colours) } : undefined}
                >
                  {text.slice(seg.start - block.start, seg.end - block.start)}
                </span>
              );
            })}
          </div>
        )}
        <div className="overlays" aria-hidden="true">
          {overlays.map((overlay) =>
            overlay.rects.map((rect, i) => (
              <div
                // biome-ignore lint/suspicious/noArrayIndexKey: rects of one selection have no identity but their order
                key={`${overlay.key}-${i}`}
                className={rect.width <= 2 ? 'remote-caret' : 'remote-selection'}
                style={{ ...rect, background: overlay.colour }}
              >
                {i === 0 && (
                  <span className="remote-name" style={{ background: overlay.colour }}>
                    {overlay.name}
                  </span>
                )}
              </div>
            )),
          )}
        </div>
        <ul className="stripes" aria-label="Codings in this turn" ref={stripeList}>
          {codings.map((coding) => {
            const label = props.labelOf(coding);
            return (
              <li key={coding.id}>
                <button
                  type="button"
                  className="stripe"
                  data-coding={coding.id}
                  aria-label={label}
                  title={label}
                  style={{ background: colourOf(coding) }}
                  onClick={(event) => openAt([coding.id], event.currentTarget)}
                />
              </li>
            );
          })}
        </ul>
      </div>
    </article>
  );
});

function TextCorrection({
  text,
  onSave,
  onCancel,
}: {
  text: string;
  onSave: (text: string) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(text);
  const area = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => area.current?.focus(), []);
  return (
    <div className="correction">
      <textarea
        ref={area}
        aria-label="Corrected text of this turn"
        value={draft}
        rows={Math.min(20, Math.max(3, Math.ceil(text.length / 80)))}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => event.key === 'Escape' && onCancel()}
      />
      <p className="muted">Codings stay on the words they were on; a coding whose text you delete disappears.</p>
      <button type="button" onClick={() => onSave(draft)}>
        Save correction
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
