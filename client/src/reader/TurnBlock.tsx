import { type KeyboardEvent, memo, type RefObject, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type Block, formatTime, hasOtherDirection } from '../coding/blocks.js';
import { highlightBackground, textOn } from '../coding/colours.js';
import { packStripes, type StripeBox } from '../coding/lanes.js';
import { offsetToPoint } from '../coding/offsets.js';
import { type Segment, segment } from '../coding/segments.js';
import { useT } from '../i18n/index.js';
import { AlignTurn, TurnTime, useCurrentTurn } from '../media/turns.js';
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
   * Margin layout: the lane over the whole text of each coding that crosses into another block (it keeps that lane,
   * so that its bracket continues; the others are packed per block), and the x where each coding's lane group
   * starts (one group, or one per coder when comparing).
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

const PENDING = '\u0000pending';
const LABEL = '\u0000label';

/**
 * One speaker turn: the text as segments highlighted by the codings covering them, coding brackets in a fixed-width
 * margin (so that nothing moves when others code), others' selections as overlays. Brackets and overlays are
 * placed from the laid-out text (`Margin`, `Overlays`); they never take part in the text's layout.
 */
export const TurnBlock = memo(function TurnBlock(props: BlockProps) {
  const { block, text, codings, colourOf, pending, remote, index, correcting, width } = props;
  const textRoot = useRef<HTMLDivElement>(null);
  const [editing, setEditing] = useState(false);
  if (editing && !correcting) setEditing(false);

  // The speaker label that opens the text is its own segment, hidden: the gutter shows the speaker once.
  const segments = useMemo(() => {
    const intervals: { id: string; start: number; end: number }[] = [...codings];
    if (pending) intervals.push({ id: PENDING, start: pending.start, end: pending.end });
    if (block.bodyStart > block.start) intervals.push({ id: LABEL, start: block.start, end: block.bodyStart });
    return segment(block.start, block.end, intervals);
  }, [codings, pending, block.start, block.end, block.bodyStart]);
  const byId = new Map(codings.map((coding) => [coding.id, coding]));

  const openAt = (ids: string[], target: Element) => {
    if (ids.length > 0) props.onOpenCodings(ids, target.getBoundingClientRect());
  };

  const time = block.time !== undefined ? formatTime(block.time) : null;
  // The turn being heard in the recording (media/turns.tsx); always false without one.
  const heard = useCurrentTurn(index);
  const t = useT();
  return (
    <article
      className={`${correcting ? 'block correcting' : 'block'}${heard ? ' playing' : ''}`}
      aria-current={heard ? 'time' : undefined}
      // The turn's direction from its own text: an Arabic or Hebrew turn reads from the right, its gutter on the
      // right and its margin on the left; a turn in another script in the same transcript keeps its own.
      dir={block.dir}
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
          <span className="speaker" title={block.speaker} dir="auto">
            {block.speaker}
          </span>
        )}
        <span className="turn-meta">
          <span className="turn-number" title={t('turn.turn')}>
            {index + 1}
          </span>
          <TurnTime block={block} index={index} />
        </span>
        <AlignTurn block={block} index={index} />
        {correcting && !editing && (
          <button
            type="button"
            className="edit-text"
            aria-label={t('turn.correct', { number: index + 1 })}
            onClick={() => setEditing(true)}
          >
            {t('turn.edit')}
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
        {remote.length > 0 && !editing && (
          <Overlays block={block} remote={remote} segments={segments} width={width} textRoot={textRoot} />
        )}
      </div>
      <Margin
        block={block}
        codings={codings}
        segments={segments}
        editing={editing}
        width={width}
        textRoot={textRoot}
        lanesWidth={props.lanesWidth}
        stripeLane={props.stripeLane}
        stripeBase={props.stripeBase}
        colourOf={colourOf}
        labelOf={props.labelOf}
        tagOf={props.tagOf}
        onOpen={openAt}
      />
    </article>
  );
});

/** Where one bracket goes in a turn's margin, and its label when it fits. */
interface Placed {
  id: string;
  left: number;
  top: number;
  height: number;
  /** The label's position relative to its bracket; null when it does not fit (it counts in "+k"). */
  label: { left: number; top: number } | null;
}

interface MarginLayout {
  placed: Placed[];
  /** Codings whose bracket or label is not shown (the "+k" count). */
  hidden: number;
  /** Expanded, the height the labels need (the margin grows the turn to hold them). */
  minHeight: number;
}

interface MarginProps {
  block: Block;
  codings: readonly LayerCoding[];
  segments: readonly Segment[];
  editing: boolean;
  width: number;
  textRoot: RefObject<HTMLDivElement | null>;
  lanesWidth: number;
  stripeLane: ReadonlyMap<string, number>;
  stripeBase: ReadonlyMap<string, number>;
  colourOf: (coding: LayerCoding) => string;
  labelOf: (coding: LayerCoding) => string;
  tagOf: (coding: LayerCoding) => string;
  onOpen: (ids: string[], target: Element) => void;
}

