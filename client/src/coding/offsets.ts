/**
 * DOM <-> text offsets for the reader. Each block element carries `data-block-start`/`data-block-end` (UTF-16
 * offsets into the transcript text) and contains one text root (`data-text-start`) whose text nodes are exactly
 * the block's text, in order. The offset of a DOM point inside a text root is the block start plus the length of
 * the text between the root's start and the point (a Range's `toString()` counts UTF-16 code units, like Y.Text).
 * Labels, stripes and overlays live outside the text root, so they never count.
 */
export const BLOCK_SELECTOR = '[data-block-start]';
export const TEXT_ROOT_SELECTOR = '[data-text-start]';

export function pointToOffset(node: Node, offset: number): number | null {
  const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  const block = element?.closest<HTMLElement>(BLOCK_SELECTOR);
  if (!block) return pointBetweenBlocks(node, offset);
  const blockStart = Number(block.dataset.blockStart);
  const blockEnd = Number(block.dataset.blockEnd);
  const root = block.querySelector<HTMLElement>(TEXT_ROOT_SELECTOR);
  if (!root) return blockStart;
  if (root === node || root.contains(node)) {
    const range = node.ownerDocument!.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return Math.min(blockEnd, blockStart + range.toString().length);
  }
  // A point in the block but outside its text (the speaker label before it, the margin after it).
  const before = root.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING;
  return before ? blockStart : blockEnd;
}

/** A point in the list element between two blocks (triple-click selections end there): the edge of a block. */
function pointBetweenBlocks(node: Node, offset: number): number | null {
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const children = node.childNodes;
  for (let i = offset; i < children.length; i++) {
    const block = blockIn(children[i]!, 'first');
    if (block) return Number(block.dataset.blockStart);
  }
  for (let i = Math.min(offset, children.length) - 1; i >= 0; i--) {
    const block = blockIn(children[i]!, 'last');
    if (block) return Number(block.dataset.blockEnd);
  }
  return null;
}

function blockIn(node: Node, which: 'first' | 'last'): HTMLElement | null {
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const element = node as HTMLElement;
  if (element.matches(BLOCK_SELECTOR)) return element;
  const all = element.querySelectorAll<HTMLElement>(BLOCK_SELECTOR);
  return (which === 'first' ? all[0] : all[all.length - 1]) ?? null;
}

/** The text offsets of a DOM range, trimmed of surrounding whitespace; null when it selects no text. */
export function rangeToOffsets(range: AbstractRange, text: string): { start: number; end: number } | null {
  const start = pointToOffset(range.startContainer, range.startOffset);
  const end = pointToOffset(range.endContainer, range.endOffset);
  if (start === null || end === null) return null;
  return trimRange(text, Math.min(start, end), Math.max(start, end));
}

/** Narrows `[start, end)` so that it neither starts nor ends with whitespace; null when nothing is left. */
export function trimRange(text: string, start: number, end: number): { start: number; end: number } | null {
  let s = Math.max(0, start);
  let e = Math.min(text.length, end);
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  return e > s ? { start: s, end: e } : null;
}

/** The DOM point of a text offset inside a text root (for drawing others' selections and restoring ours). */
export function offsetToPoint(root: HTMLElement, offset: number): { node: Node; offset: number } {
  let remaining = offset - Number(root.dataset.textStart);
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let last: Text | null = null;
  for (let node = walker.nextNode() as Text | null; node !== null; node = walker.nextNode() as Text | null) {
    if (remaining <= node.data.length) return { node, offset: Math.max(0, remaining) };
    remaining -= node.data.length;
    last = node;
  }
  return last ? { node: last, offset: last.data.length } : { node: root, offset: 0 };
}
