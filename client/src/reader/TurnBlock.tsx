import { type KeyboardEvent, memo, useLayoutEffect, useRef, useState } from 'react';
import { type Block, formatTime } from '../coding/blocks.js';
import { highlightBackground } from '../coding/colours.js';
import { packStripes, type StripeBox } from '../coding/lanes.js';
import { offsetToPoint } from '../coding/offsets.js';
import { segment } from '../coding/segments.js';
import type { LayerCoding } from '../sync/model.js';

/** Width of one margin lane (bracket plus gap), in pixels. */
export const LANE_PX = 9;
/**
 * Lanes a turn shows before it collapses the rest into a "+k" button (MAXQDA and ATLAS.ti keep the margin readable
 * the same way): with thousands of codings a turn may hold dozens of overlapping ones.
 */
export const MAX_LANES = 6;
/** Height of one bracket label line, in pixels (labels stack without overlapping). */
const LABEL_PX = 16;

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
  /** The short label beside a bracket: code name and coder initials. */
  tagOf: (coding: LayerCoding) => string;
  /** The width of the lanes (before the labels), in pixels. */
  lanesWidth: number;
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
  /** "Correct text" mode (owners): each turn offers its text for correction. */
  correcting: boolean;
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
const PENDING = '\u0000pending';
const LABEL = '\u0000label';

/**
 * One speaker turn: the text as segments highlighted by the codings covering them, coding stripes in a fixed-width
 * margin (so that nothing moves when others code), others' selections as overlays. Stripes and overlays are
 * positioned after layout from the rendered text; they never take part in the text's layout.
 */