/**
 * The margin of a turn: labelled brackets in lanes, "+k" for what does not fit. The brackets are rendered only
 * once the text is laid out and measured (in the same commit, before paint), each with its final position, and
 * only those shown: a turn scrolling into view is styled and laid out once, not once hidden and again placed.
 */
const Margin = memo(function Margin(props: MarginProps) {
  const { block, codings, segments, editing, width, textRoot, lanesWidth, stripeLane, stripeBase } = props;
  const [expanded, setExpanded] = useState(false);
  const [layout, setLayout] = useState<MarginLayout | null>(null);
  const t = useT();

  // biome-ignore lint/correctness/useExhaustiveDependencies: segments and width re-measure after the text re-wraps
  useLayoutEffect(() => {
    const root = textRoot.current;
    if (!root || editing) return;
    if (codings.length === 0) {
      setLayout(null);
      return;
    }
    setLayout(placeStripes(root, block, segments, codings, stripeLane, stripeBase, lanesWidth, expanded));
  }, [codings, segments, block, editing, width, stripeLane, stripeBase, lanesWidth, expanded]);

  const byId = useMemo(() => new Map(codings.map((coding) => [coding.id, coding])), [codings]);
  const hidden = layout?.hidden ?? 0;
  // A group of buttons rather than a list: no wrapper element per bracket (a turn scrolling in creates, styles and
  // lays out a third fewer elements in its margin).
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of buttons beside the text, not a form's fieldset
    <div
      role="group"
      className={expanded ? 'stripes expanded' : 'stripes'}
      aria-label={t('turn.codings')}
      style={expanded && layout ? { minHeight: layout.minHeight } : undefined}
    >
      {layout?.placed.map((place) => {
        const coding = byId.get(place.id);
        if (!coding) return null;
        const label = props.labelOf(coding);
        const tag = props.tagOf(coding);
        return (
          <button
            key={place.id}
            type="button"
            className="stripe"
            data-coding={place.id}
            // The visible tag starts the name (WCAG 2.5.3 label in name: voice users say what they see).
            aria-label={`${tag}: ${label}`}
            title={label}
            style={{
              ['--code' as string]: props.colourOf(coding),
              insetInlineStart: place.left,
              top: place.top,
              height: place.height,
            }}
            onClick={(event) => props.onOpen([place.id], event.currentTarget)}
          >
            {place.label && (
              <span
                className="stripe-label"
                aria-hidden="true"
                style={{ insetInlineStart: place.label.left, top: place.label.top }}
              >
                <Isolated tag={tag} dir={block.dir} />
              </span>
            )}
          </button>
        );
      })}
      {(hidden > 0 || expanded) && (
        <button
          type="button"
          className="more-codings"
          aria-expanded={expanded}
          onClick={() => setExpanded((was) => !was)}
        >
          {/* In the interface's direction: "+2", not "2+", in a right-to-left turn of an English page. */}
          <span className="more-count" dir="auto">
            {expanded ? t('turn.fewer') : `+${hidden}`}
          </span>
          <span className="visually-hidden">{t('turn.moreCodings')}</span>
        </button>
      )}
    </div>
  );
});

/**
 * A bracket's tag, "code name · initials", with each part isolated when the tag has letters of the other direction
 * than its turn: an Arabic code name beside Latin initials, or a Latin tag in a right-to-left turn, keeps each part
 * whole and in order. A tag all in its turn's direction (the usual case) stays a single text node.
 */
function Isolated({ tag, dir }: { tag: string; dir: 'ltr' | 'rtl' }) {
  if (!hasOtherDirection(tag, dir)) return tag;
  const at = tag.lastIndexOf(' · ');
  if (at < 0) return <bdi>{tag}</bdi>;
  return (
    <>
      <bdi>{tag.slice(0, at)}</bdi> · <bdi>{tag.slice(at + 3)}</bdi>
    </>
  );
}

/**
 * Measures the codings' extent in the laid-out text and places their brackets: lanes packed by pixels, labels
 * stacked downwards from their bracket's top without overlapping and, collapsed, within the turn's own height.
 * Extents come from the highlighted segments' boxes (each coding starts and ends on a segment boundary), one
 * layout for the whole turn.
 */
