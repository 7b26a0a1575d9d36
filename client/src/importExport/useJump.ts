import type { Virtualizer } from '@tanstack/react-virtual';
import { type RefObject, useEffect, useState } from 'react';
import { offsetToPoint } from '../coding/offsets.js';
import { blockIndexAt, clampPassage, type Passage } from './passage.js';

/** How long the passage stays highlighted. */
export const JUMP_HIGHLIGHT_MS = 3000;
const HIGHLIGHT = 'accord-jump';
/** At most this many frames waiting for the virtualiser to render and settle the turn. */
const MAX_FRAMES = 90;

/**
 * Scrolls the virtualised reader to the turn containing `passage.start`, then highlights the passage for a few
 * seconds (CSS Custom Highlight API; the turn is also outlined, which is all older browsers get) and focuses the
 * turn, so keyboard users continue from there. Returns the index of the outlined turn while it is outlined.
 */
export function usePassageJump(
  scroller: RefObject<HTMLDivElement | null>,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  blocks: readonly Passage[],
  passage: Passage | null | undefined,
  focusIndex: (index: number) => void,
): number | null {
  const [outlined, setOutlined] = useState<number | null>(null);
  const key = passage ? `${passage.start}-${passage.end}` : '';
  const ready = blocks.length > 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per passage, as soon as there is text to show
  useEffect(() => {
    const target = passage && ready ? clampPassage(passage, blocks[blocks.length - 1]!.end) : null;
    if (!target) return;
    const index = blockIndexAt(blocks, target.start);
    focusIndex(index);
    virtualizer.scrollToIndex(index, { align: 'start' });
    let cancelled = false;
    let frames = 0;
    let lastTop: number | null = null;
    let stable = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const settle = () => {
      if (cancelled) return;
      const root = scroller.current;
      const slot = root?.querySelector<HTMLElement>(`.block-slot[data-index="${index}"]`);
      frames++;
      if (root && slot) {
        // The virtualiser measures turns as they appear and may correct the scroll; wait until it holds still.
        const top = slot.getBoundingClientRect().top;
        stable = lastTop !== null && Math.abs(top - lastTop) < 1 ? stable + 1 : 0;
        lastTop = top;
      }
      const settled = root && slot && stable >= 2;
      if (!settled && frames < MAX_FRAMES) {
        requestAnimationFrame(settle);
        return;
      }
      if (!root || !slot) return;
      const ranges = passageRanges(root, target);
      const first = ranges[0]?.getBoundingClientRect();
      const box = root.getBoundingClientRect();
      // A long turn: bring the passage itself into view, a third from the top.
      if (first && (first.top < box.top || first.bottom > box.bottom)) {
        root.scrollTop += first.top - box.top - box.height / 3;
      }
      if (ranges.length > 0 && typeof CSS !== 'undefined' && 'highlights' in CSS) {
        CSS.highlights.set(HIGHLIGHT, new Highlight(...ranges));
      }
      root.dataset.jump = key;
      setOutlined(index);
      slot.querySelector<HTMLElement>('[data-block-start]')?.focus({ preventScroll: true });
      timer = setTimeout(() => {
        if (typeof CSS !== 'undefined' && 'highlights' in CSS) CSS.highlights.delete(HIGHLIGHT);
        delete root.dataset.jump;
        setOutlined(null);
      }, JUMP_HIGHLIGHT_MS);
    };
    requestAnimationFrame(settle);
    return () => {
      cancelled = true;
      if (timer !== null) clearTimeout(timer);
      if (typeof CSS !== 'undefined' && 'highlights' in CSS) CSS.highlights.delete(HIGHLIGHT);
    };
  }, [key, ready]);
  return outlined;
}

/** DOM ranges covering the passage in the turns that are rendered (one per turn it overlaps). */
export function passageRanges(root: HTMLElement, passage: Passage): Range[] {
  const ranges: Range[] = [];
  for (const text of root.querySelectorAll<HTMLElement>('[data-text-start]')) {
    const block = text.closest<HTMLElement>('[data-block-start]');
    if (!block) continue;
    const start = Math.max(passage.start, Number(block.dataset.blockStart));
    const end = Math.min(passage.end, Number(block.dataset.blockEnd));
    if (end <= start) continue;
    const from = offsetToPoint(text, start);
    const to = offsetToPoint(text, end);
    const range = text.ownerDocument.createRange();
    range.setStart(from.node, from.offset);
    range.setEnd(to.node, to.offset);
    ranges.push(range);
  }
  return ranges;
}