export const TurnBlock = memo(function TurnBlock(props: BlockProps) {
  const { block, text, codings, colourOf, pending, remote, index, correcting, width, lanesWidth } = props;
  const textRoot = useRef<HTMLDivElement>(null);
  const [overlays, setOverlays] = useState<Overlay[]>(NO_OVERLAYS);
  const stripeList = useRef<HTMLUListElement>(null);
  const [editing, setEditing] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const more = useRef<HTMLLIElement>(null);
  if (editing && !correcting) setEditing(false);

  // The speaker label that opens the text is its own segment, hidden: the gutter shows the speaker once.
  const intervals: { id: string; start: number; end: number }[] = [...codings];
  if (pending) intervals.push({ id: PENDING, start: pending.start, end: pending.end });
  if (block.bodyStart > block.start) intervals.push({ id: LABEL, start: block.start, end: block.bodyStart });
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
    // Labels start right after the outermost bracket drawn in this turn (within the lanes' width unless expanded).
    const shownRight = boxes
      .filter((box) => expanded || (lanes.get(box.id) ?? 0) < MAX_LANES)
      .map((box) => (props.stripeBase.get(box.id) ?? 0) + ((lanes.get(box.id) ?? 0) + 1) * LANE_PX);
    const labelX = expanded ? Math.max(0, ...shownRight) : Math.min(lanesWidth, Math.max(0, ...shownRight));
    let hidden = 0;
    // Labels stack downwards from their bracket's top, in order of top, never over each other.
    const placedLabels: { id: string; top: number }[] = [];
    let labelFloor = Number.NEGATIVE_INFINITY;
    for (const box of [...boxes].sort((a, b) => a.top - b.top || (lanes.get(a.id) ?? 0) - (lanes.get(b.id) ?? 0))) {
      if (!expanded && (lanes.get(box.id) ?? 0) >= MAX_LANES) continue;
      const top = Math.max(box.top, labelFloor);
      placedLabels.push({ id: box.id, top });
      labelFloor = top + LABEL_PX;
    }
    const labelTop = new Map(placedLabels.map((label) => [label.id, label.top]));
    // Collapsed, labels stay within the turn's own height (so that no turn changes height as it scrolls in);
    // the codings whose bracket or label does not fit are counted in "+k", which expands the turn.
    const room = origin.height + LABEL_PX / 2;
    for (const button of buttons) {
      const box = byCoding.get(button.dataset.coding!);
      if (!box) continue;
      const lane = lanes.get(box.id) ?? 0;
      if (!expanded && lane >= MAX_LANES) {
        button.style.display = 'none';
        hidden++;
        continue;
      }
      const left = (props.stripeBase.get(box.id) ?? 0) + lane * LANE_PX;
      button.style.display = '';
      button.style.top = `${box.top}px`;
      button.style.height = `${Math.max(4, box.bottom - box.top)}px`;
      button.style.left = `${left}px`;
      button.style.visibility = 'visible';
      const label = button.querySelector<HTMLElement>('.stripe-label');
      if (label) {
        const top = labelTop.get(box.id) ?? box.top;
        const fits = expanded || top + LABEL_PX <= room;
        label.style.display = fits ? '' : 'none';
        if (!fits) hidden++;
        label.style.left = `${labelX - left}px`;
        label.style.top = `${top - box.top}px`;
      }
    }
    // Expanded, the margin grows the turn to hold every label.
    if (stripeList.current) stripeList.current.style.minHeight = expanded ? `${Math.max(0, labelFloor)}px` : '';
    // "+k" is written straight to the DOM as well, for the same reason as the stripes.
    const toggle = more.current;
    if (toggle) {
      toggle.hidden = hidden === 0 && !expanded;
      const count = toggle.querySelector('.more-count');
      if (count) count.textContent = expanded ? 'Fewer' : `+${hidden}`;
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
  }, [codings, remote, text, block.start, block.end, editing, width, props.stripeLane, props.stripeBase, expanded]);

  const openAt = (ids: string[], target: Element) => {
    if (ids.length > 0) props.onOpenCodings(ids, target.getBoundingClientRect());
  };

  const time = block.time !== undefined ? formatTime(block.time) : null;
  return (
    <article
      className={correcting ? 'block correcting' : 'block'}
      data-block-start={block.start}
      data-block-end={block.end}
      data-index={index}
      tabIndex={props.focusable ? 0 : -1}
      aria-label={`${block.speaker || `Paragraph ${index + 1}`}${time !== null ? ` at ${time}` : ''}`}
      onKeyDown={(event) => {
        if (event.target === event.currentTarget) props.onKeyDown(event, block, index);
      }}
      onFocus={(event) => event.target === event.currentTarget && props.onFocusBlock(index)}
    >
      <header className="turn-gutter">
        {block.speaker && (
          <span className="speaker" title={block.speaker}>
            {block.speaker}
          </span>
        )}
        <span className="turn-meta">
          <span className="turn-number" title="Turn">
            {index + 1}
          </span>
          {time !== null && <span className="time">{time}</span>}
        </span>
        {correcting && !editing && (
          <button
            type="button"
            className="edit-text"
            aria-label={`Correct the text of turn ${index + 1}`}
            onClick={() => setEditing(true)}
          >
            Edit
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
              const segText = text.slice(seg.start - block.start, seg.end - block.start);
              if (seg.covering.includes(LABEL)) {
                return (
                  <span key={seg.start} className="speaker-prefix">
                    {segText}
                  </span>
                );
              }
              const covering = seg.covering.filter((id) => byId.has(id));
              const colours = [...new Set(covering.map((id) => colourOf(byId.get(id)!)))];
              const isPending = seg.covering.includes(PENDING);
              return (
                <span
                  key={seg.start}
                  data-ids={covering.length > 0 ? covering.join(' ') : undefined}
                  className={isPending ? 'seg pending' : covering.length > 0 ? 'seg coded' : undefined}
                  style={colours.length > 0 ? { background: highlightBackground(colours) } : undefined}
                >
                  {segText}
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
                data-name={overlay.name}
                style={{ ...rect, ['--who' as string]: overlay.colour }}
              >
                {i === 0 && <span className="remote-name">{overlay.name}</span>}
              </div>
            )),
          )}
        </div>
      </div>
      <ul className={expanded ? 'stripes expanded' : 'stripes'} aria-label="Codings in this turn" ref={stripeList}>
        {codings.map((coding) => {
          const label = props.labelOf(coding);
          return (
            <li key={coding.id}>
              <button
                type="button"
                className="stripe"
                data-coding={coding.id}
                // The visible tag starts the name (WCAG 2.5.3 label in name: voice users say what they see).
                aria-label={`${props.tagOf(coding)}: ${label}`}
                title={label}
                style={{ ['--code' as string]: colourOf(coding) }}
                onClick={(event) => openAt([coding.id], event.currentTarget)}
              >
                <span className="stripe-label" aria-hidden="true">
                  {props.tagOf(coding)}
                </span>
              </button>
            </li>
          );
        })}
        <li className="more-codings" ref={more} hidden>
          <button type="button" aria-expanded={expanded} onClick={() => setExpanded((was) => !was)}>
            <span className="more-count" />
            <span className="visually-hidden"> codings in this turn</span>
          </button>
        </li>
      </ul>
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