function placeStripes(
  root: HTMLElement,
  block: Block,
  segments: readonly Segment[],
  codings: readonly LayerCoding[],
  stripeLane: ReadonlyMap<string, number>,
  stripeBase: ReadonlyMap<string, number>,
  lanesWidth: number,
  expanded: boolean,
): MarginLayout {
  const origin = root.getBoundingClientRect();
  const spans = root.children;
  // The vertical extent of each drawn segment (null for the hidden speaker label), read once.
  const extents = segments.map((_, i) => {
    const span = spans[i];
    if (!span || span.classList.contains('speaker-prefix')) return null;
    const box = span.getBoundingClientRect();
    return box.width === 0 && box.height === 0 ? null : { top: box.top - origin.top, bottom: box.bottom - origin.top };
  });
  const boxes = codings.map((coding): StripeBox => {
    let top = Number.POSITIVE_INFINITY;
    let bottom = Number.NEGATIVE_INFINITY;
    for (let i = firstSegmentAt(segments, coding.start); i < segments.length; i++) {
      const seg = segments[i]!;
      if (seg.start >= coding.end) break;
      const extent = extents[i];
      if (!extent) continue;
      top = Math.min(top, extent.top);
      bottom = Math.max(bottom, extent.bottom);
    }
    if (top > bottom) {
      top = 0;
      bottom = origin.height;
    }
    const crosses = coding.start < block.start || coding.end > block.end;
    const lane = stripeLane.get(coding.id);
    return crosses && lane !== undefined ? { id: coding.id, top, bottom, lane } : { id: coding.id, top, bottom };
  });
  const lanes = packStripes(boxes);
  const laneOf = (box: StripeBox) => lanes.get(box.id) ?? 0;
  const shown = boxes.filter((box) => expanded || laneOf(box) < MAX_LANES);
  let hidden = boxes.length - shown.length;
  // Labels start right after the outermost bracket drawn in this turn (within the lanes' width unless expanded).
  const shownRight = shown.map((box) => (stripeBase.get(box.id) ?? 0) + (laneOf(box) + 1) * LANE_PX);
  const labelX = expanded ? Math.max(0, ...shownRight) : Math.min(lanesWidth, Math.max(0, ...shownRight));
  // Collapsed, labels stay within the turn's own height (so that no turn changes height as it scrolls in); the
  // codings whose label does not fit are counted in "+k", which expands the turn.
  const room = origin.height + LABEL_PX / 2;
  const placed: Placed[] = [];
  let labelFloor = Number.NEGATIVE_INFINITY;
  for (const box of [...shown].sort((a, b) => a.top - b.top || laneOf(a) - laneOf(b))) {
    const left = (stripeBase.get(box.id) ?? 0) + laneOf(box) * LANE_PX;
    const labelTop = Math.max(box.top, labelFloor);
    const fits = expanded || labelTop + LABEL_PX <= room;
    if (fits) labelFloor = labelTop + LABEL_PX;
    else hidden++;
    placed.push({
      id: box.id,
      left,
      top: box.top,
      height: Math.max(4, box.bottom - box.top),
      label: fits ? { left: labelX - left, top: labelTop - box.top } : null,
    });
  }
  return { placed, hidden, minHeight: Math.max(0, labelFloor) };
}

/** The index of the segment containing `offset` (0 before the first), by binary search over their starts. */
function firstSegmentAt(segments: readonly Segment[], offset: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (segments[mid]!.start <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Others' selections and cursors over the text, tinted in their colour, with their name. */
function Overlays(props: {
  block: Block;
  remote: readonly RemoteSelection[];
  segments: readonly Segment[];
  width: number;
  textRoot: RefObject<HTMLDivElement | null>;
}) {
  const { block, remote, segments, width, textRoot } = props;
  const [overlays, setOverlays] = useState<Overlay[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: segments and width re-measure after the text re-wraps
  useLayoutEffect(() => {
    const root = textRoot.current;
    if (!root) return;
    const origin = root.getBoundingClientRect();
    setOverlays(
      remote.map((selection) => {
        const range = document.createRange();
        const from = offsetToPoint(root, Math.max(selection.start, block.start));
        const to = offsetToPoint(root, Math.min(selection.end, block.end));
        range.setStart(from.node, from.offset);
        range.setEnd(to.node, to.offset);
        const rects = [...range.getClientRects()].map((r) => ({
          left: r.left - origin.left,
          top: r.top - origin.top,
          width: Math.max(2, r.width),
          height: r.height,
        }));
        return { key: String(selection.clientId), colour: selection.colour, name: selection.name, rects };
      }),
    );
  }, [remote, segments, block, width]);
  return (
    <div className="overlays" aria-hidden="true">
      {overlays.map((overlay) =>
        overlay.rects.map((rect, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: rects of one selection have no identity but their order
            key={`${overlay.key}-${i}`}
            className={rect.width <= 2 ? 'remote-caret' : 'remote-selection'}
            data-name={overlay.name}
            // The name in black or white, whichever reads on the person's colour (in either theme).
            style={{ ...rect, ['--who' as string]: overlay.colour, ['--who-text' as string]: textOn(overlay.colour) }}
          >
            {i === 0 && <span className="remote-name">{overlay.name}</span>}
          </div>
        )),
      )}
    </div>
  );
}

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
  const t = useT();
  useLayoutEffect(() => area.current?.focus(), []);
  return (
    <div className="correction">
      <textarea
        ref={area}
        aria-label={t('turn.corrected')}
        dir="auto"
        value={draft}
        rows={Math.min(20, Math.max(3, Math.ceil(text.length / 80)))}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => event.key === 'Escape' && onCancel()}
      />
      <p className="muted">{t('turn.correctionHint')}</p>
      <button type="button" onClick={() => onSave(draft)}>
        {t('turn.save')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
